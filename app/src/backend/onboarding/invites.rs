//! Invitations (SPEC §3): one service behind the invite pages, the
//! canonical REST endpoints and the compatibility adapters. The manager's
//! side (create or refresh, resend, copy link, revoke, list) lives in
//! [`manage`], the invited person's (preview, accept, decline) in
//! [`accept`]. Tokens are 32 random bytes; only their SHA-256 is stored, so
//! a link can be shown when it is made and never again.

mod accept;
pub mod bulk;
mod expiry;
mod manage;

pub use accept::{
    Accepted, Acceptor, REPLACED, accept, accept_by_email, decline, link_replaced, preview,
};
pub use expiry::{record_expiry, send_reminders, sweep};
pub use manage::{
    EXPIRING_SOON_HOURS, LISTED_STATUSES, create_invite, invite_again, list_invites,
    reissue_invite, revoke_invite,
};

use crate::backend::state::AppState;
use crate::domain::{Email, PersonName, Role};
use crate::dto::InviteInfo;

const MESSAGE_MAX_CHARS: usize = 2000;

/// A parsed invitation request.
#[derive(Debug, Clone)]
pub struct NewInvite {
    pub email: Email,
    pub roles: Vec<Role>,
    pub organisation_id: Option<i64>,
    pub message: Option<String>,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    /// Where to send the person after accepting.
    pub redirect_url: Option<String>,
    /// The acceptance page the link points at (default `{base}/invite`).
    pub url: Option<String>,
    pub send_email: bool,
}

impl NewInvite {
    /// An invitation of `email` with `roles`, mailed, with nothing else
    /// set; callers add what their form or body carries with
    /// `NewInvite { message, ..NewInvite::new(email, roles) }`.
    pub fn new(email: Email, roles: Vec<Role>) -> Self {
        NewInvite {
            email,
            roles,
            organisation_id: None,
            message: None,
            first_name: None,
            last_name: None,
            redirect_url: None,
            url: None,
            send_email: true,
        }
    }
}

/// A created (or refreshed, or resent) invitation and its one-time link.
#[derive(Debug, Clone)]
pub struct IssuedInvite {
    pub invite: InviteInfo,
    pub link: String,
}

/// Checks a personal message: at most 2,000 characters.
pub fn check_message(message: &str) -> Result<(), String> {
    if message.chars().count() > MESSAGE_MAX_CHARS {
        Err(format!(
            "Keep the message under {MESSAGE_MAX_CHARS} characters."
        ))
    } else {
        Ok(())
    }
}

/// The link in the mail: `{url}?token=…`.
fn link_for(state: &AppState, url: Option<&str>, token: &str) -> String {
    let base = url
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}/invite", state.config.base_url));
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}token={token}")
}
