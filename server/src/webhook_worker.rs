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
use app::backend::delivery::events::RecordedEvent;
use app::backend::url_policy::is_forbidden_ip;
use app::backend::{AppState, now_ms};

/// How long a claimed delivery stays reserved: well over one attempt.
const LEASE_MS: i64 = 60_000;
/// Deliveries claimed (and attempted concurrently) per round.
const IN_FLIGHT: usize = 16;
/// Attempts one endpoint may have in flight at once, across instances.
const PER_ENDPOINT: usize = 2;
/// Slots one tenant may hold in this instance: the rest stay free for the
/// other tenants, so a tenant whose receivers all hang for their full
/// timeout cannot make another tenant's delivery wait for a slot.
const PER_TENANT: usize = IN_FLIGHT / 2;
/// Slots beyond [`IN_FLIGHT`] kept for tenants with nothing in flight: even
/// when two tenants' hanging receivers fill the shared slots, a third
/// tenant's first delivery goes out at once.
const RESERVE: usize = 8;
/// Endpoints with due deliveries looked at per claim.
const DUE_ENDPOINTS_SCANNED: i64 = 1_000;
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
    /// At most [`IN_FLIGHT`] attempts run at once, and a slot that frees
    /// is refilled at once (no waiting for a whole batch).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let worker = Arc::new(self);
        let mut in_flight = JoinSet::new();
        let mut per_tenant: HashMap<i64, usize> = HashMap::new();
        let mut cursor = 0_i64;
        loop {
            let free = Slots::free(in_flight.len());
            let claimed = if free.total() > 0 {
                match worker.claim(free, &per_tenant, &mut cursor).await {
                    Ok(claimed) => claimed,
                    Err(e) => {
                        tracing::error!(error = ?e, "webhook outbox query failed");
                        Vec::new()
                    }
                }
            } else {
                Vec::new()
            };
            let full = claimed.len() == free.total();
            for (delivery, target, lease_until) in claimed {
                let worker = worker.clone();
                let tenant_id = target.tenant_id;
                *per_tenant.entry(tenant_id).or_default() += 1;
                in_flight.spawn(async move {
                    (
                        tenant_id,
                        worker.attempt(delivery, target, lease_until).await,
                    )
                });
            }
            tokio::select! {
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    finished(done, &mut per_tenant);
                }
                _ = tokio::time::sleep(worker.poll), if !full => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                while let Some(done) = in_flight.join_next().await {
                    finished(done, &mut per_tenant);
                }
                return;
            }
        }
    }

    /// Attempts every delivery that is due now, as [`WebhookWorker::run`]
    /// would (the same claims, limits and recording), round after round
    /// until none is due; returns how many attempts were made. Retries are
    /// due later, so they end the loop. For callers that drive the worker
    /// instead of waiting for it (the tests, as the Rust registry runs its
    /// background jobs).
    pub async fn deliver_due(self: &Arc<Self>) -> Result<usize, AppError> {
        let mut cursor = 0_i64;
        let mut attempted = 0;
        loop {
            let claimed = self
                .claim(Slots::free(0), &HashMap::new(), &mut cursor)
                .await?;
            if claimed.is_empty() {
                return Ok(attempted);
            }
            attempted += claimed.len();
            let mut attempts = JoinSet::new();
            for (delivery, target, lease_until) in claimed {
                let worker = self.clone();
                attempts.spawn(async move { worker.attempt(delivery, target, lease_until).await });
            }
            while let Some(done) = attempts.join_next().await {
                done.map_err(|e| AppError::internal("a webhook attempt panicked", &e))??;
            }
        }
    }

    /// Claims up to `free` due deliveries, fairly: tenants take turns (one
    /// delivery each per round, starting after `cursor`, the tenant served
    /// last), and no endpoint has more than [`PER_ENDPOINT`] attempts in
    /// flight, counted across every instance on the database.
    async fn claim(
        &self,
        free: Slots,
        per_tenant: &HashMap<i64, usize>,
        cursor: &mut i64,
    ) -> Result<Vec<(ClaimedDelivery, EndpointTarget, i64)>, AppError> {
        let now = now_ms();
        let lease_until = now + LEASE_MS;
        let due = {
            let mut conn = self.state.db.read().await?;
            store::due_endpoints(&mut conn, now, *cursor, DUE_ENDPOINTS_SCANNED).await?
        };
        let plan = share_slots(&due, free, per_tenant);
        let mut claimed = Vec::new();
        for (endpoint_id, wanted) in plan {
            let mut tx = self.state.db.begin().await?;
            let busy = store::lock_and_count_busy(&mut tx, endpoint_id, now).await?;
            let room = (PER_ENDPOINT as i64 - busy).min(wanted as i64);
            if room <= 0 {
                continue;
            }
            let got = store::claim_due(&mut tx, endpoint_id, now, lease_until, room).await?;
            let target = match got.is_empty() {
                true => None,
                false => store::target(&mut tx, endpoint_id).await?,
            };
            tx.commit().await?;
            if let Some(target) = target {
                *cursor = target.tenant_id;
                claimed.extend(got.into_iter().map(|d| (d, target.clone(), lease_until)));
            }
        }
        Ok(claimed)
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
                app::backend::delivery::webhooks::disable_if_failing(&self.state, target.id)
                    .await?;
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

/// An attempt came back: its tenant's slot is free again.
fn finished(
    done: Result<(i64, Result<(), AppError>), tokio::task::JoinError>,
    per_tenant: &mut HashMap<i64, usize>,
) {
    match done {
        Ok((tenant_id, result)) => {
            if let Some(n) = per_tenant.get_mut(&tenant_id) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    per_tenant.remove(&tenant_id);
                }
            }
            if let Err(e) = result {
                tracing::error!(error = ?e, "recording a webhook attempt failed");
            }
        }
        // A panicked attempt's lease runs out and it is attempted again;
        // its tenant's count is corrected when the worker restarts.
        Err(e) => tracing::error!(error = %e, "webhook attempt panicked"),
    }
}

