//! The token endpoint's grants (authorization code with PKCE, refresh
//! token with rotation), the ID token and `userinfo` claims, and
//! revocation (SPEC §10). A refresh token works once: presenting a used
//! one revokes its whole family, and so does a password reset, removal
//! from the tenant or disabling (checked at every refresh). A replayed
//! code revokes what it issued.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Validation;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::backend::access::access_tokens::{self, TenantGrant};
use crate::backend::access::accounts::AccountRow;
use crate::backend::crypto;
use crate::backend::db::{self, now_ms, oidc::GrantRow};
use crate::backend::oidc::clients::{self, Client};
use crate::backend::signing_keys::LONGEST_TOKEN_SECONDS;
use crate::backend::state::AppState;
use crate::domain::MemberStatus;
use crate::error::AppError;

/// An ID token lives an hour (the longest of any signed token).
pub const ID_TOKEN_SECONDS: i64 = LONGEST_TOKEN_SECONDS;
/// A refresh-token family ends 30 days after the sign-in that started it.
const GRANT_MS: i64 = 30 * 24 * 3600 * 1000;

/// An OAuth error (RFC 6749 §5.2).
#[derive(Debug)]
pub enum TokenError {
    /// 401: unknown client, wrong or missing secret.
    InvalidClient,
    /// 400 with an OAuth error code and a description.
    Invalid(&'static str, String),
    Failed(AppError),
}

impl From<AppError> for TokenError {
    fn from(e: AppError) -> Self {
        TokenError::Failed(e)
    }
}

impl From<sqlx::Error> for TokenError {
    fn from(e: sqlx::Error) -> Self {
        TokenError::Failed(e.into())
    }
}

fn invalid_grant(why: &str) -> TokenError {
    TokenError::Invalid("invalid_grant", why.to_owned())
}

/// What the token endpoint answers.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub id_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
}

/// The client as it authenticated: `client_secret_basic`,
/// `client_secret_post`, or only its id (a public client).
pub async fn authenticate_client(
    state: &AppState,
    client_id: Option<&str>,
    secret: Option<&str>,
) -> Result<Client, TokenError> {
    let client = clients::find(state, client_id.ok_or(TokenError::InvalidClient)?)
        .await?
        .ok_or(TokenError::InvalidClient)?;
    let ok = match secret {
        Some(secret) => client.secret_matches(secret),
        None => client.public,
    };
    if ok {
        Ok(client)
    } else {
        Err(TokenError::InvalidClient)
    }
}

/// The person claims of the ID token and `userinfo` (SPEC §10).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonClaims {
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub given_name: String,
    pub family_name: String,
    pub locale: String,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub roles: Vec<String>,
    pub organisation_id: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct IdTokenClaims {
    pub iss: String,
    pub aud: String,
    pub azp: String,
    pub iat: i64,
    pub exp: i64,
    pub auth_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(flatten)]
    pub person: PersonClaims,
}

/// The account (at `credentials_version`) and its ACTIVE membership of
/// `tenant_id`, as claims; `None` when either no longer holds.
async fn person(
    conn: &mut AnyConnection,
    account_id: i64,
    credentials_version: i64,
    tenant_id: i64,
) -> Result<Option<(AccountRow, PersonClaims)>, AppError> {
    let Some(account) = db::accounts::find_by_id(conn, account_id)
        .await?
        .filter(|a| a.credentials_version == credentials_version)
    else {
        return Ok(None);
    };
    let Some(m) = db::members::membership(conn, tenant_id, account_id)
        .await?
        .filter(|m| m.status == MemberStatus::Active)
    else {
        return Ok(None);
    };
    let claims = PersonClaims {
        sub: account.id.to_string(),
        email: account.email.clone(),
        email_verified: account.email_verified_at.is_some(),
        name: format!("{} {}", account.first_name, account.last_name),
        given_name: account.first_name.clone(),
        family_name: account.last_name.clone(),
        locale: "en".into(),
        tenant_id,
        tenant_name: m.tenant_name,
        roles: m.roles.0,
        organisation_id: m.organisation_id,
    };
    Ok(Some((account, claims)))
}

