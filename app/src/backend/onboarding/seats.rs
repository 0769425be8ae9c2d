//! Seats (SPEC §9): the instance operator may cap how many people a tenant
//! holds. Seats used are its ACTIVE members; seats reserved are pending,
//! unexpired invitations for emails that are not ACTIVE members (each
//! email once). Revoked, declined and expired invitations hold nothing.
//!
//! Every way in checks, on the transaction that then writes, after taking
//! the tenant's row lock, so that of N simultaneous joins competing for the
//! last seat exactly one wins:
//! - a new invitation, a re-enabled member and any join without an
//!   invitation need a seat that is neither used nor reserved;
//! - accepting an invitation takes the seat it reserved, so it needs only
//!   a seat that is not used (the limit may have been lowered since).
//!
//! Lowering the limit below what is used removes nobody; it only refuses
//! what would add someone.

use serde_json::json;

use crate::backend::audit::{self, AuditActor};
use crate::backend::db::exec::Exec;
use crate::backend::db::{self, now_ms};
use crate::backend::state::AppState;
use crate::domain::AuditAction;
use crate::error::AppError;

/// The largest seat limit the operator may set.
pub const MAX_SEAT_LIMIT: i64 = 1_000_000_000;

pub use crate::dto::Seats;

/// What a change asks of the tenant's seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatClaim {
    /// A new invitation reserves a seat.
    Reserve,
    /// Someone joins without an invitation, or is re-enabled.
    Join,
    /// An invitation is accepted: its own reserved seat becomes used.
    TakeReserved,
}

/// The tenant's seats now: its counters, less the pending invitations
/// already past their expiry that the sweep has not marked (a walk over
/// the last minute's expiries, not over the tenant).
pub async fn count(conn: &mut impl Exec, tenant_id: i64) -> Result<Seats, AppError> {
    let limit = db::tenants::seat_limit(conn, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (used, reserved) = used_and_reserved(conn, tenant_id).await?;
    Ok(Seats {
        limit,
        used,
        reserved,
    })
}

async fn used_and_reserved(conn: &mut impl Exec, tenant_id: i64) -> Result<(i64, i64), AppError> {
    let c = db::tenants::counters(conn, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut reserved = c.pending_invites - c.pending_invites_of_members;
    if reserved > 0 {
        reserved -= db::tenants::stale_pending(conn, tenant_id, now_ms()).await?;
    }
    Ok((c.active_members, reserved.max(0)))
}

/// The tenant's seats, read on their own (the caller checked access).
pub async fn of_tenant(state: &AppState, tenant_id: i64) -> Result<Seats, AppError> {
    let mut conn = state.db.read().await?;
    count(&mut conn, tenant_id).await
}

/// Refuses `claim` with 409 `seat_limit_reached` when the tenant has no
/// seat for it. Run it on the transaction that then writes: with a limit
/// it holds the tenant's row lock until that transaction ends. A tenant
/// without a limit costs one primary-key read and takes no lock.
pub async fn ensure_free(
    conn: &mut impl Exec,
    tenant_id: i64,
    claim: SeatClaim,
) -> Result<(), AppError> {
    let limit = db::tenants::seat_limit(conn, tenant_id).await?.flatten();
    ensure_free_given(conn, tenant_id, limit, claim).await
}

/// [`ensure_free`] for a caller that has just read the tenant's seat limit
/// (`limit_read`) on the same transaction: no limit, nothing more to read.
pub async fn ensure_free_given(
    conn: &mut impl Exec,
    tenant_id: i64,
    limit_read: Option<i64>,
    claim: SeatClaim,
) -> Result<(), AppError> {
    if limit_read.is_none() {
        return Ok(());
    }
    db::tenants::lock(conn, tenant_id).await?;
    // Read again under the lock: the operator may just have changed it.
    let Some(limit) = db::tenants::seat_limit(conn, tenant_id).await?.flatten() else {
        return Ok(());
    };
    let (used, reserved) = used_and_reserved(conn, tenant_id).await?;
    if claim == SeatClaim::TakeReserved {
        if used >= limit {
            return Err(AppError::SeatLimitReached(format!(
                "This tenant has no seat left: all {limit} seats are taken. \
                 Ask one of its managers to free a seat, then try again."
            )));
        }
        return Ok(());
    }
    if used + reserved >= limit {
        return Err(AppError::SeatLimitReached(format!(
            "No seat left: {used} of {limit} seats are used and {reserved} reserved by pending \
             invitations. Revoke an invitation or remove a member to free one."
        )));
    }
    Ok(())
}

/// The operator sets (or, with `None`, lifts) a tenant's seat limit. Nobody
/// is removed when it falls below what is used. Audited as the operator.
pub async fn set_limit(
    state: &AppState,
    tenant_id: i64,
    limit: Option<i64>,
) -> Result<Seats, AppError> {
    if let Some(n) = limit
        && !(1..=MAX_SEAT_LIMIT).contains(&n)
    {
        return Err(AppError::field(
            "seatLimit",
            format!("Use a whole number from 1 to {MAX_SEAT_LIMIT}, or null for no limit."),
        ));
    }
    let mut tx = state.db.begin().await?;
    let before = db::tenants::seat_limit(&mut tx, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = now_ms();
    db::tenants::set_seat_limit(&mut tx, tenant_id, limit, now).await?;
    if before != limit {
        audit::record(
            &mut tx,
            Some(tenant_id),
            &operator(),
            AuditAction::TenantSeatLimitChanged,
            "seats",
            json!({ "from": before, "to": limit }),
        )
        .await?;
    }
    let seats = count(&mut tx, tenant_id).await?;
    tx.commit().await?;
    Ok(seats)
}

/// Who the audit log names for the operator's changes.
fn operator() -> AuditActor {
    AuditActor {
        account_id: None,
        label: "Instance operator".into(),
    }
}
