//! Every rule about URLs, in one place: where a redirect may go, which
//! URLs an invitation may point at, and which hosts a webhook may reach.
//!
//! Redirects (SPEC §7): a `next` parameter or an invitation's
//! `redirect_url` is parsed as a browser would parse it (the `url` crate,
//! WHATWG rules: tabs and newlines dropped, backslashes read as slashes),
//! against the base URL, and followed only when it stays on an allowed
//! origin. What comes back is the URL's own serialisation, so it never
//! holds a character that cannot go into a `Location` header.

use std::net::IpAddr;

use url::{Position, Url};

use super::config::{Config, parse_origin};
use crate::domain::is_dns_name;

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
    let origin = parse_origin(parsed.as_str())?;
    (origin == config.base_url || config.allowed_origins.contains(&origin))
        .then(|| parsed.to_string())
}

/// Checks that `url` is http(s) on Portico's origin or an allowed one.
pub fn check_allowed_url(config: &Config, url: &str) -> Result<(), String> {
    let origin = parse_origin(url).ok_or("Use an http:// or https:// URL.")?;
    let allowed = std::iter::once(&config.base_url).chain(&config.allowed_origins);
    // Exactly as the API document's pattern says: an allowed origin as
    // written, then nothing or a path, query or fragment of URL characters.
    let rest = allowed.clone().find_map(|o| {
        url.strip_prefix(o.as_str())
            .filter(|r| r.is_empty() || r.starts_with(['/', '?', '#']))
    });
    match rest {
        Some(rest) if is_uri_tail(rest) => Ok(()),
        Some(_) => Err("Percent-encode spaces and other characters URLs may not hold.".into()),
        None if allowed.clone().any(|o| *o == origin) => {
            Err(format!("Write the origin exactly as {origin}."))
        }
        None => Err(format!(
            "The origin {origin} is not allowed. Add it to PORTICO_ALLOWED_ORIGINS."
        )),
    }
}

/// A path, query and fragment of RFC 3986 characters: `%` only before two
/// hex digits, `#` only once (the fragment).
pub fn is_uri_tail(rest: &str) -> bool {
    let (before, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let ok = |part: &str| {
        let bytes = part.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' => {
                    if !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                        && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
                    {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                b if b.is_ascii_alphanumeric() || b"-._~:/?@!$&'()*+,;=".contains(&b) => {}
                _ => return false,
            }
            i += 1;
        }
        true
    };
    ok(before) && ok(fragment)
}

/// The longest webhook endpoint URL.
pub const WEBHOOK_URL_MAX_CHARS: usize = 2_000;

/// Whether an address is one a webhook must not reach: loopback, private,
/// link-local (cloud metadata lives at 169.254.169.254), shared (CGNAT),
/// unspecified, broadcast, multicast, documentation — and the IPv4 ones
/// written as IPv6.
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                let [a, b] = hi.to_be_bytes();
                let [c, d] = lo.to_be_bytes();
                is_forbidden_ip(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)))
            };
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden_ip(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                // Documentation (2001:db8::/32), site-local (fec0::/10,
                // deprecated but still routed by some stacks), Teredo
                // (2001::/32), discard-only (100::/64).
                || seg[0] == 0x2001 && seg[1] == 0x0db8
                || seg[0] & 0xffc0 == 0xfec0
                || seg[0] == 0x2001 && seg[1] == 0
                || seg[..4] == [0x100, 0, 0, 0]
                // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96, and
                // the local-use 64:ff9b:1::/48) carry an IPv4 address in
                // their last 32 bits, 6to4 (2002::/16) in bits 16–47: the
                // embedded address decides.
                || seg[..6] == [0, 0, 0, 0, 0, 0] && embedded(seg[6], seg[7])
                || seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] && embedded(seg[6], seg[7])
                || seg[0] == 0x64 && seg[1] == 0xff9b && seg[2] == 1
                || seg[0] == 0x2002 && embedded(seg[1], seg[2])
        }
    }
}

/// The origins an endpoint may use over plain http: Portico's own and the
/// allowed ones, minus, unless private addresses are allowed, those on a
/// loopback or private address (the API document lists the same).
pub fn http_origins(config: &Config) -> Vec<String> {
    std::iter::once(&config.base_url)
        .chain(&config.allowed_origins)
        .filter(|o| config.webhook_allow_private || !origin_is_private(o))
        .cloned()
        .collect()
}