/// The attempt slots free now: shared ones, and reserved ones that only a
/// tenant with nothing in flight may take (its first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slots {
    pub shared: usize,
    pub reserve: usize,
}

impl Slots {
    /// What is free with `in_flight` attempts running.
    pub fn free(in_flight: usize) -> Slots {
        let shared = IN_FLIGHT.saturating_sub(in_flight);
        let all = (IN_FLIGHT + RESERVE).saturating_sub(in_flight);
        Slots {
            shared,
            reserve: all - shared,
        }
    }

    pub fn total(self) -> usize {
        self.shared + self.reserve
    }
}

/// How the `free` slots are shared among the endpoints with due
/// deliveries (in the order given, tenants grouped): round by round, each
/// tenant gets one slot for one of its endpoints that has room (fewer than
/// [`PER_ENDPOINT`] in flight, counting the slots given here), its
/// endpoints taking turns, while it holds fewer than [`PER_TENANT`] slots
/// (`per_tenant`: those it holds already), until the slots or the room run
/// out; a tenant holding none may take a reserved slot when the shared ones
/// are gone. Returns each endpoint's share, in the order given.
pub fn share_slots(
    due: &[store::DueEndpoint],
    free: Slots,
    per_tenant: &HashMap<i64, usize>,
) -> Vec<(i64, usize)> {
    let mut tenants: Vec<Vec<usize>> = Vec::new();
    for (i, e) in due.iter().enumerate() {
        match tenants.last_mut() {
            Some(group) if due[group[0]].tenant_id == e.tenant_id => group.push(i),
            _ => tenants.push(vec![i]),
        }
    }
    let mut given = vec![0usize; due.len()];
    let mut held: Vec<usize> = tenants
        .iter()
        .map(|g| per_tenant.get(&due[g[0]].tenant_id).copied().unwrap_or(0))
        .collect();
    let mut turn = vec![0usize; tenants.len()];
    let room = |i: usize, given: &[usize]| (due[i].busy.max(0) as usize + given[i]) < PER_ENDPOINT;
    let mut left = free;
    while left.total() > 0 {
        let mut progress = false;
        for (t, group) in tenants.iter().enumerate() {
            let may_take = left.shared > 0 || held[t] == 0 && left.reserve > 0;
            if !may_take || held[t] >= PER_TENANT {
                continue;
            }
            let pick = (0..group.len())
                .map(|k| group[(turn[t] + k) % group.len()])
                .find(|&i| room(i, &given));
            if let Some(i) = pick {
                if left.shared > 0 {
                    left.shared -= 1;
                } else {
                    left.reserve -= 1;
                }
                given[i] += 1;
                held[t] += 1;
                turn[t] += 1;
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    due.iter()
        .zip(given)
        .filter(|(_, n)| *n > 0)
        .map(|(e, n)| (e.endpoint_id, n))
        .collect()
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

    fn due(endpoint_id: i64, tenant_id: i64, busy: i64) -> store::DueEndpoint {
        store::DueEndpoint {
            endpoint_id,
            tenant_id,
            busy,
        }
    }

    #[test]
    fn tenants_take_turns_and_no_endpoint_or_tenant_gets_more_than_its_room() {
        let none = HashMap::new();
        let idle = Slots::free(0);
        assert_eq!((idle.shared, idle.reserve), (IN_FLIGHT, RESERVE));
        // Tenant 1 has twenty endpoints, tenant 2 one: tenant 2 gets a slot
        // in the first round whatever tenant 1 has waiting, and tenant 1
        // holds at most its share.
        let mut endpoints: Vec<_> = (1..=20).map(|e| due(e, 1, 0)).collect();
        endpoints.push(due(100, 2, 0));
        let shares = share_slots(&endpoints, idle, &none);
        assert!(shares.contains(&(100, 2)), "{shares:?}");
        let tenant_1: usize = shares.iter().filter(|s| s.0 < 100).map(|s| s.1).sum();
        assert_eq!(tenant_1, PER_TENANT);
        assert!(shares.iter().all(|s| s.1 <= PER_ENDPOINT));
        // Busy endpoints get only what is left of their room; a tenant at
        // its cap gets nothing.
        let shares = share_slots(&[due(1, 1, 1), due(2, 1, 2), due(3, 2, 0)], idle, &none);
        assert_eq!(shares, vec![(1, 1), (3, 2)]);
        let full = HashMap::from([(1, PER_TENANT)]);
        assert_eq!(
            share_slots(&[due(1, 1, 0), due(3, 2, 0)], idle, &full),
            vec![(3, 2)]
        );
        // Two tenants fill the shared slots: a third, with nothing in
        // flight, still gets one reserved slot (and no more); the two get
        // none of the reserve.
        let busy = HashMap::from([(1, PER_TENANT), (2, PER_TENANT)]);
        let shared_gone = Slots::free(IN_FLIGHT);
        assert_eq!(
            share_slots(
                &[due(1, 1, 0), due(2, 2, 0), due(3, 3, 0)],
                shared_gone,
                &busy
            ),
            vec![(3, 1)]
        );
        assert!(share_slots(&[], idle, &none).is_empty());
        assert!(share_slots(&[due(1, 1, 0)], Slots::free(IN_FLIGHT + RESERVE), &none).is_empty());
    }

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
