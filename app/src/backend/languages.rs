//! Which language a person, an invitation and a page are in (SPEC §12).
//! The messages themselves are in [`crate::i18n`].

use crate::backend::config::Config;
use crate::backend::db;
use crate::error::AppError;
use crate::i18n::Lang;

/// The language of a stored choice `locale` — a person's preference, or
/// an invitation's language (one made before languages existed has none):
/// that choice, else the instance's.
pub fn of_person(config: &Config, locale: Option<&str>) -> Lang {
    locale
        .and_then(Lang::from_tag)
        .unwrap_or(config.default_lang)
}

/// A well-formed BCP 47 language tag (`de`, `de-AT`, `es-419`,
/// `zh-Hant-TW`): letters, digits and hyphens, a 2–3 letter language
/// first, subtags of 1–8 characters.
pub fn check_tag(tag: &str) -> Result<&str, String> {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok =
        subtags.all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok && tag.len() <= 35 {
        Ok(tag)
    } else {
        Err("must be a BCP 47 language tag such as de or es-MX".to_owned())
    }
}

/// The language an invitation is written in, decided once when it is
/// made: the one asked for (a language Portico speaks), else the
/// invitee's account preference, else the tenant's default, else
/// `PORTICO_DEFAULT_LOCALE`.
pub fn for_invite(
    config: &Config,
    asked: Option<Lang>,
    account_locale: Option<&str>,
    tenant_default: Option<&str>,
) -> Lang {
    asked
        .or_else(|| account_locale.and_then(Lang::from_tag))
        .or_else(|| tenant_default.and_then(Lang::from_tag))
        .unwrap_or(config.default_lang)
}

/// What a page request says about its language.
pub struct PageRequest<'a> {
    /// `?lang=`: the reader's explicit switch (the invitation page offers it).
    pub switch: Option<&'a str>,
    /// `?token=` on the invitation page: that invitation's language.
    pub invite_token: Option<&'a str>,
    /// The signed-in account, if any.
    pub account_id: Option<i64>,
    pub accept_language: Option<&'a str>,
}

/// The language a page is rendered in: the switch, else the invitation's
/// (on its page), else the account's preference, else the browser's
/// `Accept-Language`, else `PORTICO_DEFAULT_LOCALE`.
pub async fn for_page(
    db: &crate::backend::db::Db,
    config: &Config,
    page: PageRequest<'_>,
) -> Result<Lang, AppError> {
    if let Some(lang) = page.switch.and_then(Lang::from_tag) {
        return Ok(lang);
    }
    if page.invite_token.is_some() || page.account_id.is_some() {
        let mut conn = db.read().await?;
        if let Some(token) = page.invite_token {
            let hash = crate::backend::crypto::hash_token(token);
            if let Some(lang) = db::invites::locale_by_token_hash(&mut conn, &hash)
                .await?
                .as_deref()
                .and_then(Lang::from_tag)
            {
                return Ok(lang);
            }
        }
        if let Some(id) = page.account_id
            && let Some(lang) = db::accounts::locale_of(&mut conn, id)
                .await?
                .as_deref()
                .and_then(Lang::from_tag)
        {
            return Ok(lang);
        }
    }
    Ok(page
        .accept_language
        .and_then(crate::i18n::negotiate)
        .unwrap_or(config.default_lang))
}

#[cfg(test)]
mod tests {
    #[test]
    fn language_tags_are_checked_for_form() {
        for ok in ["de", "es-MX", "es-419", "zh-Hant-TW", "EN"] {
            assert!(super::check_tag(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "d",
            "deutsch",
            "de_DE",
            "de-",
            "-de",
            "de-toolongsubtag",
            "d3",
        ] {
            assert!(super::check_tag(bad).is_err(), "{bad}");
        }
    }
}
