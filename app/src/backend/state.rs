//! `AppState`: what every request handler, server function and background
//! task shares. Server functions reach it through Leptos context; axum
//! handlers through `State`.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::config::Config;
use super::db::Db;
use super::rate_limit::RateLimiter;
use crate::error::AppError;

/// Shared behind one `Arc`: axum clones the state for each extractor of
/// each request, and a clone of the parts (the DNS resolver's caches, the
/// Leptos options' strings, the secret) cost ~7 % of an authenticated read's
/// CPU in the profile; a clone of this is one reference count.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    /// Signs JWTs and cookies (`PORTICO_SECRET` or the stored one).
    pub secret: secrecy::SecretString,
    pub leptos_options: LeptosOptions,
    pub limiter: RateLimiter,
    /// Asynchronous DNS (`PORTICO_DNS_RESOLVER` or the system's).
    pub dns: super::dns::Dns,
    /// The keys JWTs are signed with (SPEC §10).
    pub keys: super::signing_keys::SigningKeys,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state inside a server function. Missing context is a wiring bug, so
/// it is logged and reported as an internal error rather than a panic.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::broken("AppState missing from Leptos context"))
}
