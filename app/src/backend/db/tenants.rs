//! `tenants`: customer workspaces.

use sqlx::AnyConnection;

use crate::error::AppError;

pub async fn insert(conn: &mut AnyConnection, name: &str, now: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tenants (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
    )
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A tenant row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantRow {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<TenantRow>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, name, created_at FROM tenants WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
        .fetch_one(conn)
        .await?)
}

/// Locks the tenant's row until the transaction ends, so rules that count
/// before they write (the last manager) run one at a time per tenant. On
/// PostgreSQL the no-op UPDATE takes the row lock; on SQLite write
/// transactions already hold the database's one write lock.
pub async fn lock(conn: &mut AnyConnection, tenant_id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE tenants SET updated_at = updated_at WHERE id = $1")
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}
