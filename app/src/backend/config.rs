//! Configuration of SPEC §6, read from the environment once at start-up.
//! Every value is validated here, so a typo stops the server with one line
//! naming the variable instead of failing later.

pub mod rate_limits;

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;
use secrecy::SecretString;

use rate_limits::RateLimits;

/// Which database `DATABASE_URL` points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// Where outgoing mail goes (`PORTICO_MAIL`).
#[derive(Debug, Clone)]
pub enum MailTransport {
    /// One `.eml` file per mail in this directory.
    File(String),
    /// An SMTP URL, `smtp://host:port` or `smtps://user:pass@host:port`.
    Smtp(SecretString),
    /// Write mails to the log only.
    Log,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: SecretString,
    pub db_kind: DbKind,
    /// `PORTICO_DB_POOL_SIZE`: connections per instance on PostgreSQL.
    pub db_pool_size: u32,
    pub addr: SocketAddr,
    /// Public origin used in links, without a trailing slash.
    pub base_url: String,
    /// Extra origins allowed in invite `url` / `redirect_url`.
    pub allowed_origins: Vec<String>,
    pub mail: MailTransport,
    pub invite_ttl_hours: i64,
    /// `PORTICO_INVITE_REMINDER_HOURS`: the one reminder goes this long
    /// before a pending invitation expires; 0 = no reminders.
    pub invite_reminder_hours: i64,
    /// `None`: generate one and keep it in the database on first start.
    pub secret: Option<SecretString>,
    pub secure_cookies: bool,
    /// `PORTICO_RATE_LIMITS`: the defaults, overrides, or off.
    pub rate_limits: RateLimits,
    /// `PORTICO_TRUSTED_PROXIES`: peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// `PORTICO_WEBHOOK_ALLOW_PRIVATE`: webhook URLs may reach loopback and
    /// private addresses (tests, development). Off: refused.
    pub webhook_allow_private: bool,
    /// `PORTICO_ADMIN_TOKEN`: the instance operator's bearer token for
    /// `/api/v1/admin/…`; `None`: those endpoints are off.
    pub admin_token: Option<SecretString>,
    /// `PORTICO_METRICS_TOKEN`: the bearer token `/metrics` asks for;
    /// `None`: `/metrics` answers nobody (404).
    pub metrics_token: Option<SecretString>,
    /// `PORTICO_DNS_RESOLVER`: the DNS server (`host:port`) for domain
    /// proofs and webhook hosts; `None`: the system's.
    pub dns_resolver: Option<std::net::SocketAddr>,
    /// `LEPTOS_SITE_ROOT`: where cargo-leptos put the WASM, JS and CSS
    /// (`pkg/`), default `target/site`.
    pub site_root: std::path::PathBuf,
    /// `PORTICO_DEFAULT_LOCALE`: the language of people and invitations
    /// with no other choice (SPEC §12), `en` unless set.
    pub default_lang: crate::i18n::Lang,
}

