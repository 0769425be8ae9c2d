//! `ownership_transfers`: a tenant's pending nomination of a new owner
//! (SPEC §12), at most one per tenant; the mailed token is stored hashed.

use sqlx::AnyConnection;

use crate::error::AppError;

/// A pending nomination.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TransferRow {
    pub tenant_id: i64,
    pub nominee_member_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

const COLUMNS: &str = "tenant_id, nominee_member_id, created_at, expires_at";

/// Replaces the tenant's nomination (a new one ends the old link).
pub async fn replace(
    conn: &mut AnyConnection,
    tenant_id: i64,
    nominee_member_id: i64,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), AppError> {
    delete(conn, tenant_id).await?;
    sqlx::query(
        "INSERT INTO ownership_transfers (tenant_id, nominee_member_id, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tenant_id)
    .bind(nominee_member_id)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The tenant's nomination, expired or not.
pub async fn of_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<TransferRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM ownership_transfers WHERE tenant_id = $1"
    ))
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

/// The nomination a mailed token names, expired or not.
pub async fn by_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<TransferRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM ownership_transfers WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Ends the tenant's nomination; whether there was one.
pub async fn delete(conn: &mut AnyConnection, tenant_id: i64) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM ownership_transfers WHERE tenant_id = $1")
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
