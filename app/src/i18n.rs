//! The languages people read Portico in (SPEC §12): English, German and
//! Spanish, as Project Fluent message files (`app/locales/<code>.ftl`, one
//! per language — adding a language is adding a file and a [`Lang`]).
//!
//! Pages are rendered on the server, so the messages are looked up there
//! only: an island gets its words as props, and the browser's WASM carries
//! no message file and no Fluent (see the README, "Languages").
//!
//! In a page, `t!("message-id")` or `t!("message-id", name = value)` reads
//! the page's language from the context the server provides for each
//! request ([`Lang`]); a mail names its language with `tl!(lang, …)`.

use serde::{Deserialize, Serialize};

/// A language Portico speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    De,
    Es,
    /// Tests only: English with every letter of the message text accented
    /// ("Ŝîĝñ îñ"), so that a test can find any English left untranslated
    /// (plain ASCII words that are not data).
    #[cfg(feature = "testing")]
    Pseudo,
}

impl Lang {
    /// The languages a person can choose, in the order they are offered.
    pub const CHOSEN: [Lang; 3] = [Lang::En, Lang::De, Lang::Es];

    /// The BCP 47 tag (`<html lang>`, `Content-Language`, stored values).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Es => "es",
            #[cfg(feature = "testing")]
            Lang::Pseudo => "en-XA",
        }
    }

    /// The language's own name, for choosing it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Es => "Español",
            #[cfg(feature = "testing")]
            Lang::Pseudo => "Pseudo",
        }
    }

    /// The language a stored or requested BCP 47 tag asks for: its primary
    /// subtag decides (`de-AT` is German), case-insensitively. `None` for
    /// a language Portico does not speak.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim();
        #[cfg(feature = "testing")]
        if tag.eq_ignore_ascii_case("en-XA") {
            return Some(Lang::Pseudo);
        }
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        Lang::CHOSEN
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }
}

/// A value for a message's placeable: text, or a number (which also picks
/// the plural form).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}
impl From<i32> for Arg {
    fn from(n: i32) -> Self {
        Arg::Number(n.into())
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Number(n.into())
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// The language of the page being rendered (English outside a request).
pub fn lang() -> Lang {
    use leptos::prelude::use_context;
    use_context::<Lang>()
        .or_else(|| {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<Lang>().copied())
        })
        .unwrap_or_default()
}

/// Puts the language the server chose for this request (an extension of
/// the request, set by the server's page-language layer) into the page's
/// context, where [`lang`] finds it.
#[cfg(feature = "ssr")]
pub fn provide_from_request() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(lang) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Lang>().copied())
    {
        provide_context(lang);
    }
}

