//! `tenants`: row locks that serialise per-tenant rules.

use sqlx::AnyConnection;

use crate::error::AppError;

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
