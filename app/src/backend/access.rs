//! Who is asking: accounts (register, sign in, confirm, reset), browser
//! sessions, API tokens, and the actor of a request in a tenant with what
//! its roles allow. Uses the platform pieces, `db/` and `delivery/` (mail);
//! nothing above it.

pub mod access_tokens;
pub mod accounts;
pub mod actor;
pub mod api_tokens;
pub mod session;
pub mod session_store;
