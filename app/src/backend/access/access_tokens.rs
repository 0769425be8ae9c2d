//! Access tokens for the REST API: JWTs in the RFC 9068 profile
//! (`typ: at+jwt`), signed with Portico's published keys (SPEC §10), so
//! any service can verify them offline. `POST /api/v1/auth/token` issues
//! them for an account; the OpenID provider's token endpoint issues them
//! for one tenant and one client, and the REST API then serves that
//! tenant only.

use jsonwebtoken::Validation;
use serde::{Deserialize, Serialize};

use crate::backend::access::accounts::AccountRow;
use crate::backend::db::now_ms;
use crate::backend::state::AppState;
use crate::error::AppError;

/// Lifetime of an access token, in seconds.
pub const ACCESS_TOKEN_SECONDS: i64 = 900;
/// The JOSE `typ` of an access token (RFC 9068 §2.1).
pub const TYP: &str = "at+jwt";

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The OpenID client it was issued to; absent for `/api/v1/auth/token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The one tenant the token may act in (tokens of the OpenID provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// The account's credentials version when issued: a password reset or
    /// change, or the first verification, moves it on and voids the token.
    pub ver: i64,
}

/// The tenant, client and roles of a token the OpenID provider issues.
#[derive(Debug, Clone)]
pub struct TenantGrant {
    pub client_id: String,
    pub scope: String,
    pub tenant_id: i64,
    pub roles: Vec<String>,
}

/// A verified token: who, at which credentials version, in which tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAccess {
    pub account_id: i64,
    pub credentials_version: i64,
    pub tenant_id: Option<i64>,
}

/// The audience of every access token: Portico's REST API.
pub fn audience(state: &AppState) -> String {
    format!("{}/api", state.config.base_url)
}

/// A signed access token for `account` (and, from the OpenID provider,
/// for one tenant and client).
pub async fn issue(
    state: &AppState,
    account: &AccountRow,
    grant: Option<&TenantGrant>,
) -> Result<String, AppError> {
    let now = now_ms() / 1000;
    let claims = AccessClaims {
        iss: state.config.base_url.clone(),
        sub: account.id.to_string(),
        aud: audience(state),
        iat: now,
        exp: now + ACCESS_TOKEN_SECONDS,
        jti: crate::backend::crypto::new_token().0,
        client_id: grant.map(|g| g.client_id.clone()),
        scope: grant.map(|g| g.scope.clone()),
        tenant_id: grant.map(|g| g.tenant_id),
        roles: grant.map(|g| g.roles.clone()),
        ver: account.credentials_version,
    };
    state.keys.sign(TYP, &claims).await
}

/// The claims of a valid, unexpired access token of this instance.
pub async fn verify_claims(state: &AppState, token: &str) -> Result<AccessClaims, AppError> {
    let mut validation = Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[audience(state)]);
    validation.set_issuer(&[&state.config.base_url]);
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    validation.leeway = 5;
    Ok(state
        .keys
        .verify::<AccessClaims>(token, &validation, TYP)
        .await?
        .claims)
}

/// The account, credentials version and tenant of a valid access token.
pub async fn verify(state: &AppState, token: &str) -> Result<VerifiedAccess, AppError> {
    let claims = verify_claims(state, token).await?;
    Ok(VerifiedAccess {
        account_id: claims.sub.parse().map_err(|_| AppError::Unauthorized)?,
        credentials_version: claims.ver,
        tenant_id: claims.tenant_id,
    })
}
