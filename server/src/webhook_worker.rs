//! Delivers webhook events (SPEC §8) from the `webhook_deliveries` outbox.
//! Like the mail worker, it claims due deliveries with a lease (one
//! conditional UPDATE, so several instances never attempt one delivery at
//! once), POSTs each with Standard Webhooks headers and signature, and
//! records the answer: 2xx delivers; anything else is retried on a
//! schedule with jitter that spans about three days, the same `webhook-id`
//! every time. An endpoint that has failed for three days is disabled and
//! its tenant's managers are mailed.
//!
//! The HTTP client never reaches a loopback, private or link-local address
//! (unless `PORTICO_WEBHOOK_ALLOW_PRIVATE`): names are resolved by
//! [`GuardedResolver`], which drops such addresses before the connection
//! is made to one it returned, so a DNS answer cannot change between the
//! check and the connection; redirects are not followed; proxies are not
//! used.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use tokio::sync::watch;
use tokio::task::JoinSet;

use app::AppError;
use app::backend::db::webhooks::{self as store, AttemptResult, ClaimedDelivery, EndpointTarget};
use app::backend::events::RecordedEvent;
use app::backend::webhooks::is_forbidden_ip;
use app::backend::{AppState, now_ms};

/// How long a claimed delivery stays reserved: well over one attempt.
const LEASE_MS: i64 = 60_000;
/// Deliveries claimed (and attempted concurrently) per round.
const BATCH: i64 = 16;
/// One attempt's limit, connection included.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The wait after the n-th failed attempt (before jitter): 5 s, 30 s,
/// 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, then 12 h five times — 15
/// attempts over about three days and three hours.
const RETRY_DELAYS_MS: [i64; 14] = [
    5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000,
    43_200_000, 43_200_000, 43_200_000, 43_200_000, 43_200_000,
];
/// What of a receiver's answer is kept as the error (its start).
const ERROR_MAX_CHARS: usize = 300;

pub struct WebhookWorker {
    state: AppState,
    client: reqwest::Client,
    allow_private: bool,
    poll: Duration,
}

impl WebhookWorker {
    pub fn new(state: AppState) -> Result<Self, reqwest::Error> {
        let allow_private = state.config.webhook_allow_private;
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private,
                dns: state.dns.clone(),
            }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(ATTEMPT_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("Portico-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(WebhookWorker {
            state,
            client,
            allow_private,
            poll: Duration::from_millis(500),
        })
    }

    /// Runs until `stop` turns true; the attempts in hand finish first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let worker = Arc::new(self);
        loop {
            match worker.clone().deliver_due().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "webhook outbox query failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(worker.poll) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Claims one batch and attempts it, concurrently; returns how many
    /// were claimed.
    pub async fn deliver_due(self: Arc<Self>) -> Result<usize, AppError> {
        let now = now_ms();
        let lease_until = now + LEASE_MS;
        let (claimed, targets) = {
            let mut conn = self.state.db.write().await?;
            let claimed = store::claim_due(&mut conn, now, lease_until, BATCH).await?;
            let mut targets: HashMap<i64, EndpointTarget> = HashMap::new();
            for d in &claimed {
                if !targets.contains_key(&d.endpoint_id)
                    && let Some(t) = store::target(&mut conn, d.endpoint_id).await?
                {
                    targets.insert(t.id, t);
                }
            }
            (claimed, targets)
        };
        let count = claimed.len();
        let mut attempts = JoinSet::new();
        for delivery in claimed {
            let Some(target) = targets.get(&delivery.endpoint_id).cloned() else {
                continue;
            };
            let worker = self.clone();
            attempts.spawn(async move { worker.attempt(delivery, target, lease_until).await });
        }
        while let Some(done) = attempts.join_next().await {
            match done {
                Ok(Err(e)) => tracing::error!(error = ?e, "recording a webhook attempt failed"),
                Err(e) => tracing::error!(error = %e, "webhook attempt panicked"),
                Ok(Ok(())) => {}
            }
        }
        Ok(count)
    }

    async fn attempt(
        &self,
        delivery: ClaimedDelivery,
        target: EndpointTarget,
        lease_until: i64,
    ) -> Result<(), AppError> {
        let outcome = self.send(&delivery, &target).await;
        let attempts = delivery.attempts + 1;
        let now = now_ms();
        let next_attempt_at = retry_delay_ms(attempts).map(|d| now + jitter(d));
        let result = match &outcome {
            Ok(code) => AttemptResult {
                response_code: Some(*code),
                error: None,
                next_attempt_at: None,
            },
            Err((code, error)) => AttemptResult {
                response_code: *code,
                error: Some(error.as_str()),
                next_attempt_at,
            },
        };
        {
            let mut tx = self.state.db.begin().await?;
            store::record_attempt(&mut tx, &delivery, lease_until, result, now).await?;
            tx.commit().await?;
        }
        match outcome {
            Ok(code) => {
                tracing::debug!(delivery_id = delivery.id, code, "webhook delivered");
            }
            Err((_, error)) => {
                tracing::warn!(
                    delivery_id = delivery.id,
                    webhook_id = target.id,
                    attempts,
                    %error,
                    "webhook not delivered"
                );
                app::backend::webhooks::disable_if_failing(&self.state, target.id).await?;
            }
        }
        Ok(())
    }

    /// One POST; the receiver's status code, or why it did not answer 2xx.
    async fn send(
        &self,
        delivery: &ClaimedDelivery,
        target: &EndpointTarget,
    ) -> Result<i64, (Option<i64>, String)> {
        let url = reqwest::Url::parse(&target.url).map_err(|e| (None, format!("bad URL: {e}")))?;
        // An address written in the URL is not resolved: checked here.
        if !self.allow_private
            && let Some(ip) = literal_ip(&url)
            && is_forbidden_ip(ip)
        {
            return Err((
                None,
                format!("refused: {ip} is a private or loopback address"),
            ));
        }
        let event: RecordedEvent = serde_json::from_str(&delivery.payload)
            .map_err(|e| (None, format!("stored event unreadable: {e}")))?;
        let body = crate::rest::webhooks::render_event(&delivery.event_type, event);
        let timestamp = now_ms() / 1000;
        let signature =
            sign(&target.secret, &delivery.message_id, timestamp, &body).map_err(|e| (None, e))?;
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| (None, describe(&e)))?;
        let code = i64::from(response.status().as_u16());
        if response.status().is_success() {
            Ok(code)
        } else {
            let reason = response.status().canonical_reason().unwrap_or("");
            let text = body_excerpt(response).await;
            Err((
                Some(code),
                format!("answered {code} {reason}: {text}")
                    .trim_end_matches([' ', ':'])
                    .to_owned(),
            ))
        }
    }
}

