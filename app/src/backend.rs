//! Server-only code (the `ssr` feature): configuration, the database,
//! shared state. Nothing here is compiled into the browser's WASM.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod config;
pub mod content_policy;
pub mod crypto;
pub mod db;
pub mod dns;
pub mod domains;
pub mod events;
pub mod invite_links;
pub mod invites;
pub mod mail;
pub mod permissions;
pub mod rate_limit;
pub mod redirect;
pub mod seats;
pub mod session;
pub mod session_store;
pub mod settings;
pub mod state;
pub mod tenant_admin;
#[doc(hidden)]
pub mod testing;
pub mod webhooks;

pub use config::{Config, ConfigError, DbKind, MailTransport};
pub use db::{Db, DbError, now_ms};
pub use state::{AppState, app_state};
