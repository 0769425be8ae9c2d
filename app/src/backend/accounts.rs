//! Accounts: registration (account + tenant + project + manager member in
//! one transaction), API sign-up, sign-in, email verification and password
//! reset. Sign-in and reset never reveal whether an email has an account.

use std::net::IpAddr;

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::audit::{self, AuditActor};
use super::crypto::{self, PasswordHash};
use super::db::now_ms;
use super::mail;
use super::rate_limit::Bucket;
use super::state::AppState;
use crate::domain::{Email, Password, PersonName, ProjectName, Role, TenantName};
use crate::dto::{AccountInfo, TenantSummary};
use crate::error::AppError;

const VERIFY_TTL_MS: i64 = 48 * 3600 * 1000;
const RESET_TTL_MS: i64 = 3600 * 1000;

/// A new account's details, already parsed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub password: Password,
    pub first_name: PersonName,
    pub last_name: PersonName,
}

/// The register flow's input: an account and its first tenant and project.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub account: NewAccount,
    pub tenant_name: TenantName,
    pub project_name: ProjectName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub account_id: i64,
    pub tenant_id: i64,
    pub member_id: i64,
}

/// An account row. Holds the password hash, so it is never serialized.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub email_verified_at: Option<i64>,
    pub password_hash: PasswordHash,
    /// Moves on when credentials are revoked; sessions and JWTs carry it.
    pub credentials_version: i64,
}

impl AccountRow {
    pub fn info(&self) -> AccountInfo {
        AccountInfo {
            id: self.id,
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email_verified: self.email_verified_at.is_some(),
        }
    }
}

const ACCOUNT_COLUMNS: &str =
    "id, email, first_name, last_name, email_verified_at, password_hash, credentials_version";

fn account_from_row(row: &sqlx::any::AnyRow) -> AccountRow {
    AccountRow {
        id: row.get(0),
        email: row.get(1),
        first_name: row.get(2),
        last_name: row.get(3),
        email_verified_at: row.get(4),
        password_hash: PasswordHash(row.get(5)),
        credentials_version: row.get(6),
    }
}

pub async fn find_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<AccountRow>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(account_from_row))
}

pub async fn find_by_email(
    conn: &mut AnyConnection,
    email: &Email,
) -> Result<Option<AccountRow>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1"
    ))
    .bind(email.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(account_from_row))
}

fn email_taken() -> AppError {
    AppError::field(
        "email",
        "An account with this email already exists. Sign in instead.",
    )
}

/// Inserts the account; a duplicate email is a field error on `email`.
pub(crate) async fn insert_account(
    conn: &mut AnyConnection,
    account: &NewAccount,
    hash: &PasswordHash,
    verified_at: Option<i64>,
) -> Result<i64, AppError> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO accounts (email, password_hash, first_name, last_name, email_verified_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(account.email.as_str())
    .bind(&hash.0)
    .bind(account.first_name.as_str())
    .bind(account.last_name.as_str())
    .bind(verified_at)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => email_taken(),
        other => other,
    })
}

