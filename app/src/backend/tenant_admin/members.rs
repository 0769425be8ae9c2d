//! Members of a tenant: list and search, change roles, disable and
//! re-enable, remove, leave; the last-manager rule.

use serde_json::json;
use sqlx::AnyConnection;

use crate::backend::access::actor::Actor;
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::onboarding::seats::{self, SeatClaim};
use crate::backend::state::AppState;
use crate::domain::{AuditAction, MemberStatus, Role, RoleScope};
use crate::dto::{MemberInfo, Page};
use crate::error::AppError;

/// One member of the tenant (for REST answers after a change).
pub async fn get_member(state: &AppState, member_id: i64) -> Result<MemberInfo, AppError> {
    let mut conn = state.db.read().await?;
    db::members::find(&mut conn, member_id).await
}

/// The ids of the tenant's ACTIVE `extractor-manager`s.
pub async fn active_manager_ids(state: &AppState, tenant_id: i64) -> Result<Vec<i64>, AppError> {
    let mut conn = state.db.read().await?;
    db::members::active_manager_ids(&mut conn, tenant_id).await
}

/// Members of the tenant, newest first, filtered by a search over name and
/// email and by status. DELETED members are listed only when asked for.
pub async fn list_members(
    state: &AppState,
    actor: &Actor,
    search: Option<&str>,
    status: Option<&str>,
    page: (i64, i64),
) -> Result<Page<MemberInfo>, AppError> {
    let status = match status.map(MemberStatus::parse) {
        None => None,
        Some(Some(s)) => Some(s),
        Some(None) => {
            return Err(AppError::field(
                "status",
                "Use ACTIVE, DISABLED or DELETED.",
            ));
        }
    };
    let search = search.unwrap_or("").trim().to_lowercase();
    let filter = db::members::MemberFilter {
        tenant_id: actor.tenant_id,
        status: status.map_or("", MemberStatus::as_str),
        search: &search,
    };
    let (page, per_page) = page;
    let mut conn = state.db.read_direct().await?;
    let (items, total) =
        db::members::list_page_with_total(&mut conn, &filter, per_page, (page - 1) * per_page)
            .await?;
    Ok(Page {
        items,
        page,
        per_page,
        total,
    })
}

fn is_manager(roles: &[String]) -> bool {
    roles.iter().any(|r| r == Role::ExtractorManager.as_str())
}

/// The owner and last-manager rules (SPEC §12, §2), for a change that
/// would end `member`'s management of the tenant (removal, disabling,
/// demotion, leaving): refuses when `member` owns the tenant or is its
/// only ACTIVE `extractor-manager`.
pub(crate) async fn ensure_not_last_manager(
    conn: &mut AnyConnection,
    tenant_id: i64,
    member: &MemberInfo,
) -> Result<(), AppError> {
    super::ownership::ensure_not_owner(conn, tenant_id, member).await?;
    if member.status != MemberStatus::Active || !is_manager(&member.roles) {
        return Ok(());
    }
    let managers = db::members::active_manager_ids(conn, tenant_id).await?;
    if managers.len() <= 1 {
        return Err(AppError::Conflict(format!(
            "{} is the last active extractor-manager of this tenant. Make someone else an extractor-manager first.",
            member.email
        )));
    }
    Ok(())
}

/// What a manager may change about a member.
#[derive(Debug, Clone, Default)]
pub struct MemberChange {
    pub roles: Option<Vec<Role>>,
    /// ACTIVE (re-enable) or DISABLED.
    pub status: Option<String>,
}

