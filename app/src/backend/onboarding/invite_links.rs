//! Shareable invitation links (SPEC §9): a manager makes a link with roles,
//! an optional organisation, a number of uses, an expiry and an optional
//! email domain; a signed-in person with a verified email (at that domain)
//! joins with it. The code is 32 random bytes shown once; only its SHA-256
//! is stored. Uses are taken by one conditional UPDATE in the joining
//! transaction, so never more than `max_uses` people join, and a join that
//! fails afterwards (no seat, already a member) gives its use back.

use serde_json::json;

use crate::backend::access::accounts::AccountRow;
use crate::backend::access::accounts::{self, NewAccount, ThenJoin};
use crate::backend::access::actor::Actor;
use crate::backend::crypto;
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::onboarding::join_requests;
use crate::backend::onboarding::membership::{self, Admission, Via};
use crate::backend::state::AppState;
use crate::domain::{AuditAction, LinkMode, LinkStatus, Role, RoleScope, is_dns_name};
use crate::dto::{JoinPreview, JoinRequestInfo, Page};
use crate::error::AppError;

/// The most uses one link may allow.
pub const MAX_USES: i64 = 10_000;
/// The longest a link may live.
pub const MAX_LIFETIME_HOURS: i64 = 24 * 90;

/// A link request, parsed.
#[derive(Debug, Clone)]
pub struct NewLink {
    pub roles: Vec<Role>,
    pub organisation_id: Option<i64>,
    pub max_uses: i64,
    pub expires_in_hours: i64,
    /// Checked by [`create`] ([`parse_domain`]).
    pub allowed_domain: Option<String>,
    /// Admit at once, or take join requests (SPEC §12).
    pub mode: LinkMode,
}

/// A link as managers see it.
pub use crate::dto::InviteLinkInfo as LinkInfo;

impl LinkInfo {
    fn of(row: db::invite_links::LinkRow, now: i64) -> Self {
        LinkInfo {
            status: row.status(now),
            id: row.id,
            tenant_id: row.tenant_id,
            roles: row.roles.0,
            organisation_id: row.organisation_id,
            max_uses: row.max_uses,
            uses: row.uses,
            expires_at: row.expires_at,
            allowed_domain: row.allowed_domain,
            mode: row.mode,
            created_at: row.created_at,
        }
    }
}

/// A new link and its URL, shown this once.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub link: LinkInfo,
    pub url: String,
}

/// Who joined, where.
#[derive(Debug, Clone, Copy)]
pub struct Joined {
    pub tenant_id: i64,
    pub member_id: i64,
}

/// What using a link did: joined (`join` links) or asked to join
/// (`request` links, SPEC §12).
#[derive(Debug, Clone)]
pub enum JoinOutcome {
    Joined(Joined),
    Requested(Box<JoinRequestInfo>),
}

impl JoinOutcome {
    pub fn tenant_id(&self) -> i64 {
        match self {
            JoinOutcome::Joined(j) => j.tenant_id,
            JoinOutcome::Requested(r) => r.tenant_id,
        }
    }
}

/// Checks the number fields of a link request.
pub fn check_max_uses(n: i64) -> Result<i64, String> {
    if (1..=MAX_USES).contains(&n) {
        Ok(n)
    } else {
        Err(format!("Use a whole number from 1 to {MAX_USES}."))
    }
}

pub fn check_lifetime_hours(n: i64) -> Result<i64, String> {
    if (1..=MAX_LIFETIME_HOURS).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "Use a whole number of hours from 1 to {MAX_LIFETIME_HOURS} (90 days)."
        ))
    }
}

/// An email domain as the API document states it: a DNS name
/// ([`is_dns_name`]: lower-case, at least two labels), 253 characters at
/// most. Exactly that pattern: what the document refuses is refused.
pub fn parse_domain(raw: &str) -> Result<String, String> {
    if raw.len() <= 253 && is_dns_name(raw) {
        Ok(raw.to_owned())
    } else {
        Err("Write a lower-case domain such as example.com.".into())
    }
}

