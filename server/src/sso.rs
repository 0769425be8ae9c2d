//! SSO with a tenant's identity provider (SPEC §11), Portico as the
//! relying party through the `openidconnect` crate: `/sso/start` (from
//! `/login`'s home-realm discovery), `/sso/test/{id}` (a manager's "Test
//! connection") and `/sso/callback`. The rules (which connection, what a
//! verified ID token does) live in `app::backend::sso`.
//!
//! Against the usual attacks: `state` is random and kept in this browser's
//! session (a callback from another browser, or a forged one, finds no
//! pending sign-in: CSRF and login fixation); the `nonce` is checked in the
//! ID token (replay); the `iss` the provider adds to the callback and the
//! token's issuer must be the connection's (mix-up); PKCE binds the code to
//! this request. The provider's URLs are fetched with the webhooks'
//! guarded resolver: no private or loopback address unless
//! PORTICO_WEBHOOK_ALLOW_PRIVATE.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use http::StatusCode;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use app::AppError;
use app::backend::AppState;
use app::backend::access::actor::Actor;
use app::backend::access::session;
use app::backend::sso::connections::{self, RelyingParty};
use app::backend::sso::sign_in::{self, VerifiedClaims};
use app::backend::url_policy::local_target;

use crate::oidc::error_page;
use crate::webhook_worker::GuardedResolver;

pub const CALLBACK_PATH: &str = "/sso/callback";
const PENDING_KEY: &str = "sso_pending";
/// How long a started sign-in may take at the provider.
const PENDING_MS: i64 = 10 * 60 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sso/start", get(start))
        .route("/sso/test/{id}", get(test_connection))
        .route(CALLBACK_PATH, get(callback))
}

/// A sign-in sent to the provider, waiting for its callback.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    connection_id: i64,
    state: String,
    nonce: String,
    verifier: String,
    next: Option<String>,
    /// A manager's "Test connection" of this tenant: report, sign nobody in.
    test_for: Option<i64>,
    started_at: i64,
}

fn params(raw: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The client the provider's URLs are fetched with.
fn http_client(state: &AppState) -> Result<reqwest::Client, AppError> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver {
            allow_private: state.config.webhook_allow_private,
            dns: state.dns.clone(),
        }))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| AppError::internal("building the SSO HTTP client", &e))
}

fn unreachable_provider(what: &str, e: impl std::error::Error) -> AppError {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    tracing::warn!(cause = %chain, "SSO: {what}");
    let cause: String = chain.chars().take(300).collect();
    AppError::ForbiddenBecause(format!(
        "The organisation's identity provider could not be used ({what}: {cause}). Try again, or tell your IT department."
    ))
}

/// The connection's client, from the provider's discovery document.
async fn oidc_client(
    state: &AppState,
    http: &reqwest::Client,
    rp: &RelyingParty,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    AppError,
> {
    let issuer = IssuerUrl::new(rp.issuer.clone())
        .map_err(|e| unreachable_provider("its issuer is not a URL", e))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|e| unreachable_provider("discovery failed", e))?;
    let redirect = RedirectUrl::new(format!(
        "{}{CALLBACK_PATH}",
        state.config.base_url.trim_end_matches('/')
    ))
    .map_err(|e| AppError::internal("the SSO redirect URI", &e))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(rp.client_id.clone()),
        Some(ClientSecret::new(
            rp.client_secret.expose_secret().to_string(),
        )),
    )
    .set_redirect_uri(redirect))
}

/// Sends the browser to the provider with a fresh state, nonce and PKCE
/// challenge kept in its session.
async fn begin(
    state: &AppState,
    session: &Session,
    rp: RelyingParty,
    login_hint: Option<&str>,
    next: Option<String>,
    test_for: Option<i64>,
) -> Result<Response, AppError> {
    let http = http_client(state)?;
    let client = oidc_client(state, &http, &rp).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge);
    if let Some(hint) = login_hint {
        request = request.add_extra_param("login_hint", hint.to_string());
    }
    let (url, csrf, nonce) = request.url();
    let pending = Pending {
        connection_id: rp.connection_id,
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        next,
        test_for,
        started_at: app::backend::db::now_ms(),
    };
    session
        .insert(PENDING_KEY, &pending)
        .await
        .map_err(|e| AppError::internal("session store failed", &e))?;
    Ok(Redirect::to(url.as_str()).into_response())
}

/// `/login`'s home-realm discovery lands here with the address.
async fn start(
    State(state): State<AppState>,
    session: Session,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = params(raw);
    let email = param(&p, "email").unwrap_or("").trim().to_string();
    let next = param(&p, "next").map(str::to_string);
    let rp = match sign_in::discover(&state, &email).await {
        Ok(Some(rp)) => rp,
        Ok(None) => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("email", &email)
                .finish();
            return Redirect::to(&format!("/login?{query}")).into_response();
        }
        Err(e) => return e.into_response(),
    };
    match begin(&state, &session, rp, Some(&email), next, None).await {
        Ok(r) => r,
        Err(e) => error_page(StatusCode::BAD_GATEWAY, &e.to_string()),
    }
}

