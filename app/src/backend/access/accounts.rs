//! Accounts: registration (account + tenant + project + manager member in
//! one transaction), API sign-up, sign-in, email verification and password
//! reset. Sign-in and reset never reveal whether an email has an account.

use std::net::IpAddr;

use serde_json::json;
use sqlx::AnyConnection;

use crate::backend::audit::{self, AuditActor};
use crate::backend::crypto::{self, PasswordHash};
use crate::backend::db::account_tokens::Purpose;
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::delivery::mail;
use crate::backend::languages;
use crate::backend::rate_limit::{Bucket, ip_key};
use crate::backend::state::AppState;
use crate::domain::{
    AuditAction, Email, FormParser, Password, PersonName, ProjectName, Role, TenantName, required,
};
use crate::dto::TenantSummary;
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
    /// The language they signed up in, kept as their preference.
    pub locale: Option<crate::i18n::Lang>,
}

/// A new account's fields as a form or a JSON body carries them (`None`:
/// a JSON body left the field out).
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountFields<'a> {
    pub email: Option<&'a str>,
    pub password: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
}

impl<'a> AccountFields<'a> {
    /// The four fields of a form, which always sends each of them.
    pub fn of_form(
        email: &'a str,
        password: &'a str,
        first_name: &'a str,
        last_name: &'a str,
    ) -> Self {
        AccountFields {
            email: Some(email),
            password: Some(password),
            first_name: Some(first_name),
            last_name: Some(last_name),
        }
    }
}

impl NewAccount {
    /// Parses every field into `form` (errors under `email`, `password`,
    /// `firstName`, `lastName`), so all problems are reported at once;
    /// `None` when one failed.
    pub fn parse(form: &mut FormParser, fields: AccountFields<'_>) -> Option<NewAccount> {
        let email = form.field("email", required(fields.email, Email::parse));
        let person = NewPerson::parse(form, fields);
        let NewPerson {
            password,
            first_name,
            last_name,
        } = person?;
        Some(NewAccount {
            email: email?,
            password,
            first_name,
            last_name,
            locale: None,
        })
    }
}

/// The person part of a new account, for when the address comes from
/// elsewhere (an invitation accepted with a new account).
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub password: Password,
    pub first_name: PersonName,
    pub last_name: PersonName,
}