/// Creates a link; the same rights as inviting people with those roles.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id))]
pub async fn create(state: &AppState, actor: &Actor, new: NewLink) -> Result<IssuedLink, AppError> {
    actor.ensure_can_invite()?;
    actor.ensure_can_manage(new.organisation_id, &new.roles)?;
    if new
        .roles
        .iter()
        .any(|r| r.scope() == RoleScope::Organisation)
        && new.organisation_id.is_none()
    {
        // The request's shape is fine; what it asks for is not (as for
        // members): 409, like every refusal the document cannot state.
        return Err(AppError::Conflict(
            "Organisation roles need an organisation: give organisationId.".into(),
        ));
    }
    let allowed_domain = new
        .allowed_domain
        .as_deref()
        .map(parse_domain)
        .transpose()
        .map_err(|e| AppError::field("allowedDomain", e))?;
    let max_uses = check_max_uses(new.max_uses).map_err(|e| AppError::field("maxUses", e))?;
    let hours = check_lifetime_hours(new.expires_in_hours)
        .map_err(|e| AppError::field("expiresInHours", e))?;
    let mut tx = state.db.begin().await?;
    if let Some(org) = new.organisation_id {
        db::collections::organisation_name(&mut tx, actor.tenant_id, org)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let (code, code_hash) = crypto::new_token();
    let now = now_ms();
    let roles = RoleNames::of(&new.roles);
    let row = db::invite_links::insert(
        &mut tx,
        db::invite_links::NewLink {
            tenant_id: actor.tenant_id,
            code_hash: &code_hash,
            roles: &roles,
            organisation_id: new.organisation_id,
            max_uses,
            expires_at: now + hours * 3_600_000,
            allowed_domain: allowed_domain.as_deref(),
            created_by: actor.account.id,
            mode: new.mode,
        },
        now,
    )
    .await?;
    actor
        .log(
            &mut tx,
            AuditAction::InviteLinkCreated,
            &format!("link {}", row.id),
            json!({ "linkId": row.id, "roles": roles.0, "maxUses": row.max_uses,
                    "allowedDomain": row.allowed_domain, "mode": row.mode }),
        )
        .await?;
    tx.commit().await?;
    Ok(IssuedLink {
        link: LinkInfo::of(row, now),
        url: format!("{}/join?code={code}", state.config.base_url),
    })
}

/// A page of the tenant's links the actor may manage, newest first; the
/// total counted up to [`db::members::COUNT_CAP`] (10,001 means more).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    (page, per_page): (i64, i64),
) -> Result<Page<LinkInfo>, AppError> {
    actor.ensure_can_invite()?;
    let mut conn = state.db.read().await?;
    let now = now_ms();
    let org = actor.organisation_filter();
    let offset = (page - 1) * per_page;
    let rows = db::invite_links::list(&mut conn, actor.tenant_id, org, per_page, offset).await?;
    let total = match db::page_total(rows.len(), per_page, offset) {
        Some(total) => total,
        None => {
            db::invite_links::count(&mut conn, actor.tenant_id, org, db::members::COUNT_CAP).await?
        }
    };
    Ok(Page {
        items: rows.into_iter().map(|r| LinkInfo::of(r, now)).collect(),
        page,
        per_page,
        total,
    })
}

/// The links the member `member_id` made that still work: listed to the
/// manager who removes them, with one action to revoke them all.
pub async fn usable_made_by_member(
    state: &AppState,
    actor: &Actor,
    member_id: i64,
) -> Result<(crate::dto::MemberInfo, Vec<LinkInfo>), AppError> {
    actor.ensure_can_invite()?;
    let mut conn = state.db.read().await?;
    let member = db::members::find_in_tenant(&mut conn, actor.tenant_id, member_id).await?;
    let now = now_ms();
    let rows = db::invite_links::usable_made_by(&mut conn, actor.tenant_id, member.account_id, now)
        .await?;
    let links = rows
        .into_iter()
        .filter(|r| {
            actor
                .ensure_can_manage(r.organisation_id, &r.roles.parsed())
                .is_ok()
        })
        .map(|r| LinkInfo::of(r, now))
        .collect();
    Ok((member, links))
}

/// Revokes every link the member `member_id` made that still works and
/// the actor may manage; returns how many.
pub async fn revoke_made_by_member(
    state: &AppState,
    actor: &Actor,
    member_id: i64,
) -> Result<usize, AppError> {
    let (_, links) = usable_made_by_member(state, actor, member_id).await?;
    for link in &links {
        revoke(state, actor, link.id).await?;
    }
    Ok(links.len())
}

