//! Enterprise sign-in (SSO, SPEC §11): a tenant connects its own identity
//! provider (OpenID Connect) for its DNS-proven domains; people at those
//! domains sign in there, and the first sign-in makes them members.
//!
//! - [`connections`]: the connections a manager keeps (client secrets
//!   sealed under a key derived from Portico's secret);
//! - [`sign_in`]: home-realm discovery by the address's domain, `required`
//!   connections refusing passwords, and what a verified ID token does
//!   (link or create the account, admit the member).
//!
//! The protocol itself (discovery, the authorization request with PKCE,
//! `state` and `nonce`, the code exchange and the ID token's signature) is
//! the `openidconnect` crate's, driven by `server/src/sso.rs`.

pub mod connections;
pub mod sign_in;
