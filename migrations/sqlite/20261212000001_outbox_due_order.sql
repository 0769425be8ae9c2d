-- The mail worker claims the oldest due mails in this index's own order
-- (`sent_at, next_attempt_at, id`), so a claim reads its batch and stops
-- instead of sorting the whole backlog. PostgreSQL needs `id` in the index
-- for that order; SQLite's index ends with the rowid anyway, and has it
-- here too so that both schemas say the same.
DROP INDEX outbox_mail_due_idx;
CREATE INDEX outbox_mail_due_idx ON outbox_mail (sent_at, next_attempt_at, id);
