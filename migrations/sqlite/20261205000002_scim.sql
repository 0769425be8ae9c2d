-- Provisioning from a tenant's directory (SCIM 2.0, SPEC §11).
--
-- scim_tokens: the directory's bearer tokens, one tenant each; only the
-- token's SHA-256 is stored (shown once when made).
CREATE TABLE scim_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL,
    created_by   BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX scim_tokens_token_hash_key ON scim_tokens (token_hash);
CREATE INDEX scim_tokens_tenant_idx ON scim_tokens (tenant_id);

-- A User the directory provisioned: the member it stands for and the
-- attributes as the directory last sent them (a JSON object). `user_key`
-- is the lower-cased userName (userName is case-insensitive, RFC 7643
-- §4.1.1); the account's own email never changes through SCIM.
-- `manages_roles`: the directory brought the person in, so their roles
-- follow its groups; a member who was already there keeps theirs.
CREATE TABLE scim_users (
    id            TEXT   PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id     BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    user_key      TEXT   NOT NULL,
    external_id   TEXT,
    attributes    TEXT   NOT NULL,
    manages_roles BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX scim_users_user_key ON scim_users (tenant_id, user_key);
CREATE UNIQUE INDEX scim_users_member_key ON scim_users (member_id);
CREATE INDEX scim_users_external_idx ON scim_users (tenant_id, external_id);
CREATE INDEX scim_users_list_idx ON scim_users (tenant_id, created_at, id);

-- A Group as the directory sends it, and the roles (and organisation) a
-- manager mapped it to on /t/{id}/directory. Members are rows of
-- scim_group_members, never a JSON list, so adding one person to a group
-- of 100,000 writes one row.
CREATE TABLE scim_groups (
    id              TEXT   PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    display_key     TEXT   NOT NULL,
    external_id     TEXT,
    attributes      TEXT   NOT NULL,
    roles           TEXT,            -- JSON role names; NULL: not mapped
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    version         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX scim_groups_display_idx ON scim_groups (tenant_id, display_key);
CREATE INDEX scim_groups_external_idx ON scim_groups (tenant_id, external_id);
CREATE INDEX scim_groups_list_idx ON scim_groups (tenant_id, created_at, id);

CREATE TABLE scim_group_members (
    group_id TEXT NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES scim_users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scim_group_members_user_idx ON scim_group_members (user_id);

-- The roles a provisioned member holds when no mapped group gives any.
ALTER TABLE tenants ADD COLUMN directory_roles TEXT NOT NULL DEFAULT '["extractor-user"]';

-- Deprovisioning ends the person's refresh tokens in the tenant.
CREATE INDEX oidc_grants_account_tenant_idx ON oidc_grants (account_id, tenant_id);
