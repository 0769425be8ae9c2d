//! The tenant's overview: members by status and role, and the
//! invitation funnel of the last weeks, counted by the database.

use crate::backend::access::actor::Actor;
use crate::backend::db::{self, now_ms};
use crate::backend::onboarding::seats;
use crate::backend::state::AppState;
use crate::domain::{InviteStatus, MemberStatus, Role};
use crate::error::AppError;

const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;
/// Weeks shown in the invitation funnel.
pub const FUNNEL_WEEKS: i64 = 8;

/// Member counts by status and role, and the invitation funnel of the last
/// [`FUNNEL_WEEKS`] weeks. Any active member may read it.
pub async fn overview(state: &AppState, actor: &Actor) -> Result<crate::dto::Overview, AppError> {
    let mut conn = state.db.read().await?;
    let tenant_name = actor.tenant_name.clone();
    // Counted by the database: one row per (status, role set), however
    // many members the tenant has.
    let members = db::members::status_role_counts(&mut conn, actor.tenant_id).await?;
    let members_by_status = MemberStatus::ALL
        .iter()
        .map(|s| {
            let n = members
                .iter()
                .filter(|(st, _, _)| st == s)
                .map(|(_, _, n)| n)
                .sum::<i64>();
            (*s, n)
        })
        .collect();
    let members_by_role = Role::ALL
        .iter()
        .map(|role| {
            let n = members
                .iter()
                .filter(|(st, roles, _)| {
                    *st != MemberStatus::Deleted
                        && roles.contains(&format!("\"{}\"", role.as_str()))
                })
                .map(|(_, _, n)| n)
                .sum::<i64>();
            (role.as_str().to_owned(), n)
        })
        .collect();
    let now = now_ms();
    let this_week = now - now.rem_euclid(WEEK_MS);
    let first_week = this_week - (FUNNEL_WEEKS - 1) * WEEK_MS;
    // Counted by week and by the status readers see.
    let invites = db::invites::funnel(&mut conn, actor.tenant_id, first_week, WEEK_MS, now).await?;
    let mut funnel: Vec<crate::dto::FunnelWeek> = (0..FUNNEL_WEEKS)
        .map(|i| crate::dto::FunnelWeek {
            week_start: first_week + i * WEEK_MS,
            sent: 0,
            accepted: 0,
            pending: 0,
            expired: 0,
        })
        .collect();
    for (week, status, n) in invites {
        let Some(week) = funnel.get_mut(week as usize) else {
            continue;
        };
        week.sent += n;
        match status {
            InviteStatus::Accepted => week.accepted += n,
            InviteStatus::Pending => week.pending += n,
            InviteStatus::Expired => week.expired += n,
            InviteStatus::Declined | InviteStatus::Revoked => {}
        }
    }
    // A new tenant shows its first step until someone has been invited:
    // asked only when the funnel's weeks hold no invitation.
    let invited_anyone = funnel.iter().any(|w| w.sent > 0)
        || db::invites::any_in_tenant(&mut conn, actor.tenant_id).await?;
    let seats = seats::count(&mut conn, actor.tenant_id).await?;
    let tenant = db::tenants::get(&mut conn, actor.tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owner = match tenant.owner_member_id {
        Some(id) => {
            let m = db::members::find_in_tenant(&mut conn, actor.tenant_id, id).await?;
            Some((format!("{} {}", m.first_name, m.last_name), m.email))
        }
        None => None,
    };
    Ok(crate::dto::Overview {
        owner,
        tenant_id: actor.tenant_id,
        seats,
        can_invite: !actor.grantable_roles().is_empty(),
        invited_anyone,
        tenant_name,
        my_roles: actor.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        is_manager: actor.ensure_tenant_manager().is_ok(),
        default_locale: tenant.default_locale,
        members_by_status,
        members_by_role,
        funnel,
    })
}

/// The actor's tenant (any active member may read it).
pub async fn tenant(state: &AppState, actor: &Actor) -> Result<db::tenants::TenantRow, AppError> {
    let mut conn = state.db.read().await?;
    db::tenants::get(&mut conn, actor.tenant_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A tenant and its seats, read together (the caller checked access).
pub async fn tenant_with_seats(
    state: &AppState,
    tenant_id: i64,
) -> Result<(db::tenants::TenantRow, seats::Seats), AppError> {
    let mut conn = state.db.read().await?;
    let tenant = db::tenants::get(&mut conn, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let seats = seats::count(&mut conn, tenant_id).await?;
    Ok((tenant, seats))
}

/// Tenants, accounts and pending invitations of the whole instance (the
/// operator's `GET /api/v1/admin/stats`), from counters.
pub async fn instance_counts(state: &AppState) -> Result<(i64, i64, i64), AppError> {
    let mut conn = state.db.read().await?;
    db::tenants::instance_counts(&mut conn).await
}
