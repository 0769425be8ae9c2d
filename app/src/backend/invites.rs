//! Invitations (SPEC §3): create (or refresh a pending one), resend, revoke,
//! preview, accept, decline, expire, list. The one service behind the
//! invite pages, the canonical REST endpoints and the compatibility
//! adapters. Tokens are 32 random bytes; only their SHA-256 is stored, so
//! a link can be shown when it is made and never again.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::accounts::{self, AccountRow, NewAccount};
use super::audit::{self, AuditActor};
use super::config::parse_origin;
use super::crypto;
use super::db::now_ms;
use super::mail;
use super::permissions::Actor;
use super::rate_limit::Bucket;
use super::state::AppState;
use crate::domain::{Email, PersonName, Role};
use crate::dto::{InviteInfo, InvitePreview};
use crate::error::AppError;
use crate::format::format_ms;

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
    if origin == state.config.base_url || state.config.allowed_origins.contains(&origin) {
        Ok(())
    } else {
        Err(format!(
            "The origin {origin} is not allowed. Add it to PORTICO_ALLOWED_ORIGINS."
        ))
    }
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

const INVITE_COLUMNS: &str = "id, tenant_id, email, roles, organisation_id, status, expired_at, created_at, updated_at, send_email";

fn invite_from_row(r: &sqlx::any::AnyRow) -> InviteInfo {
    InviteInfo {
        id: r.get(0),
        tenant_id: r.get(1),
        email: r.get(2),
        roles: serde_json::from_str(&r.get::<String, _>(3)).unwrap_or_default(),
        organisation_id: r.get(4),
        status: r.get(5),
        expired_at: r.get(6),
        created_at: r.get(7),
        updated_at: r.get(8),
        send_email: r.get::<i64, _>(9) != 0,
    }
}

fn roles_json(roles: &[Role]) -> String {
    serde_json::to_string(&roles.iter().map(|r| r.as_str()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

fn parse_stored_roles(roles: &[String]) -> Vec<Role> {
    roles.iter().filter_map(|r| Role::parse(r).ok()).collect()
}

/// Marks every pending invitation past its expiry as expired; returns how
/// many. Runs lazily before reads and periodically in the background.
pub async fn expire_due(conn: &mut AnyConnection) -> Result<u64, AppError> {
    let done = sqlx::query("UPDATE invites SET status = 'expired', updated_at = $1 WHERE status = 'pending' AND expired_at <= $1")
        .bind(now_ms())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

async fn find_in_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
) -> Result<InviteInfo, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {INVITE_COLUMNS} FROM invites WHERE id = $1 AND tenant_id = $2"
    ))
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(invite_from_row(&row))
}

/// The link in the mail: `{url}?token=…`.
fn link_for(state: &AppState, url: Option<&str>, token: &str) -> String {
    let base = url
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}/invite", state.config.base_url));
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}token={token}")
}

