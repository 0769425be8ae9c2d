//! Invitations (SPEC §3): one service behind the invite pages, the
//! canonical REST endpoints and the compatibility adapters. The manager's
//! side (create or refresh, resend, copy link, revoke, list) lives in
//! [`manage`], the invited person's (preview, accept, decline) in
//! [`accept`]. Tokens are 32 random bytes; only their SHA-256 is stored, so
//! a link can be shown when it is made and never again.

mod accept;
mod manage;

pub use accept::{
    Accepted, Acceptor, REPLACED, accept, accept_by_email, decline, link_replaced, preview,
};
pub use manage::{
    EXPIRING_SOON_HOURS, LISTED_STATUSES, create_invite, invite_again, list_invites,
    reissue_invite, revoke_invite,
};

use serde_json::json;

use super::accounts::AccountRow;
use super::audit::{self, AuditActor};
use super::config::parse_origin;
use super::db::{self, Db, now_ms};
use super::events::{self, EventType, Subject};
use super::permissions::Actor;
use super::seats::{self, SeatClaim};
use super::state::AppState;
use super::{crypto, mail};
use crate::domain::{Email, PersonName, Role};
use crate::dto::InviteInfo;
use crate::error::AppError;

const MESSAGE_MAX_CHARS: usize = 2000;

/// A parsed invitation request.
#[derive(Debug, Clone)]
pub struct NewInvite {
    pub email: Email,
    pub roles: Vec<Role>,
    pub organisation_id: Option<i64>,
    pub message: Option<String>,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    /// Where to send the person after accepting.
    pub redirect_url: Option<String>,
    /// The acceptance page the link points at (default `{base}/invite`).
    pub url: Option<String>,
    pub send_email: bool,
}

/// A created (or refreshed, or resent) invitation and its one-time link.
#[derive(Debug, Clone)]
pub struct IssuedInvite {
    pub invite: InviteInfo,
    pub link: String,
}

/// Checks that `url` is http(s) on Portico's origin or an allowed one.
pub fn check_url(state: &AppState, url: &str) -> Result<(), String> {
    let origin = parse_origin(url).ok_or("Use an http:// or https:// URL.")?;
    let allowed = std::iter::once(&state.config.base_url).chain(&state.config.allowed_origins);
    // Exactly as the API document's pattern says: an allowed origin as
    // written, then nothing or a path, query or fragment of URL characters.
    let rest = allowed.clone().find_map(|o| {
        url.strip_prefix(o.as_str())
            .filter(|r| r.is_empty() || r.starts_with(['/', '?', '#']))
    });
    match rest {
        Some(rest) if is_uri_tail(rest) => Ok(()),
        Some(_) => Err("Percent-encode spaces and other characters URLs may not hold.".into()),
        None if allowed.clone().any(|o| *o == origin) => {
            Err(format!("Write the origin exactly as {origin}."))
        }
        None => Err(format!(
            "The origin {origin} is not allowed. Add it to PORTICO_ALLOWED_ORIGINS."
        )),
    }
}

/// A path, query and fragment of RFC 3986 characters: `%` only before two
/// hex digits, `#` only once (the fragment).
pub(crate) fn is_uri_tail(rest: &str) -> bool {
    let (before, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let ok = |part: &str| {
        let bytes = part.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' => {
                    if !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                        && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
                    {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                b if b.is_ascii_alphanumeric() || b"-._~:/?@!$&'()*+,;=".contains(&b) => {}
                _ => return false,
            }
            i += 1;
        }
        true
    };
    ok(before) && ok(fragment)
}

/// Checks a personal message: at most 2,000 characters.
pub fn check_message(message: &str) -> Result<(), String> {
    if message.chars().count() > MESSAGE_MAX_CHARS {
        Err(format!(
            "Keep the message under {MESSAGE_MAX_CHARS} characters."
        ))
    } else {
        Ok(())
    }
}

/// The link in the mail: `{url}?token=…`.
fn link_for(state: &AppState, url: Option<&str>, token: &str) -> String {
    let base = url
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}/invite", state.config.base_url));
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}token={token}")
}

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

