//! The audit log: who did what, when, to what. Written in the same
//! transaction as the change it describes.

use sqlx::AnyConnection;

use super::db::now_ms;
use crate::error::AppError;

/// Who acted: an account (id and email at the time), or the system.
#[derive(Debug, Clone)]
pub struct AuditActor {
    pub account_id: Option<i64>,
    pub label: String,
}

pub async fn record(
    conn: &mut AnyConnection,
    tenant_id: Option<i64>,
    actor: &AuditActor,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_events (tenant_id, actor_id, actor, action, target, details, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant_id)
    .bind(actor.account_id)
    .bind(&actor.label)
    .bind(action)
    .bind(target)
    .bind(details.to_string())
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
