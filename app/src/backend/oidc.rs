//! Sign in with Portico (SPEC §10).
