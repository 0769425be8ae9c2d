//! Portico's server: configuration, telemetry, router assembly, operational
//! endpoints and the process lifecycle. Pages and server functions come from
//! the `app` crate; this crate wires them into axum.

pub mod assets;
pub mod csrf;
pub mod mail_worker;
pub mod memory;
pub mod metrics;
pub mod oidc;
pub mod ops;
pub mod page_language;
pub mod redact;
pub mod rest;
pub mod rpc_status;
pub mod scim;
pub mod security_headers;
pub mod sso;
pub mod startup;
pub mod webhook_worker;

pub use startup::{Application, StartError, run};
