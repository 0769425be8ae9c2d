//! What leaves Portico: the mail outbox and its templates, events (the
//! webhook payloads written in the transaction that causes them) and the
//! lifecycle of webhook deliveries (disabling a failing endpoint, pruning).
//! The workers that send live in `server/`. Uses the platform pieces and
//! `db/` only.

pub mod events;
pub mod mail;
pub mod webhooks;