/// Exchanges a code (grant `authorization_code`).
pub async fn exchange_code(
    state: &AppState,
    client: &Client,
    code: Option<&str>,
    redirect_uri: Option<&str>,
    code_verifier: Option<&str>,
) -> Result<TokenResponse, TokenError> {
    let code =
        code.ok_or_else(|| TokenError::Invalid("invalid_request", "code is missing.".into()))?;
    let code_hash = crypto::hash_token(code);
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let row = db::oidc::find_code(&mut tx, &code_hash)
        .await?
        .ok_or_else(|| invalid_grant("The code is not valid."))?;
    if row.client_id != client.client_id {
        return Err(invalid_grant("The code was issued to another client."));
    }
    if row.used_at.is_some() || !db::oidc::use_code(&mut tx, &code_hash, now).await? {
        // A replay: whatever the code issued may be in an attacker's hands.
        db::oidc::revoke_grants_of_code(&mut tx, &code_hash, now).await?;
        tx.commit().await?;
        return Err(invalid_grant("The code was already used."));
    }
    if row.expires_at < now {
        return Err(invalid_grant("The code has expired."));
    }
    if redirect_uri != Some(row.redirect_uri.as_str()) {
        return Err(invalid_grant(
            "redirect_uri differs from the authorization request's.",
        ));
    }
    match (&row.code_challenge, code_verifier) {
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if !crypto::hashes_equal(&computed, challenge) {
                return Err(invalid_grant("The code_verifier does not match."));
            }
        }
        (Some(_), None) => return Err(invalid_grant("code_verifier is missing.")),
        (None, Some(_)) => {
            return Err(invalid_grant(
                "A code_verifier without a code_challenge in the authorization request.",
            ));
        }
        (None, None) => {}
    }
    let Some((account, claims)) = person(
        &mut tx,
        row.account_id,
        row.credentials_version,
        row.tenant_id,
    )
    .await?
    else {
        tx.commit().await?;
        return Err(invalid_grant(
            "The person is no longer an active member, or signed in again since.",
        ));
    };
    let refresh_token = if has_scope(&row.scope, "offline_access") {
        let grant = GrantRow {
            id: crypto::new_token().0,
            code_hash: code_hash.clone(),
            client_id: client.client_id.clone(),
            account_id: account.id,
            tenant_id: row.tenant_id,
            credentials_version: account.credentials_version,
            scope: row.scope.clone(),
            auth_time: row.auth_time,
            created_at: now,
            expires_at: now + GRANT_MS,
            revoked_at: None,
        };
        db::oidc::insert_grant(&mut tx, &grant).await?;
        let (token, hash) = crypto::new_token();
        db::oidc::insert_refresh(&mut tx, &hash, &grant.id, now).await?;
        Some(token)
    } else {
        None
    };
    tx.commit().await?;
    respond(
        state,
        client,
        &account,
        claims,
        &row.scope,
        row.auth_time,
        row.nonce,
        refresh_token,
    )
    .await
}

fn has_scope(scope: &str, word: &str) -> bool {
    scope.split(' ').any(|s| s == word)
}