/// A tenant manager's "Test connection": the flow, then the claims shown
/// on `/t/{tenantId}/sso`; nobody is signed in or admitted.
async fn test_connection(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let (account, _) = session::signed_in(&state, &session)
            .await?
            .ok_or(AppError::Unauthorized)?;
        let rp = connections::load(&state, id).await?;
        let actor = Actor::for_tenant(&state, account, rp.tenant_id).await?;
        actor.ensure_tenant_manager()?;
        begin(&state, &session, rp, None, None, Some(actor.tenant_id)).await
    }
    .await;
    match result {
        Ok(r) => r,
        Err(AppError::Unauthorized) => {
            Redirect::to(&format!("/login?next=/sso/test/{id}")).into_response()
        }
        Err(e) => error_page(StatusCode::FORBIDDEN, &e.to_string()),
    }
}

async fn callback(
    State(state): State<AppState>,
    session: Session,
    RawQuery(raw): RawQuery,
) -> Response {
    match finish(&state, &session, &params(raw)).await {
        Ok(r) => r,
        Err(e) => error_page(
            StatusCode::from_u16(e.status().as_u16()).unwrap_or(StatusCode::BAD_REQUEST),
            &e.to_string(),
        ),
    }
}

async fn finish(
    state: &AppState,
    session: &Session,
    p: &[(String, String)],
) -> Result<Response, AppError> {
    let pending: Option<Pending> = session
        .remove(PENDING_KEY)
        .await
        .map_err(|e| AppError::internal("session store failed", &e))?;
    let not_started = || {
        AppError::ForbiddenBecause(
            "This sign-in was not started in this browser, or it took too long. Start again from the sign-in page."
                .into(),
        )
    };
    let pending = pending.ok_or_else(not_started)?;
    if param(p, "state") != Some(pending.state.as_str())
        || app::backend::db::now_ms() - pending.started_at > PENDING_MS
    {
        return Err(not_started());
    }
    if let Some(error) = param(p, "error") {
        return Err(AppError::ForbiddenBecause(format!(
            "The identity provider did not sign you in: {error}."
        )));
    }
    let rp = connections::load(state, pending.connection_id).await?;
    if param(p, "iss").is_some_and(|iss| iss != rp.issuer) {
        return Err(AppError::ForbiddenBecause(
            "The answer came from another identity provider than the one asked.".into(),
        ));
    }
    let code =
        param(p, "code").ok_or_else(|| AppError::field("code", "The provider sent no code."))?;
    let http = http_client(state)?;
    let client = oidc_client(state, &http, &rp).await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|e| unreachable_provider("no token endpoint", e))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
        .request_async(&http)
        .await
        .map_err(|e| unreachable_provider("the code exchange failed", e))?;
    let id_token = tokens.id_token().ok_or_else(|| {
        AppError::ForbiddenBecause(
            "The organisation's identity provider sent no ID token. Tell your IT department."
                .into(),
        )
    })?;
    let verified = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
        .map_err(|e| {
            tracing::warn!(%e, "SSO: ID token refused");
            AppError::ForbiddenBecause("The identity provider's ID token did not verify.".into())
        })?;
    let mut claims = VerifiedClaims {
        issuer: verified.issuer().to_string(),
        subject: verified.subject().to_string(),
        email: verified.email().map(|e| e.to_string()),
        email_verified: verified.email_verified(),
        given_name: verified
            .given_name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
        family_name: verified
            .family_name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
    };
    if claims.email.is_none() {
        // Providers that keep the ID token small (oidc-provider, Entra ID
        // without optional claims) give the address at userinfo, for the
        // same subject.
        let info: CoreUserInfoClaims = client
            .user_info(
                tokens.access_token().clone(),
                Some(verified.subject().clone()),
            )
            .map_err(|e| unreachable_provider("no userinfo endpoint", e))?
            .request_async(&http)
            .await
            .map_err(|e| unreachable_provider("userinfo failed", e))?;
        claims.email = info.email().map(|e| e.to_string());
        claims.email_verified = info.email_verified();
        claims.given_name = claims.given_name.or_else(|| {
            info.given_name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string())
        });
        claims.family_name = claims.family_name.or_else(|| {
            info.family_name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string())
        });
    }
    if let Some(tenant) = pending.test_for {
        session
            .insert(session::kept::SSO_TEST_CLAIMS, &claims)
            .await
            .map_err(|e| AppError::internal("session store failed", &e))?;
        return Ok(
            Redirect::to(&format!("/t/{tenant}/sso?tested={}", rp.connection_id)).into_response(),
        );
    }
    let signed = sign_in::complete(state, &rp, &claims).await?;
    session::sign_in_session(
        session,
        signed.account.id,
        signed.account.credentials_version,
    )
    .await?;
    let landing = signed
        .tenant_id
        .map_or_else(|| "/".to_string(), |t| format!("/t/{t}"));
    Ok(Redirect::to(&local_target(
        &state.config,
        pending.next.as_deref(),
        &landing,
    ))
    .into_response())
}
