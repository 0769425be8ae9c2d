//! Running a tenant: members (list, roles, disable, re-enable, remove,
//! leave), organisations, projects, the audit log and the overview. Every
//! function takes the caller's [`Actor`], so tenant and role are checked
//! here, once, for pages and REST alike.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::accounts::AccountRow;
use super::audit;
use super::db::{self, now_ms};
use super::members::{MEMBER_SELECT, find_in_tenant, member_from_row};
use super::permissions::Actor;
use super::state::AppState;
use crate::domain::{Role, RoleScope};
use crate::dto::{AuditEntry, MemberInfo, NamedItem, Page};
use crate::error::AppError;

pub const MAX_PER_PAGE: i64 = 100;

/// The last page number anyone can ask for: its offset fits every
/// database's integer comfortably.
pub const MAX_PAGE: i64 = 1_000_000;

/// Page number and size, clamped to sane values (a page past the data is
/// empty, never an overflow).
pub fn paging(page: Option<i64>, per_page: Option<i64>) -> (i64, i64) {
    (
        page.unwrap_or(1).clamp(1, MAX_PAGE),
        per_page.unwrap_or(25).clamp(1, MAX_PER_PAGE),
    )
}

/// `%text%` for a case-insensitive LIKE, with LIKE's wildcards escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
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
    if let Some(s) = status
        && !["ACTIVE", "DISABLED", "DELETED"].contains(&s)
    {
        return Err(AppError::field(
            "status",
            "Use ACTIVE, DISABLED or DELETED.",
        ));
    }
    let pattern = like_pattern(search.unwrap_or(""));
    let filter = "WHERE m.tenant_id = $1 AND (($2 = '' AND m.status <> 'DELETED') OR m.status = $2) \
         AND (LOWER(a.email) LIKE $3 ESCAPE '\\' OR LOWER(a.first_name || ' ' || a.last_name) LIKE $3 ESCAPE '\\')";
    let (page, per_page) = page;
    let rows = sqlx::query(&format!(
        "{MEMBER_SELECT} {filter} ORDER BY m.created_at DESC, m.id DESC LIMIT $4 OFFSET $5"
    ))
    .bind(actor.tenant_id)
    .bind(status.unwrap_or(""))
    .bind(&pattern)
    .bind(per_page)
    .bind((page - 1) * per_page)
    .fetch_all(&state.db.pool)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM members m JOIN accounts a ON a.id = m.account_id {filter}"
    ))
    .bind(actor.tenant_id)
    .bind(status.unwrap_or(""))
    .bind(&pattern)
    .fetch_one(&state.db.pool)
    .await?;
    Ok(Page {
        items: rows.iter().map(member_from_row).collect(),
        page,
        per_page,
        total,
    })
}

fn is_manager(roles: &[String]) -> bool {
    roles.iter().any(|r| r == Role::ExtractorManager.as_str())
}

