//! Keeps secrets out of logs: the values of `token`, `code` and `join`
//! parameters (invitation, reset and verification links, shareable join
//! codes, also when a verification link carries one) are replaced wherever
//! they appear in a URL or a mail body that is logged.

/// The query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 3] = ["token", "code", "join"];

/// Whether a query string carries a secret parameter (the page it opens
/// must not leak its URL to anyone through `Referer`).
pub fn carries_secret(query: &str) -> bool {
    query.split('&').any(|pair| secret_param(pair).is_some())
}

/// The secret parameter `text` starts with (`token=…`, any case), if any.
fn secret_param(text: &str) -> Option<&'static str> {
    SECRET_PARAMS.into_iter().find(|name| {
        text.get(..name.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(name))
            && text[name.len()..].starts_with('=')
    })
}

/// `text` with the value of every secret parameter that follows a `?` or
/// `&` (also `&amp;`, as HTML writes it) replaced by `[redacted]`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(['?', '&']) {
        let (before, after) = rest.split_at(pos + 1);
        out.push_str(before);
        rest = after;
        if let Some(unescaped) = rest.strip_prefix("amp;") {
            out.push_str("amp;");
            rest = unescaped;
        }
        if let Some(name) = secret_param(rest) {
            out.push_str(&rest[..name.len() + 1]);
            rest = &rest[name.len() + 1..];
            let end = rest
                .find(|c: char| {
                    c == '&'
                        || c == '#'
                        || c == '"'
                        || c == '\''
                        || c == '<'
                        || c == '>'
                        || c.is_whitespace()
                })
                .unwrap_or(rest.len());
            if end > 0 {
                out.push_str("[redacted]");
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_are_redacted_also_in_html() {
        assert_eq!(
            redact("/verify-email?token=t0k&join=c0de"),
            "/verify-email?token=[redacted]&join=[redacted]"
        );
        assert_eq!(
            redact("href=\"/verify-email?token=t0k&amp;join=c0de\""),
            "href=\"/verify-email?token=[redacted]&amp;join=[redacted]\""
        );
    }

    #[test]
    fn token_and_code_values_are_redacted() {
        assert_eq!(
            redact("/invite?token=abc-DEF_123&x=1"),
            "/invite?token=[redacted]&x=1"
        );
        assert_eq!(
            redact("Open http://h/reset-password?token=s3cret\nthanks"),
            "Open http://h/reset-password?token=[redacted]\nthanks"
        );
        assert_eq!(
            redact("<a href=\"http://h/join?a=b&CODE=xyz\">"),
            "<a href=\"http://h/join?a=b&CODE=[redacted]\">"
        );
        assert_eq!(redact("/x?tokens=1&token"), "/x?tokens=1&token");
        assert_eq!(redact("no query"), "no query");
        assert_eq!(redact("é?tö=1&ç"), "é?tö=1&ç");
    }
}