/// `id` in the page's language: `t!("id")`, `t!("id", count = n)`.
#[macro_export]
macro_rules! t {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::tr($crate::i18n::lang(), $id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
}

/// `id` in the language `lang`: `tl!(lang, "id", name = value)`.
#[macro_export]
macro_rules! tl {
    ($lang:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::tr($lang, $id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
}

/// The message `id` in `lang` with `args`. A message missing from a
/// language falls back to English; one missing from English (a bug the
/// message-file tests catch) reads as its id.
#[cfg(feature = "ssr")]
pub fn tr(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    bundles::format(lang, id, args)
        .or_else(|| bundles::format(Lang::En, id, args))
        .unwrap_or_else(|| {
            tracing::error!(id, "message missing from the English message file");
            id.to_owned()
        })
}

/// In the browser no page text is looked up (islands receive theirs as
/// props); page components still compile for it, so this reads as the id.
#[cfg(not(feature = "ssr"))]
pub fn tr(_lang: Lang, id: &str, _args: &[(&str, Arg)]) -> String {
    id.to_owned()
}

/// An integer as the language writes it: `12,345` in English, `12.345` in
/// German and Spanish.
pub fn number(lang: Lang, n: i64) -> String {
    let separator = match lang {
        Lang::De | Lang::Es => '.',
        _ => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

#[cfg(feature = "ssr")]
mod bundles {
    use std::sync::OnceLock;

    use fluent_bundle::concurrent::FluentBundle;
    use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

    use super::{Arg, Lang};

    type Bundle = FluentBundle<FluentResource>;
    type Formatter =
        fn(&FluentValue, &intl_memoizer::concurrent::IntlLangMemoizer) -> Option<String>;

    /// The message files, built into the binary.
    fn source(lang: Lang) -> &'static str {
        match lang {
            Lang::En => include_str!("../locales/en.ftl"),
            Lang::De => include_str!("../locales/de.ftl"),
            Lang::Es => include_str!("../locales/es.ftl"),
            #[cfg(feature = "testing")]
            Lang::Pseudo => include_str!("../locales/en.ftl"),
        }
    }

    /// Numbers in messages (`{ $count }`) grouped as the language does.
    fn number_formatter(lang: Lang) -> Formatter {
        fn grouped(value: &FluentValue, lang: Lang) -> Option<String> {
            match value {
                FluentValue::Number(n) if n.value.fract() == 0.0 => {
                    Some(super::number(lang, n.value as i64))
                }
                _ => None,
            }
        }
        match lang {
            Lang::De => |v, _| grouped(v, Lang::De),
            Lang::Es => |v, _| grouped(v, Lang::Es),
            _ => |v, _| grouped(v, Lang::En),
        }
    }

    fn build(lang: Lang) -> Bundle {
        let resource = FluentResource::try_new(source(lang).to_owned())
            .unwrap_or_else(|(_, errors)| panic!("{}.ftl does not parse: {errors:?}", lang.code()));
        let id: unic_langid::LanguageIdentifier = match lang {
            #[cfg(feature = "testing")]
            Lang::Pseudo => "en".parse(),
            _ => lang.code().parse(),
        }
        .expect("a valid language tag");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Placeables are not wrapped in Unicode isolation marks: the text
        // goes into HTML and mail, which handle direction themselves.
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(number_formatter(lang)));
        #[cfg(feature = "testing")]
        if lang == Lang::Pseudo {
            bundle.set_transform(Some(pseudo));
        }
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("{}.ftl repeats a message: {errors:?}", lang.code()));
        bundle
    }

    /// Accents every ASCII letter of message text (not of placeables).
    #[cfg(feature = "testing")]
    fn pseudo(text: &str) -> std::borrow::Cow<'_, str> {
        const FROM: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const TO: &str = "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ";
        std::borrow::Cow::Owned(
            text.chars()
                .map(|c| match FROM.find(c) {
                    Some(i) => TO.chars().nth(i).unwrap_or(c),
                    None => c,
                })
                .collect(),
        )
    }

    fn bundle(lang: Lang) -> &'static Bundle {
        static EN: OnceLock<Bundle> = OnceLock::new();
        static DE: OnceLock<Bundle> = OnceLock::new();
        static ES: OnceLock<Bundle> = OnceLock::new();
        #[cfg(feature = "testing")]
        static PSEUDO: OnceLock<Bundle> = OnceLock::new();
        let cell = match lang {
            Lang::En => &EN,
            Lang::De => &DE,
            Lang::Es => &ES,
            #[cfg(feature = "testing")]
            Lang::Pseudo => &PSEUDO,
        };
        cell.get_or_init(|| build(lang))
    }

    pub(super) fn format(lang: Lang, id: &str, args: &[(&str, Arg)]) -> Option<String> {
        let bundle = bundle(lang);
        let pattern = bundle.get_message(id)?.value()?;
        let fluent_args = (!args.is_empty()).then(|| {
            let mut fa = FluentArgs::with_capacity(args.len());
            for (name, value) in args {
                match value {
                    Arg::Text(s) => fa.set(*name, FluentValue::from(s.as_str())),
                    Arg::Number(n) => fa.set(*name, FluentValue::from(*n)),
                }
            }
            fa
        });
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, fluent_args.as_ref(), &mut errors);
        if !errors.is_empty() {
            tracing::error!(id, lang = lang.code(), ?errors, "message formatting failed");
        }
        Some(text.into_owned())
    }

    /// Every message id of `lang`'s file (for the message-file tests).
    pub fn ids(lang: Lang) -> Vec<String> {
        let resource = FluentResource::try_new(source(lang).to_owned()).unwrap_or_else(|(r, _)| r);
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(feature = "ssr")]
pub use bundles::ids as message_ids;

