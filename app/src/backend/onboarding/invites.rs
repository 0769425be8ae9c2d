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
    waiting_for,
};
pub use expiry::{record_expiry, send_reminders, sweep};
pub use manage::{
    EXPIRING_SOON_HOURS, InviteQuery, LISTED_STATUSES, MAX_EMAIL_SEARCH, create_invite,
    invite_again, list_invites, reissue_invite, revoke_invite,
};

use crate::backend::config::Config;
use crate::backend::state::AppState;
use crate::backend::{languages, url_policy};
use crate::domain::{Email, FormParser, PersonName, Role, required};
use crate::dto::InviteInfo;
use crate::i18n::Lang;

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
    /// The language asked for (SPEC §12), if one Portico speaks.
    pub locale: Option<Lang>,
}

/// An invitation's fields as a form or a JSON body carries them. Roles
/// and organisation come parsed (each API names and shapes them its own
/// way: a list, one role, a number or a string) — `None` roles: their
/// parse failed and its error is already in the form.
#[derive(Debug, Clone, Default)]
pub struct InviteFields<'a> {
    pub email: Option<&'a str>,
    pub roles: Option<Vec<Role>>,
    pub organisation_id: Option<i64>,
    pub message: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    /// Named `redirect_url` in errors, as the Royalti shape has it.
    pub redirect_url: Option<&'a str>,
    pub url: Option<&'a str>,
    pub send_email: bool,
    /// A BCP 47 tag; one of a language Portico does not speak counts as
    /// not given (the next choice decides).
    pub locale: Option<&'a str>,
}

impl NewInvite {
    /// Parses an invitation's fields into `form`, so that every problem
    /// is reported at once (`email` required, `message`, `firstName`,
    /// `lastName`, `redirect_url` and `url` checked when given); `None`
    /// when one failed. The page, the canonical REST endpoint, Royalti
    /// and DoiT all come through here.
    pub fn parse(
        form: &mut FormParser,
        config: &Config,
        fields: InviteFields<'_>,
    ) -> Option<NewInvite> {
        let email = form.field("email", required(fields.email, Email::parse));
        if let Some(message) = fields.message {
            form.field("message", check_message(message));
        }
        let name = |n: Option<&str>| n.map(PersonName::parse).transpose();
        let first_name = form.field("firstName", name(fields.first_name));
        let last_name = form.field("lastName", name(fields.last_name));
        if let Some(url) = fields.redirect_url {
            form.field("redirect_url", url_policy::check_allowed_url(config, url));
        }
        if let Some(url) = fields.url {
            form.field("url", url_policy::check_allowed_url(config, url));
        }
        if let Some(tag) = fields.locale {
            form.field("locale", languages::check_tag(tag));
        }
        Some(NewInvite {
            email: email?,
            roles: fields.roles?,
            organisation_id: fields.organisation_id,
            message: fields.message.map(str::to_owned),
            first_name: first_name?,
            last_name: last_name?,
            redirect_url: fields.redirect_url.map(str::to_owned),
            url: fields.url.map(str::to_owned),
            send_email: fields.send_email,
            locale: fields.locale.and_then(Lang::from_tag),
        })
    }

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
            locale: None,
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