/// The start of a refusing receiver's answer, for the delivery log. Read a
/// chunk at a time and no further than the excerpt needs: however much a
/// receiver sends, an attempt holds at most a few kilobytes of it.
async fn body_excerpt(mut response: reqwest::Response) -> String {
    let max_bytes = ERROR_MAX_CHARS * 4;
    let mut bytes = Vec::new();
    while bytes.len() < max_bytes {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(max_bytes);
    String::from_utf8_lossy(&bytes)
        .chars()
        .take(ERROR_MAX_CHARS)
        .collect()
}

/// The wait after the `attempts`-th failure, or `None` when that was the
/// last attempt.
pub fn retry_delay_ms(attempts: i64) -> Option<i64> {
    usize::try_from(attempts - 1)
        .ok()
        .and_then(|i| RETRY_DELAYS_MS.get(i).copied())
}

/// `delay` ± 20 %, so receivers that come back are not hit all at once.
fn jitter(delay: i64) -> i64 {
    let spread = delay / 5;
    delay + rand::rng().random_range(-spread..=spread)
}

/// The Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}`, keyed with the base64 part of the secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| "the endpoint's secret is not base64".to_owned())?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

fn literal_ip(url: &reqwest::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// A transport error in words, with its causes (no URL: it is in the log's
/// context already).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs());
    }
    let mut text = if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Resolves endpoint hosts, keeping only addresses a webhook may reach; the
/// client connects only to what it returns.
pub struct GuardedResolver {
    pub allow_private: bool,
    pub dns: app::backend::dns::Dns,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        let dns = self.dns.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> = match dns.ips(&host).await {
                Ok(ips) => ips.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect(),
                Err(app::backend::dns::DnsError::NotFound) => Vec::new(),
                Err(e) => return Err(format!("{host}: {e}").into()),
            };
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow_private || !is_forbidden_ip(a.ip()))
                .collect();
            if allowed.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> = if found.is_empty() {
                    format!("{host} has no address").into()
                } else {
                    format!(
                        "refused: {host} resolves only to loopback, private or link-local addresses"
                    )
                    .into()
                };
                return Err(refused);
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::dns::Resolve;

    #[test]
    fn retries_span_about_three_days_then_stop() {
        let total: i64 = (1..=14).filter_map(retry_delay_ms).sum();
        assert!((3 * 86_400_000..4 * 86_400_000).contains(&total), "{total}");
        assert_eq!(retry_delay_ms(1), Some(5_000));
        assert_eq!(retry_delay_ms(15), None);
        for _ in 0..100 {
            let j = jitter(10_000);
            assert!((8_000..=12_000).contains(&j));
        }
    }

    #[test]
    fn the_signature_is_keyed_with_the_secrets_base64_part() {
        // The example of the Standard Webhooks specification.
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[tokio::test]
    async fn names_that_resolve_to_loopback_are_refused_unless_allowed() {
        let name = |h: &str| h.parse::<reqwest::dns::Name>().unwrap();
        let guarded = GuardedResolver {
            allow_private: false,
            dns: app::backend::dns::Dns::new(None),
        };
        let err = match guarded.resolve(name("localhost")).await {
            Ok(_) => panic!("localhost resolved"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("refused"), "{err}");
        let open = GuardedResolver {
            allow_private: true,
            dns: app::backend::dns::Dns::new(None),
        };
        let addrs: Vec<_> = open.resolve(name("localhost")).await.unwrap().collect();
        assert!(addrs.iter().any(|a| a.ip().is_loopback()));
    }
}
