-- Shareable invitation links (SPEC §9): a code anyone holding it may use to
-- join, up to max_uses times, until expires_at, optionally only with an
-- email at allowed_domain. Only the code's SHA-256 is stored. `uses` is
-- counted by the conditional UPDATE that admits a joiner, so never more
-- than max_uses join.
CREATE TABLE invite_links (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    code_hash       TEXT   NOT NULL,
    roles           TEXT   NOT NULL,      -- JSON array of role names
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE CASCADE, -- its links go with it
    max_uses        BIGINT NOT NULL,
    uses            BIGINT NOT NULL DEFAULT 0,
    expires_at      BIGINT NOT NULL,
    allowed_domain  TEXT,                 -- lower-case, without '@'
    revoked_at      BIGINT,
    created_by      BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX invite_links_code_hash_key ON invite_links (code_hash);
CREATE INDEX invite_links_tenant_idx ON invite_links (tenant_id, id);