/// Inserts a tenant and its first project; returns the tenant id.
async fn insert_tenant(
    conn: &mut AnyConnection,
    tenant_name: &TenantName,
    project_name: &ProjectName,
) -> Result<i64, AppError> {
    let now = now_ms();
    let tenant_id: i64 = sqlx::query_scalar(
        "INSERT INTO tenants (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
    )
    .bind(tenant_name.as_str())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO projects (tenant_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(tenant_id)
    .bind(project_name.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(tenant_id)
}

/// Makes `actor`'s account the tenant's first `extractor-manager` and
/// records the tenant's creation; returns the member id.
async fn add_founding_manager(
    conn: &mut AnyConnection,
    actor: &AuditActor,
    account_id: i64,
    tenant_id: i64,
) -> Result<i64, AppError> {
    let now = now_ms();
    let roles = serde_json::to_string(&[Role::ExtractorManager.as_str()])
        .map_err(|_| AppError::Internal)?;
    let member_id: i64 = sqlx::query_scalar(
        "INSERT INTO members (tenant_id, account_id, status, roles, organisation_id, meta, external_id, created_at, updated_at) \
         VALUES ($1, $2, 'ACTIVE', $3, NULL, '{}', $4, $5, $5) RETURNING id",
    )
    .bind(tenant_id)
    .bind(account_id)
    .bind(roles)
    .bind(account_id.to_string())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        Some(tenant_id),
        actor,
        "tenant.created",
        &tenant_id.to_string(),
        json!({ "memberId": member_id }),
    )
    .await?;
    Ok(member_id)
}

/// A new tenant with its first project, `account`'s as its manager, on the
/// caller's transaction: the register flow of `POST /api/v1/registration`
/// for an existing account. Returns (tenant, member).
pub async fn create_tenant(
    conn: &mut AnyConnection,
    account: &AccountRow,
    tenant_name: &TenantName,
    project_name: &ProjectName,
) -> Result<(i64, i64), AppError> {
    let tenant_id = insert_tenant(conn, tenant_name, project_name).await?;
    let actor = AuditActor {
        account_id: Some(account.id),
        label: account.email.clone(),
    };
    let member_id = add_founding_manager(conn, &actor, account.id, tenant_id).await?;
    Ok((tenant_id, member_id))
}

/// Queues a verification mail for `account` on the caller's transaction.
pub(crate) async fn queue_verification(
    state: &AppState,
    conn: &mut AnyConnection,
    account: &AccountRow,
) -> Result<(), AppError> {
    let (token, hash) = crypto::new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at, created_at) \
         VALUES ($1, 'verify_email', $2, $3, $4)",
    )
    .bind(account.id)
    .bind(hash)
    .bind(now + VERIFY_TTL_MS)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let link = format!("{}/verify-email?token={token}", state.config.base_url);
    mail::enqueue(
        conn,
        &mail::verification_mail(&account.email, &account.first_name, &link),
    )
    .await
}

/// The register flow: account (unverified), tenant, first project and
/// manager member, verification mail and audit event — all or nothing.
#[tracing::instrument(skip_all)]
pub async fn register(
    state: &AppState,
    reg: NewRegistration,
    client_ip: Option<IpAddr>,
) -> Result<Registered, AppError> {
    limit_sign_up(state, &reg.account.email, client_ip).await?;
    let hash = crypto::hash_password(&reg.account.password).await?;
    let mut tx = state.db.begin().await?;
    // The tenant comes before the account on purpose: when the account
    // cannot be created (duplicate email), the rollback must take the tenant
    // with it, and the tests check that it does.
    let tenant_id = insert_tenant(&mut tx, &reg.tenant_name, &reg.project_name).await?;
    let account_id = insert_account(&mut tx, &reg.account, &hash, None).await?;
    let actor = AuditActor {
        account_id: Some(account_id),
        label: reg.account.email.to_string(),
    };
    let member_id = add_founding_manager(&mut tx, &actor, account_id, tenant_id).await?;
    let account = find_by_id(&mut tx, account_id)
        .await?
        .ok_or(AppError::Internal)?;
    queue_verification(state, &mut tx, &account).await?;
    tx.commit().await?;
    tracing::info!(account_id, tenant_id, "registered");
    Ok(Registered {
        account_id,
        tenant_id,
        member_id,
    })
}

/// `POST /api/v1/auth/signup`: an account only (no tenant), unverified,
/// with its verification mail. A duplicate email is a 409.
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    state: &AppState,
    account: NewAccount,
    client_ip: Option<IpAddr>,
) -> Result<AccountInfo, AppError> {
    limit_sign_up(state, &account.email, client_ip).await?;
    let hash = crypto::hash_password(&account.password).await?;
    let mut tx = state.db.begin().await?;
    let id = insert_account(&mut tx, &account, &hash, None)
        .await
        .map_err(|e| match e {
            AppError::Validation(_) => {
                AppError::Conflict("An account with this email already exists.".into())
            }
            other => other,
        })?;
    let row = find_by_id(&mut tx, id).await?.ok_or(AppError::Internal)?;
    queue_verification(state, &mut tx, &row).await?;
    tx.commit().await?;
    Ok(row.info())
}