/// The last-manager rule (SPEC §2): refuses when `member` is the tenant's
/// only ACTIVE `extractor-manager` and the change would end that.
async fn ensure_not_last_manager(
    conn: &mut AnyConnection,
    tenant_id: i64,
    member: &MemberInfo,
) -> Result<(), AppError> {
    if member.status != "ACTIVE" || !is_manager(&member.roles) {
        return Ok(());
    }
    let managers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM members WHERE tenant_id = $1 AND status = 'ACTIVE' AND roles LIKE '%\"extractor-manager\"%'",
    )
    .bind(tenant_id)
    .fetch_one(conn)
    .await?;
    if managers <= 1 {
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

fn stored_roles(roles: &[String]) -> Vec<Role> {
    roles.iter().filter_map(|r| Role::parse(r).ok()).collect()
}

/// Changes roles and/or status of a member, within the actor's rights.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, member_id))]
pub async fn update_member(
    state: &AppState,
    actor: &Actor,
    member_id: i64,
    change: MemberChange,
) -> Result<MemberInfo, AppError> {
    if let Some(s) = &change.status
        && s != "ACTIVE"
        && s != "DISABLED"
    {
        return Err(AppError::field(
            "status",
            "Use ACTIVE or DISABLED (remove a member to delete it).",
        ));
    }
    let mut tx = state.db.begin().await?;
    // The last-manager rule counts, then writes: one change at a time per
    // tenant, or two managers demoting each other could both pass.
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    let member = find_in_tenant(&mut tx, actor.tenant_id, member_id).await?;
    // Permission first: someone who may not manage this member learns
    // nothing about its state.
    actor.ensure_can_manage(member.organisation_id, &stored_roles(&member.roles))?;
    if member.status == "DELETED" {
        return Err(AppError::NotFound);
    }
    let now = now_ms();
    if let Some(roles) = &change.roles {
        actor.ensure_can_manage(member.organisation_id, roles)?;
        if roles.iter().any(|r| r.scope() == RoleScope::Organisation)
            && member.organisation_id.is_none()
        {
            return Err(AppError::field(
                "roles",
                "Organisation roles need the member to be in an organisation.",
            ));
        }
        if !roles.contains(&Role::ExtractorManager) {
            ensure_not_last_manager(&mut tx, actor.tenant_id, &member).await?;
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        sqlx::query("UPDATE members SET roles = $1, updated_at = $2 WHERE id = $3")
            .bind(serde_json::to_string(&names).map_err(|_| AppError::Internal)?)
            .bind(now)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        actor
            .log(
                &mut tx,
                "member.roles_changed",
                &member.email,
                json!({ "memberId": member_id, "from": member.roles, "to": names }),
            )
            .await?;
    }
    if let Some(status) = &change.status
        && *status != member.status
    {
        if status == "DISABLED" {
            ensure_not_last_manager(&mut tx, actor.tenant_id, &member).await?;
        }
        sqlx::query("UPDATE members SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status)
            .bind(now)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        let action = if status == "DISABLED" {
            "member.disabled"
        } else {
            "member.enabled"
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
    let updated = find_in_tenant(&mut tx, actor.tenant_id, member_id).await?;
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
    let member = find_in_tenant(&mut tx, actor.tenant_id, member_id).await?;
    // Permission first: someone who may not manage this member learns
    // nothing about its state.
    actor.ensure_can_manage(member.organisation_id, &stored_roles(&member.roles))?;
    if member.status == "DELETED" {
        return Err(AppError::NotFound);
    }
    ensure_not_last_manager(&mut tx, actor.tenant_id, &member).await?;
    sqlx::query("UPDATE members SET status = 'DELETED', updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    actor
        .log(
            &mut tx,
            "member.removed",
            &member.email,
            json!({ "memberId": member_id }),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The actor leaves the tenant (refused for the last manager).
pub async fn leave_tenant(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    let member = find_in_tenant(&mut tx, actor.tenant_id, actor.member_id).await?;
    ensure_not_last_manager(&mut tx, actor.tenant_id, &member).await?;
    sqlx::query("UPDATE members SET status = 'DELETED', updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(actor.member_id)
        .execute(&mut *tx)
        .await?;
    actor
        .log(
            &mut tx,
            "member.left",
            &member.email,
            json!({ "memberId": actor.member_id }),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Which of the two named collections of a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Organisations,
    Projects,
}

impl Collection {
    fn table(self) -> &'static str {
        match self {
            Collection::Organisations => "organisations",
            Collection::Projects => "projects",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Collection::Organisations => "organisation",
            Collection::Projects => "project",
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
    let sql = match what {
        Collection::Organisations => {
            "SELECT o.id, o.name, (SELECT COUNT(*) FROM members m WHERE m.organisation_id = o.id AND m.status <> 'DELETED') \
             FROM organisations o WHERE o.tenant_id = $1 AND ($2 = 0 OR o.id = $2) ORDER BY o.name, o.id"
        }
        Collection::Projects => {
            "SELECT id, name, 0 FROM projects WHERE tenant_id = $1 AND $2 = 0 ORDER BY name, id"
        }
    };
    let rows = sqlx::query(sql)
        .bind(actor.tenant_id)
        .bind(match what {
            Collection::Organisations => actor.organisation_filter(),
            Collection::Projects => 0,
        })
        .fetch_all(&state.db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| NamedItem {
            id: r.get(0),
            name: r.get(1),
            members: r.get(2),
        })
        .collect())
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
    let id: i64 = sqlx::query_scalar(&format!(
        "INSERT INTO {} (tenant_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
        what.table()
    ))
    .bind(actor.tenant_id)
    .bind(&name)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    actor
        .log(
            &mut tx,
            &format!("{}.created", what.noun()),
            &name,
            json!({ "id": id }),
        )
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
    let old: Option<String> = sqlx::query_scalar(&format!(
        "UPDATE {} SET name = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4 RETURNING name",
        what.table()
    ))
    .bind(&name)
    .bind(now_ms())
    .bind(id)
    .bind(actor.tenant_id)
    .fetch_optional(&mut *tx)
    .await?;
    old.ok_or(AppError::NotFound)?;
    actor
        .log(
            &mut tx,
            &format!("{}.renamed", what.noun()),
            &name,
            json!({ "id": id }),
        )
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
    let name: String = sqlx::query_scalar(&format!(
        "SELECT name FROM {} WHERE id = $1 AND tenant_id = $2",
        what.table()
    ))
    .bind(id)
    .bind(actor.tenant_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if what == Collection::Organisations {
        let members: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM members WHERE organisation_id = $1 AND status <> 'DELETED'",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if members > 0 {
            return Err(AppError::Conflict(format!(
                "{name} still has {members} member{}. Move or remove them first.",
                if members == 1 { "" } else { "s" }
            )));
        }
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM invites WHERE organisation_id = $1 AND status = 'pending'",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if pending > 0 {
            return Err(AppError::Conflict(format!(
                "{name} has pending invitations. Revoke them first."
            )));
        }
        sqlx::query("UPDATE members SET organisation_id = NULL WHERE organisation_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE invites SET organisation_id = NULL WHERE organisation_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(&format!("DELETE FROM {} WHERE id = $1", what.table()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    actor
        .log(
            &mut tx,
            &format!("{}.deleted", what.noun()),
            &name,
            json!({ "id": id }),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

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
    let filter =
        "WHERE tenant_id = $1 AND LOWER(actor) LIKE $2 ESCAPE '\\' AND ($3 = '' OR action = $3)";
    let pattern = like_pattern(by.unwrap_or(""));
    let rows = sqlx::query(&format!(
        "SELECT id, actor, action, target, details, at FROM audit_events {filter} ORDER BY at DESC, id DESC LIMIT $4 OFFSET $5"
    ))
    .bind(actor.tenant_id)
    .bind(&pattern)
    .bind(action.unwrap_or(""))
    .bind(per_page)
    .bind((page - 1) * per_page)
    .fetch_all(&state.db.pool)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_events {filter}"))
        .bind(actor.tenant_id)
        .bind(&pattern)
        .bind(action.unwrap_or(""))
        .fetch_one(&state.db.pool)
        .await?;
    let items = rows
        .iter()
        .map(|r| AuditEntry {
            id: r.get(0),
            actor: r.get(1),
            action: r.get(2),
            target: r.get(3),
            details: r.get(4),
            at: r.get(5),
        })
        .collect();
    Ok(Page {
        items,
        page,
        per_page,
        total,
    })
}

/// Records a sign-in in the audit log of every tenant the account is an
/// ACTIVE member of.
pub async fn record_sign_in(
    state: &AppState,
    account: &AccountRow,
    how: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let tenants: Vec<i64> = sqlx::query_scalar(
        "SELECT tenant_id FROM members WHERE account_id = $1 AND status = 'ACTIVE'",
    )
    .bind(account.id)
    .fetch_all(&mut *tx)
    .await?;
    let actor = audit::AuditActor {
        account_id: Some(account.id),
        label: account.email.clone(),
    };
    for tenant in tenants {
        audit::record(
            &mut tx,
            Some(tenant),
            &actor,
            "member.signed_in",
            &account.email,
            json!({ "via": how }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;
/// Weeks shown in the invitation funnel.
pub const FUNNEL_WEEKS: i64 = 8;

/// Member counts by status and role, and the invitation funnel of the last
/// [`FUNNEL_WEEKS`] weeks. Any active member may read it.
pub async fn overview(state: &AppState, actor: &Actor) -> Result<crate::dto::Overview, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    super::invites::expire_due(&mut conn).await?;
    let tenant_name: String = sqlx::query_scalar("SELECT name FROM tenants WHERE id = $1")
        .bind(actor.tenant_id)
        .fetch_one(&mut *conn)
        .await?;
    let members: Vec<(String, String)> =
        sqlx::query_as("SELECT status, roles FROM members WHERE tenant_id = $1")
            .bind(actor.tenant_id)
            .fetch_all(&mut *conn)
            .await?;
    let members_by_status = ["ACTIVE", "DISABLED", "DELETED"]
        .iter()
        .map(|s| {
            (
                s.to_string(),
                members.iter().filter(|(st, _)| st == s).count() as i64,
            )
        })
        .collect();
    let members_by_role = Role::ALL
        .iter()
        .map(|role| {
            let n = members
                .iter()
                .filter(|(st, roles)| {
                    st != "DELETED" && roles.contains(&format!("\"{}\"", role.as_str()))
                })
                .count() as i64;
            (role.as_str().to_owned(), n)
        })
        .collect();
    let now = now_ms();
    let this_week = now - now.rem_euclid(WEEK_MS);
    let first_week = this_week - (FUNNEL_WEEKS - 1) * WEEK_MS;
    let invites: Vec<(i64, String)> = sqlx::query_as(
        "SELECT created_at, status FROM invites WHERE tenant_id = $1 AND created_at >= $2",
    )
    .bind(actor.tenant_id)
    .bind(first_week)
    .fetch_all(&mut *conn)
    .await?;
    let mut funnel: Vec<crate::dto::FunnelWeek> = (0..FUNNEL_WEEKS)
        .map(|i| crate::dto::FunnelWeek {
            week_start: first_week + i * WEEK_MS,
            sent: 0,
            accepted: 0,
            pending: 0,
            expired: 0,
        })
        .collect();
    for (created, status) in invites {
        let Some(week) = funnel.get_mut(((created - first_week) / WEEK_MS) as usize) else {
            continue;
        };
        week.sent += 1;
        match status.as_str() {
            "accepted" => week.accepted += 1,
            "pending" => week.pending += 1,
            "expired" => week.expired += 1,
            _ => {}
        }
    }
    Ok(crate::dto::Overview {
        tenant_id: actor.tenant_id,
        tenant_name,
        my_roles: actor.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        members_by_status,
        members_by_role,
        funnel,
    })
}

/// The name of a tenant.
pub async fn tenant_name(state: &AppState, tenant_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_one(&state.db.pool)
        .await?)
}