impl NewPerson {
    /// Parses `password`, `firstName` and `lastName` into `form`; the
    /// email of `fields` is not read.
    pub fn parse(form: &mut FormParser, fields: AccountFields<'_>) -> Option<NewPerson> {
        let password = form.field("password", required(fields.password, Password::parse));
        let first_name = form.field("firstName", required(fields.first_name, PersonName::parse));
        let last_name = form.field("lastName", required(fields.last_name, PersonName::parse));
        Some(NewPerson {
            password: password?,
            first_name: first_name?,
            last_name: last_name?,
        })
    }
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

pub use crate::backend::db::accounts::AccountRow;

pub async fn find_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<AccountRow>, AppError> {
    db::accounts::find_by_id(conn, id).await
}

/// The account with this id, if any.
pub async fn get(state: &AppState, id: i64) -> Result<Option<AccountRow>, AppError> {
    let mut conn = state.db.read_direct().await?;
    db::accounts::find_by_id(&mut conn, id).await
}

pub async fn find_by_email(
    conn: &mut AnyConnection,
    email: &Email,
) -> Result<Option<AccountRow>, AppError> {
    db::accounts::find_by_email(conn, email.as_str()).await
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
    let new = db::accounts::NewAccountRow {
        email: account.email.as_str(),
        password_hash: &hash.0,
        first_name: account.first_name.as_str(),
        last_name: account.last_name.as_str(),
        email_verified_at: verified_at,
        locale: account.locale.map(crate::i18n::Lang::code),
    };
    db::accounts::insert(conn, new, now_ms())
        .await
        .map_err(|e| match e {
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
    let tenant_id = db::tenants::insert(conn, tenant_name.as_str(), now).await?;
    db::collections::insert_project(conn, tenant_id, project_name.as_str(), now).await?;
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
    let roles = RoleNames::of(&[Role::ExtractorManager]);
    let member = db::members::NewMember {
        tenant_id,
        account_id,
        roles: &roles,
        organisation_id: None,
    };
    let now = now_ms();
    let member_id = db::members::insert(conn, member, now).await?;
    // The person who registers a tenant owns it (SPEC §12).
    db::tenants::set_owner(conn, tenant_id, member_id, now).await?;
    audit::record(
        conn,
        Some(tenant_id),
        actor,
        AuditAction::TenantCreated,
        &tenant_id.to_string(),
        json!({ "memberId": member_id }),
    )
    .await?;
    Ok(member_id)
}

/// A new tenant with its first project, `account` as its manager: the
/// register flow of `POST /api/v1/registration` for an existing account.
/// Returns the new member's id.
pub async fn create_tenant(
    state: &AppState,
    account: &AccountRow,
    tenant_name: &TenantName,
    project_name: &ProjectName,
) -> Result<i64, AppError> {
    let mut tx = state.db.begin().await?;
    let tenant_id = insert_tenant(&mut tx, tenant_name, project_name).await?;
    let actor = AuditActor::account(account);
    let member_id = add_founding_manager(&mut tx, &actor, account.id, tenant_id).await?;
    tx.commit().await?;
    Ok(member_id)
}

/// A shareable link that a new account joins with once its address is
/// confirmed: the mailed verification link carries the link's code.
#[derive(Debug, Clone, Copy)]
pub struct ThenJoin<'a> {
    /// A join-link code the join page found (URL-safe: codes are
    /// base64url).
    pub code: &'a str,
    pub tenant_name: &'a str,
}

/// Queues a verification mail for `account` on the caller's transaction.
pub(crate) async fn queue_verification(
    state: &AppState,
    conn: &mut AnyConnection,
    account: &AccountRow,
    then_join: Option<ThenJoin<'_>>,
) -> Result<(), AppError> {
    let (token, hash) = crypto::new_token();
    let now = now_ms();
    db::account_tokens::insert(
        conn,
        account.id,
        Purpose::VerifyEmail,
        &hash,
        now + VERIFY_TTL_MS,
        now,
    )
    .await?;
    let mut link = format!("{}/verify-email?token={token}", state.config.base_url);
    if let Some(j) = then_join {
        link.push_str("&join=");
        link.push_str(j.code);
    }
    mail::enqueue(
        conn,
        &mail::verification_mail(
            languages::of_person(&state.config, account.locale.as_deref()),
            &account.email,
            &account.first_name,
            &link,
            then_join.map(|j| j.tenant_name),
        ),
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
        .ok_or_else(|| AppError::broken("an account written in this transaction is missing"))?;
    queue_verification(state, &mut tx, &account, None).await?;
    tx.commit().await?;
    tracing::info!(account_id, tenant_id, "registered");
    Ok(Registered {
        account_id,
        tenant_id,
        member_id,
    })
}

/// `POST /api/v1/auth/signup`: an account only (no tenant), unverified,
/// with its verification mail (which, with `then_join`, also joins a
/// shareable link's tenant). A duplicate email is a 409.
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    state: &AppState,
    account: NewAccount,
    client_ip: Option<IpAddr>,
    then_join: Option<ThenJoin<'_>>,
) -> Result<AccountRow, AppError> {
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
    let row = find_by_id(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::broken("an account written in this transaction is missing"))?;
    queue_verification(state, &mut tx, &row, then_join).await?;
    tx.commit().await?;
    Ok(row)
}

/// Sign-ups cost argon2 work and mail an address the caller names: limited
/// per client address and per recipient.
pub(crate) async fn limit_sign_up(
    state: &AppState,
    email: &Email,
    client_ip: Option<IpAddr>,
) -> Result<(), AppError> {
    if let Some(ip) = client_ip {
        state.limiter.hit(Bucket::SignUpIp, &ip_key(ip)).await?;
    }
    state.limiter.hit(Bucket::SignUpEmail, email.as_str()).await
}

/// Where a sign-in came from, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInVia {
    Browser,
    Api,
}

impl SignInVia {
    fn as_str(self) -> &'static str {
        match self {
            SignInVia::Browser => "browser",
            SignInVia::Api => "api",
        }
    }
}

