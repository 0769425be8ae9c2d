//! The invited person's side: the preview behind a link, accepting (with
//! a signed-in account, a new account, or by verified email match) and
//! declining.

use serde_json::json;

use crate::backend::access::accounts::NewPerson;
use crate::backend::access::accounts::{self, AccountRow, NewAccount};
use crate::backend::audit::{self, AuditActor};
use crate::backend::crypto;
use crate::backend::db::invites::{ClaimedRow, status_at};
use crate::backend::db::{self, now_ms};
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::onboarding::membership::{self, Admission, Via};
use crate::backend::state::AppState;
use crate::domain::{AuditAction, Email, InviteStatus};
use crate::dto::InvitePreview;
use crate::error::AppError;

/// The invitation behind `token`, for the acceptance page. Changes
/// nothing.
pub async fn preview(state: &AppState, token: &str) -> Result<InvitePreview, AppError> {
    let hash = crypto::hash_token(token);
    let mut conn = state.db.read().await?;
    let row = db::invites::preview(&mut conn, &hash)
        .await?
        .ok_or(AppError::NotFound)?;
    if !crypto::hashes_equal(&row.token_hash, &hash) {
        return Err(AppError::NotFound);
    }
    let account_exists = db::accounts::exists_with_email(&mut conn, &row.email).await?;
    Ok(InvitePreview {
        tenant_id: row.tenant_id,
        tenant_name: row.tenant_name,
        inviter: row.inviter,
        email: row.email,
        roles: row.roles.0,
        expired_at: row.expired_at,
        status: status_at(row.status, row.expired_at, now_ms()),
        account_exists,
        first_name: row.first_name,
        last_name: row.last_name,
        message: row.message,
        organisation_name: row.organisation_name,
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
        person: NewPerson,
        /// For the per-client limit on password-setting with a token.
        client_ip: Option<std::net::IpAddr>,
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

/// For the acceptance page: whether an unknown `token` is a replaced link
/// (only the last replaced link of each invitation is kept).
pub async fn link_replaced(state: &AppState, token: &str) -> Result<bool, AppError> {
    let mut conn = state.db.read().await?;
    db::invites::is_replaced(&mut conn, &crypto::hash_token(token)).await
}

/// Why a token cannot be used, in words for the acceptance page.
fn unusable(status: InviteStatus) -> AppError {
    match status {
        InviteStatus::Accepted => {
            AppError::Conflict("This invitation has already been used.".into())
        }
        InviteStatus::Declined => AppError::Conflict("This invitation was declined.".into()),
        InviteStatus::Revoked => {
            AppError::Conflict("This invitation was revoked by the tenant.".into())
        }
        InviteStatus::Expired => {
            AppError::Conflict("This invitation has expired. Ask for a new one.".into())
        }
        InviteStatus::Pending => AppError::NotFound,
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
    let token_hash = crypto::hash_token(token);
    // A new account's password is hashed before any lock is taken, and
    // only for a token that names a pending invitation: a made-up token
    // costs one indexed read, never argon2 work.
    let new_hash = match &acceptor {
        Acceptor::NewAccount { person, client_ip } => {
            accounts::limit_password_token(state, *client_ip).await?;
            {
                let mut conn = state.db.read().await?;
                match db::invites::status_by_token(&mut conn, &token_hash).await? {
                    Some((status, expired_at))
                        if status == InviteStatus::Pending && expired_at > now_ms() => {}
                    _ => {
                        drop(conn);
                        return Err(refusal(state, &token_hash, now_ms()).await?);
                    }
                }
            }
            accounts::limit_password_target(state, &format!("invite:{token_hash}")).await?;
            Some(crypto::hash_password(&person.password).await?)
        }
        Acceptor::Account(_) => None,
    };
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    let Some(invite) = db::invites::claim_by_token(&mut tx, &token_hash, now).await? else {
        drop(tx);
        return Err(refusal(state, &token_hash, now).await?);
    };
    complete_acceptance(state, tx, invite, acceptor, new_hash, now).await
}

/// Why the invitation behind `token_hash` cannot be accepted now.
async fn refusal(state: &AppState, token_hash: &str, now: i64) -> Result<AppError, AppError> {
    let mut conn = state.db.read().await?;
    Ok(
        match db::invites::status_by_token(&mut conn, token_hash).await? {
            Some((status, expired_at)) => unusable(status_at(status, expired_at, now)),
            None if db::invites::is_replaced(&mut conn, token_hash).await? => {
                AppError::Conflict(REPLACED.into())
            }
            None => AppError::NotFound,
        },
    )
}

/// The email-match flow of `POST /api/v1/registration` (and the home
/// page's "Accept"): accepts the newest pending, unexpired invitation for
/// the caller's email, or with `only` that one, without a token. Only a verified email may join this way (SPEC §2): otherwise
/// anyone who signs up with an invited address would take the invitation.
/// The invitation's link is not re-keyed, so the mailed one stays whole
/// until the claim succeeds.
#[tracing::instrument(skip_all)]
pub async fn accept_by_email(
    state: &AppState,
    account: AccountRow,
    only: Option<i64>,
) -> Result<Accepted, AppError> {
    if account.email_verified_at.is_none() {
        return Err(AppError::email_not_verified(
            "join a tenant by your email address; or open the link in your invitation",
        ));
    }
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    let invite = db::invites::claim_newest_for_email(&mut tx, &account.email, only, now)
        .await?
        .ok_or(AppError::NotFound)?;
    complete_acceptance(state, tx, invite, Acceptor::Account(account), None, now).await
}

/// The rest of an acceptance, on the transaction that claimed `invite`:
/// the account (checked, or created), the member, the audit event.
async fn complete_acceptance(
    state: &AppState,
    mut tx: db::WriteTx,
    invite: ClaimedRow,
    acceptor: Acceptor,
    new_hash: Option<crypto::PasswordHash>,
    now: i64,
) -> Result<Accepted, AppError> {
    let token_mailed = invite.token_mailed != 0;
    let account = match acceptor {
        Acceptor::Account(account) => {
            if account.email != invite.email {
                return Err(AppError::ForbiddenBecause(format!(
                    "This invitation is for {}, but you are signed in as {}.",
                    invite.email, account.email
                )));
            }
            account
        }
        Acceptor::NewAccount { person, .. } => {
            let new = NewAccount {
                email: Email::parse(&invite.email)
                    .map_err(|e| AppError::broken(&format!("stored invitation email: {e}")))?,
                password: person.password,
                first_name: person.first_name,
                last_name: person.last_name,
                locale: invite
                    .locale
                    .as_deref()
                    .and_then(crate::i18n::Lang::from_tag),
            };
            let hash = new_hash.ok_or_else(|| AppError::broken("new account without a hash"))?;
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
            let account = accounts::find_by_id(&mut tx, id).await?.ok_or_else(|| {
                AppError::broken("an account written in this transaction is missing")
            })?;
            if !token_mailed {
                accounts::queue_verification(state, &mut tx, &account, None).await?;
            }
            account
        }
    };

    db::invites::set_accepted_by(&mut tx, invite.id, account.id).await?;
    let accepted = stored_invite(&mut tx, invite.tenant_id, invite.id, now).await?;
    events::emit(
        &mut tx,
        EventType::InviteAccepted,
        Some(&AuditActor::account(&account)),
        Subject::Invite(accepted),
    )
    .await?;
    let member_id = membership::admit(
        &mut tx,
        Admission {
            tenant_id: invite.tenant_id,
            account: &account,
            roles: &invite.roles,
            organisation_id: invite.organisation_id,
            via: Via::Invite {
                id: invite.id,
                email: &invite.email,
            },
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Accepted {
        account_id: account.id,
        credentials_version: account.credentials_version,
        tenant_id: invite.tenant_id,
        member_id,
        redirect_url: invite.redirect_url,
    })
}

/// The invited person declines; the invitation ends.
pub async fn decline(state: &AppState, token: &str, account: &AccountRow) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let declined = db::invites::decline(
        &mut tx,
        &crypto::hash_token(token),
        &account.email,
        now_ms(),
    )
    .await?;
    let Some((id, tenant_id)) = declined else {
        return Err(AppError::Conflict(
            "This invitation can no longer be declined.".into(),
        ));
    };
    let actor = AuditActor::account(account);
    audit::record(
        &mut tx,
        Some(tenant_id),
        &actor,
        AuditAction::InviteDeclined,
        &account.email,
        json!({ "inviteId": id }),
    )
    .await?;
    let declined = stored_invite(&mut tx, tenant_id, id, now_ms()).await?;
    events::emit(
        &mut tx,
        EventType::InviteDeclined,
        Some(&actor),
        Subject::Invite(declined),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An invitation as it is stored now, for an event.
async fn stored_invite(
    conn: &mut sqlx::AnyConnection,
    tenant_id: i64,
    id: i64,
    now: i64,
) -> Result<crate::dto::InviteInfo, AppError> {
    db::invites::find_in_tenant(conn, tenant_id, id)
        .await?
        .map(|row| row.info(now))
        .ok_or_else(|| AppError::broken("an invitation written in this transaction is missing"))
}

/// How many waiting invitations the home page lists.
pub const WAITING_SHOWN: i64 = 20;

/// The newest invitations waiting for `email`, in any tenant (the home page
/// of the person signed in with it).
pub async fn waiting_for(
    state: &AppState,
    email: &str,
) -> Result<Vec<db::invites::WaitingRow>, AppError> {
    let mut conn = state.db.read().await?;
    db::invites::waiting_for_email(&mut conn, email, now_ms(), WAITING_SHOWN).await
}