/// Changes roles and/or status of a member, within the actor's rights.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, member_id))]
pub async fn update_member(
    state: &AppState,
    actor: &Actor,
    member_id: i64,
    change: MemberChange,
) -> Result<MemberInfo, AppError> {
    let new_status = match change.status.as_deref().map(MemberStatus::parse) {
        None => None,
        Some(Some(s @ (MemberStatus::Active | MemberStatus::Disabled))) => Some(s),
        Some(_) => {
            return Err(AppError::field(
                "status",
                "Use ACTIVE or DISABLED (remove a member to delete it).",
            ));
        }
    };
    let mut tx = state.db.begin().await?;
    // The last-manager rule counts, then writes: one change at a time per
    // tenant, or two managers demoting each other could both pass.
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    let member = db::members::find_in_tenant(&mut tx, actor.tenant_id, member_id).await?;
    // Permission first: someone who may not manage this member learns
    // nothing about its state.
    actor.ensure_can_manage(
        member.organisation_id,
        &RoleNames::parse_names(&member.roles),
    )?;
    if member.status == MemberStatus::Deleted {
        return Err(AppError::NotFound);
    }
    let now = now_ms();
    if let Some(roles) = &change.roles {
        actor.ensure_can_manage(member.organisation_id, roles)?;
        if roles.iter().any(|r| r.scope() == RoleScope::Organisation)
            && member.organisation_id.is_none()
        {
            // The roles are well formed; the member's state refuses them: 409.
            return Err(AppError::Conflict(
                "Organisation roles need the member to be in an organisation.".into(),
            ));
        }
        if !roles.contains(&Role::ExtractorManager) {
            ensure_not_last_manager(&mut tx, actor.tenant_id, &member).await?;
        }
        let names = RoleNames::of(roles);
        db::members::set_roles(&mut tx, member_id, &names, now).await?;
        actor
            .log(
                &mut tx,
                AuditAction::MemberRolesChanged,
                &member.email,
                json!({ "memberId": member_id, "from": member.roles, "to": names.0 }),
            )
            .await?;
    }
    if let Some(status) = new_status
        && status != member.status
    {
        if status == MemberStatus::Disabled {
            ensure_not_last_manager(&mut tx, actor.tenant_id, &member).await?;
        } else {
            seats::ensure_free(&mut tx, actor.tenant_id, SeatClaim::Join).await?;
        }
        db::members::set_status(&mut tx, member_id, status, now).await?;
        let action = if status == MemberStatus::Disabled {
            AuditAction::MemberDisabled
        } else {
            AuditAction::MemberEnabled
        };
        actor
            .log(
                &mut tx,
                action,
                &member.email,
                json!({ "memberId": member_id }),
            )
            .await?;
    }
    let updated = db::members::find_in_tenant(&mut tx, actor.tenant_id, member_id).await?;
    if updated != member {
        events::emit(
            &mut tx,
            EventType::MemberUpdated,
            Some(&actor.audit()),
            Subject::Member(updated.clone()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(updated)
}

/// Removes a member (status DELETED): access ends at once.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, member_id))]
pub async fn remove_member(
    state: &AppState,
    actor: &Actor,
    member_id: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    // The last-manager rule counts, then writes: one change at a time per
    // tenant, or two managers demoting each other could both pass.
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    let member = db::members::find_in_tenant(&mut tx, actor.tenant_id, member_id).await?;
    // Permission first: someone who may not manage this member learns
    // nothing about its state.
    actor.ensure_can_manage(
        member.organisation_id,
        &RoleNames::parse_names(&member.roles),
    )?;
    if member.status == MemberStatus::Deleted {
        return Err(AppError::NotFound);
    }
    ensure_not_last_manager(&mut tx, actor.tenant_id, &member).await?;
    let now = now_ms();
    db::members::set_status(&mut tx, member_id, MemberStatus::Deleted, now).await?;
    // What they made outlives them: the audit entry names it, and the
    // members page lists their working links with one action to revoke
    // them (`invite_links::usable_made_by_member`).
    let links: Vec<i64> =
        db::invite_links::usable_made_by(&mut tx, actor.tenant_id, member.account_id, now)
            .await?
            .into_iter()
            .map(|l| l.id)
            .collect();
    let webhooks: Vec<serde_json::Value> =
        db::webhooks::made_by(&mut tx, actor.tenant_id, member.account_id)
            .await?
            .into_iter()
            .map(|(id, url)| json!({ "id": id, "url": url }))
            .collect();
    actor
        .log(
            &mut tx,
            AuditAction::MemberRemoved,
            &member.email,
            json!({ "memberId": member_id, "linksStillUsable": links, "webhooksTheyMade": webhooks }),
        )
        .await?;
    let removed = db::members::find_in_tenant(&mut tx, actor.tenant_id, member_id).await?;
    events::emit(
        &mut tx,
        EventType::MemberRemoved,
        Some(&actor.audit()),
        Subject::Member(removed),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The actor leaves the tenant (refused for the last manager).
pub async fn leave_tenant(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    let member = db::members::find_in_tenant(&mut tx, actor.tenant_id, actor.member_id).await?;
    ensure_not_last_manager(&mut tx, actor.tenant_id, &member).await?;
    db::members::set_status(&mut tx, actor.member_id, MemberStatus::Deleted, now_ms()).await?;
    actor
        .log(
            &mut tx,
            AuditAction::MemberLeft,
            &member.email,
            json!({ "memberId": actor.member_id }),
        )
        .await?;
    let left = db::members::find_in_tenant(&mut tx, actor.tenant_id, actor.member_id).await?;
    events::emit(
        &mut tx,
        EventType::MemberRemoved,
        Some(&actor.audit()),
        Subject::Member(left),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
