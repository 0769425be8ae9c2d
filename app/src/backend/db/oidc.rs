//! The OpenID provider's tables (SPEC §10): `oidc_clients`, `oidc_codes`,
//! `oidc_grants` (refresh-token families), `oidc_refresh_tokens`, and the
//! tenant a person last signed in to a product with.

use sqlx::AnyConnection;

use crate::error::AppError;

/// A registered client; its URI lists are JSON arrays.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientRow {
    pub client_id: String,
    pub secret_hash: Option<String>,
    pub name: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const CLIENT_COLUMNS: &str = "client_id, secret_hash, name, redirect_uris, \
     post_logout_redirect_uris, created_at, updated_at";

pub async fn insert_client(conn: &mut AnyConnection, c: &ClientRow) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO oidc_clients (client_id, secret_hash, name, redirect_uris, \
         post_logout_redirect_uris, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&c.client_id)
    .bind(&c.secret_hash)
    .bind(&c.name)
    .bind(&c.redirect_uris)
    .bind(&c.post_logout_redirect_uris)
    .bind(c.created_at)
    .bind(c.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_client(
    conn: &mut AnyConnection,
    client_id: &str,
) -> Result<Option<ClientRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE client_id = $1"
    ))
    .bind(client_id)
    .fetch_optional(conn)
    .await?)
}

/// Every client, oldest first (an operator registers a handful).
pub async fn list_clients(conn: &mut AnyConnection) -> Result<Vec<ClientRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CLIENT_COLUMNS} FROM oidc_clients ORDER BY created_at, client_id LIMIT 1000"
    ))
    .fetch_all(conn)
    .await?)
}