/// The language a browser asks for in `Accept-Language`, among those
/// Portico speaks (quality values honoured), if any.
#[cfg(feature = "ssr")]
pub fn negotiate(accept_language: &str) -> Option<Lang> {
    use fluent_langneg::{
        NegotiationStrategy, convert_vec_str_to_langids_lossy, negotiate_languages,
    };
    let requested = fluent_langneg::parse_accepted_languages(accept_language);
    let available = convert_vec_str_to_langids_lossy(Lang::CHOSEN.map(Lang::code));
    negotiate_languages(&requested, &available, None, NegotiationStrategy::Lookup)
        .first()
        .and_then(|id| Lang::from_tag(&id.to_string()))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn tags_and_accept_language_pick_a_spoken_language() {
        assert_eq!(Lang::from_tag("de-AT"), Some(Lang::De));
        assert_eq!(Lang::from_tag("ES"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(negotiate("fr-FR, de;q=0.8, en;q=0.5"), Some(Lang::De));
        assert_eq!(negotiate("es-MX,es;q=0.9"), Some(Lang::Es));
        assert_eq!(negotiate("fr, it"), None);
        assert_eq!(negotiate(""), None);
    }

    #[test]
    fn numbers_and_plurals_follow_the_language() {
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::De, -1_234), "-1.234");
        assert_eq!(number(Lang::Es, 999), "999");
        assert_eq!(tl!(Lang::En, "seats-used", count = 1), "1 seat used");
        assert_eq!(
            tl!(Lang::En, "seats-used", count = 2_000),
            "2,000 seats used"
        );
        assert_eq!(tl!(Lang::De, "seats-used", count = 1), "1 Platz belegt");
        assert_eq!(tl!(Lang::De, "seats-used", count = 3), "3 Plätze belegt");
        assert_eq!(tl!(Lang::Es, "seats-used", count = 2), "2 plazas ocupadas");
    }

    /// Every language has exactly the messages English has, so no page is
    /// half translated and no translation is left over.
    #[test]
    fn every_language_has_every_message() {
        let mut english = message_ids(Lang::En);
        english.sort();
        for lang in [Lang::De, Lang::Es] {
            let mut ids = message_ids(lang);
            ids.sort();
            let missing: Vec<_> = english.iter().filter(|id| !ids.contains(id)).collect();
            let extra: Vec<_> = ids.iter().filter(|id| !english.contains(id)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
            assert!(extra.is_empty(), "{} has unknown {extra:?}", lang.code());
            // Each file parses and formats every message without errors.
            for id in &english {
                let _ = tr(lang, id, &[]);
            }
        }
    }

    /// Every `t!`/`tl!` id in the source exists in the English file.
    #[test]
    fn every_message_the_code_uses_exists() {
        let english = message_ids(Lang::En);
        let mut missing = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.ends_with("i18n.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (macro_name, names_language) in [("t!(", false), ("tl!(", true)] {
                    for (i, _) in text.match_indices(macro_name) {
                        let before = text[..i].chars().next_back().unwrap_or(' ');
                        if before.is_alphanumeric() || before == '_' {
                            continue; // format!(, assert!(, …
                        }
                        let rest = text[i + macro_name.len()..].trim_start();
                        // tl!(lang, "id" …) names the language first.
                        let rest = if names_language {
                            rest.split_once(',').map_or(rest, |(_, r)| r.trim_start())
                        } else {
                            rest
                        };
                        if let Some((id, _)) =
                            rest.strip_prefix('"').and_then(|r| r.split_once('"'))
                            && !english.iter().any(|e| e == id)
                        {
                            missing.push(format!("{}: {id}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "messages missing from en.ftl: {missing:#?}"
        );
    }
}
