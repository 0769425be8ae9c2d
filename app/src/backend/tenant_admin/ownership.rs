//! Ownership (SPEC §12): every tenant has one owner, a manager nobody else
//! can remove, disable or demote. The owner nominates an ACTIVE member;
//! the nominee accepts from a mailed link (or over REST) within
//! [`TRANSFER_TTL_MS`], and then, in one transaction, becomes owner and
//! manager while the former owner stays a manager. The owner can cancel,
//! the nominee can decline.

use serde_json::json;

use crate::backend::access::accounts::AccountRow;
use crate::backend::access::actor::Actor;
use crate::backend::audit::{self, AuditActor};
use crate::backend::crypto;
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::delivery::mail;
use crate::backend::languages;
use crate::backend::state::AppState;
use crate::domain::{AuditAction, MemberStatus, Role, RoleScope};
use crate::dto::MemberInfo;
pub use crate::dto::PendingTransfer;
use crate::error::AppError;

/// How long a nomination waits for its answer.
pub const TRANSFER_TTL_MS: i64 = 7 * 24 * 3_600_000;

/// The tenant's owner and its unexpired nomination, if any.
pub async fn of_tenant(
    state: &AppState,
    tenant_id: i64,
) -> Result<(Option<i64>, Option<PendingTransfer>), AppError> {
    let mut conn = state.db.read().await?;
    let owner = db::tenants::owner(&mut conn, tenant_id).await?;
    Ok((owner, pending_on(&mut conn, tenant_id).await?))
}

/// The tenant's unexpired nomination, if any (for a reader that has the
/// owner already, as `GET /api/v1/tenants/{id}` has from the tenant row).
pub async fn pending(
    state: &AppState,
    tenant_id: i64,
) -> Result<Option<PendingTransfer>, AppError> {
    let mut conn = state.db.read().await?;
    pending_on(&mut conn, tenant_id).await
}

async fn pending_on(
    conn: &mut sqlx::AnyConnection,
    tenant_id: i64,
) -> Result<Option<PendingTransfer>, AppError> {
    let Some(row) = db::ownership_transfers::of_tenant(conn, tenant_id).await? else {
        return Ok(None);
    };
    if row.expires_at <= now_ms() {
        return Ok(None);
    }
    let nominee = db::members::find_in_tenant(conn, tenant_id, row.nominee_member_id).await?;
    Ok(Some(PendingTransfer {
        tenant_id,
        tenant_name: tenant_name(conn, tenant_id).await?,
        nominee,
        expires_at: row.expires_at,
    }))
}

