//! A provisioned member's roles (SPEC §11): the union of the roles of the
//! mapped groups they are in, in the oldest such group's organisation;
//! without any, the tenant's directory roles. Only members the directory
//! brought in follow it (`manages_roles`): a member who was there before
//! keeps what managers gave them.

use serde_json::json;
use sqlx::AnyConnection;

use crate::backend::audit::AuditActor;
use crate::backend::db::{self, RoleNames};
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::tenant_admin::ensure_not_last_manager;
use crate::domain::{AuditAction, Role, RoleScope};
use crate::error::AppError;

/// The roles and organisation the directory gives the user.
pub async fn placement(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: &str,
) -> Result<(RoleNames, Option<i64>), AppError> {
    let groups = db::scim::mapped_groups_of(conn, user_id).await?;
    if groups.is_empty() {
        return Ok((db::scim::directory_roles(conn, tenant_id).await?, None));
    }
    let organisation_id = groups.iter().find_map(|g| g.organisation_id);
    let roles: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| groups.iter().any(|g| g.roles.contains(*r)))
        // Organisation roles need an organisation.
        .filter(|r| r.scope() == RoleScope::Tenant || organisation_id.is_some())
        .collect();
    Ok((RoleNames::of(&roles), organisation_id))
}

/// Brings a provisioned member's roles in line with their groups, with
/// the audit entry and `member.updated`. Refused (409) when it would take
/// the tenant's last manager away.
pub async fn sync(
    conn: &mut AnyConnection,
    actor: &AuditActor,
    tenant_id: i64,
    user: &db::scim::ScimUserRow,
    now: i64,
) -> Result<(), AppError> {
    if user.manages_roles == 0 {
        return Ok(());
    }
    let (roles, organisation_id) = placement(conn, tenant_id, &user.id).await?;
    let member = db::members::find_in_tenant(conn, tenant_id, user.member_id).await?;
    if member.roles == roles.0 && member.organisation_id == organisation_id {
        return Ok(());
    }
    if !roles.contains(Role::ExtractorManager) {
        ensure_not_last_manager(conn, tenant_id, &member).await?;
    }
    db::members::set_placement(conn, member.id, &roles, organisation_id, now).await?;
    crate::backend::audit::record(
        conn,
        Some(tenant_id),
        actor,
        AuditAction::MemberRolesChanged,
        &member.email,
        json!({ "memberId": member.id, "from": member.roles, "to": roles.0, "via": "scim" }),
    )
    .await?;
    let updated = db::members::find_in_tenant(conn, tenant_id, member.id).await?;
    events::emit(
        conn,
        EventType::MemberUpdated,
        Some(actor),
        Subject::Member(updated),
    )
    .await
}

/// Syncs every user in `user_ids` (those a group change touched).
pub async fn sync_all(
    conn: &mut AnyConnection,
    actor: &AuditActor,
    tenant_id: i64,
    user_ids: &[String],
    now: i64,
) -> Result<(), AppError> {
    for id in user_ids {
        if let Some(user) = db::scim::find_user(conn, tenant_id, id).await? {
            sync(conn, actor, tenant_id, &user, now).await?;
        }
    }
    Ok(())
}
