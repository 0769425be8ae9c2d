//! Server-only code (the `ssr` feature): configuration, the database,
//! shared state. Nothing here is compiled into the browser's WASM.

pub mod access;
pub mod audit;
pub mod config;
pub mod content_policy;
pub mod crypto;
pub mod db;
pub mod delivery;
pub mod dns;
pub mod onboarding;
pub mod rate_limit;
pub mod settings;
pub mod state;
pub mod tenant_admin;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod url_policy;

pub use config::{Config, ConfigError, DbKind, MailTransport};
pub use db::{Db, DbError, now_ms};
pub use state::{AppState, app_state};