pub async fn update_client(conn: &mut AnyConnection, c: &ClientRow) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE oidc_clients SET name = $2, redirect_uris = $3, post_logout_redirect_uris = $4, \
         updated_at = $5 WHERE client_id = $1",
    )
    .bind(&c.client_id)
    .bind(&c.name)
    .bind(&c.redirect_uris)
    .bind(&c.post_logout_redirect_uris)
    .bind(c.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a client with its codes and grants; false when unknown.
pub async fn delete_client(conn: &mut AnyConnection, client_id: &str) -> Result<bool, AppError> {
    for sql in [
        "DELETE FROM oidc_refresh_tokens WHERE grant_id IN \
         (SELECT id FROM oidc_grants WHERE client_id = $1)",
        "DELETE FROM oidc_grants WHERE client_id = $1",
        "DELETE FROM oidc_codes WHERE client_id = $1",
    ] {
        sqlx::query(sql).bind(client_id).execute(&mut *conn).await?;
    }
    let done = sqlx::query("DELETE FROM oidc_clients WHERE client_id = $1")
        .bind(client_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An authorization code as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub code_hash: String,
    pub client_id: String,
    pub account_id: i64,
    pub tenant_id: i64,
    pub credentials_version: i64,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub auth_time: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn insert_code(conn: &mut AnyConnection, c: &CodeRow) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO oidc_codes (code_hash, client_id, account_id, tenant_id, credentials_version, \
         redirect_uri, code_challenge, nonce, scope, auth_time, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&c.code_hash)
    .bind(&c.client_id)
    .bind(c.account_id)
    .bind(c.tenant_id)
    .bind(c.credentials_version)
    .bind(&c.redirect_uri)
    .bind(&c.code_challenge)
    .bind(&c.nonce)
    .bind(&c.scope)
    .bind(c.auth_time)
    .bind(c.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_code(
    conn: &mut AnyConnection,
    code_hash: &str,
) -> Result<Option<CodeRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT code_hash, client_id, account_id, tenant_id, credentials_version, redirect_uri, \
         code_challenge, nonce, scope, auth_time, expires_at, used_at \
         FROM oidc_codes WHERE code_hash = $1",
    )
    .bind(code_hash)
    .fetch_optional(conn)
    .await?)
}

/// Marks a code used; false when it already was (a replay, or a race).
pub async fn use_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done =
        sqlx::query("UPDATE oidc_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL")
            .bind(code_hash)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A refresh-token family.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRow {
    pub id: String,
    pub code_hash: String,
    pub client_id: String,
    pub account_id: i64,
    pub tenant_id: i64,
    pub credentials_version: i64,
    pub scope: String,
    pub auth_time: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

pub async fn insert_grant(conn: &mut AnyConnection, g: &GrantRow) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO oidc_grants (id, code_hash, client_id, account_id, tenant_id, \
         credentials_version, scope, auth_time, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&g.id)
    .bind(&g.code_hash)
    .bind(&g.client_id)
    .bind(g.account_id)
    .bind(g.tenant_id)
    .bind(g.credentials_version)
    .bind(&g.scope)
    .bind(g.auth_time)
    .bind(g.created_at)
    .bind(g.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes the families a code started (the code was replayed).
pub async fn revoke_grants_of_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE oidc_grants SET revoked_at = $2 WHERE code_hash = $1 AND revoked_at IS NULL",
    )
    .bind(code_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn revoke_grant(conn: &mut AnyConnection, id: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE oidc_grants SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every family of the account in the tenant (SCIM
/// deprovisioning). Served by `oidc_grants_account_tenant_idx`.
pub async fn revoke_grants_in_tenant(
    conn: &mut AnyConnection,
    account_id: i64,
    tenant_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE oidc_grants SET revoked_at = $3 \
         WHERE account_id = $1 AND tenant_id = $2 AND revoked_at IS NULL",
    )
    .bind(account_id)
    .bind(tenant_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A presented refresh token with its family.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefreshRow {
    pub token_hash: String,
    pub used_at: Option<i64>,
    #[sqlx(flatten)]
    pub grant: GrantRow,
}

pub async fn find_refresh(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<RefreshRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT r.token_hash, r.used_at, g.id, g.code_hash, g.client_id, g.account_id, \
         g.tenant_id, g.credentials_version, g.scope, g.auth_time, g.created_at, g.expires_at, \
         g.revoked_at FROM oidc_refresh_tokens r JOIN oidc_grants g ON g.id = r.grant_id \
         WHERE r.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

pub async fn insert_refresh(
    conn: &mut AnyConnection,
    token_hash: &str,
    grant_id: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO oidc_refresh_tokens (token_hash, grant_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(grant_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a refresh token used; false when it already was.
pub async fn use_refresh(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE oidc_refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes codes and families past their end (and the tokens of those
/// families), at most `batch` of each; how many rows went.
pub async fn delete_expired(
    conn: &mut AnyConnection,
    now: i64,
    batch: i64,
) -> Result<u64, AppError> {
    let codes = sqlx::query(
        "DELETE FROM oidc_codes WHERE code_hash IN \
         (SELECT code_hash FROM oidc_codes WHERE expires_at < $1 LIMIT $2)",
    )
    .bind(now)
    .bind(batch)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let tokens = sqlx::query(
        "DELETE FROM oidc_refresh_tokens WHERE grant_id IN \
         (SELECT id FROM oidc_grants WHERE expires_at < $1 LIMIT $2)",
    )
    .bind(now)
    .bind(batch)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let grants = sqlx::query(
        "DELETE FROM oidc_grants WHERE id IN \
         (SELECT id FROM oidc_grants WHERE expires_at < $1 LIMIT $2)",
    )
    .bind(now)
    .bind(batch)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(codes + tokens + grants)
}

pub async fn last_tenant(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT last_tenant_id FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

/// Remembers the tenant a person signed in to a product with; no write
/// when it is already the one remembered.
pub async fn remember_tenant(
    conn: &mut AnyConnection,
    account_id: i64,
    tenant_id: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE accounts SET last_tenant_id = $2 WHERE id = $1 \
         AND (last_tenant_id IS NULL OR last_tenant_id <> $2)",
    )
    .bind(account_id)
    .bind(tenant_id)
    .execute(conn)
    .await?;
    Ok(())
}
