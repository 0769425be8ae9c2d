//! Sign in with Portico (SPEC §10): Portico is the OpenID provider of the
//! products people are onboarded into. `clients` (registered by the
//! operator), `authorize` (the authorization endpoint's decisions),
//! `tokens` (the token, userinfo and revocation endpoints, refresh-token
//! families). The keys are `signing_keys`; the access tokens the REST API
//! accepts, `access::access_tokens`.

pub mod authorize;
pub mod clients;
pub mod tokens;
