//! DNS, asynchronously (hickory-resolver on the runtime, never a thread of
//! tokio's blocking pool): the addresses of webhook hosts and the TXT
//! records of domain proofs. The server is `PORTICO_DNS_RESOLVER`
//! (`host:port`) or the system's (`/etc/resolv.conf`). Every lookup is
//! bounded by [`LOOKUP_TIMEOUT`], and answers are cached for at most a
//! minute (a failed proof can be retried as soon as the record is added).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;

/// The longest a lookup may take, retries included.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(3);

/// Why a lookup gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    #[error("the name does not exist or has no such record")]
    NotFound,
    #[error("the DNS server did not answer in time")]
    Timeout,
    #[error("the DNS lookup failed: {0}")]
    Failed(String),
}

/// A shared resolver: one that caches (addresses of webhook hosts) and one
/// that never does (proofs: a record just published is read at once).
#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
    uncached: TokioResolver,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dns")
    }
}

impl Dns {
    /// A resolver asking `server`, or the system's servers.
    pub fn new(server: Option<SocketAddr>) -> Self {
        let mut cached = ResolverOpts::default();
        cached.timeout = Duration::from_millis(1_400);
        cached.attempts = 1;
        cached.positive_max_ttl = Some(Duration::from_secs(60));
        cached.negative_max_ttl = Some(Duration::from_secs(5));
        let mut uncached = cached.clone();
        uncached.cache_size = 0;
        uncached.positive_max_ttl = Some(Duration::ZERO);
        uncached.negative_max_ttl = Some(Duration::ZERO);
        Dns {
            resolver: build(server, cached),
            uncached: build(server, uncached),
        }
    }

    /// The addresses of `host` (a DNS name, looked up as fully qualified).
    pub async fn ips(&self, host: &str) -> Result<Vec<IpAddr>, DnsError> {
        let name = fully_qualified(host);
        match tokio::time::timeout(LOOKUP_TIMEOUT, self.resolver.lookup_ip(name.as_str())).await {
            Err(_) => Err(DnsError::Timeout),
            Ok(Ok(found)) => Ok(found.iter().collect()),
            Ok(Err(e)) if e.is_no_records_found() || e.is_nx_domain() => Err(DnsError::NotFound),
            Ok(Err(e)) => Err(DnsError::Failed(e.to_string())),
        }
    }

    /// The TXT records at `name`, each as one string (its character-strings
    /// joined, as RFC 7208 reads them).
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        let name = fully_qualified(name);
        match tokio::time::timeout(LOOKUP_TIMEOUT, self.uncached.txt_lookup(name.as_str())).await {
            Err(_) => Err(DnsError::Timeout),
            Ok(Ok(found)) => Ok(found
                .answers()
                .iter()
                .filter_map(|record| match &record.data {
                    RData::TXT(txt) => Some(
                        txt.txt_data
                            .iter()
                            .map(|part| String::from_utf8_lossy(part))
                            .collect::<String>(),
                    ),
                    _ => None,
                })
                .collect()),
            Ok(Err(e)) if e.is_no_records_found() || e.is_nx_domain() => Err(DnsError::NotFound),
            Ok(Err(e)) => Err(DnsError::Failed(e.to_string())),
        }
    }
}

/// A lookup a tenant asks for (a webhook URL added or changed, a domain
/// proof): counted against `dns_lookup_tenant` before anything is resolved.
pub async fn limit_lookups(
    limiter: &super::rate_limit::RateLimiter,
    tenant_id: i64,
) -> Result<(), crate::error::AppError> {
    limiter
        .hit(
            super::rate_limit::Bucket::DnsLookupTenant,
            &tenant_id.to_string(),
        )
        .await
}

fn build(server: Option<SocketAddr>, opts: ResolverOpts) -> TokioResolver {
    let empty = || {
        TokioResolver::builder_with_config(
            ResolverConfig::from_parts(None, vec![], vec![]),
            TokioRuntimeProvider::default(),
        )
    };
    let builder = match server {
        Some(addr) => {
            let with_port = |mut c: ConnectionConfig| {
                c.port = addr.port();
                c
            };
            let ns = NameServerConfig::new(
                addr.ip(),
                true,
                vec![
                    with_port(ConnectionConfig::udp()),
                    with_port(ConnectionConfig::tcp()),
                ],
            );
            let config = ResolverConfig::from_parts(None, vec![], vec![ns]);
            TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
        }
        None => TokioResolver::builder_tokio().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "no system DNS configuration: names will not resolve");
            empty()
        }),
    };
    builder.with_options(opts).build().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "DNS resolver could not be built: names will not resolve");
        empty()
            .build()
            .expect("an empty resolver configuration builds")
    })
}

fn fully_qualified(name: &str) -> String {
    if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    }
}
