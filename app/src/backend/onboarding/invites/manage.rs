//! The manager's side of invitations: create (or refresh the pending one),
//! resend, copy a fresh link, revoke, list.

use serde_json::json;
use sqlx::AnyConnection;

use super::{IssuedInvite, NewInvite, link_for};
use crate::backend::access::actor::Actor;
use crate::backend::db::exec::Exec;
use crate::backend::db::invites::{InviteFields, MailDetails};
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::languages;
use crate::backend::onboarding::seats::{self, SeatClaim};
use crate::backend::rate_limit::Bucket;
use crate::backend::state::AppState;
use crate::backend::{crypto, delivery::mail};
use crate::domain::{AuditAction, Email, InviteStatus, PersonName};
use crate::dto::{InviteInfo, Page};
use crate::error::AppError;
use crate::i18n::Lang;

/// "Expiring soon": pending, and expiring within this many hours.
pub const EXPIRING_SOON_HOURS: i64 = 48;

/// The statuses a list filters by: those readers see, and `expiring`
/// (pending, expiring within [`EXPIRING_SOON_HOURS`]).
pub const LISTED_STATUSES: [&str; 6] = [
    "pending", "expiring", "accepted", "declined", "revoked", "expired",
];

async fn find_in_tenant(
    conn: &mut impl Exec,
    tenant_id: i64,
    id: i64,
) -> Result<InviteInfo, AppError> {
    db::invites::find_in_tenant(conn, tenant_id, id)
        .await?
        .map(|row| row.info(now_ms()))
        .ok_or(AppError::NotFound)
}

/// Queues the invitation mail described by `details` with `link`.
async fn queue_invite_mail(
    conn: &mut impl Exec,
    state: &AppState,
    actor: &Actor,
    invite_id: i64,
    details: &MailDetails,
    link: &str,
) -> Result<(), AppError> {
    let inviter = format!("{} {}", actor.account.first_name, actor.account.last_name);
    let mail = mail::invite_mail(&mail::InviteMail {
        lang: languages::of_person(&state.config, details.locale.as_deref()),
        reminder: false,
        to: &details.email,
        tenant: &details.tenant_name,
        inviter: &inviter,
        roles: &details.roles.0,
        organisation: details.organisation_name.as_deref(),
        message: details.message.as_deref(),
        link,
        expires_at: details.expired_at,
    });
    mail::enqueue_for_invite(conn, &mail, invite_id).await
}

