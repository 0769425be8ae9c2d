-- Sign in with Portico (SPEC §10): Portico is an OpenID provider.
--
-- signing_keys: the asymmetric keys ID tokens and access tokens are signed
-- with. The newest key without retired_at signs; a retired key stays in
-- the JWKS until every token it signed has expired.
CREATE TABLE signing_keys (
    kid         TEXT   PRIMARY KEY,      -- RFC 7638 thumbprint of the public key
    algorithm   TEXT   NOT NULL,         -- RS256
    private_pem TEXT   NOT NULL,         -- PKCS#8
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT
);

-- The products that sign people in with Portico, registered by the
-- operator. A confidential client's secret is stored as its SHA-256.
CREATE TABLE oidc_clients (
    client_id                 TEXT   PRIMARY KEY,
    secret_hash               TEXT,          -- NULL for a public client
    name                      TEXT   NOT NULL,
    redirect_uris             TEXT   NOT NULL, -- JSON array, matched exactly
    post_logout_redirect_uris TEXT   NOT NULL, -- JSON array
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL
);

-- Authorization codes: 60 s, once. Only the code's SHA-256 is stored.
CREATE TABLE oidc_codes (
    code_hash           TEXT   PRIMARY KEY,
    client_id           TEXT   NOT NULL REFERENCES oidc_clients (client_id) ON DELETE CASCADE,
    account_id          BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tenant_id           BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    credentials_version BIGINT NOT NULL,
    redirect_uri        TEXT   NOT NULL,
    code_challenge      TEXT,              -- S256
    nonce               TEXT,
    scope               TEXT   NOT NULL,
    auth_time           BIGINT NOT NULL,   -- seconds
    expires_at          BIGINT NOT NULL,
    used_at             BIGINT
);
CREATE INDEX oidc_codes_expires_at ON oidc_codes (expires_at);

-- A grant is a refresh-token family: what one code started. Every refresh
-- rotates the token; a used token presented again revokes the family, and
-- so do a password reset, removal from the tenant or disabling (checked
-- at every refresh).
CREATE TABLE oidc_grants (
    id                  TEXT   PRIMARY KEY,
    code_hash           TEXT   NOT NULL,
    client_id           TEXT   NOT NULL REFERENCES oidc_clients (client_id) ON DELETE CASCADE,
    account_id          BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tenant_id           BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    credentials_version BIGINT NOT NULL,
    scope               TEXT   NOT NULL,
    auth_time           BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL,
    revoked_at          BIGINT
);
CREATE INDEX oidc_grants_code_hash ON oidc_grants (code_hash);
CREATE INDEX oidc_grants_expires_at ON oidc_grants (expires_at);

CREATE TABLE oidc_refresh_tokens (
    token_hash TEXT   PRIMARY KEY,
    grant_id   TEXT   NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX oidc_refresh_tokens_grant_id ON oidc_refresh_tokens (grant_id);

-- The tenant a person last signed in to a product with: the chooser
-- offers it first.
ALTER TABLE accounts ADD COLUMN last_tenant_id BIGINT;
