-- No dead links in mail (issue 12): an invitation's mail knows its invitation,
-- so a resend, refresh, copied link or revocation can cancel the mail that
-- carries the replaced link while it is still unsent.
ALTER TABLE outbox_mail ADD COLUMN invite_id BIGINT;
CREATE INDEX outbox_mail_unsent_invite_idx ON outbox_mail (invite_id) WHERE sent_at IS NULL;