/// A configuration value that cannot be used, with the variable it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {var}={value:?}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub problem: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |var: &'static str, default: &str| {
            let value = lookup(var).unwrap_or_else(|| default.to_owned());
            (var, value)
        };
        let err = |var: &'static str, value: &str, problem: &str| ConfigError {
            var,
            value: value.to_owned(),
            problem: problem.to_owned(),
        };

        let (var, database_url) = get("DATABASE_URL", "sqlite://data/portico.db?mode=rwc");
        let db_kind = if database_url.starts_with("sqlite:") {
            DbKind::Sqlite
        } else if database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
        {
            DbKind::Postgres
        } else {
            return Err(err(
                var,
                &database_url,
                "expected a sqlite://… or postgres://… URL",
            ));
        };

        let (var, pool) = get("PORTICO_DB_POOL_SIZE", "16");
        let db_pool_size = pool
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                err(
                    var,
                    &pool,
                    "expected a number of connections from 1 to 1000",
                )
            })?;

        let (var, addr) = get("PORTICO_ADDR", "127.0.0.1:3000");
        let addr: SocketAddr = addr.parse().map_err(|_| {
            err(
                var,
                &addr,
                "expected an IP address and port such as 127.0.0.1:3000",
            )
        })?;

        let (var, base_url) = get("PORTICO_BASE_URL", "http://127.0.0.1:3000");
        let base_url = parse_origin(&base_url)
            .ok_or_else(|| err(var, &base_url, "expected an http:// or https:// origin"))?;

        let (var, origins) = get("PORTICO_ALLOWED_ORIGINS", "");
        let allowed_origins = origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|o| {
                parse_origin(o).ok_or_else(|| {
                    err(var, &origins, "expected comma-separated http(s):// origins")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;

        let (var, mail) = get("PORTICO_MAIL", "file:./data/mail");
        let mail = if let Some(dir) = mail.strip_prefix("file:") {
            if dir.is_empty() {
                return Err(err(
                    var,
                    &mail,
                    "file: needs a directory, e.g. file:./data/mail",
                ));
            }
            MailTransport::File(dir.to_owned())
        } else if mail.starts_with("smtp://") || mail.starts_with("smtps://") {
            MailTransport::Smtp(mail.into())
        } else if mail == "log" {
            MailTransport::Log
        } else {
            return Err(err(
                var,
                &mail,
                "expected file:<dir>, smtp://host:port, smtps://user:pass@host:port or log",
            ));
        };

        let (var, ttl) = get("PORTICO_INVITE_TTL_HOURS", "168");
        let invite_ttl_hours = ttl
            .parse::<i64>()
            .ok()
            .filter(|h| (1..=24 * 365).contains(h))
            .ok_or_else(|| {
                err(
                    var,
                    &ttl,
                    "expected a whole number of hours between 1 and 8760",
                )
            })?;

        let (var, reminder) = get("PORTICO_INVITE_REMINDER_HOURS", "48");
        let invite_reminder_hours = reminder
            .parse::<i64>()
            .ok()
            .filter(|h| (0..=24 * 365).contains(h))
            .ok_or_else(|| {
                err(
                    var,
                    &reminder,
                    "expected a whole number of hours between 0 (no reminders) and 8760",
                )
            })?;

        let secret = match lookup("PORTICO_SECRET") {
            Some(s) if s.len() < 32 => {
                return Err(err(
                    "PORTICO_SECRET",
                    "<hidden>",
                    "must be at least 32 characters",
                ));
            }
            other => other,
        };

        let admin_token = operator_token(lookup("PORTICO_ADMIN_TOKEN"), "PORTICO_ADMIN_TOKEN")?;
        let metrics_token =
            operator_token(lookup("PORTICO_METRICS_TOKEN"), "PORTICO_METRICS_TOKEN")?;
        let (var, resolver) = get("PORTICO_DNS_RESOLVER", "");
        let dns_resolver = match resolver.trim() {
            "" => None,
            r => Some(r.parse::<std::net::SocketAddr>().map_err(|_| {
                err(
                    var,
                    &resolver,
                    "expected a DNS server's IP address and port such as 127.0.0.1:53",
                )
            })?),
        };

        let (var, locale) = get("PORTICO_DEFAULT_LOCALE", "en");
        let default_lang = crate::i18n::Lang::from_tag(&locale)
            .ok_or_else(|| err(var, &locale, "expected en, de or es"))?;

        let default_secure = base_url.starts_with("https://");
        let secure_cookies = match lookup("PORTICO_SECURE_COOKIES") {
            None => default_secure,
            Some(v) => parse_bool(&v)
                .ok_or_else(|| err("PORTICO_SECURE_COOKIES", &v, "expected true or false"))?,
        };

        let webhook_allow_private = match lookup("PORTICO_WEBHOOK_ALLOW_PRIVATE") {
            None => false,
            Some(v) => parse_bool(&v).ok_or_else(|| {
                err(
                    "PORTICO_WEBHOOK_ALLOW_PRIVATE",
                    &v,
                    "expected true or false",
                )
            })?,
        };

        let (var, limits) = get("PORTICO_RATE_LIMITS", "");
        let rate_limits =
            RateLimits::parse(&limits).map_err(|problem| err(var, &limits, &problem))?;

        let (var, proxies) = get("PORTICO_TRUSTED_PROXIES", "");
        let trusted_proxies = proxies
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpNet>()
                    .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        err(
                            var,
                            &proxies,
                            "expected comma-separated addresses or CIDRs such as 10.0.0.0/8",
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;

        Ok(Config {
            database_url: database_url.into(),
            db_kind,
            db_pool_size,
            addr,
            base_url,
            allowed_origins,
            mail,
            invite_ttl_hours,
            invite_reminder_hours,
            secret: secret.map(SecretString::from),
            secure_cookies,
            rate_limits,
            trusted_proxies,
            webhook_allow_private,
            admin_token: admin_token.map(SecretString::from),
            metrics_token: metrics_token.map(SecretString::from),
            dns_resolver,
            site_root: get("LEPTOS_SITE_ROOT", "target/site").1.into(),
            default_lang,
        })
    }
}

/// An operator's bearer token from `var`: at least 32 characters, without
/// surrounding spaces.
fn operator_token(value: Option<String>, var: &'static str) -> Result<Option<String>, ConfigError> {
    match value {
        Some(t) if t.chars().count() < 32 || t.trim() != t => Err(ConfigError {
            var,
            value: "<hidden>".into(),
            problem: "must be at least 32 characters, without surrounding spaces".into(),
        }),
        other => Ok(other),
    }
}

/// A yes/no setting: true/1/yes or false/0/no.
fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// `scheme://host[:port]` of an http(s) URL, as a browser would read it
/// (WHATWG parsing: tabs and newlines dropped, backslashes as slashes),
/// lower-cased and without a path; `None` when `url` is not http(s), has
/// no host or carries credentials.
pub fn parse_origin(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https")
        || parsed.host().is_none()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return None;
    }
    Some(parsed.origin().ascii_serialization())
}

impl Config {
    /// The address of the client: the socket peer, or, when the peer is a
    /// trusted proxy, the last address in `X-Forwarded-For` that is not one
    /// of the trusted proxies. Every `X-Forwarded-For` line counts, in
    /// order (proxies such as HAProxy add a line of their own instead of
    /// appending to the client's); hops may carry a port (`1.2.3.4:5678`,
    /// `[2001:db8::1]:443`); IPv4-mapped IPv6 addresses are read as IPv4,
    /// so `::ffff:10.0.0.1` is in `10.0.0.0/8`.
    pub fn client_ip<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    ) -> IpAddr {
        let trusted = |ip: &IpAddr| self.trusted_proxies.iter().any(|net| net.contains(ip));
        let mut client = peer.to_canonical();
        if !trusted(&client) {
            return client;
        }
        for line in forwarded_for.rev() {
            for hop in line.rsplit(',') {
                match parse_hop(hop) {
                    Some(ip) if trusted(&ip) => client = ip,
                    Some(ip) => return ip,
                    None => return client,
                }
            }
        }
        client
    }
}

