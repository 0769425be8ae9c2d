//! The browser session inside server functions: who is signed in, signing
//! in (with a new session id) and out, and the client's address for rate
//! limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use tower_sessions::Session;

use super::accounts::{self, AccountRow};
use super::session_store::ACCOUNT_KEY;
use super::state::AppState;
use crate::error::AppError;

fn session_error(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "session store failed");
    AppError::Internal
}

pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(session_error)
}

/// The signed-in account, if any.
pub async fn current_account(state: &AppState) -> Result<Option<AccountRow>, AppError> {
    let session = current_session().await?;
    let Some(id) = session
        .get::<i64>(ACCOUNT_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let mut conn = state.db.pool.acquire().await?;
    accounts::find_by_id(&mut conn, id).await
}

/// The signed-in account, or `Unauthorized`.
pub async fn require_account(state: &AppState) -> Result<AccountRow, AppError> {
    current_account(state).await?.ok_or(AppError::Unauthorized)
}

/// Signs `account_id` in under a new session id, so that an id planted
/// before sign-in (session fixation) is worthless.
pub async fn sign_in(account_id: i64) -> Result<(), AppError> {
    let session = current_session().await?;
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(ACCOUNT_KEY, account_id)
        .await
        .map_err(session_error)
}

/// Ends the session: deletes it from the store and expires the cookie.
pub async fn sign_out() -> Result<(), AppError> {
    let session = current_session().await?;
    session.flush().await.map_err(session_error)
}

/// The peer address of the request, for per-IP rate limits.
pub async fn client_ip() -> Option<IpAddr> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|c| c.0.ip())
}

/// The signed-in account acting in `tenant_id`: 401 when signed out, 404
/// when not a member, 403 when the membership is not active. Every tenant
/// page's server functions start here.
pub async fn require_actor(
    tenant_id: i64,
) -> Result<(AppState, super::permissions::Actor), AppError> {
    let state = super::state::app_state()?;
    let account = require_account(&state).await?;
    let actor = super::invites::actor_for(&state, account, tenant_id).await?;
    Ok((state, actor))
}

/// The id of the current session, if it has been stored.
pub async fn current_session_id() -> Result<Option<String>, AppError> {
    Ok(current_session().await?.id().map(|id| id.to_string()))
}
