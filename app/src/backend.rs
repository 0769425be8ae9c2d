//! Server-only code (the `ssr` feature): configuration, the database,
//! shared state. Nothing here is compiled into the browser's WASM.

pub mod config;
pub mod db;
pub mod settings;
pub mod state;
#[doc(hidden)]
pub mod testing;

pub use config::{Config, ConfigError, DbKind, MailTransport};
pub use db::{Db, DbError, now_ms};
pub use state::{AppState, app_state};