/// One `X-Forwarded-For` hop: an address, perhaps with a port, perhaps an
/// IPv6 address in brackets; canonical (IPv4-mapped read as IPv4).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    let ip = if let Ok(ip) = hop.parse::<IpAddr>() {
        ip
    } else if let Some(rest) = hop.strip_prefix('[') {
        rest.split_once(']')?.0.parse().ok()?
    } else {
        let (host, port) = hop.rsplit_once(':')?;
        port.parse::<u16>().ok()?;
        IpAddr::V4(host.parse().ok()?)
    };
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let c = config(&[
            (
                "DATABASE_URL",
                "postgres://portico:db-password-1@db/portico",
            ),
            (
                "PORTICO_MAIL",
                "smtps://mailer:smtp-password-2@mail.example.com:465",
            ),
            ("PORTICO_SECRET", "the-signing-secret-3-0123456789abcdef"),
            (
                "PORTICO_ADMIN_TOKEN",
                "the-admin-token-4-0123456789abcdefghij",
            ),
            (
                "PORTICO_METRICS_TOKEN",
                "the-metrics-token-5-0123456789abcdefgh",
            ),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        for secret in [
            "db-password-1",
            "smtp-password-2",
            "the-signing-secret-3",
            "the-admin-token-4",
            "the-metrics-token-5",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("REDACTED"), "{shown}");
    }

    #[test]
    fn defaults_match_the_spec() {
        let c = config(&[]).expect("defaults are valid");
        assert_eq!(c.db_kind, DbKind::Sqlite);
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.base_url, "http://127.0.0.1:3000");
        assert!(matches!(&c.mail, MailTransport::File(d) if d == "./data/mail"));
        assert_eq!(c.invite_ttl_hours, 168);
        assert_eq!(c.invite_reminder_hours, 48);
        assert!(!c.secure_cookies);
    }

    #[test]
    fn an_unknown_database_scheme_names_the_variable() {
        let e = config(&[("DATABASE_URL", "foo://x")]).unwrap_err();
        assert_eq!(e.var, "DATABASE_URL");
        assert!(
            e.to_string()
                .starts_with("invalid DATABASE_URL=\"foo://x\"")
        );
    }

    #[test]
    fn a_nonsense_address_is_refused() {
        let e = config(&[("PORTICO_ADDR", "nonsense")]).unwrap_err();
        assert_eq!(e.var, "PORTICO_ADDR");
    }

    #[test]
    fn https_base_url_turns_on_secure_cookies() {
        let c = config(&[("PORTICO_BASE_URL", "https://portico.example.com/")]).unwrap();
        assert!(c.secure_cookies);
        assert_eq!(c.base_url, "https://portico.example.com");
    }

    #[test]
    fn bad_ttl_and_mail_values_are_refused() {
        assert_eq!(
            config(&[("PORTICO_INVITE_TTL_HOURS", "0")])
                .unwrap_err()
                .var,
            "PORTICO_INVITE_TTL_HOURS"
        );
        for bad in ["-1", "soon", "9000"] {
            assert_eq!(
                config(&[("PORTICO_INVITE_REMINDER_HOURS", bad)])
                    .unwrap_err()
                    .var,
                "PORTICO_INVITE_REMINDER_HOURS"
            );
        }
        assert_eq!(
            config(&[("PORTICO_MAIL", "carrier-pigeon")])
                .unwrap_err()
                .var,
            "PORTICO_MAIL"
        );
    }

    #[test]
    fn origins_drop_paths_and_refuse_other_schemes() {
        assert_eq!(
            parse_origin("HTTPS://Example.com:8443/a/b?c").as_deref(),
            Some("https://example.com:8443")
        );
        assert_eq!(parse_origin("javascript://x"), None);
        assert_eq!(parse_origin("https://user@evil.com"), None);
        // Read as a browser would: the TAB is dropped, the backslash is a slash.
        assert_eq!(
            parse_origin("https://evil.example\t\\@portico.example").as_deref(),
            Some("https://evil.example")
        );
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let c = config(&[("PORTICO_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1")]).unwrap();
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        // A client behind the proxy; anything it put in front is ignored.
        assert_eq!(
            c.client_ip(proxy, ["1.1.1.1, 198.51.100.7, 10.9.9.9"].into_iter())
                .to_string(),
            "198.51.100.7"
        );
        // Not from a proxy: the header is the client's own word.
        assert_eq!(c.client_ip(stranger, ["1.1.1.1"].into_iter()), stranger);
        assert_eq!(c.client_ip(proxy, std::iter::empty()), proxy);
        // Every line, the last one nearest; ports stripped; IPv4-mapped
        // proxies recognised.
        let lines = ["6.6.6.6", "198.51.100.7:4711, [::ffff:10.0.0.1]:80"];
        assert_eq!(
            c.client_ip(proxy, lines.into_iter()).to_string(),
            "198.51.100.7"
        );
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(
            c.client_ip(mapped, ["[2001:db8::7]:443"].into_iter())
                .to_string(),
            "2001:db8::7"
        );
        assert_eq!(
            config(&[("PORTICO_TRUSTED_PROXIES", "not-a-cidr")])
                .unwrap_err()
                .var,
            "PORTICO_TRUSTED_PROXIES"
        );
        assert_eq!(
            config(&[("PORTICO_RATE_LIMITS", "sign_in_ip=lots")])
                .unwrap_err()
                .var,
            "PORTICO_RATE_LIMITS"
        );
    }
}
