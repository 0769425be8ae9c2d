//! Server-only code (the `ssr` feature). Nothing here is compiled into the
//! browser's WASM. Rooms by concern, lowest first — a module uses its own
//! room and the ones below, never one above (`.ci/layers.py` checks it):
//! the platform pieces (`config`, `crypto`, `url_policy`,
//! `content_policy`), `db`, the platform pieces on the database
//! (`rate_limit`, `dns`, `settings`, `languages`, `audit`, `signing_keys`), `state`, then
//! `delivery`, `access`, `onboarding` and `oidc` (Sign in with Portico), and
//! `tenant_admin`.

pub mod access;
pub mod audit;
pub mod config;
pub mod content_policy;
pub mod crypto;
pub mod db;
pub mod delivery;
pub mod directory;
pub mod dns;
pub mod languages;
pub mod oidc;
pub mod onboarding;
pub mod rate_limit;
pub mod settings;
pub mod signing_keys;
pub mod sso;
pub mod state;
pub mod tenant_admin;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod url_policy;

pub use config::{Config, ConfigError, DbKind, MailTransport};
pub use db::{Db, DbError, now_ms};
pub use state::{AppState, app_state};