/// Signs a person in: [`authenticate`], then `member.signed_in` in the
/// audit log of every tenant they are an ACTIVE member of. The caller
/// starts the session or issues the token.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client_ip: Option<IpAddr>,
    via: SignInVia,
) -> Result<AccountRow, AppError> {
    if password_refused(state, email).await? {
        return Err(AppError::ForbiddenBecause(
            "Your organisation signs you in with its identity provider: leave the password empty and continue."
                .into(),
        ));
    }
    let account = authenticate(state, email, password, client_ip).await?;
    record_sign_in(state, &account, via).await?;
    Ok(account)
}

/// Whether `email`'s domain has an SSO connection marked `required`
/// (SPEC §11): its people sign in only with their identity provider.
pub async fn password_refused(state: &AppState, email: &str) -> Result<bool, AppError> {
    let Some((_, domain)) = email.trim().rsplit_once('@') else {
        return Ok(false);
    };
    let mut conn = state.db.read().await?;
    Ok(db::sso::for_domain(&mut conn, &domain.to_ascii_lowercase())
        .await?
        .is_some_and(|c| c.required != 0))
}

/// Records a sign-in in the audit log of every tenant the account is an
/// ACTIVE member of.
async fn record_sign_in(
    state: &AppState,
    account: &AccountRow,
    how: SignInVia,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let tenants = db::members::active_tenant_ids(&mut tx, account.id).await?;
    let actor = AuditActor::account(account);
    for tenant in tenants {
        audit::record(
            &mut tx,
            Some(tenant),
            &actor,
            AuditAction::MemberSignedIn,
            &account.email,
            json!({ "via": how.as_str() }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Checks email and password; rate limited per email and per client IP.
/// Unknown emails cost the same argon2 work as known ones.
#[tracing::instrument(skip_all)]
async fn authenticate(
    state: &AppState,
    email: &str,
    password: &str,
    client_ip: Option<IpAddr>,
) -> Result<AccountRow, AppError> {
    if let Some(ip) = client_ip {
        state.limiter.hit(Bucket::SignInIp, &ip_key(ip)).await?;
    }
    // The limiter keys on a hash, so an unbounded email costs nothing there.
    state
        .limiter
        .hit(Bucket::SignInEmail, &email.trim().to_lowercase())
        .await?;
    let account = match Email::parse(email) {
        Ok(email) => {
            let mut conn = state.db.read().await?;
            find_by_email(&mut conn, &email).await?
        }
        Err(_) => None,
    };
    let ok = crypto::verify_password(
        crypto::Lane::SignIn,
        password,
        account.as_ref().map(|a| &a.password_hash),
    )
    .await?;
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
        state.limiter.hit(Bucket::ResetIp, &ip_key(ip)).await?;
    }
    state
        .limiter
        .hit(Bucket::ResetEmail, email.as_str())
        .await?;
    let mut tx = state.db.begin().await?;
    if let Some(account) = find_by_email(&mut tx, email).await? {
        let (token, hash) = crypto::new_token();
        let now = now_ms();
        db::account_tokens::insert(
            &mut tx,
            account.id,
            Purpose::ResetPassword,
            &hash,
            now + RESET_TTL_MS,
            now,
        )
        .await?;
        let link = format!("{}/reset-password?token={token}", state.config.base_url);
        mail::enqueue(
            &mut tx,
            &mail::password_reset_mail(
                languages::of_person(&state.config, account.locale.as_deref()),
                &account.email,
                &account.first_name,
                &link,
            ),
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
    purpose: Purpose,
    token: &str,
) -> Result<i64, AppError> {
    let account_id =
        db::account_tokens::consume(conn, purpose, &crypto::hash_token(token), now_ms()).await?;
    account_id.ok_or_else(invalid_link)
}

/// Revokes every credential of the account issued so far: API tokens,
/// sessions (but `keep_session`) and JWTs (their version no longer
/// matches). Password reset, password change and the first verification of
/// the address call it, so that an account someone prepared before the
/// owner took it over (pre-hijack) keeps no way in.
/// Returns the new credentials version.
pub(crate) async fn revoke_credentials(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<i64, AppError> {
    let now = now_ms();
    let version = db::accounts::bump_credentials_version(conn, account_id, now).await?;
    db::api_tokens::revoke_all(conn, account_id, now).await?;
    db::sessions::delete_for_account(conn, account_id).await?;
    Ok(version)
}

/// A password set with a mailed token (reset, confirmation, invitation
/// acceptance) costs argon2 work: limited per client address before the
/// token is looked up, and per target once it is found to be real.
pub(crate) async fn limit_password_token(
    state: &AppState,
    client_ip: Option<IpAddr>,
) -> Result<(), AppError> {
    match client_ip {
        Some(ip) => {
            state
                .limiter
                .hit(Bucket::PasswordTokenIp, &ip_key(ip))
                .await
        }
        None => Ok(()),
    }
}

/// The second half of [`limit_password_token`]: per token's target.
pub(crate) async fn limit_password_target(state: &AppState, target: &str) -> Result<(), AppError> {
    state.limiter.hit(Bucket::PasswordTokenTarget, target).await
}

/// Sets a new password from a reset link and revokes every credential
/// issued before. A reset link also proves the mailbox. The token is
/// looked up before the password is hashed: a made-up token costs one
/// indexed read.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &Password,
    client_ip: Option<IpAddr>,
) -> Result<AccountRow, AppError> {
    limit_password_token(state, client_ip).await?;
    let token_hash = crypto::hash_token(token);
    let target = {
        let mut conn = state.db.read().await?;
        db::account_tokens::peek(&mut conn, Purpose::ResetPassword, &token_hash, now_ms())
            .await?
            .ok_or_else(invalid_link)?
    };
    limit_password_target(state, &format!("account:{target}")).await?;
    let hash = crypto::hash_password(password).await?;
    let mut tx = state.db.begin().await?;
    let account_id = consume_token(&mut tx, Purpose::ResetPassword, token).await?;
    let now = now_ms();
    db::accounts::set_password(&mut tx, account_id, &hash, now).await?;
    db::accounts::mark_verified(&mut tx, account_id, now).await?;
    revoke_credentials(&mut tx, account_id).await?;
    let account = find_by_id(&mut tx, account_id)
        .await?
        .ok_or_else(|| AppError::broken("an account written in this transaction is missing"))?;
    tx.commit().await?;
    Ok(account)
}

fn invalid_link() -> AppError {
    AppError::field(
        "token",
        "This link is invalid, expired or already used. Ask for a new one.",
    )
}

fn new_password_needed() -> AppError {
    AppError::field(
        "password",
        "Choose a new password: the address is confirmed from another browser than the one that chose the password, so that password stops working.",
    )
}

/// The account whose address an unused, unexpired verification token
/// confirms; a field error on `token` otherwise. Reads only.
async fn account_to_confirm(state: &AppState, token: &str) -> Result<AccountRow, AppError> {
    let mut conn = state.db.read().await?;
    let hash = crypto::hash_token(token);
    let id = db::account_tokens::peek(&mut conn, Purpose::VerifyEmail, &hash, now_ms())
        .await?
        .ok_or_else(invalid_link)?;
    find_by_id(&mut conn, id).await?.ok_or_else(invalid_link)
}

/// SPEC §2, "the mailbox proves the address, not the password": the first
/// confirmation made outside the browser session that chose the password
/// (`chose_password_of`) must set a new one.
fn asks_new_password(account: &AccountRow, chose_password_of: Option<i64>) -> bool {
    account.email_verified_at.is_none() && chose_password_of != Some(account.id)
}

/// Whether confirming `token` from a browser that chose the password of
/// `chose_password_of` asks for a new password (false for a link that is
/// unknown, used or expired: the page then says so when posted).
pub async fn confirmation_asks_new_password(
    state: &AppState,
    token: &str,
    chose_password_of: Option<i64>,
) -> Result<bool, AppError> {
    match account_to_confirm(state, token).await {
        Ok(account) => Ok(asks_new_password(&account, chose_password_of)),
        Err(AppError::Validation(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Confirms the email address of the token's account. The first
/// confirmation revokes every credential issued before it, and, made
/// outside the browser session that chose the password, replaces that
/// password with the one the confirmer chose (a field error on `password`
/// when they chose none): whoever made the account before the mailbox's
/// owner confirmed it keeps no way in, neither a session nor the password.
/// The token is looked up before any password is hashed.
#[tracing::instrument(skip_all)]
pub async fn verify_email(
    state: &AppState,
    token: &str,
    chose_password_of: Option<i64>,
    new_password: Option<&Password>,
    client_ip: Option<IpAddr>,
) -> Result<AccountRow, AppError> {
    if new_password.is_some() {
        limit_password_token(state, client_ip).await?;
    }
    let account = account_to_confirm(state, token).await?;
    let new_hash = match new_password {
        _ if !asks_new_password(&account, chose_password_of) => None,
        Some(password) => {
            limit_password_target(state, &format!("account:{}", account.id)).await?;
            Some(crypto::hash_password(password).await?)
        }
        None => return Err(new_password_needed()),
    };
    let mut tx = state.db.begin().await?;
    let account_id = consume_token(&mut tx, Purpose::VerifyEmail, token).await?;
    let now = now_ms();
    if db::accounts::mark_verified(&mut tx, account_id, now).await? {
        if let Some(hash) = &new_hash {
            db::accounts::set_password(&mut tx, account_id, hash, now).await?;
        }
        revoke_credentials(&mut tx, account_id).await?;
    }
    let account = find_by_id(&mut tx, account_id)
        .await?
        .ok_or_else(|| AppError::broken("an account written in this transaction is missing"))?;
    tx.commit().await?;
    Ok(account)
}

/// Sends a new verification mail to a signed-in, unverified account.
pub async fn resend_verification(
    state: &AppState,
    account_id: i64,
    then_join: Option<ThenJoin<'_>>,
) -> Result<(), AppError> {
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
    queue_verification(state, &mut tx, &account, then_join).await?;
    tx.commit().await?;
    Ok(())
}

/// The tenants where the account is an ACTIVE member.
pub async fn tenants_of(state: &AppState, account_id: i64) -> Result<Vec<TenantSummary>, AppError> {
    let mut conn = state.db.read().await?;
    Ok(db::members::tenants_of(&mut conn, account_id)
        .await?
        .into_iter()
        .map(|t| TenantSummary {
            id: t.id,
            name: t.name,
            roles: t.roles.0,
        })
        .collect())
}

/// The account's memberships, active or disabled (removed ones are gone),
/// with each tenant's name (`GET /api/v1/me`).
pub async fn memberships(
    state: &AppState,
    account_id: i64,
) -> Result<Vec<db::members::MembershipOfAccount>, AppError> {
    let mut conn = state.db.read().await?;
    db::members::memberships_of(&mut conn, account_id).await
}

/// Changes the names of an account.
pub async fn update_profile(
    state: &AppState,
    account_id: i64,
    first: &PersonName,
    last: &PersonName,
) -> Result<(), AppError> {
    let mut conn = state.db.write().await?;
    db::accounts::set_names(
        &mut conn,
        account_id,
        first.as_str(),
        last.as_str(),
        now_ms(),
    )
    .await
}

/// Changes the password after checking the current one and revokes every
/// credential issued before; returns the new credentials version, under
/// which the caller signs the current browser in again.
pub async fn change_password(
    state: &AppState,
    account: &AccountRow,
    current: &str,
    new: &Password,
    client_ip: Option<IpAddr>,
) -> Result<i64, AppError> {
    limit_password_token(state, client_ip).await?;
    state
        .limiter
        .hit(Bucket::PasswordChangeAccount, &account.id.to_string())
        .await?;
    if !crypto::verify_password(crypto::Lane::Other, current, Some(&account.password_hash)).await? {
        return Err(AppError::field(
            "currentPassword",
            "This is not your current password.",
        ));
    }
    let hash = crypto::hash_password(new).await?;
    let mut tx = state.db.begin().await?;
    db::accounts::set_password(&mut tx, account.id, &hash, now_ms()).await?;
    let version = revoke_credentials(&mut tx, account.id).await?;
    tx.commit().await?;
    Ok(version)
}

/// Sets (or, with `None`, clears) the account's language: its pages, its
/// mails, and invitations made for it from now on (SPEC §12).
pub async fn set_language(
    state: &AppState,
    account_id: i64,
    lang: Option<crate::i18n::Lang>,
) -> Result<(), AppError> {
    let mut conn = state.db.write().await?;
    db::accounts::set_locale(&mut conn, account_id, lang.map(crate::i18n::Lang::code)).await
}
