//! The invitation's clock: the sweep that records expiries (audit entry
//! and `invite.expired` event) and the reminder pass (SPEC §5) that mails
//! a fresh link before an invitation runs out.

use serde_json::json;

use super::link_for;
use crate::backend::audit;
use crate::backend::crypto;
use crate::backend::db::exec::Exec;
use crate::backend::db::{self, Db, now_ms};
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::delivery::mail;
use crate::backend::state::AppState;
use crate::domain::AuditAction;
use crate::dto::InviteInfo;
use crate::error::AppError;

/// Invitations one sweep transaction expires; the sweep repeats until done.
const EXPIRY_BATCH: i64 = 500;

/// The periodic sweep: records the expiry of invitations past their date
/// (readers already see them as expired), each in the audit log and as one
/// `invite.expired` event, in the transaction that records it. Returns how
/// many expired.
pub async fn sweep(db: &Db) -> Result<u64, AppError> {
    let mut total = 0;
    loop {
        let mut tx = db.begin().await?;
        let now = now_ms();
        let expired = db::invites::expire_due(&mut tx, now, EXPIRY_BATCH).await?;
        let count = expired.len() as i64;
        for row in expired {
            record_expiry(&mut tx, row.info(now)).await?;
        }
        tx.commit().await?;
        total += count as u64;
        if count < EXPIRY_BATCH {
            return Ok(total);
        }
    }
}

/// Records that `invite` (already marked expired) expired: audit entry and
/// `invite.expired` event.
pub async fn record_expiry(conn: &mut impl Exec, invite: InviteInfo) -> Result<(), AppError> {
    audit::record(
        conn,
        Some(invite.tenant_id),
        &audit::system_actor(),
        AuditAction::InviteExpired,
        &invite.email,
        json!({ "inviteId": invite.id }),
    )
    .await?;
    events::emit(
        conn,
        EventType::InviteExpired,
        None,
        Subject::Invite(invite),
    )
    .await
}

/// The most reminders one pass sends; the next pass takes the rest.
const REMINDER_BATCH: i64 = 100;

/// The periodic reminder pass (SPEC §5): each pending invitation whose link
/// was mailed gets one reminder `invite_reminder_hours` before it expires,
/// with a fresh link (only hashes are stored, so the first link cannot be
/// mailed again; it stops working, and an unsent mail carrying it is
/// cancelled). The expiry stays. Several instances: each reminder once (the
/// conditional update decides). Returns how many were queued.
pub async fn send_reminders(state: &AppState) -> Result<u64, AppError> {
    let hours = state.config.invite_reminder_hours;
    if hours == 0 {
        return Ok(0);
    }
    let now = now_ms();
    let due = {
        let mut conn = state.db.read().await?;
        db::invites::due_reminders(&mut conn, now, now + hours * 3_600_000, REMINDER_BATCH).await?
    };
    let mut sent = 0;
    for invite in due {
        let mut tx = state.db.begin().await?;
        let (token, token_hash) = crypto::new_token();
        if !db::invites::mark_reminded(&mut tx, invite.id, &token_hash, now).await? {
            continue;
        }
        mail::cancel_unsent_for_invite(&mut tx, invite.id).await?;
        let details = db::invites::mail_details(&mut tx, invite.id).await?;
        let reminder = mail::invite_mail(&mail::InviteMail {
            lang: crate::backend::languages::of_person(&state.config, details.locale.as_deref()),
            reminder: true,
            to: &details.email,
            tenant: &details.tenant_name,
            inviter: &details.inviter,
            roles: &details.roles.0,
            organisation: details.organisation_name.as_deref(),
            message: details.message.as_deref(),
            link: &link_for(state, invite.url.as_deref(), &token),
            expires_at: details.expired_at,
        });
        mail::enqueue_for_invite(&mut tx, &reminder, invite.id).await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
