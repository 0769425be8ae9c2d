-- Portico's schema (SPEC §1) for SQLite. The PostgreSQL twin lives in
-- ../postgres with the same tables, columns and indexes; only the id column
-- syntax differs. Timestamps are int64 milliseconds since the Unix epoch,
-- booleans are 0/1 integers and JSON values are TEXT, so that one set of
-- queries runs on both databases through sqlx's Any driver.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    email             TEXT    NOT NULL,   -- trimmed and lower-cased
    password_hash     TEXT    NOT NULL,
    first_name        TEXT    NOT NULL,
    last_name         TEXT    NOT NULL,
    email_verified_at BIGINT,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);

CREATE TABLE tenants (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE projects (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX projects_tenant_idx ON projects (tenant_id);

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX organisations_tenant_idx ON organisations (tenant_id);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status          TEXT   NOT NULL CHECK (status IN ('ACTIVE', 'DISABLED', 'DELETED')),
    roles           TEXT   NOT NULL,      -- JSON array of role names, never empty
    organisation_id BIGINT REFERENCES organisations (id),
    meta            TEXT   NOT NULL DEFAULT '{}',
    external_id     TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX members_tenant_account_key ON members (tenant_id, account_id);
CREATE INDEX members_tenant_status_idx ON members (tenant_id, status);
CREATE INDEX members_account_idx ON members (account_id);

CREATE TABLE invites (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email           TEXT   NOT NULL,      -- trimmed and lower-cased
    roles           TEXT   NOT NULL,      -- JSON array of role names
    organisation_id BIGINT REFERENCES organisations (id),
    message         TEXT,
    first_name      TEXT,
    last_name       TEXT,
    redirect_url    TEXT,
    url             TEXT,
    token_hash      TEXT   NOT NULL,      -- hex SHA-256 of the token
    previous_token_hash TEXT,             -- the link a resend replaced, to say so
    status          TEXT   NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
    expired_at      BIGINT NOT NULL,
    invited_by      BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    accepted_by     BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    send_email      INTEGER NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX invites_token_hash_key ON invites (token_hash);
CREATE INDEX invites_previous_token_hash_idx ON invites (previous_token_hash);
CREATE INDEX invites_tenant_status_idx ON invites (tenant_id, status);
CREATE INDEX invites_tenant_email_idx ON invites (tenant_id, email);
-- At most one pending invite per (tenant, email): re-inviting refreshes it.
CREATE UNIQUE INDEX invites_one_pending_key ON invites (tenant_id, email) WHERE status = 'pending';

-- Single-use tokens mailed to an account: email verification and password reset.
CREATE TABLE account_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose    TEXT   NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX account_tokens_token_hash_key ON account_tokens (token_hash);
CREATE INDEX account_tokens_account_idx ON account_tokens (account_id, purpose);

CREATE TABLE outbox_mail (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    to_address      TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    locked_until    BIGINT,
    sent_at         BIGINT,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX outbox_mail_due_idx ON outbox_mail (sent_at, next_attempt_at);

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  BIGINT REFERENCES tenants (id) ON DELETE CASCADE,
    actor_id   BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    actor      TEXT   NOT NULL,           -- email or name at the time of the event
    action     TEXT   NOT NULL,
    target     TEXT   NOT NULL,
    details    TEXT   NOT NULL DEFAULT '{}',
    at         BIGINT NOT NULL
);
CREATE INDEX audit_events_tenant_at_idx ON audit_events (tenant_id, at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    prefix       TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL,
    last_used_at BIGINT,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);

-- tower-sessions records, serialised as JSON. account_id copies the signed-in
-- account out of the record so that "sign out everywhere" is one DELETE.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    data        TEXT   NOT NULL,
    expiry_date BIGINT NOT NULL,
    account_id  BIGINT
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry_date);
CREATE INDEX sessions_account_idx ON sessions (account_id);