/// Queues the invitation mail for `invite_id` with `link`.
async fn queue_invite_mail(
    conn: &mut AnyConnection,
    actor: &Actor,
    invite_id: i64,
    link: &str,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT i.email, i.roles, i.message, i.expired_at, t.name FROM invites i JOIN tenants t ON t.id = i.tenant_id WHERE i.id = $1",
    )
    .bind(invite_id)
    .fetch_one(&mut *conn)
    .await?;
    let email: String = row.get(0);
    let roles: Vec<String> = serde_json::from_str(&row.get::<String, _>(1)).unwrap_or_default();
    let message: Option<String> = row.get(2);
    let tenant: String = row.get(4);
    let inviter = format!("{} {}", actor.account.first_name, actor.account.last_name);
    let mail = mail::invite_mail(&mail::InviteMail {
        to: &email,
        tenant: &tenant,
        inviter: &inviter,
        roles: &roles,
        message: message.as_deref(),
        link,
        expires: &format_ms(row.get(3)),
    });
    mail::enqueue(conn, &mail).await
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
    let mut tx = state.db.begin().await?;
    if let Some(org) = new.organisation_id {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1 AND tenant_id = $2")
                .bind(org)
                .bind(actor.tenant_id)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(AppError::field(
                "organisationId",
                "No such organisation in this tenant.",
            ));
        }
    }
    let active: Option<i64> = sqlx::query_scalar(
        "SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.tenant_id = $1 AND a.email = $2 AND m.status = 'ACTIVE'",
    )
    .bind(actor.tenant_id)
    .bind(new.email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if active.is_some() {
        return Err(AppError::Conflict(format!(
            "{} is already a member of this tenant.",
            new.email
        )));
    }
    let (token, token_hash) = crypto::new_token();
    let now = now_ms();
    let expires = now + state.config.invite_ttl_hours * 3600 * 1000;
    // The pending invitation of this address, if any (one per tenant and
    // email, by a unique index). One past its expiry is expired: it ends
    // here, and a new invitation takes its place.
    let pending: Option<(i64, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, expired_at, organisation_id, roles FROM invites \
         WHERE tenant_id = $1 AND email = $2 AND status = 'pending'",
    )
    .bind(actor.tenant_id)
    .bind(new.email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let pending = match pending {
        Some((id, expired_at, _, _)) if expired_at <= now => {
            sqlx::query("UPDATE invites SET status = 'expired', updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            None
        }
        Some((id, _, organisation_id, roles)) => {
            // Refreshing rewrites the invitation and kills its link: only
            // someone who may manage the existing one may do that.
            let roles: Vec<String> = serde_json::from_str(&roles).unwrap_or_default();
            actor
                .ensure_can_manage(organisation_id, &parse_stored_roles(&roles))
                .map_err(|_| {
                    AppError::ForbiddenBecause(format!(
                        "{} already has a pending invitation that you may not change. Ask a tenant manager.",
                        new.email
                    ))
                })?;
            Some(id)
        }
        None => None,
    };
    let (invite_id, action) = match pending {
        Some(id) => {
            sqlx::query(
                "UPDATE invites SET roles = $1, organisation_id = COALESCE($2, organisation_id), \
                 message = COALESCE($3, message), first_name = COALESCE($4, first_name), last_name = COALESCE($5, last_name), \
                 redirect_url = COALESCE($6, redirect_url), url = COALESCE($7, url), previous_token_hash = token_hash, token_hash = $8, expired_at = $9, \
                 invited_by = $10, send_email = $11, token_mailed = $11, updated_at = $12 WHERE id = $13",
            )
            .bind(roles_json(&new.roles))
            .bind(new.organisation_id)
            .bind(new.message.as_deref())
            .bind(new.first_name.as_ref().map(|n| n.as_str().to_owned()))
            .bind(new.last_name.as_ref().map(|n| n.as_str().to_owned()))
            .bind(new.redirect_url.as_deref())
            .bind(new.url.as_deref())
            .bind(&token_hash)
            .bind(expires)
            .bind(actor.account.id)
            .bind(i64::from(new.send_email))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            (id, "invite.refreshed")
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO invites (tenant_id, email, roles, organisation_id, message, first_name, last_name, redirect_url, url, \
                 token_hash, status, expired_at, invited_by, send_email, token_mailed, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, $13, $13, $14, $14) RETURNING id",
            )
            .bind(actor.tenant_id)
            .bind(new.email.as_str())
            .bind(roles_json(&new.roles))
            .bind(new.organisation_id)
            .bind(new.message.as_deref())
            .bind(new.first_name.as_ref().map(|n| n.as_str().to_owned()))
            .bind(new.last_name.as_ref().map(|n| n.as_str().to_owned()))
            .bind(new.redirect_url.as_deref())
            .bind(new.url.as_deref())
            .bind(&token_hash)
            .bind(expires)
            .bind(actor.account.id)
            .bind(i64::from(new.send_email))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            (id, "invite.created")
        }
    };
    let stored_url: Option<String> = sqlx::query_scalar("SELECT url FROM invites WHERE id = $1")
        .bind(invite_id)
        .fetch_one(&mut *tx)
        .await?;
    let link = link_for(state, stored_url.as_deref(), &token);
    if new.send_email {
        queue_invite_mail(&mut tx, actor, invite_id, &link).await?;
    }
    let roles: Vec<&str> = new.roles.iter().map(|r| r.as_str()).collect();
    actor
        .log(
            &mut tx,
            action,
            new.email.as_str(),
            json!({ "inviteId": invite_id, "roles": roles }),
        )
        .await?;
    let invite = find_in_tenant(&mut tx, actor.tenant_id, invite_id).await?;
    tx.commit().await?;
    Ok(IssuedInvite { invite, link })
}

/// A pending invitation of the actor's tenant that the actor may manage.
async fn managed_pending(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<InviteInfo, AppError> {
    expire_due(conn).await?;
    let invite = find_in_tenant(conn, actor.tenant_id, id).await?;
    actor.ensure_can_manage(invite.organisation_id, &parse_stored_roles(&invite.roles))?;
    if invite.status != "pending" {
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
    let url: Option<String> = sqlx::query_scalar(
        "UPDATE invites SET previous_token_hash = token_hash, token_hash = $1, expired_at = $2, updated_at = $3, \
         token_mailed = $4 WHERE id = $5 RETURNING url",
    )
    .bind(&token_hash)
    .bind(expires)
    .bind(now)
    .bind(i64::from(send_mail))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let link = link_for(state, url.as_deref(), &token);
    if send_mail {
        queue_invite_mail(&mut tx, actor, id, &link).await?;
    }
    let action = if send_mail {
        "invite.resent"
    } else {
        "invite.link_copied"
    };
    actor
        .log(&mut tx, action, &invite.email, json!({ "inviteId": id }))
        .await?;
    let invite = find_in_tenant(&mut tx, actor.tenant_id, id).await?;
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
    sqlx::query("UPDATE invites SET status = 'revoked', updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    actor
        .log(
            &mut tx,
            "invite.revoked",
            &invite.email,
            json!({ "inviteId": id }),
        )
        .await?;
    let invite = find_in_tenant(&mut tx, actor.tenant_id, id).await?;
    tx.commit().await?;
    Ok(invite)
}

/// The tenant's invitations, newest first, optionally by status.
/// Organisation managers see their organisation's only.
pub async fn list_invites(
    state: &AppState,
    actor: &Actor,
    status: Option<&str>,
) -> Result<Vec<InviteInfo>, AppError> {
    const STATUSES: [&str; 5] = ["pending", "accepted", "declined", "revoked", "expired"];
    if let Some(s) = status
        && !STATUSES.contains(&s)
    {
        return Err(AppError::field(
            "status",
            "Use pending, accepted, declined, revoked or expired.",
        ));
    }
    let mut conn = state.db.pool.acquire().await?;
    expire_due(&mut conn).await?;
    let rows = sqlx::query(&format!(
        "SELECT {INVITE_COLUMNS} FROM invites WHERE tenant_id = $1 AND ($2 = '' OR status = $2) \
         AND ($3 = 0 OR organisation_id = $3) ORDER BY created_at DESC, id DESC"
    ))
    .bind(actor.tenant_id)
    .bind(status.unwrap_or(""))
    .bind(actor.organisation_filter())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(invite_from_row).collect())
}

/// The invitation behind `token`, for the acceptance page. Changes
/// nothing but the lazy expiry of that one invitation.
pub async fn preview(state: &AppState, token: &str) -> Result<InvitePreview, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    expire_due(&mut conn).await?;
    let row = sqlx::query(
        "SELECT i.tenant_id, t.name, COALESCE(a.first_name || ' ' || a.last_name, 'A manager'), i.email, i.roles, i.expired_at, \
                i.status, i.first_name, i.last_name, i.message, i.token_hash \
         FROM invites i JOIN tenants t ON t.id = i.tenant_id LEFT JOIN accounts a ON a.id = i.invited_by \
         WHERE i.token_hash = $1",
    )
    .bind(crypto::hash_token(token))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if !crypto::hashes_equal(&row.get::<String, _>(10), &crypto::hash_token(token)) {
        return Err(AppError::NotFound);
    }
    let email: String = row.get(3);
    let account_exists = sqlx::query_scalar::<_, i64>("SELECT id FROM accounts WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
    Ok(InvitePreview {
        tenant_id: row.get(0),
        tenant_name: row.get(1),
        inviter: row.get(2),
        email,
        roles: serde_json::from_str(&row.get::<String, _>(4)).unwrap_or_default(),
        expired_at: row.get(5),
        status: row.get(6),
        account_exists,
        first_name: row.get(7),
        last_name: row.get(8),
        message: row.get(9),
    })
}

/// Who accepts an invitation.
pub enum Acceptor {
    /// A signed-in account (must own the invited email).
    Account(AccountRow),
    /// Nobody signed in and no account for the email yet: create one,
    /// verified when the link was mailed to the address (it proves the
    /// mailbox), unverified with a verification mail otherwise.
    NewAccount {
        first_name: PersonName,
        last_name: PersonName,
        password: crate::domain::Password,
    },
}

/// The result of a successful acceptance.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub account_id: i64,
    /// For signing the new member's browser in.
    pub credentials_version: i64,
    pub tenant_id: i64,
    pub member_id: i64,
    pub redirect_url: Option<String>,
}

/// What a link a resend or refresh replaced says.
pub const REPLACED: &str =
    "This link was replaced by a newer invitation email. Use the link in the most recent one.";

/// Whether `token_hash` belongs to a link that a resend or a refresh
/// replaced (only the last replaced link of each invitation is kept).
async fn was_replaced(conn: &mut AnyConnection, token_hash: &str) -> Result<bool, AppError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM invites WHERE previous_token_hash = $1")
            .bind(token_hash)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// For the acceptance page: whether an unknown `token` is a replaced link.
pub async fn link_replaced(state: &AppState, token: &str) -> Result<bool, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    was_replaced(&mut conn, &crypto::hash_token(token)).await
}

/// Why a token cannot be used, in words for the acceptance page.
fn unusable(status: &str) -> AppError {
    match status {
        "accepted" => AppError::Conflict("This invitation has already been used.".into()),
        "declined" => AppError::Conflict("This invitation was declined.".into()),
        "revoked" => AppError::Conflict("This invitation was revoked by the tenant.".into()),
        "expired" => AppError::Conflict("This invitation has expired. Ask for a new one.".into()),
        _ => AppError::NotFound,
    }
}

/// Accepts the invitation behind `token`: single use under concurrency
/// (one conditional UPDATE claims it), the member created in the same
/// transaction.
#[tracing::instrument(skip_all)]
pub async fn accept(
    state: &AppState,
    token: &str,
    acceptor: Acceptor,
) -> Result<Accepted, AppError> {
    // Hash the new password before taking any lock.
    let new_hash = match &acceptor {
        Acceptor::NewAccount { password, .. } => Some(crypto::hash_password(password).await?),
        Acceptor::Account(_) => None,
    };
    let token_hash = crypto::hash_token(token);
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    let claimed = sqlx::query(&format!(
        "UPDATE invites SET status = 'accepted', updated_at = $1 \
         WHERE token_hash = $2 AND status = 'pending' AND expired_at > $1 RETURNING {CLAIMED_COLUMNS}"
    ))
    .bind(now)
    .bind(&token_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(invite) = claimed else {
        drop(tx);
        let mut conn = state.db.pool.acquire().await?;
        let found: Option<(String, i64)> =
            sqlx::query_as("SELECT status, expired_at FROM invites WHERE token_hash = $1")
                .bind(&token_hash)
                .fetch_optional(&mut *conn)
                .await?;
        return match found {
            // Past its expiry: expired to every reader, swept or not.
            Some((s, expired_at)) if s == "pending" && expired_at <= now => {
                Err(unusable("expired"))
            }
            Some((s, _)) => Err(unusable(&s)),
            None if was_replaced(&mut conn, &token_hash).await? => {
                Err(AppError::Conflict(REPLACED.into()))
            }
            None => Err(AppError::NotFound),
        };
    };
    complete_acceptance(state, tx, claimed_invite(&invite), acceptor, new_hash, now).await
}

/// What the claiming UPDATE returns.
const CLAIMED_COLUMNS: &str =
    "id, tenant_id, email, roles, organisation_id, redirect_url, token_mailed";

/// An invitation just claimed for acceptance.
struct Claimed {
    id: i64,
    tenant_id: i64,
    email: String,
    roles: String,
    organisation_id: Option<i64>,
    redirect_url: Option<String>,
    /// The token went out in a mail to the invited address.
    token_mailed: bool,
}

fn claimed_invite(row: &sqlx::any::AnyRow) -> Claimed {
    Claimed {
        id: row.get(0),
        tenant_id: row.get(1),
        email: row.get(2),
        roles: row.get(3),
        organisation_id: row.get(4),
        redirect_url: row.get(5),
        token_mailed: row.get::<i64, _>(6) != 0,
    }
}

/// The rest of an acceptance, on the transaction that claimed `invite`:
/// the account (checked, or created), the member, the audit event.
async fn complete_acceptance(
    state: &AppState,
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    invite: Claimed,
    acceptor: Acceptor,
    new_hash: Option<crypto::PasswordHash>,
    now: i64,
) -> Result<Accepted, AppError> {
    let Claimed {
        id: invite_id,
        tenant_id,
        email,
        roles,
        organisation_id,
        redirect_url,
        token_mailed,
    } = invite;

    let account = match acceptor {
        Acceptor::Account(account) => {
            if account.email != email {
                return Err(AppError::ForbiddenBecause(format!(
                    "This invitation is for {email}, but you are signed in as {}.",
                    account.email
                )));
            }
            account
        }
        Acceptor::NewAccount {
            first_name,
            last_name,
            password,
        } => {
            let new = NewAccount {
                email: Email::parse(&email).map_err(|_| AppError::Internal)?,
                password,
                first_name,
                last_name,
            };
            let hash = new_hash.ok_or(AppError::Internal)?;
            // Only a link Portico mailed to the address proves the mailbox
            // (SPEC §2); a link the inviter was handed does not.
            let verified_at = token_mailed.then_some(now);
            let id = accounts::insert_account(&mut tx, &new, &hash, verified_at)
                .await
                .map_err(|e| match e {
                    AppError::Validation(_) => AppError::Conflict(
                        "An account with this email already exists. Sign in to accept.".into(),
                    ),
                    other => other,
                })?;
            let account = accounts::find_by_id(&mut tx, id)
                .await?
                .ok_or(AppError::Internal)?;
            if !token_mailed {
                accounts::queue_verification(state, &mut tx, &account).await?;
            }
            account
        }
    };

    let existing: Option<(i64, String)> =
        sqlx::query_as("SELECT id, status FROM members WHERE tenant_id = $1 AND account_id = $2")
            .bind(tenant_id)
            .bind(account.id)
            .fetch_optional(&mut *tx)
            .await?;
    let member_id = match existing {
        Some((_, status)) if status == "ACTIVE" => {
            return Err(AppError::Conflict("You are already a member of this tenant.".into()));
        }
        Some((_, status)) if status == "DISABLED" => {
            return Err(AppError::ForbiddenBecause("Your membership of this tenant is disabled. Ask a manager.".into()));
        }
        Some((id, _)) => {
            sqlx::query("UPDATE members SET status = 'ACTIVE', roles = $1, organisation_id = $2, updated_at = $3 WHERE id = $4")
                .bind(&roles)
                .bind(organisation_id)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO members (tenant_id, account_id, status, roles, organisation_id, meta, external_id, created_at, updated_at) \
                 VALUES ($1, $2, 'ACTIVE', $3, $4, '{}', $5, $6, $6) RETURNING id",
            )
            .bind(tenant_id)
            .bind(account.id)
            .bind(&roles)
            .bind(organisation_id)
            .bind(account.id.to_string())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    sqlx::query("UPDATE invites SET accepted_by = $1 WHERE id = $2")
        .bind(account.id)
        .bind(invite_id)
        .execute(&mut *tx)
        .await?;
    let actor = AuditActor {
        account_id: Some(account.id),
        label: account.email.clone(),
    };
    audit::record(
        &mut tx,
        Some(tenant_id),
        &actor,
        "invite.accepted",
        &email,
        json!({ "inviteId": invite_id, "memberId": member_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Accepted {
        account_id: account.id,
        credentials_version: account.credentials_version,
        tenant_id,
        member_id,
        redirect_url,
    })
}

/// The invited person declines; the invitation ends.
pub async fn decline(state: &AppState, token: &str, account: &AccountRow) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let row: Option<(i64, i64, String)> = sqlx::query_as(
        "UPDATE invites SET status = 'declined', updated_at = $1 \
         WHERE token_hash = $2 AND status = 'pending' AND expired_at > $1 AND email = $3 RETURNING id, tenant_id, email",
    )
    .bind(now_ms())
    .bind(crypto::hash_token(token))
    .bind(&account.email)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, tenant_id, email)) = row else {
        return Err(AppError::Conflict(
            "This invitation can no longer be declined.".into(),
        ));
    };
    let actor = AuditActor {
        account_id: Some(account.id),
        label: account.email.clone(),
    };
    audit::record(
        &mut tx,
        Some(tenant_id),
        &actor,
        "invite.declined",
        &email,
        json!({ "inviteId": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The email-match flow of `POST /api/v1/registration`: accepts the
/// newest pending, unexpired invitation for the caller's email, without a
/// token. Only a verified email may join this way (SPEC §2): otherwise
/// anyone who signs up with an invited address would take the invitation.
/// The invitation's link is not re-keyed, so the mailed one stays whole
/// until the claim succeeds.
#[tracing::instrument(skip_all)]
pub async fn accept_by_email(state: &AppState, account: AccountRow) -> Result<Accepted, AppError> {
    if account.email_verified_at.is_none() {
        return Err(AppError::email_not_verified(
            "join a tenant by your email address; or open the link in your invitation",
        ));
    }
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    let claimed = sqlx::query(&format!(
        "UPDATE invites SET status = 'accepted', updated_at = $1 WHERE id = ( \
           SELECT id FROM invites WHERE email = $2 AND status = 'pending' AND expired_at > $1 \
           ORDER BY created_at DESC, id DESC LIMIT 1) \
         AND status = 'pending' RETURNING {CLAIMED_COLUMNS}"
    ))
    .bind(now)
    .bind(&account.email)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    complete_acceptance(
        state,
        tx,
        claimed_invite(&claimed),
        Acceptor::Account(account),
        None,
        now,
    )
    .await
}

/// For the background sweep.
pub async fn sweep(state_db: &super::db::Db) -> Result<u64, AppError> {
    let mut conn = state_db.pool.acquire().await?;
    expire_due(&mut conn).await
}

/// Loads the actor for a tenant from an account.
pub async fn actor_for(
    state: &AppState,
    account: AccountRow,
    tenant_id: i64,
) -> Result<Actor, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    Actor::load(&mut conn, account, tenant_id).await
}
