//! The tenant's audit log as managers read it, and sign-ins recorded in it.

use crate::backend::access::actor::Actor;
use crate::backend::db;
use crate::backend::state::AppState;
use crate::dto::{AuditEntry, Page};
use crate::error::AppError;

/// The audit log, newest first, filtered by actor (email contains) and
/// action (exact). Tenant managers only.
pub async fn list_audit(
    state: &AppState,
    actor: &Actor,
    by: Option<&str>,
    action: Option<&str>,
    page: (i64, i64),
) -> Result<Page<AuditEntry>, AppError> {
    actor.ensure_tenant_manager()?;
    let (page, per_page) = page;
    let like = db::like_pattern(by.unwrap_or(""));
    let filter = db::audit_events::AuditFilter {
        tenant_id: actor.tenant_id,
        actor_like: &like,
        action: action.unwrap_or(""),
    };
    let mut conn = state.db.read().await?;
    let offset = (page - 1) * per_page;
    let rows = db::audit_events::list_page(&mut conn, &filter, per_page, offset).await?;
    let total = match db::page_total(rows.len(), per_page, offset) {
        Some(total) => total,
        None => db::audit_events::count(&mut conn, &filter).await?,
    };
    let items = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            actor: r.actor,
            action: r.action,
            target: r.target,
            details: r.details,
            at: r.at,
        })
        .collect();
    Ok(Page {
        items,
        page,
        per_page,
        total,
    })
}
