-- A tenant's own identity provider (SSO, SPEC §11): OpenID Connect for
-- now; `kind` leaves room for SAML. The client secret is stored
-- encrypted (ChaCha20-Poly1305 under a key derived from PORTICO_SECRET).
CREATE TABLE sso_connections (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id         BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind              TEXT   NOT NULL,
    issuer            TEXT   NOT NULL,
    client_id         TEXT   NOT NULL,
    client_secret_enc TEXT   NOT NULL,
    join_roles        TEXT   NOT NULL,   -- JSON role names
    required          BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX sso_connections_tenant_idx ON sso_connections (tenant_id);

-- Which connection signs in the people of a domain: one per domain (a
-- DNS-proven domain of the connection's tenant), so /login finds it by
-- the address alone.
CREATE TABLE sso_domains (
    domain        TEXT   PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES sso_connections (id) ON DELETE CASCADE
);
CREATE INDEX sso_domains_connection_idx ON sso_domains (connection_id);
