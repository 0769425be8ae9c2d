-- Trust (issue 8): credentials that can be revoked, what proves a mailbox,
-- and rate limits shared by every instance on one database.

-- Bumped by password reset, password change and the first verification of
-- the address; sessions and JWTs carry the version they were issued under
-- and stop working when it moves on.
ALTER TABLE accounts ADD COLUMN credentials_version BIGINT NOT NULL DEFAULT 0;

-- 1 when the invitation's current token went out in a mail Portico sent to
-- the invited address: only then does accepting it prove the mailbox.
ALTER TABLE invites ADD COLUMN token_mailed INTEGER NOT NULL DEFAULT 0;
UPDATE invites SET token_mailed = send_email;

-- Fixed-window counters, one row per limited key (a hash, so its size is
-- bounded whatever the client sends). One upsert per hit.
CREATE TABLE rate_limits (
    key          TEXT   PRIMARY KEY NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);

-- The email-match flow looks pending invitations up by email alone.
CREATE INDEX invites_email_status_idx ON invites (email, status);