async fn tenant_name(conn: &mut sqlx::AnyConnection, tenant_id: i64) -> Result<String, AppError> {
    Ok(db::tenants::get(conn, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?
        .name)
}

fn ensure_owner(actor: &Actor, owner: Option<i64>) -> Result<(), AppError> {
    if owner == Some(actor.member_id) {
        Ok(())
    } else {
        Err(AppError::ForbiddenBecause(
            "Only the tenant's owner can transfer or cancel a transfer of ownership.".into(),
        ))
    }
}

/// The owner nominates `member_id`; a new nomination replaces the last
/// (its link stops working). Mails the nominee.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, member_id))]
pub async fn nominate(
    state: &AppState,
    actor: &Actor,
    member_id: i64,
) -> Result<PendingTransfer, AppError> {
    let mut tx = state.db.begin().await?;
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    ensure_owner(actor, db::tenants::owner(&mut tx, actor.tenant_id).await?)?;
    let nominee = db::members::find_in_tenant(&mut tx, actor.tenant_id, member_id).await?;
    if nominee.status == MemberStatus::Deleted {
        return Err(AppError::NotFound);
    }
    if nominee.id == actor.member_id {
        return Err(AppError::Conflict("You already own this tenant.".into()));
    }
    if nominee.status != MemberStatus::Active {
        return Err(AppError::Conflict(format!(
            "{} is not an active member: only an active member can become the owner.",
            nominee.email
        )));
    }
    let (token, hash) = crypto::new_token();
    let now = now_ms();
    let expires_at = now + TRANSFER_TTL_MS;
    db::ownership_transfers::replace(&mut tx, actor.tenant_id, member_id, &hash, now, expires_at)
        .await?;
    let link = format!("{}/ownership?token={token}", state.config.base_url);
    let owner_name = format!("{} {}", actor.account.first_name, actor.account.last_name);
    let nominee_locale = db::accounts::locale_by_email(&mut tx, &nominee.email).await?;
    mail::enqueue(
        &mut tx,
        &mail::ownership_transfer_mail(
            languages::of_person(&state.config, nominee_locale.as_deref()),
            &nominee.email,
            &nominee.first_name,
            &actor.tenant_name,
            owner_name.trim(),
            &link,
        ),
    )
    .await?;
    actor
        .log(
            &mut tx,
            AuditAction::OwnershipTransferNominated,
            &nominee.email,
            json!({ "memberId": member_id, "expiresAt": expires_at }),
        )
        .await?;
    tx.commit().await?;
    Ok(PendingTransfer {
        tenant_id: actor.tenant_id,
        tenant_name: actor.tenant_name.clone(),
        nominee,
        expires_at,
    })
}

/// [`nominate`] the ACTIVE member with `email` (the members page).
pub async fn nominate_by_email(
    state: &AppState,
    actor: &Actor,
    email: &str,
) -> Result<PendingTransfer, AppError> {
    let email = email.trim().to_lowercase();
    let member_id = {
        let mut conn = state.db.read().await?;
        db::members::active_id_by_email(&mut conn, actor.tenant_id, &email).await?
    };
    let member_id = member_id.ok_or_else(|| {
        AppError::field(
            "email",
            format!("{email} is not an active member of this tenant."),
        )
    })?;
    nominate(state, actor, member_id).await
}

/// The owner withdraws the nomination.
pub async fn cancel(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    ensure_owner(actor, db::tenants::owner(&mut tx, actor.tenant_id).await?)?;
    let Some(row) = db::ownership_transfers::of_tenant(&mut tx, actor.tenant_id).await? else {
        return Err(AppError::NotFound);
    };
    db::ownership_transfers::delete(&mut tx, actor.tenant_id).await?;
    actor
        .log(
            &mut tx,
            AuditAction::OwnershipTransferCancelled,
            &row.nominee_member_id.to_string(),
            json!({ "memberId": row.nominee_member_id }),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What the nominee does with the mailed link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
}

/// The nomination a mailed token names, for the page that answers it:
/// unknown, used, cancelled, replaced or expired tokens are `NotFound`;
/// someone else's is refused.
pub async fn preview(
    state: &AppState,
    account: &AccountRow,
    token: &str,
) -> Result<PendingTransfer, AppError> {
    let mut conn = state.db.read().await?;
    let row = db::ownership_transfers::by_token(&mut conn, &crypto::hash_token(token))
        .await?
        .filter(|r| r.expires_at > now_ms())
        .ok_or(AppError::NotFound)?;
    let nominee =
        db::members::find_in_tenant(&mut conn, row.tenant_id, row.nominee_member_id).await?;
    ensure_nominee(&nominee, account)?;
    Ok(PendingTransfer {
        tenant_id: row.tenant_id,
        tenant_name: tenant_name(&mut conn, row.tenant_id).await?,
        nominee,
        expires_at: row.expires_at,
    })
}

fn ensure_nominee(nominee: &MemberInfo, account: &AccountRow) -> Result<(), AppError> {
    if nominee.account_id == account.id {
        Ok(())
    } else {
        Err(AppError::ForbiddenBecause(
            "This transfer of ownership was offered to someone else. Sign in as the person it was mailed to.".into(),
        ))
    }
}

/// The nominee (`account`, signed in) accepts or declines; returns the
/// tenant's id. Accepting swaps the owner in one transaction.
#[tracing::instrument(skip_all)]
pub async fn answer(
    state: &AppState,
    account: &AccountRow,
    token: &str,
    answer: Answer,
) -> Result<i64, AppError> {
    let hash = crypto::hash_token(token);
    let mut tx = state.db.begin().await?;
    let row = db::ownership_transfers::by_token(&mut tx, &hash)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = row.tenant_id;
    db::tenants::lock(&mut tx, tenant_id).await?;
    // Read again under the lock: a cancel or another answer may have won.
    let row = db::ownership_transfers::by_token(&mut tx, &hash)
        .await?
        .filter(|r| r.expires_at > now_ms())
        .ok_or(AppError::NotFound)?;
    let nominee = db::members::find_in_tenant(&mut tx, tenant_id, row.nominee_member_id).await?;
    ensure_nominee(&nominee, account)?;
    db::ownership_transfers::delete(&mut tx, tenant_id).await?;
    let actor = AuditActor::account(account);
    if answer == Answer::Decline {
        audit::record(
            &mut tx,
            Some(tenant_id),
            &actor,
            AuditAction::OwnershipTransferDeclined,
            &nominee.email,
            json!({ "memberId": nominee.id }),
        )
        .await?;
        tx.commit().await?;
        return Ok(tenant_id);
    }
    if nominee.status != MemberStatus::Active {
        return Err(AppError::ForbiddenBecause(
            "Your membership of this tenant is not active, so you cannot become its owner.".into(),
        ));
    }
    let now = now_ms();
    let former = db::tenants::owner(&mut tx, tenant_id).await?;
    db::tenants::set_owner(&mut tx, tenant_id, nominee.id, now).await?;
    // One level per scope: Manager becomes their tenant role; their
    // organisation role stays.
    let before = RoleNames::parse_names(&nominee.roles);
    let mut roles: Vec<Role> = before
        .iter()
        .copied()
        .filter(|r| r.scope() == RoleScope::Organisation)
        .collect();
    roles.insert(0, Role::ExtractorManager);
    if roles != before {
        db::members::set_roles(&mut tx, nominee.id, &RoleNames::of(&roles), now).await?;
    }
    audit::record(
        &mut tx,
        Some(tenant_id),
        &actor,
        AuditAction::OwnershipTransferred,
        &nominee.email,
        json!({ "from": former, "to": nominee.id }),
    )
    .await?;
    let owner = db::members::find_in_tenant(&mut tx, tenant_id, nominee.id).await?;
    if owner.roles != nominee.roles {
        events::emit(
            &mut tx,
            EventType::MemberUpdated,
            Some(&actor),
            Subject::Member(owner.clone()),
        )
        .await?;
    }
    events::emit(
        &mut tx,
        EventType::TenantOwnerChanged,
        Some(&actor),
        Subject::Member(owner),
    )
    .await?;
    tx.commit().await?;
    Ok(tenant_id)
}

/// Refuses a change that would take `member`'s management away when
/// they own the tenant (SPEC §12): removal, disabling, demotion, leaving.
pub(crate) async fn ensure_not_owner(
    conn: &mut sqlx::AnyConnection,
    tenant_id: i64,
    member: &MemberInfo,
) -> Result<(), AppError> {
    if db::tenants::owner(conn, tenant_id).await? == Some(member.id) {
        return Err(AppError::Conflict(format!(
            "{} owns this tenant and stays its manager: the owner must transfer ownership first.",
            member.email
        )));
    }
    Ok(())
}