fn origin_is_private(origin: &str) -> bool {
    match url::Url::parse(origin)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Ipv4(ip)) => is_forbidden_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_forbidden_ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => is_local_name(&name),
        None => true,
    }
}

fn is_local_name(name: &str) -> bool {
    name == "localhost" || name.ends_with(".localhost")
}

/// A DNS name as endpoint URLs write it ([`is_dns_name`]), and not
/// `localhost`. (The API document's pattern says the same.)
fn is_public_dns_name(host: &str) -> bool {
    is_dns_name(host) && !is_local_name(host)
}

/// A port as endpoint URLs write it: 1 to 9999, no leading zero.
fn is_port(p: &str) -> bool {
    (1..=4).contains(&p.len()) && !p.starts_with('0') && p.bytes().all(|b| b.is_ascii_digit())
}

/// Checks an endpoint URL without the network (SPEC §8): `https://` and a
/// public DNS name, an optional port (1–9999), then a path, query and
/// fragment of URL characters; or any URL on an origin of
/// [`http_origins`]. Credentials, IP addresses and `localhost` are refused
/// on the https form.
pub fn check_webhook_url(config: &Config, raw: &str) -> Result<String, String> {
    if raw.chars().count() > WEBHOOK_URL_MAX_CHARS {
        return Err(format!(
            "Keep the URL under {WEBHOOK_URL_MAX_CHARS} characters."
        ));
    }
    let on_http_origin = http_origins(config).iter().find_map(|o| {
        raw.strip_prefix(o.as_str())
            .filter(|r| r.is_empty() || r.starts_with(['/', '?', '#']))
    });
    let tail = match on_http_origin {
        Some(tail) => tail,
        None => {
            let Some(rest) = raw.strip_prefix("https://") else {
                return Err(if raw.starts_with("http://") {
                    "Use an https:// URL (http:// only on an origin listed in PORTICO_ALLOWED_ORIGINS)."
                        .into()
                } else {
                    "Enter a full https:// URL such as https://example.com/hooks.".into()
                });
            };
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(end);
            let (host, port) = match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            if authority.contains('@') {
                return Err(
                    "Leave credentials out of the URL; verify the signature instead.".into(),
                );
            }
            if !is_public_dns_name(host) {
                return Err(
                    if host.parse::<IpAddr>().is_ok()
                        || host.starts_with('[')
                        || is_local_name(host)
                    {
                        PRIVATE_OR_ADDRESS.into()
                    } else {
                        "Write the host as a lower-case domain name such as hooks.example.com."
                            .into()
                    },
                );
            }
            if let Some(p) = port
                && !is_port(p)
            {
                return Err("Use a port from 1 to 9999, or none.".into());
            }
            tail
        }
    };
    if !is_uri_tail(tail) {
        return Err("Percent-encode spaces and other characters URLs may not hold.".into());
    }
    Ok(raw.to_owned())
}

const PRIVATE_OR_ADDRESS: &str = "Use a domain name: webhooks go to https:// hosts by name (an address is allowed only on an origin listed in PORTICO_ALLOWED_ORIGINS).";

pub const PRIVATE_ADDRESS: &str =
    "This URL points at a loopback, private or link-local address, which webhooks may not reach.";

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

    #[test]
    fn private_loopback_link_local_and_mapped_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            assert!(is_forbidden_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(!is_forbidden_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn endpoint_hosts_are_lower_case_public_names() {
        for ok in ["hooks.example.com", "a.bc", "x-1.y2.example.org"] {
            assert!(is_public_dns_name(ok), "{ok}");
        }
        for bad in [
            "localhost",
            "api.localhost",
            "Hooks.example.com",
            "example",
            "1.2.3.4",
            "-a.example.com",
            "a-.example.com",
            "a..b.com",
            "example.c0m",
            "",
        ] {
            assert!(!is_public_dns_name(bad), "{bad}");
        }
        assert!(
            is_port("443")
                && is_port("9999")
                && !is_port("0")
                && !is_port("08")
                && !is_port("10000")
        );
    }
}