/// Invites an email into the actor's tenant, or refreshes the pending
/// invitation that email already has (new token, new expiry, merged
/// fields). An ACTIVE member cannot be invited again (409).
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id))]
pub async fn create_invite(
    state: &AppState,
    actor: &Actor,
    new: NewInvite,
) -> Result<IssuedInvite, AppError> {
    actor.ensure_can_invite()?;
    actor.ensure_can_manage(new.organisation_id, &new.roles)?;
    state
        .limiter
        .hit(Bucket::InvitesTenant, &actor.tenant_id.to_string())
        .await?;
    // Made before the write lock is taken, as is all that can be.
    let (token, token_hash) = crypto::new_token();
    // Every statement below runs on this thread on SQLite (no hop each).
    let mut tx = state.db.begin_direct().await?;
    // The organisation's name goes into the mail ("Organisation member in …").
    // An id that is not one of this tenant's organisations is unknown: 404.
    let organisation_name = match new.organisation_id {
        Some(org) => Some(
            db::collections::organisation_name(&mut tx, actor.tenant_id, org)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    // One read for all that follows: is the address a member, has it a
    // pending invitation, its language, the tenant's seat limit.
    let context = db::invites::invite_context(&mut tx, actor.tenant_id, new.email.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    if context.active_member_id.is_some() {
        return Err(AppError::Conflict(format!(
            "{} is already a member of this tenant.",
            new.email
        )));
    }
    let now = now_ms();
    let expires = now + state.config.invite_ttl_hours * 3600 * 1000;
    // The pending invitation of this address, if any (one per tenant and
    // email). One past its expiry ends here, and a new one takes its place.
    let pending = match context.pending()? {
        Some(p) if p.expired_at <= now => {
            db::invites::set_status(&mut tx, p.id, InviteStatus::Expired, now).await?;
            let expired = find_in_tenant(&mut tx, actor.tenant_id, p.id).await?;
            super::record_expiry(&mut tx, expired).await?;
            None
        }
        Some(p) => {
            // Refreshing rewrites the invitation and kills its link: only
            // someone who may manage the existing one may do that.
            actor
                .ensure_can_manage(p.organisation_id, &p.roles.parsed())
                .map_err(|_| {
                    AppError::ForbiddenBecause(format!(
                        "{} already has a pending invitation that you may not change. Ask a tenant manager.",
                        new.email
                    ))
                })?;
            Some(p.id)
        }
        None => None,
    };
    let roles = RoleNames::of(&new.roles);
    // The language is decided once, when the invitation is made; a refresh
    // changes it only when one is asked for.
    let locale = match (pending, new.locale) {
        (Some(_), asked) => asked,
        (None, asked) => Some(languages::for_invite(
            &state.config,
            asked,
            context.account_locale.as_deref(),
            context.default_locale.as_deref(),
        )),
    };
    let fields = InviteFields {
        roles: &roles,
        organisation_id: new.organisation_id,
        message: new.message.as_deref(),
        first_name: new.first_name.as_ref().map(|n| n.as_str()),
        last_name: new.last_name.as_ref().map(|n| n.as_str()),
        redirect_url: new.redirect_url.as_deref(),
        url: new.url.as_deref(),
        token_hash: &token_hash,
        expired_at: expires,
        invited_by: actor.account.id,
        send_email: new.send_email,
        locale: locale.map(Lang::code),
    };
    let (invite, link, action, event) = match pending {
        Some(id) => {
            // Merged with the stored fields: read them back. The old link
            // dies here, and with it any unsent mail that carries it.
            db::invites::refresh(&mut tx, id, &fields, now).await?;
            mail::cancel_unsent_for_invite(&mut tx, id).await?;
            let stored_url = db::invites::url(&mut tx, id).await?;
            let link = link_for(state, stored_url.as_deref(), &token);
            if new.send_email {
                let details = db::invites::mail_details(&mut tx, id).await?;
                queue_invite_mail(&mut tx, state, actor, id, &details, &link).await?;
            }
            let invite = find_in_tenant(&mut tx, actor.tenant_id, id).await?;
            (
                invite,
                link,
                AuditAction::InviteRefreshed,
                EventType::InviteResent,
            )
        }
        None => {
            // A new invitation reserves a seat (a refreshed one keeps its own).
            seats::ensure_free_given(
                &mut tx,
                actor.tenant_id,
                context.seat_limit,
                SeatClaim::Reserve,
            )
            .await?;
            // Everything stored is known here: nothing to read back.
            let id =
                db::invites::insert(&mut tx, actor.tenant_id, new.email.as_str(), &fields, now)
                    .await?;
            let link = link_for(state, new.url.as_deref(), &token);
            if new.send_email {
                let details = MailDetails {
                    email: new.email.to_string(),
                    roles: roles.clone(),
                    message: new.message.clone(),
                    expired_at: expires,
                    tenant_name: actor.tenant_name.clone(),
                    organisation_name,
                    inviter: format!("{} {}", actor.account.first_name, actor.account.last_name),
                    locale: locale.map(|l| l.code().to_owned()),
                };
                queue_invite_mail(&mut tx, state, actor, id, &details, &link).await?;
            }
            let invite = InviteInfo {
                id,
                tenant_id: actor.tenant_id,
                email: new.email.to_string(),
                roles: roles.0.clone(),
                organisation_id: new.organisation_id,
                status: InviteStatus::Pending,
                expired_at: expires,
                created_at: now,
                updated_at: now,
                send_email: new.send_email,
            };
            (
                invite,
                link,
                AuditAction::InviteCreated,
                EventType::InviteCreated,
            )
        }
    };
    actor
        .log(
            &mut tx,
            action,
            new.email.as_str(),
            json!({ "inviteId": invite.id, "roles": roles.0 }),
        )
        .await?;
    events::emit(
        &mut tx,
        event,
        Some(&actor.audit()),
        Subject::Invite(invite.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedInvite { invite, link })
}

/// A pending invitation of the actor's tenant that the actor may manage.
async fn managed_pending(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<InviteInfo, AppError> {
    let invite = find_in_tenant(conn, actor.tenant_id, id).await?;
    actor.ensure_can_manage(
        invite.organisation_id,
        &RoleNames::parse_names(&invite.roles),
    )?;
    if invite.status != InviteStatus::Pending {
        return Err(AppError::Conflict(format!(
            "This invitation is {}; only pending invitations can change.",
            invite.status
        )));
    }
    Ok(invite)
}

/// Issues a new token and expiry (the old link stops working) and, when
/// `send_mail`, mails the new link. "Copy link" uses it without mail.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, invite_id = id))]
pub async fn reissue_invite(
    state: &AppState,
    actor: &Actor,
    id: i64,
    send_mail: bool,
) -> Result<IssuedInvite, AppError> {
    let mut tx = state.db.begin().await?;
    let invite = managed_pending(&mut tx, actor, id).await?;
    let (token, token_hash) = crypto::new_token();
    let now = now_ms();
    let expires = now + state.config.invite_ttl_hours * 3600 * 1000;
    // A copied link was handed to the manager, not mailed: accepting it
    // proves nothing about the mailbox.
    let url = db::invites::reissue(&mut tx, id, &token_hash, expires, send_mail, now).await?;
    mail::cancel_unsent_for_invite(&mut tx, id).await?;
    let link = link_for(state, url.as_deref(), &token);
    if send_mail {
        let details = db::invites::mail_details(&mut tx, id).await?;
        queue_invite_mail(&mut tx, state, actor, id, &details, &link).await?;
    }
    let action = if send_mail {
        AuditAction::InviteResent
    } else {
        AuditAction::InviteLinkCopied
    };
    actor
        .log(&mut tx, action, &invite.email, json!({ "inviteId": id }))
        .await?;
    let invite = find_in_tenant(&mut tx, actor.tenant_id, id).await?;
    events::emit(
        &mut tx,
        EventType::InviteResent,
        Some(&actor.audit()),
        Subject::Invite(invite.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedInvite { invite, link })
}

#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, invite_id = id))]
pub async fn revoke_invite(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<InviteInfo, AppError> {
    let mut tx = state.db.begin().await?;
    let invite = managed_pending(&mut tx, actor, id).await?;
    db::invites::set_status(&mut tx, id, InviteStatus::Revoked, now_ms()).await?;
    // A mail not sent yet would carry a link that no longer works.
    mail::cancel_unsent_for_invite(&mut tx, id).await?;
    actor
        .log(
            &mut tx,
            AuditAction::InviteRevoked,
            &invite.email,
            json!({ "inviteId": id }),
        )
        .await?;
    let invite = find_in_tenant(&mut tx, actor.tenant_id, id).await?;
    events::emit(
        &mut tx,
        EventType::InviteRevoked,
        Some(&actor.audit()),
        Subject::Invite(invite.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(invite)
}

/// What a list of invitations asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct InviteQuery<'a> {
    /// A status readers see, or `expiring`; `None`: all.
    pub status: Option<&'a str>,
    /// The address or its beginning; `None` or blank: any.
    pub email: Option<&'a str>,
}

/// A page of the tenant's invitations, newest first, optionally by the
/// status readers see and the beginning of the address. Organisation
/// managers see their organisation's only. The total of the whole list is
/// the tenant's counter; a filtered one is counted up to
/// [`db::members::COUNT_CAP`] (10,001 means more).
pub async fn list_invites(
    state: &AppState,
    actor: &Actor,
    query: InviteQuery<'_>,
    (page, per_page): (i64, i64),
) -> Result<Page<InviteInfo>, AppError> {
    let shown = match query.status {
        None => db::invites::Shown::All,
        Some("pending") => db::invites::Shown::Pending,
        Some("expiring") => db::invites::Shown::Expiring,
        Some("expired") => db::invites::Shown::Expired,
        Some(s @ ("accepted" | "declined" | "revoked")) => db::invites::Shown::Stored(s),
        Some(_) => {
            return Err(AppError::field(
                "status",
                "Use pending, expiring, accepted, declined, revoked or expired.",
            ));
        }
    };
    let email = query.email.unwrap_or("").trim().to_lowercase();
    if email.chars().count() > MAX_EMAIL_SEARCH {
        return Err(AppError::field(
            "email",
            format!("Use at most {MAX_EMAIL_SEARCH} characters."),
        ));
    }
    let now = now_ms();
    let filter = db::invites::ListFilter {
        tenant_id: actor.tenant_id,
        shown,
        email_prefix: &email,
        organisation: actor.organisation_filter(),
        now,
        expiring_before: now + EXPIRING_SOON_HOURS * 3_600_000,
    };
    let mut conn = state.db.read().await?;
    let offset = (page - 1) * per_page;
    let rows = db::invites::list_page(&mut conn, &filter, per_page, offset).await?;
    let whole = shown == db::invites::Shown::All && filter.organisation == 0 && email.is_empty();
    let total = match db::page_total(rows.len(), per_page, offset) {
        Some(total) => total,
        None if whole => db::tenants::counters(&mut conn, actor.tenant_id)
            .await?
            .map_or(0, |c| c.all_invites),
        None => db::invites::count(&mut conn, &filter, db::members::COUNT_CAP).await?,
    };
    Ok(Page {
        items: rows.into_iter().map(|row| row.info(now)).collect(),
        page,
        per_page,
        total,
    })
}

/// The longest address search (an address is at most 254 characters).
pub const MAX_EMAIL_SEARCH: usize = 254;

/// "Invite again": a fresh invitation, mailed at once, offering what an
/// expired one offered (email, roles, organisation, names, message, URLs).
/// The same checks as any invitation apply (permission, verified email,
/// rate limit, not already a member).
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, invite_id = id))]
pub async fn invite_again(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<IssuedInvite, AppError> {
    let offer = {
        let mut conn = state.db.read().await?;
        db::invites::offer_in_tenant(&mut conn, actor.tenant_id, id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    actor.ensure_can_manage(offer.organisation_id, &offer.roles.parsed())?;
    if db::invites::status_at(offer.status, offer.expired_at, now_ms()) != InviteStatus::Expired {
        return Err(AppError::Conflict(
            "Only an expired invitation can be sent again; resend a pending one.".into(),
        ));
    }
    // Stored values were checked when first given; a row that no longer
    // parses is refused, not guessed at.
    let stored = |e: String| AppError::broken(&format!("stored invitation does not parse: {e}"));
    let name = |n: Option<String>| n.map(|n| PersonName::parse(&n)).transpose();
    let new = NewInvite {
        organisation_id: offer.organisation_id,
        message: offer.message,
        first_name: name(offer.first_name).map_err(stored)?,
        last_name: name(offer.last_name).map_err(stored)?,
        redirect_url: offer.redirect_url,
        url: offer.url,
        locale: offer.locale.as_deref().and_then(Lang::from_tag),
        ..NewInvite::new(
            Email::parse(&offer.email).map_err(stored)?,
            offer.roles.parsed(),
        )
    };
    create_invite(state, actor, new).await
}
