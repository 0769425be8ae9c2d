//! What SSO changes about signing in (SPEC §11): home-realm discovery
//! (the address's domain names the connection), `required` connections
//! refusing passwords, and what a verified ID token does.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::connections::{RelyingParty, relying_party};
use crate::backend::access::accounts::revoke_credentials;
use crate::backend::audit::{self, AuditActor};
use crate::backend::db::accounts::AccountRow;
use crate::backend::db::{self, now_ms};
use crate::backend::onboarding::domains::email_domain;
use crate::backend::onboarding::membership::{self, Admission, Via};
use crate::backend::state::AppState;
use crate::domain::{AuditAction, Email, MemberStatus};
use crate::error::AppError;

/// The connection that signs in `email`'s people, if its domain has one.
pub async fn discover(state: &AppState, email: &str) -> Result<Option<RelyingParty>, AppError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    let mut conn = state.db.read().await?;
    match db::sso::for_domain(&mut conn, email_domain(email.as_str())).await? {
        Some(row) => Ok(Some(relying_party(state, &row)?)),
        None => Ok(None),
    }
}

/// The claims of an ID token the relying party verified (signature,
/// issuer, audience, expiry, nonce).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedClaims {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

/// Who signed in, and the tenant to land in when they are (now) a member.
pub struct SignedIn {
    pub account: AccountRow,
    pub tenant_id: Option<i64>,
}

/// Signs the person of `claims` in through connection `rp`: the address
/// must be at one of the connection's domains, and confirmed by the
/// provider (`email_verified`) or by the domain's DNS proof. An account
/// with the address is linked (an unconfirmed one loses its password and
/// sessions: whoever chose it did not prove the mailbox); a new one is
/// made without a password. Someone with no membership joins with the
/// connection's roles through `membership::admit` (seats permitting; a
/// person who left or was removed stays out, and still signs in).
pub async fn complete(
    state: &AppState,
    rp: &RelyingParty,
    claims: &VerifiedClaims,
) -> Result<SignedIn, AppError> {
    let raw = claims.email.as_deref().ok_or_else(|| {
        AppError::ForbiddenBecause("The identity provider sent no email address.".into())
    })?;
    let email = Email::parse(raw).map_err(|_| {
        AppError::ForbiddenBecause(
            "The identity provider sent an address Portico cannot use.".into(),
        )
    })?;
    let domain = email_domain(email.as_str()).to_string();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let row = db::sso::find(&mut tx, rp.connection_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let domains = db::sso::domains(&mut tx, row.id).await?;
    if !domains.contains(&domain) {
        return Err(AppError::ForbiddenBecause(format!(
            "This identity provider signs in people at {}, not {domain}.",
            domains.join(", ")
        )));
    }
    let proven = db::domains::proven_by(&mut tx, &domain).await? == Some(row.tenant_id);
    if claims.email_verified == Some(false) && !proven {
        return Err(AppError::ForbiddenBecause(
            "The identity provider has not confirmed this address.".into(),
        ));
    }
    db::tenants::lock(&mut tx, row.tenant_id).await?;
    let actor = AuditActor {
        account_id: None,
        label: format!("sso ({})", row.issuer),
    };
    let account = match db::accounts::find_by_email(&mut tx, email.as_str()).await? {
        Some(a) if a.email_verified_at.is_some() => a,
        Some(a) => {
            // Someone made this account without proving the mailbox; the
            // provider proves it now: their password and sessions end.
            db::accounts::mark_verified(&mut tx, a.id, now).await?;
            db::accounts::clear_password(&mut tx, a.id, now).await?;
            revoke_credentials(&mut tx, a.id).await?;
            audit::record(
                &mut tx,
                Some(row.tenant_id),
                &actor,
                AuditAction::SsoAccountLinked,
                email.as_str(),
                json!({ "connectionId": row.id, "accountId": a.id, "wasUnconfirmed": true }),
            )
            .await?;
            db::accounts::find_by_id(&mut tx, a.id)
                .await?
                .ok_or(AppError::NotFound)?
        }
        None => {
            let new = db::accounts::NewAccountRow {
                email: email.as_str(),
                password_hash: "",
                first_name: claims.given_name.as_deref().unwrap_or(""),
                last_name: claims.family_name.as_deref().unwrap_or(""),
                email_verified_at: Some(now),
                locale: None,
            };
            let id = db::accounts::insert(&mut tx, new, now).await?;
            db::accounts::find_by_id(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?
        }
    };
    let membership = db::members::membership(&mut tx, row.tenant_id, account.id).await?;
    let tenant_id = match membership.map(|m| m.status) {
        Some(MemberStatus::Active) => Some(row.tenant_id),
        Some(MemberStatus::Disabled) => None,
        Some(MemberStatus::Deleted) | None => {
            let admission = Admission {
                tenant_id: row.tenant_id,
                account: &account,
                roles: &row.join_roles,
                organisation_id: None,
                via: Via::Sso {
                    connection_id: row.id,
                },
            };
            match membership::admit(&mut tx, admission, now).await {
                Ok(_) => Some(row.tenant_id),
                // Removed, or no seat: signed in, not admitted.
                Err(AppError::ForbiddenBecause(_) | AppError::SeatLimitReached(_)) => None,
                Err(e) => return Err(e),
            }
        }
    };
    audit::record(
        &mut tx,
        Some(row.tenant_id),
        &AuditActor::account(&account),
        AuditAction::MemberSignedIn,
        email.as_str(),
        json!({ "via": "sso", "connectionId": row.id, "subject": claims.subject }),
    )
    .await?;
    tx.commit().await?;
    Ok(SignedIn { account, tenant_id })
}
