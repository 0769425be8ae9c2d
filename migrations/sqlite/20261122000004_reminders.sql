-- One reminder per invitation (SPEC §5): when it was sent. Due reminders are
-- found through invites_pending_expiry_idx (pending, by expiry).
ALTER TABLE invites ADD COLUMN reminded_at BIGINT;