/// Revokes a link: nobody joins with it any more; who joined stays.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, link_id = id))]
pub async fn revoke(state: &AppState, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.ensure_can_invite()?;
    let mut tx = state.db.begin().await?;
    let row = db::invite_links::find_in_tenant(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    actor.ensure_can_manage(row.organisation_id, &row.roles.parsed())?;
    if row.revoked_at.is_none() {
        db::invite_links::revoke(&mut tx, id, now_ms()).await?;
        actor
            .log(
                &mut tx,
                AuditAction::InviteLinkRevoked,
                &format!("link {id}"),
                json!({ "linkId": id, "uses": row.uses }),
            )
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// `account` joins the tenant of the link with `code`.
#[tracing::instrument(skip_all)]
pub async fn join(
    state: &AppState,
    account: &AccountRow,
    code: &str,
    message: &str,
) -> Result<JoinOutcome, AppError> {
    if account.email_verified_at.is_none() {
        return Err(AppError::email_not_verified("join with a link"));
    }
    let code_hash = crypto::hash_token(code);
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let Some(link) = db::invite_links::take_use(&mut tx, &code_hash, now).await? else {
        let found = db::invite_links::find_by_code(&mut tx, &code_hash).await?;
        drop(tx);
        return match found {
            // A request-mode link takes no use: it files a request while
            // it is active.
            Some(l) if l.mode == LinkMode::Request && l.status(now) == LinkStatus::Active => {
                ask_with(state, account, &l, message).await
            }
            Some(l) if l.status(now) == LinkStatus::UsedUp => Err(AppError::Conflict(format!(
                "This link has been used {} times, as many as it allows. Ask for a new one.",
                l.max_uses
            ))),
            // Unknown, revoked and expired look alike: nothing to learn.
            _ => Err(AppError::NotFound),
        };
    };
    ensure_domain(link.allowed_domain.as_deref(), &account.email)?;
    let member_id = membership::admit(
        &mut tx,
        Admission {
            tenant_id: link.tenant_id,
            account,
            roles: &link.roles,
            organisation_id: link.organisation_id,
            via: Via::Link { id: link.id },
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(JoinOutcome::Joined(Joined {
        tenant_id: link.tenant_id,
        member_id,
    }))
}

/// Files `account`'s request to join through the request-mode `link`.
async fn ask_with(
    state: &AppState,
    account: &AccountRow,
    link: &db::invite_links::LinkRow,
    message: &str,
) -> Result<JoinOutcome, AppError> {
    ensure_domain(link.allowed_domain.as_deref(), &account.email)?;
    // Counted before the filing transaction: the limiter writes on a
    // connection of its own.
    join_requests::count_attempt(state, account).await?;
    let mut tx = state.db.begin().await?;
    let source = join_requests::Source {
        tenant_id: link.tenant_id,
        via: "link",
        source_id: link.id,
        roles: &link.roles,
        organisation_id: link.organisation_id,
    };
    let request = join_requests::file(state, &mut tx, account, source, message).await?;
    tx.commit().await?;
    Ok(JoinOutcome::Requested(Box::new(request)))
}

/// Refuses `email` when the link is for another email domain.
fn ensure_domain(allowed: Option<&str>, email: &str) -> Result<(), AppError> {
    match allowed {
        Some(domain) if email.rsplit_once('@').map(|(_, d)| d) != Some(domain) => {
            Err(AppError::ForbiddenBecause(format!(
                "This link is for people with an @{domain} email address, not {email}."
            )))
        }
        _ => Ok(()),
    }
}

/// The link with `code` as `/join` shows it, whatever its state; `None`
/// for an unknown code. Reads only: opening the page changes nothing.
pub async fn preview(state: &AppState, code: &str) -> Result<Option<JoinPreview>, AppError> {
    let mut conn = state.db.read().await?;
    let Some(link) = db::invite_links::find_by_code(&mut conn, &crypto::hash_token(code)).await?
    else {
        return Ok(None);
    };
    let tenant = db::tenants::get(&mut conn, link.tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let organisation_name = match link.organisation_id {
        Some(org) => db::collections::organisation_name(&mut conn, link.tenant_id, org).await?,
        None => None,
    };
    Ok(Some(JoinPreview {
        status: link.status(now_ms()),
        tenant_id: link.tenant_id,
        tenant_name: tenant.name,
        roles: link.roles.0,
        organisation_name,
        allowed_domain: link.allowed_domain,
        expires_at: link.expires_at,
        mode: link.mode,
    }))
}

/// A new person's way in through a link: the account is made unverified,
/// and its verification mail carries the code, so confirming the address
/// completes the join ([`join`] then). The link must be usable and admit
/// the email first, so nobody makes an account for a link that would
/// refuse them.
#[tracing::instrument(skip_all)]
pub async fn sign_up_to_join(
    state: &AppState,
    account: NewAccount,
    code: &str,
    client_ip: Option<std::net::IpAddr>,
) -> Result<AccountRow, AppError> {
    let link = usable(state, code).await?;
    ensure_domain(link.allowed_domain.as_deref(), account.email.as_str())?;
    let then_join = ThenJoin {
        code,
        tenant_name: &link.tenant_name,
    };
    accounts::sign_up(state, account, client_ip, Some(then_join)).await
}

/// Mails a signed-in, unverified account a new verification link that
/// also joins the tenant of `code`.
pub async fn resend_verification_to_join(
    state: &AppState,
    account: &AccountRow,
    code: &str,
) -> Result<(), AppError> {
    let link = usable(state, code).await?;
    ensure_domain(link.allowed_domain.as_deref(), &account.email)?;
    let then_join = ThenJoin {
        code,
        tenant_name: &link.tenant_name,
    };
    accounts::resend_verification(state, account.id, Some(then_join)).await
}

/// The link with `code` if people can join with it now.
async fn usable(state: &AppState, code: &str) -> Result<JoinPreview, AppError> {
    match preview(state, code).await? {
        Some(link) if link.status == LinkStatus::Active => Ok(link),
        Some(link) if link.status == LinkStatus::UsedUp => Err(AppError::Conflict(
            "This link has been used as many times as it allows. Ask for a new one.".into(),
        )),
        _ => Err(AppError::NotFound),
    }
}