/// Uses a refresh token (grant `refresh_token`): a new one replaces it.
pub async fn refresh(
    state: &AppState,
    client: &Client,
    refresh_token: Option<&str>,
) -> Result<TokenResponse, TokenError> {
    let token = refresh_token.ok_or_else(|| {
        TokenError::Invalid("invalid_request", "refresh_token is missing.".into())
    })?;
    let hash = crypto::hash_token(token);
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let row = db::oidc::find_refresh(&mut tx, &hash)
        .await?
        .ok_or_else(|| invalid_grant("The refresh token is not valid."))?;
    let grant = row.grant;
    if grant.client_id != client.client_id {
        return Err(invalid_grant(
            "The refresh token was issued to another client.",
        ));
    }
    if grant.revoked_at.is_some() || grant.expires_at < now {
        return Err(invalid_grant(
            "The refresh token was revoked or has expired.",
        ));
    }
    if row.used_at.is_some() || !db::oidc::use_refresh(&mut tx, &hash, now).await? {
        // Reuse: one of the two holders is not the client.
        db::oidc::revoke_grant(&mut tx, &grant.id, now).await?;
        tx.commit().await?;
        return Err(invalid_grant(
            "The refresh token was already used; its family is revoked.",
        ));
    }
    let Some((account, claims)) = person(
        &mut tx,
        grant.account_id,
        grant.credentials_version,
        grant.tenant_id,
    )
    .await?
    else {
        db::oidc::revoke_grant(&mut tx, &grant.id, now).await?;
        tx.commit().await?;
        return Err(invalid_grant(
            "The person's password was reset, or they are no longer an active member.",
        ));
    };
    let (next, next_hash) = crypto::new_token();
    db::oidc::insert_refresh(&mut tx, &next_hash, &grant.id, now).await?;
    tx.commit().await?;
    respond(
        state,
        client,
        &account,
        claims,
        &grant.scope,
        grant.auth_time,
        None,
        Some(next),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn respond(
    state: &AppState,
    client: &Client,
    account: &AccountRow,
    claims: PersonClaims,
    scope: &str,
    auth_time: i64,
    nonce: Option<String>,
    refresh_token: Option<String>,
) -> Result<TokenResponse, TokenError> {
    let grant = TenantGrant {
        client_id: client.client_id.clone(),
        scope: scope.to_owned(),
        tenant_id: claims.tenant_id,
        roles: claims.roles.clone(),
    };
    let access_token = access_tokens::issue(state, account, Some(&grant)).await?;
    let now = now_ms() / 1000;
    let id = IdTokenClaims {
        iss: state.config.base_url.clone(),
        aud: client.client_id.clone(),
        azp: client.client_id.clone(),
        iat: now,
        exp: now + ID_TOKEN_SECONDS,
        auth_time,
        nonce,
        person: claims,
    };
    let id_token = state.keys.sign("JWT", &id).await?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: access_tokens::ACCESS_TOKEN_SECONDS,
        id_token,
        refresh_token,
        scope: scope.to_owned(),
    })
}

/// The `userinfo` claims for an access token of the OpenID provider,
/// read now (a member removed since gets a 401).
pub async fn userinfo(state: &AppState, access_token: &str) -> Result<PersonClaims, AppError> {
    let claims = access_tokens::verify_claims(state, access_token).await?;
    let (Some(tenant_id), Ok(account_id)) = (claims.tenant_id, claims.sub.parse::<i64>()) else {
        return Err(AppError::Unauthorized);
    };
    let mut conn = state.db.read().await?;
    person(&mut conn, account_id, claims.ver, tenant_id)
        .await?
        .map(|(_, claims)| claims)
        .ok_or(AppError::Unauthorized)
}

/// Revokes a refresh token's family (RFC 7009). An unknown token, or one
/// of another client, changes nothing and is not an error; access tokens
/// are short-lived JWTs and simply expire.
pub async fn revoke(state: &AppState, client: &Client, token: &str) -> Result<(), AppError> {
    let hash = crypto::hash_token(token);
    let mut conn = state.db.write().await?;
    if let Some(row) = db::oidc::find_refresh(&mut conn, &hash).await?
        && row.grant.client_id == client.client_id
    {
        db::oidc::revoke_grant(&mut conn, &row.grant.id, now_ms()).await?;
    }
    Ok(())
}

/// The client and account an ID token was issued for (its signature
/// checked, its expiry not: RP-initiated logout sends old ones).
pub async fn id_token_hint(state: &AppState, token: &str) -> Result<(String, i64), AppError> {
    let mut validation = Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_issuer(&[&state.config.base_url]);
    validation.set_required_spec_claims(&["iss", "sub", "aud"]);
    let claims = state
        .keys
        .verify::<IdTokenClaims>(token, &validation, "JWT")
        .await?
        .claims;
    let sub = claims
        .person
        .sub
        .parse()
        .map_err(|_| AppError::Unauthorized)?;
    Ok((claims.aud, sub))
}

/// Deletes codes and refresh-token families past their end.
pub async fn delete_expired(state: &AppState) -> Result<u64, AppError> {
    let now = now_ms();
    db::delete_in_batches(1000, |batch| async move {
        let mut conn = state.db.write().await?;
        db::oidc::delete_expired(&mut conn, now, batch).await
    })
    .await
}
