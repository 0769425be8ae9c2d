//! Admitting a member: the one sequence every way into a tenant runs
//! (an invitation accepted, a shareable link used, a DNS-proven domain
//! joined — and the ways still to come: SSO, SCIM, approved requests).
//! Seat check, insert or reactivate, the audit entry and the
//! `member.joined` event, all on the caller's transaction.

use serde_json::json;
use sqlx::AnyConnection;

use crate::backend::access::accounts::AccountRow;
use crate::backend::audit::{self, AuditActor};
use crate::backend::db;
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::onboarding::seats::{self, SeatClaim};
use crate::domain::{AuditAction, MemberStatus};
use crate::error::AppError;

/// The way a person came in; it decides the seat claim, the audit entry
/// and the event's `via`.
#[derive(Debug, Clone, Copy)]
pub enum Via<'a> {
    /// An invitation was accepted: its reserved seat becomes used.
    Invite { id: i64, email: &'a str },
    /// A shareable link was used.
    Link { id: i64 },
    /// A DNS-proven domain on auto-join.
    Domain { domain: &'a str },
    /// The tenant's directory provisioned the person (SCIM): a manager's
    /// decision, like an invitation, so it may bring back someone removed.
    Directory { token: &'a str },
    /// A first sign-in through the tenant's identity provider (SSO).
    Sso { connection_id: i64 },
    /// A manager approved the person's join request (SPEC §12).
    Request { id: i64 },
}

impl Via<'_> {
    fn claim(&self) -> SeatClaim {
        match self {
            Via::Invite { .. } => SeatClaim::TakeReserved,
            Via::Link { .. }
            | Via::Domain { .. }
            | Via::Directory { .. }
            | Via::Sso { .. }
            | Via::Request { .. } => SeatClaim::Join,
        }
    }

    /// Whether it may bring back a member who left or was removed.
    fn may_return(&self) -> bool {
        matches!(self, Via::Invite { .. } | Via::Directory { .. })
    }

    fn name(&self) -> &'static str {
        match self {
            Via::Invite { .. } => "invite",
            Via::Link { .. } => "link",
            Via::Domain { .. } => "domain",
            Via::Directory { .. } => "scim",
            Via::Sso { .. } => "sso",
            Via::Request { .. } => "request",
        }
    }
}

/// Who joins which tenant, with which roles.
#[derive(Debug, Clone, Copy)]
pub struct Admission<'a> {
    pub tenant_id: i64,
    pub account: &'a AccountRow,
    pub roles: &'a db::RoleNames,
    pub organisation_id: Option<i64>,
    pub via: Via<'a>,
}

