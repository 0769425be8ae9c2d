//! The browser session inside server functions: who is signed in, signing
//! in (with a new session id) and out, and the client's address for rate
//! limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use tower_sessions::Session;

use crate::backend::access::accounts::{self, AccountRow};
use crate::backend::access::session_store::{
    ACCOUNT_KEY, AUTH_TIME_KEY, CHOSE_PASSWORD_KEY, CREDENTIALS_VERSION_KEY,
};
use crate::backend::state::AppState;
use crate::error::AppError;

fn session_error(e: impl std::error::Error + 'static) -> AppError {
    AppError::internal("session store failed", &e)
}

pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(session_error)
}

/// The account id the session was signed in as, whether or not its
/// credentials still hold.
pub async fn signed_in_account_id() -> Result<Option<i64>, AppError> {
    current_session()
        .await?
        .get::<i64>(ACCOUNT_KEY)
        .await
        .map_err(session_error)
}

/// The signed-in account, if any.
pub async fn current_account(state: &AppState) -> Result<Option<AccountRow>, AppError> {
    account_of(state, &current_session().await?).await
}

/// The account `session` is signed in as (its credentials still holding)
/// and when it signed in (seconds; 0 for a session older than the key).
pub async fn signed_in(
    state: &AppState,
    session: &Session,
) -> Result<Option<(AccountRow, i64)>, AppError> {
    let Some(account) = account_of(state, session).await? else {
        return Ok(None);
    };
    let auth_time = session
        .get::<i64>(AUTH_TIME_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    Ok(Some((account, auth_time)))
}

/// The account `session` is signed in as, if its credentials still hold.
pub async fn account_of(
    state: &AppState,
    session: &Session,
) -> Result<Option<AccountRow>, AppError> {
    let Some(id) = session
        .get::<i64>(ACCOUNT_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    // A session issued before a password reset, a password change or the
    // first verification of the address is worthless (pre-hijack).
    let version = session
        .get::<i64>(CREDENTIALS_VERSION_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    Ok(accounts::get(state, id)
        .await?
        .filter(|a| a.credentials_version == version))
}

/// The signed-in account, or `Unauthorized`.
pub async fn require_account(state: &AppState) -> Result<AccountRow, AppError> {
    current_account(state).await?.ok_or(AppError::Unauthorized)
}

/// Signs `account_id` in under a new session id, so that an id planted
/// before sign-in (session fixation) is worthless.
pub async fn sign_in(account_id: i64, credentials_version: i64) -> Result<(), AppError> {
    sign_in_session(&current_session().await?, account_id, credentials_version).await
}

/// [`sign_in`] on a session an HTTP handler holds (outside a server
/// function: the SSO callback).
pub async fn sign_in_session(
    session: &Session,
    account_id: i64,
    credentials_version: i64,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(AUTH_TIME_KEY, crate::backend::now_ms() / 1000)
        .await
        .map_err(session_error)?;
    session
        .insert(CREDENTIALS_VERSION_KEY, credentials_version)
        .await
        .map_err(session_error)?;
    session
        .insert(ACCOUNT_KEY, account_id)
        .await
        .map_err(session_error)
}

/// Signs in a new account whose password this browser just chose, and
/// remembers that it chose it: confirming the address from this session
/// keeps the password, from anywhere else it asks for a new one.
pub async fn sign_in_new_account(
    account_id: i64,
    credentials_version: i64,
) -> Result<(), AppError> {
    sign_in(account_id, credentials_version).await?;
    current_session()
        .await?
        .insert(CHOSE_PASSWORD_KEY, account_id)
        .await
        .map_err(session_error)
}

/// The account whose password this browser session chose, if any.
pub async fn chose_password_of() -> Result<Option<i64>, AppError> {
    current_session()
        .await?
        .get::<i64>(CHOSE_PASSWORD_KEY)
        .await
        .map_err(session_error)
}

/// Ends the session: deletes it from the store and expires the cookie.
pub async fn sign_out() -> Result<(), AppError> {
    let session = current_session().await?;
    session.flush().await.map_err(session_error)
}

/// What a page shows once after a form post: the post is answered by a
/// redirect back to the page (the pages work without JavaScript), which
/// cannot carry the answer itself, so the session keeps it for the next
/// render. Keys: one per kind of answer.
pub mod kept {
    pub const FRESH_INVITE_LINK: &str = "kept_invite_link";
    pub const BULK_RESULTS: &str = "kept_bulk_results";
    pub const NEW_API_TOKEN: &str = "kept_api_token";
    pub const NEW_WEBHOOK_SECRET: &str = "kept_webhook_secret";
    pub const NEW_JOIN_LINK: &str = "kept_join_link";
    pub const NEW_SCIM_TOKEN: &str = "kept_scim_token";
    pub const SSO_TEST_CLAIMS: &str = "kept_sso_test_claims";
}

/// Keeps `value` under `key` for the next render.
pub async fn keep<T: serde::Serialize>(key: &'static str, value: &T) -> Result<(), AppError> {
    current_session()
        .await?
        .insert(key, value)
        .await
        .map_err(session_error)
}

/// The value kept under `key`, removed as it is read (shown once). Reading
/// when there is none writes nothing.
pub async fn take_kept<T: serde::de::DeserializeOwned>(
    key: &'static str,
) -> Result<Option<T>, AppError> {
    let session = current_session().await?;
    let kept = session.get::<T>(key).await.map_err(session_error)?;
    if kept.is_some() {
        session.remove_value(key).await.map_err(session_error)?;
    }
    Ok(kept)
}

/// The client's address, for per-IP rate limits: the socket peer, or what
/// a trusted proxy says in `X-Forwarded-For` (see `Config::client_ip`).
pub async fn client_ip(state: &AppState) -> Option<IpAddr> {
    let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()?
        .0
        .ip();
    let headers = leptos_axum::extract::<http::HeaderMap>().await.ok()?;
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    Some(state.config.client_ip(peer, forwarded))
}

/// The signed-in account acting in `tenant_id`: 401 when signed out, 404
/// when not a member, 403 when the membership is not active. Every tenant
/// page's server functions start here.
pub async fn require_actor(
    tenant_id: i64,
) -> Result<(AppState, crate::backend::access::actor::Actor), AppError> {
    let state = crate::backend::state::app_state()?;
    let account = require_account(&state).await?;
    let actor =
        crate::backend::access::actor::Actor::for_tenant(&state, account, tenant_id).await?;
    Ok((state, actor))
}
