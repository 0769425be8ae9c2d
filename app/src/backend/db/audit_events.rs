//! `audit_events`: who did what, when, in a tenant.

use sqlx::AnyConnection;

use super::exec::Exec;
use crate::domain::AuditAction;
use crate::error::AppError;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    #[sqlx(try_from = "String")]
    pub action: AuditAction,
    pub target: String,
    pub details: String,
    pub at: i64,
}

/// A new event.
pub struct NewEvent<'a> {
    pub tenant_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub action: AuditAction,
    pub target: &'a str,
    pub details: String,
}

pub async fn insert(conn: &mut impl Exec, event: NewEvent<'_>, now: i64) -> Result<(), AppError> {
    conn.execute(
        "INSERT INTO audit_events (tenant_id, actor_id, actor, action, target, details, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            event.tenant_id.into(),
            event.actor_id.into(),
            event.actor.into(),
            event.action.as_str().into(),
            event.target.into(),
            event.details.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The filter of a tenant's log: actor pattern (LIKE, escaped) and exact
/// action ('' for any).
pub struct AuditFilter<'a> {
    pub tenant_id: i64,
    pub actor_like: &'a str,
    pub action: &'a str,
}

/// Newest first, served by `audit_events_tenant_at_idx`.
pub const LIST_SQL: &str = "SELECT id, actor, action, target, details, at FROM audit_events \
     WHERE tenant_id = $1 AND ($2 = '%%' OR LOWER(actor) LIKE $2 ESCAPE '\\') AND ($3 = '' OR action = $3) \
     ORDER BY at DESC, id DESC LIMIT $4 OFFSET $5";

/// Counts up to `members::COUNT_CAP` + 1 events, so a page of a log with a
/// million entries costs no more than one with ten thousand.
pub const COUNT_SQL: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM audit_events \
     WHERE tenant_id = $1 AND ($2 = '%%' OR LOWER(actor) LIKE $2 ESCAPE '\\') AND ($3 = '' OR action = $3) \
     LIMIT 10001) capped";

pub async fn list_page(
    conn: &mut AnyConnection,
    filter: &AuditFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, AppError> {
    Ok(sqlx::query_as(LIST_SQL)
        .bind(filter.tenant_id)
        .bind(filter.actor_like)
        .bind(filter.action)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

pub async fn count(conn: &mut AnyConnection, filter: &AuditFilter<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(COUNT_SQL)
        .bind(filter.tenant_id)
        .bind(filter.actor_like)
        .bind(filter.action)
        .fetch_one(conn)
        .await?)
}