/// Makes `account_id` an ACTIVE member of `tenant_id` with `roles`, on the
/// caller's transaction (an invitation accepted, a link or domain used): a
/// new member, or a DELETED one back by an invitation. ACTIVE already is
/// 409; DISABLED is 403 (a manager disabled it on purpose); DELETED joining
/// without an invitation (`SeatClaim::Join`) is 403: whoever left or was
/// removed comes back only when a manager invites them, not with a link
/// they kept or by their domain, with this account or any other address of
/// the same mailbox. The seat (`claim`) is checked before
/// anything is written.
pub(crate) async fn admit_member(
    conn: &mut sqlx::AnyConnection,
    tenant_id: i64,
    account_id: i64,
    roles: &db::RoleNames,
    organisation_id: Option<i64>,
    claim: SeatClaim,
    now: i64,
) -> Result<i64, AppError> {
    let came_back_unasked = || {
        AppError::ForbiddenBecause(
            "You left this tenant or a manager removed you: to come back, ask a manager to invite you."
                .into(),
        )
    };
    match db::members::membership(conn, tenant_id, account_id).await? {
        Some(m) if m.status == "ACTIVE" => Err(AppError::Conflict(
            "You are already a member of this tenant.".into(),
        )),
        Some(m) if m.status == "DISABLED" => Err(AppError::ForbiddenBecause(
            "Your membership of this tenant is disabled. Ask a manager.".into(),
        )),
        Some(m) if claim == SeatClaim::Join => {
            debug_assert_eq!(m.status, "DELETED");
            Err(came_back_unasked())
        }
        Some(m) => {
            seats::ensure_free(conn, tenant_id, claim).await?;
            db::members::reactivate(conn, m.id, roles, organisation_id, now).await?;
            Ok(m.id)
        }
        // A removal sticks to the person: not only this account, but any
        // address of the same mailbox (`bob+back@…` for a removed `bob@…`).
        None if claim == SeatClaim::Join
            && db::members::removed_mailbox(conn, tenant_id, account_id).await? =>
        {
            Err(came_back_unasked())
        }
        None => {
            seats::ensure_free(conn, tenant_id, claim).await?;
            let member = db::members::NewMember {
                tenant_id,
                account_id,
                roles,
                organisation_id,
            };
            db::members::insert(conn, member, now).await
        }
    }
}

/// Who the audit log names for what nobody did (an expiry).
pub fn system_actor() -> AuditActor {
    AuditActor {
        account_id: None,
        label: "Portico".into(),
    }
}

/// Records that `invite` (already marked expired) expired: audit entry and
/// `invite.expired` event.
pub async fn record_expiry(
    conn: &mut sqlx::AnyConnection,
    invite: InviteInfo,
) -> Result<(), AppError> {
    audit::record(
        conn,
        Some(invite.tenant_id),
        &system_actor(),
        "invite.expired",
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

/// Loads the actor for a tenant from an account.
pub async fn actor_for(
    state: &AppState,
    account: AccountRow,
    tenant_id: i64,
) -> Result<Actor, AppError> {
    let mut conn = state.db.read().await?;
    Actor::load(&mut conn, account, tenant_id).await
}

/// The actor in `tenant_id` when given, else in the account's only tenant
/// (several tenants: the caller must say which). One connection for both
/// lookups.
pub async fn actor_in(
    state: &AppState,
    account: AccountRow,
    tenant_id: Option<i64>,
) -> Result<Actor, AppError> {
    let mut conn = state.db.read().await?;
    let tenant_id = match tenant_id {
        Some(id) => id,
        None => match db::members::tenants_of(&mut conn, account.id)
            .await?
            .as_slice()
        {
            [only] => only.id,
            [] => {
                return Err(AppError::ForbiddenBecause(
                    "You are not a member of any tenant.".into(),
                ));
            }
            // Not the request's shape but the caller's state: 409.
            _ => {
                return Err(AppError::Conflict(
                    "You belong to several tenants: say which one with tenantId.".into(),
                ));
            }
        },
    };
    Actor::load(&mut conn, account, tenant_id).await
}

/// The tenant an invitation belongs to (REST finds the actor by it).
pub async fn tenant_of(state: &AppState, invite_id: i64) -> Result<Option<i64>, AppError> {
    let mut conn = state.db.read().await?;
    db::invites::tenant_of(&mut conn, invite_id).await
}
