//! Where a redirect may go (SPEC §7). A `next` parameter or an invitation's
//! `redirect_url` is parsed as a browser would parse it (the `url` crate,
//! WHATWG rules: tabs and newlines dropped, backslashes read as slashes),
//! against the base URL, and followed only when it stays on an allowed
//! origin. What comes back is the URL's own serialisation, so it never
//! holds a character that cannot go into a `Location` header.

use url::{Position, Url};

use super::config::Config;

/// The path (with query) on Portico's own origin that `next` names, or
/// `default` when it is missing, unparseable or leaves the origin.
pub fn local_target(config: &Config, next: Option<&str>, default: &str) -> String {
    let Ok(base) = Url::parse(&config.base_url) else {
        return default.to_owned();
    };
    match next.map(str::trim).filter(|n| !n.is_empty()) {
        Some(next) => match base.join(next) {
            Ok(target) if target.origin() == base.origin() => {
                target[Position::BeforePath..].to_owned()
            }
            _ => default.to_owned(),
        },
        None => default.to_owned(),
    }
}

/// `url` as an absolute URL when its origin is Portico's or one of
/// `PORTICO_ALLOWED_ORIGINS`; `None` otherwise.
pub fn allowed_absolute(config: &Config, url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    let origin = super::config::parse_origin(parsed.as_str())?;
    (origin == config.base_url || config.allowed_origins.contains(&origin))
        .then(|| parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::from_lookup(|name| {
            (name == "PORTICO_ALLOWED_ORIGINS").then(|| "https://app.example.com".to_owned())
        })
        .unwrap()
    }

    #[test]
    fn next_stays_on_portico() {
        let c = config();
        assert_eq!(local_target(&c, Some("/t/4?x=1"), "/account"), "/t/4?x=1");
        for attack in [
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            " \n//evil.example",
            "http://127.0.0.1:3000@evil.example/",
        ] {
            assert_eq!(
                local_target(&c, Some(attack), "/account"),
                "/account",
                "{attack:?}"
            );
        }
        // A newline inside a path is encoded, never copied into the header.
        let target = local_target(&c, Some("/t/1\r\nSet-Cookie: x=1"), "/account");
        assert!(
            !target.contains('\n') && !target.contains('\r'),
            "{target:?}"
        );
    }

    #[test]
    fn redirect_urls_need_an_allowed_origin() {
        let c = config();
        assert_eq!(
            allowed_absolute(&c, "https://app.example.com/welcome").as_deref(),
            Some("https://app.example.com/welcome")
        );
        assert_eq!(allowed_absolute(&c, "https://evil.example/"), None);
        assert_eq!(
            allowed_absolute(&c, "https://app.example.com\t.evil.example/"),
            None
        );
    }
}