/// Makes the account an ACTIVE member, records it and emits
/// `member.joined`; returns the member id. A new member, or a DELETED one
/// back by an invitation. ACTIVE already is 409; DISABLED is 403 (a
/// manager disabled it on purpose); DELETED joining without an invitation
/// is 403: whoever left or was removed comes back only when a manager
/// invites them, not with a link they kept or by their domain, with this
/// account or any other address of the same mailbox. The seat is checked
/// before anything is written. The tenant becomes the account's last one,
/// so the product the person goes on to signs them in to it (SPEC §10).
pub async fn admit(
    conn: &mut AnyConnection,
    admission: Admission<'_>,
    now: i64,
) -> Result<i64, AppError> {
    let Admission {
        tenant_id,
        account,
        roles,
        organisation_id,
        via,
    } = admission;
    let member_id = insert_or_reactivate(
        conn,
        tenant_id,
        account.id,
        roles,
        organisation_id,
        via,
        now,
    )
    .await?;
    let actor = AuditActor::account(account);
    let (action, target, details) = match via {
        Via::Invite { id, email } => (
            AuditAction::InviteAccepted,
            email,
            json!({ "inviteId": id, "memberId": member_id }),
        ),
        Via::Link { id } => (
            AuditAction::MemberJoined,
            account.email.as_str(),
            json!({ "linkId": id, "memberId": member_id, "via": "link" }),
        ),
        Via::Domain { domain } => (
            AuditAction::MemberJoined,
            account.email.as_str(),
            json!({ "domain": domain, "memberId": member_id, "via": "domain" }),
        ),
        Via::Directory { token } => (
            AuditAction::MemberJoined,
            account.email.as_str(),
            json!({ "directoryToken": token, "memberId": member_id, "via": "scim" }),
        ),
        Via::Sso { connection_id } => (
            AuditAction::MemberJoined,
            account.email.as_str(),
            json!({ "connectionId": connection_id, "memberId": member_id, "via": "sso" }),
        ),
        Via::Request { id } => (
            AuditAction::MemberJoined,
            account.email.as_str(),
            json!({ "requestId": id, "memberId": member_id, "via": "request" }),
        ),
    };
    // What the directory does is done by the directory, not the person.
    let actor = match via {
        Via::Directory { token } => AuditActor::directory(token),
        _ => actor,
    };
    audit::record(conn, Some(tenant_id), &actor, action, target, details).await?;
    db::oidc::remember_tenant(conn, account.id, tenant_id).await?;
    let member = db::members::find_in_tenant(conn, tenant_id, member_id).await?;
    events::emit_via(
        conn,
        EventType::MemberJoined,
        Some(&actor),
        Subject::Member(member),
        Some(via.name()),
    )
    .await?;
    Ok(member_id)
}

/// Whether the account may ask to join the tenant (SPEC §12): the rules
/// [`admit`] applies to someone coming without a manager's invitation
/// (not a member already, not disabled, not removed), checked before a
/// join request is filed.
pub async fn ensure_may_ask(
    conn: &mut AnyConnection,
    tenant_id: i64,
    account_id: i64,
) -> Result<(), AppError> {
    let existing = check_return(conn, tenant_id, account_id, false).await?;
    debug_assert!(existing.is_none());
    Ok(())
}

/// The status rules of [`admit`]: the DELETED membership to bring back,
/// if there is one and `may_return`; an error for the rest.
async fn check_return(
    conn: &mut AnyConnection,
    tenant_id: i64,
    account_id: i64,
    may_return: bool,
) -> Result<Option<i64>, AppError> {
    let came_back_unasked = || {
        AppError::ForbiddenBecause(
            "You left this tenant or a manager removed you: to come back, ask a manager to invite you."
                .into(),
        )
    };
    match db::members::membership(conn, tenant_id, account_id).await? {
        Some(m) if m.status == MemberStatus::Active => Err(AppError::Conflict(
            "You are already a member of this tenant.".into(),
        )),
        Some(m) if m.status == MemberStatus::Disabled => Err(AppError::ForbiddenBecause(
            "Your membership of this tenant is disabled. Ask a manager.".into(),
        )),
        Some(m) if !may_return => {
            debug_assert_eq!(m.status, MemberStatus::Deleted);
            Err(came_back_unasked())
        }
        Some(m) => Ok(Some(m.id)),
        // A removal sticks to the person: not only this account, but any
        // address of the same mailbox (`bob+back@…` for a removed `bob@…`).
        None if !may_return
            && db::members::removed_mailbox(conn, tenant_id, account_id).await? =>
        {
            Err(came_back_unasked())
        }
        None => Ok(None),
    }
}

async fn insert_or_reactivate(
    conn: &mut AnyConnection,
    tenant_id: i64,
    account_id: i64,
    roles: &db::RoleNames,
    organisation_id: Option<i64>,
    via: Via<'_>,
    now: i64,
) -> Result<i64, AppError> {
    let claim = via.claim();
    match check_return(conn, tenant_id, account_id, via.may_return()).await? {
        Some(id) => {
            seats::ensure_free(conn, tenant_id, claim).await?;
            db::members::reactivate(conn, id, roles, organisation_id, now).await?;
            Ok(id)
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
