//! A tenant's organisations and projects: list, create, rename, delete.

use serde_json::json;

use crate::backend::access::actor::Actor;
use crate::backend::db::collections::{self, Table};
use crate::backend::db::{self, now_ms};
use crate::backend::state::AppState;
use crate::domain::AuditAction;
use crate::dto::NamedItem;
use crate::error::AppError;

/// The tenant's organisations as (id, name), as far as the actor may see
/// them: all for tenant-wide roles, its own for organisation roles.
pub async fn organisation_choices(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<(i64, String)>, AppError> {
    let mut conn = state.db.read().await?;
    Ok(collections::organisation_names(&mut conn, actor.tenant_id)
        .await?
        .into_iter()
        .filter(|(id, _)| actor.is_tenant_manager() || Some(*id) == actor.organisation_id)
        .collect())
}

/// Which of the two named collections of a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Organisations,
    Projects,
}

impl Collection {
    fn table(self) -> Table {
        match self {
            Collection::Organisations => Table::Organisations,
            Collection::Projects => Table::Projects,
        }
    }
    /// The audit actions of creating, renaming and deleting one.
    fn actions(self) -> [AuditAction; 3] {
        match self {
            Collection::Organisations => [
                AuditAction::OrganisationCreated,
                AuditAction::OrganisationRenamed,
                AuditAction::OrganisationDeleted,
            ],
            Collection::Projects => [
                AuditAction::ProjectCreated,
                AuditAction::ProjectRenamed,
                AuditAction::ProjectDeleted,
            ],
        }
    }
}

/// Organisations (with member counts) or projects of the tenant. People
/// with only organisation roles see their own organisation.
pub async fn list_named(
    state: &AppState,
    actor: &Actor,
    what: Collection,
) -> Result<Vec<NamedItem>, AppError> {
    let only = match what {
        Collection::Organisations => actor.organisation_filter(),
        Collection::Projects => 0,
    };
    let mut conn = state.db.read().await?;
    Ok(
        collections::list(&mut conn, what.table(), actor.tenant_id, only)
            .await?
            .into_iter()
            .map(|r| NamedItem {
                id: r.id,
                name: r.name,
                members: r.members,
            })
            .collect(),
    )
}

fn parse_name(name: &str) -> Result<String, AppError> {
    crate::domain::ProjectName::parse(name)
        .map(|n| n.as_str().to_owned())
        .map_err(|e| AppError::field("name", e))
}

pub async fn create_named(
    state: &AppState,
    actor: &Actor,
    what: Collection,
    name: &str,
) -> Result<NamedItem, AppError> {
    actor.ensure_tenant_manager()?;
    let name = parse_name(name)?;
    let mut tx = state.db.begin().await?;
    let id = collections::insert(&mut tx, what.table(), actor.tenant_id, &name, now_ms()).await?;
    actor
        .log(&mut tx, what.actions()[0], &name, json!({ "id": id }))
        .await?;
    tx.commit().await?;
    Ok(NamedItem {
        id,
        name,
        members: 0,
    })
}

pub async fn rename_named(
    state: &AppState,
    actor: &Actor,
    what: Collection,
    id: i64,
    name: &str,
) -> Result<(), AppError> {
    actor.ensure_tenant_manager()?;
    let name = parse_name(name)?;
    let mut tx = state.db.begin().await?;
    if !collections::rename(&mut tx, what.table(), actor.tenant_id, id, &name, now_ms()).await? {
        return Err(AppError::NotFound);
    }
    actor
        .log(&mut tx, what.actions()[1], &name, json!({ "id": id }))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an organisation or project. An organisation that still has
/// members or pending invitations is refused, saying so.
pub async fn delete_named(
    state: &AppState,
    actor: &Actor,
    what: Collection,
    id: i64,
) -> Result<(), AppError> {
    actor.ensure_tenant_manager()?;
    let mut tx = state.db.begin().await?;
    let name = collections::name(&mut tx, what.table(), actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if what == Collection::Organisations {
        let members = db::members::count_in_organisation(&mut tx, id).await?;
        if members > 0 {
            return Err(AppError::Conflict(format!(
                "{name} still has {members} member{}. Move or remove them first.",
                if members == 1 { "" } else { "s" }
            )));
        }
        let pending = db::invites::count_pending_in_organisation(&mut tx, id).await?;
        if pending > 0 {
            return Err(AppError::Conflict(format!(
                "{name} has pending invitations. Revoke them first."
            )));
        }
        db::members::clear_organisation(&mut tx, id).await?;
        db::invites::clear_organisation(&mut tx, id).await?;
    }
    collections::delete(&mut tx, what.table(), id).await?;
    actor
        .log(&mut tx, what.actions()[2], &name, json!({ "id": id }))
        .await?;
    tx.commit().await?;
    Ok(())
}
