-- Ownership (SPEC §12): every tenant has one owner, a manager nobody else
-- can remove, disable or demote. Existing tenants: the earliest ACTIVE
-- manager.
ALTER TABLE tenants ADD COLUMN owner_member_id BIGINT;
UPDATE tenants SET owner_member_id = (
    SELECT m.id FROM members m
     WHERE m.tenant_id = tenants.id AND m.status = 'ACTIVE'
       AND m.roles LIKE '%"extractor-manager"%'
     ORDER BY m.created_at, m.id LIMIT 1);
-- When the managers were last mailed about join requests (at most one
-- digest an hour).
ALTER TABLE tenants ADD COLUMN requests_mailed_at BIGINT;

-- The pending nomination of a new owner: at most one per tenant. The
-- mailed token is stored as its SHA-256; the row goes when the transfer
-- is accepted, declined or cancelled, so a used link finds nothing.
CREATE TABLE ownership_transfers (
    tenant_id         BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    nominee_member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash        TEXT   NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX ownership_transfers_token_key ON ownership_transfers (token_hash);

-- A shareable link either admits at once ('join') or takes requests.
ALTER TABLE invite_links ADD COLUMN mode TEXT NOT NULL DEFAULT 'join';

-- Join requests (SPEC §12): a verified person asks, a manager decides.
-- 'pending' past expires_at reads as expired.
CREATE TABLE join_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    via             TEXT   NOT NULL,      -- 'domain' or 'link'
    source_id       BIGINT NOT NULL,      -- the tenant_domains or invite_links row
    roles           TEXT   NOT NULL,      -- JSON role names the source offers
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    message         TEXT   NOT NULL,
    status          TEXT   NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
    decided_by      BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    decided_at      BIGINT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
-- One pending request per person and tenant.
CREATE UNIQUE INDEX join_requests_one_pending_key ON join_requests (tenant_id, account_id)
    WHERE status = 'pending';
-- /t/{id}/requests and the digest: a tenant's pending requests, newest first.
CREATE INDEX join_requests_tenant_status_idx ON join_requests (tenant_id, status, id);
-- The hourly digest: pending requests not expired, across tenants.
CREATE INDEX join_requests_pending_idx ON join_requests (status, expires_at);
