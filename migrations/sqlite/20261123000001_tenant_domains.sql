-- Verified domains of a tenant (SPEC §9): a manager whose own email is
-- verified at the domain adds it; with join_policy 'auto', people whose
-- verified email is at the domain may join with join_roles from /account.
CREATE TABLE tenant_domains (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    domain      TEXT   NOT NULL,              -- lower-case, without '@'
    join_policy TEXT   NOT NULL DEFAULT 'off', -- 'off' or 'auto'
    join_roles  TEXT   NOT NULL,              -- JSON array of role names
    added_by    BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX tenant_domains_tenant_domain_key ON tenant_domains (tenant_id, domain);
-- "Tenants you can join": the auto-join domains of one email's domain.
CREATE INDEX tenant_domains_domain_idx ON tenant_domains (domain, join_policy);