/// Sign-ups cost argon2 work and mail an address the caller names: limited
/// per client address and per recipient.
pub(crate) async fn limit_sign_up(
    state: &AppState,
    email: &Email,
    client_ip: Option<IpAddr>,
) -> Result<(), AppError> {
    if let Some(ip) = client_ip {
        state.limiter.hit(Bucket::SignUpIp, &ip.to_string()).await?;
    }
    state.limiter.hit(Bucket::SignUpEmail, email.as_str()).await
}

/// Checks email and password; rate limited per email and per client IP.
/// Unknown emails cost the same argon2 work as known ones.
#[tracing::instrument(skip_all)]
pub async fn authenticate(
    state: &AppState,
    email: &str,
    password: &str,
    client_ip: Option<IpAddr>,
) -> Result<AccountRow, AppError> {
    if let Some(ip) = client_ip {
        state.limiter.hit(Bucket::SignInIp, &ip.to_string()).await?;
    }
    // The limiter keys on a hash, so an unbounded email costs nothing there.
    state
        .limiter
        .hit(Bucket::SignInEmail, &email.trim().to_lowercase())
        .await?;
    let account = match Email::parse(email) {
        Ok(email) => {
            let mut conn = state.db.pool.acquire().await?;
            find_by_email(&mut conn, &email).await?
        }
        Err(_) => None,
    };
    let ok = crypto::verify_password(password, account.as_ref().map(|a| &a.password_hash)).await?;
    match account {
        Some(account) if ok => Ok(account),
        // The same answer whatever failed.
        _ => Err(AppError::InvalidCredentials),
    }
}

/// Mails a reset link when the email has an account; answers the same
/// either way. Rate limited per email and per client IP.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(
    state: &AppState,
    email: &Email,
    client_ip: Option<IpAddr>,
) -> Result<(), AppError> {
    if let Some(ip) = client_ip {
        state.limiter.hit(Bucket::ResetIp, &ip.to_string()).await?;
    }
    state
        .limiter
        .hit(Bucket::ResetEmail, email.as_str())
        .await?;
    let mut tx = state.db.begin().await?;
    if let Some(account) = find_by_email(&mut tx, email).await? {
        let (token, hash) = crypto::new_token();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at, created_at) \
             VALUES ($1, 'reset_password', $2, $3, $4)",
        )
        .bind(account.id)
        .bind(hash)
        .bind(now + RESET_TTL_MS)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let link = format!("{}/reset-password?token={token}", state.config.base_url);
        mail::enqueue(
            &mut tx,
            &mail::password_reset_mail(&account.email, &account.first_name, &link),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Marks a mailed token used, once: returns its account, or a field error
/// on `token` when it is unknown, used or expired.
async fn consume_token(
    conn: &mut AnyConnection,
    purpose: &str,
    token: &str,
) -> Result<i64, AppError> {
    let hash = crypto::hash_token(token);
    let now = now_ms();
    let account_id: Option<i64> = sqlx::query_scalar(
        "UPDATE account_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING account_id",
    )
    .bind(now)
    .bind(&hash)
    .bind(purpose)
    .fetch_optional(conn)
    .await?;
    account_id.ok_or_else(|| {
        AppError::field(
            "token",
            "This link is invalid, expired or already used. Ask for a new one.",
        )
    })
}

/// Revokes every credential of the account issued so far: API tokens,
/// sessions (but `keep_session`) and JWTs (their version no longer
/// matches). Password reset, password change and the first verification of
/// the address call it, so that an account someone prepared before the
/// owner took it over (pre-hijack) keeps no way in.
/// Returns the new credentials version.
async fn revoke_credentials(conn: &mut AnyConnection, account_id: i64) -> Result<i64, AppError> {
    let now = now_ms();
    let version: i64 = sqlx::query_scalar(
        "UPDATE accounts SET credentials_version = credentials_version + 1, updated_at = $1 WHERE id = $2 \
         RETURNING credentials_version",
    )
    .bind(now)
    .bind(account_id)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(version)
}

/// Sets a new password from a reset link and revokes every credential
/// issued before. A reset link also proves the mailbox.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &Password,
) -> Result<AccountRow, AppError> {
    let hash = crypto::hash_password(password).await?;
    let mut tx = state.db.begin().await?;
    let account_id = consume_token(&mut tx, "reset_password", token).await?;
    let now = now_ms();
    sqlx::query(
        "UPDATE accounts SET password_hash = $1, updated_at = $2, email_verified_at = COALESCE(email_verified_at, $2) \
         WHERE id = $3",
    )
    .bind(&hash.0)
    .bind(now)
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    revoke_credentials(&mut tx, account_id).await?;
    let account = find_by_id(&mut tx, account_id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    Ok(account)
}

/// Confirms the email address of the token's account. The first
/// confirmation revokes every credential issued before it: whoever made
/// the account before the mailbox's owner confirmed it loses access.
#[tracing::instrument(skip_all)]
pub async fn verify_email(state: &AppState, token: &str) -> Result<AccountRow, AppError> {
    let mut tx = state.db.begin().await?;
    let account_id = consume_token(&mut tx, "verify_email", token).await?;
    let first = sqlx::query(
        "UPDATE accounts SET email_verified_at = $1, updated_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
    )
    .bind(now_ms())
    .bind(account_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if first {
        revoke_credentials(&mut tx, account_id).await?;
    }
    let account = find_by_id(&mut tx, account_id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    Ok(account)
}

/// Sends a new verification mail to a signed-in, unverified account.
pub async fn resend_verification(state: &AppState, account_id: i64) -> Result<(), AppError> {
    state
        .limiter
        .hit(Bucket::VerifyMailAccount, &account_id.to_string())
        .await?;
    let mut tx = state.db.begin().await?;
    let account = find_by_id(&mut tx, account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if account.email_verified_at.is_some() {
        return Err(AppError::Conflict(
            "Your email address is already confirmed.".into(),
        ));
    }
    queue_verification(state, &mut tx, &account).await?;
    tx.commit().await?;
    Ok(())
}

/// The tenants where the account is an ACTIVE member.
pub async fn tenants_of(state: &AppState, account_id: i64) -> Result<Vec<TenantSummary>, AppError> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, m.roles FROM members m JOIN tenants t ON t.id = m.tenant_id \
         WHERE m.account_id = $1 AND m.status = 'ACTIVE' ORDER BY t.name, t.id",
    )
    .bind(account_id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| TenantSummary {
            id: r.get(0),
            name: r.get(1),
            roles: serde_json::from_str(&r.get::<String, _>(2)).unwrap_or_default(),
        })
        .collect())
}

/// Changes the names of an account.
pub async fn update_profile(
    state: &AppState,
    account_id: i64,
    first: &PersonName,
    last: &PersonName,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE accounts SET first_name = $1, last_name = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(first.as_str())
    .bind(last.as_str())
    .bind(now_ms())
    .bind(account_id)
    .execute(&state.db.pool)
    .await?;
    Ok(())
}

/// Changes the password after checking the current one and revokes every
/// credential issued before; returns the new credentials version, under
/// which the caller signs the current browser in again.
pub async fn change_password(
    state: &AppState,
    account: &AccountRow,
    current: &str,
    new: &Password,
) -> Result<i64, AppError> {
    if !crypto::verify_password(current, Some(&account.password_hash)).await? {
        return Err(AppError::field(
            "currentPassword",
            "This is not your current password.",
        ));
    }
    let hash = crypto::hash_password(new).await?;
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash.0)
        .bind(now_ms())
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    let version = revoke_credentials(&mut tx, account.id).await?;
    tx.commit().await?;
    Ok(version)
}
