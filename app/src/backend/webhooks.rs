//! Webhook endpoints (SPEC §8): tenant managers register URLs that receive
//! the tenant's events, see each delivery and retry one. The same service
//! serves the page `/t/{id}/webhooks` and the REST endpoints. Delivery
//! itself is the server's webhook worker.

use std::net::IpAddr;

use base64::Engine;
use rand::RngCore;
use serde_json::json;

use super::db::{self, now_ms};
use super::events::EventType;
use super::permissions::Actor;
use super::state::AppState;
use crate::domain::{FormParser, is_dns_name};
use crate::dto::{DeliveryInfo, NewWebhook, Page, WebhookInfo};
use crate::error::AppError;

/// Endpoints one tenant may register.
pub const MAX_ENDPOINTS: i64 = 20;
pub const DESCRIPTION_MAX_CHARS: usize = 200;
pub const URL_MAX_CHARS: usize = 2_000;

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
pub fn http_origins(config: &super::config::Config) -> Vec<String> {
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
pub fn check_url(state: &AppState, raw: &str) -> Result<String, String> {
    if raw.chars().count() > URL_MAX_CHARS {
        return Err(format!("Keep the URL under {URL_MAX_CHARS} characters."));
    }
    let on_http_origin = http_origins(&state.config).iter().find_map(|o| {
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
    if !super::invites::is_uri_tail(tail) {
        return Err("Percent-encode spaces and other characters URLs may not hold.".into());
    }
    Ok(raw.to_owned())
}

const PRIVATE_OR_ADDRESS: &str = "Use a domain name: webhooks go to https:// hosts by name (an address is allowed only on an origin listed in PORTICO_ALLOWED_ORIGINS).";

const PRIVATE_ADDRESS: &str =
    "This URL points at a loopback, private or link-local address, which webhooks may not reach.";

/// Resolves the URL's host (asynchronously, [`super::dns`]) and refuses it
/// when any address it has is one a webhook may not reach. A name that does
/// not resolve (yet) is accepted: every delivery checks again before it
/// connects.
async fn check_resolves_publicly(state: &AppState, url: &str) -> Result<(), String> {
    if state.config.webhook_allow_private {
        return Ok(());
    }
    let Ok(parsed) = url::Url::parse(url) else {
        return Ok(());
    };
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return Ok(());
    };
    match state.dns.ips(host).await {
        Ok(ips) if ips.iter().any(|ip| is_forbidden_ip(*ip)) => Err(PRIVATE_ADDRESS.into()),
        _ => Ok(()),
    }
}

/// Vets the host of a checked URL: first the cheap refusals — a tenant at
/// its endpoint cap (`adding`) and a tenant past its rate of DNS lookups —
/// then the lookup itself ([`check_resolves_publicly`]). A name server that
/// never answers thus costs one bounded lookup per allowed request.
async fn vet_host(
    state: &AppState,
    actor: &Actor,
    url: Option<&str>,
    adding: bool,
) -> Result<(), AppError> {
    if adding {
        let mut conn = state.db.read().await?;
        if db::webhooks::count_in_tenant(&mut conn, actor.tenant_id).await? >= MAX_ENDPOINTS {
            return Err(endpoint_cap());
        }
    }
    let Some(url) = url else {
        return Ok(());
    };
    super::dns::limit_lookups(state, actor.tenant_id).await?;
    check_resolves_publicly(state, url)
        .await
        .map_err(|e| AppError::field("url", e))
}

fn endpoint_cap() -> AppError {
    AppError::Conflict(format!(
        "A tenant can have at most {MAX_ENDPOINTS} webhook endpoints. Delete one first."
    ))
}

/// Checks an event filter: known types, each once, in the order of
/// [`EventType::ALL`]. Empty: every event.
pub fn parse_events(names: &[String]) -> Result<Vec<String>, String> {
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = names.iter().find(|n| !seen.insert(n.as_str())) {
        return Err(format!(
            "List each event type once ({twice} is there twice)."
        ));
    }
    if let Some(bad) = names.iter().find(|n| EventType::parse(n).is_none()) {
        let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        return Err(format!(
            "Unknown event type {bad:?}. Known types: {}.",
            known.join(", ")
        ));
    }
    Ok(EventType::ALL
        .iter()
        .map(|t| t.as_str())
        .filter(|t| names.iter().any(|n| n == t))
        .map(str::to_owned)
        .collect())
}

pub fn check_description(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.chars().count() > DESCRIPTION_MAX_CHARS {
        Err(format!(
            "Keep the description under {DESCRIPTION_MAX_CHARS} characters."
        ))
    } else if text.chars().any(char::is_control) {
        Err("The description cannot hold control characters.".into())
    } else {
        Ok(text.to_owned())
    }
}

/// A signing secret: `whsec_` and 24 random bytes in base64 (the part the
/// Standard Webhooks signature is keyed with).
fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// What a manager asks for when adding an endpoint (unchecked).
#[derive(Debug, Clone, Default)]
pub struct EndpointRequest {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    /// Only when changing one.
    pub enabled: Option<bool>,
}

/// A request's URL, event filter and description, each checked (`None`:
/// not given).
type CheckedFields = (Option<String>, Option<Vec<String>>, Option<String>);

/// The fields of a request, each checked; every problem is reported at once.
fn check_request(state: &AppState, request: &EndpointRequest) -> Result<CheckedFields, AppError> {
    let mut form = FormParser::default();
    let url = match &request.url {
        Some(u) => form.field("url", check_url(state, u)).map(Some),
        None => Some(None),
    };
    let events = match &request.events {
        Some(e) => form.field("events", parse_events(e)).map(Some),
        None => Some(None),
    };
    let description = match &request.description {
        Some(d) => form.field("description", check_description(d)).map(Some),
        None => Some(None),
    };
    form.finish(|| Some((url?, events?, description?)))
}

/// Adds an endpoint; the answer carries its secret, shown this once.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    request: &EndpointRequest,
) -> Result<NewWebhook, AppError> {
    actor.ensure_tenant_manager()?;
    let (url, events, description) = check_request(state, request)?;
    let url = url.ok_or_else(|| AppError::field("url", "This field is required."))?;
    vet_host(state, actor, Some(&url), true).await?;
    let events = db::webhooks::events_column(&events.unwrap_or_default());
    let description = description.unwrap_or_default();
    let secret = new_secret();
    let mut tx = state.db.begin().await?;
    // One endpoint added at a time per tenant, so the cap holds.
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    if db::webhooks::count_in_tenant(&mut tx, actor.tenant_id).await? >= MAX_ENDPOINTS {
        return Err(endpoint_cap());
    }
    let new = db::webhooks::NewEndpoint {
        tenant_id: actor.tenant_id,
        url: &url,
        description: &description,
        events: &events,
        secret: &secret,
        created_by: actor.account.id,
    };
    let row = db::webhooks::insert(&mut tx, new, now_ms()).await?;
    actor
        .log(
            &mut tx,
            "webhook.created",
            &url,
            json!({ "webhookId": row.id }),
        )
        .await?;
    tx.commit().await?;
    Ok(NewWebhook {
        endpoint: row.into(),
        secret,
    })
}

pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<WebhookInfo>, AppError> {
    actor.ensure_tenant_manager()?;
    let mut conn = state.db.read().await?;
    let rows = db::webhooks::list(&mut conn, actor.tenant_id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn find(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<db::webhooks::EndpointRow, AppError> {
    actor.ensure_tenant_manager()?;
    db::webhooks::find_in_tenant(conn, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn get(state: &AppState, actor: &Actor, id: i64) -> Result<WebhookInfo, AppError> {
    let mut conn = state.db.read().await?;
    Ok(find(&mut conn, actor, id).await?.into())
}

/// Changes an endpoint's URL, filter, description or state. Enabling one
/// starts afresh (its failure record is cleared); its waiting deliveries go
/// out then.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, webhook_id = id))]
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    request: &EndpointRequest,
) -> Result<WebhookInfo, AppError> {
    actor.ensure_tenant_manager()?;
    let (url, events, description) = check_request(state, request)?;
    {
        let mut conn = state.db.read().await?;
        find(&mut conn, actor, id).await?;
    }
    vet_host(state, actor, url.as_deref(), false).await?;
    let mut tx = state.db.begin().await?;
    let mut row = find(&mut tx, actor, id).await?;
    let now = now_ms();
    if let Some(url) = url {
        row.url = url;
    }
    if let Some(events) = events {
        row.events = db::webhooks::events_column(&events);
    }
    if let Some(description) = description {
        row.description = description;
    }
    let action = match request.enabled {
        Some(true) if row.disabled_at.is_some() => {
            row.disabled_at = None;
            row.disabled_reason = None;
            row.failing_since = None;
            "webhook.enabled"
        }
        Some(false) if row.disabled_at.is_none() => {
            row.disabled_at = Some(now);
            row.disabled_reason = Some("manual".into());
            "webhook.disabled"
        }
        _ => "webhook.updated",
    };
    let row = db::webhooks::update(&mut tx, &row, now).await?;
    actor
        .log(&mut tx, action, &row.url, json!({ "webhookId": id }))
        .await?;
    tx.commit().await?;
    Ok(row.into())
}

#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, webhook_id = id))]
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let row = find(&mut tx, actor, id).await?;
    db::webhooks::delete(&mut tx, id).await?;
    actor
        .log(
            &mut tx,
            "webhook.deleted",
            &row.url,
            json!({ "webhookId": id }),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// An endpoint's deliveries, newest first.
pub async fn deliveries(
    state: &AppState,
    actor: &Actor,
    id: i64,
    (page, per_page): (i64, i64),
) -> Result<Page<DeliveryInfo>, AppError> {
    let mut conn = state.db.read().await?;
    find(&mut conn, actor, id).await?;
    let (rows, total) =
        db::webhooks::list_deliveries(&mut conn, id, per_page, (page - 1) * per_page).await?;
    Ok(Page {
        items: rows.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    })
}

/// Sends a delivery again now (a failed one gets a fresh round of attempts,
/// with the same `webhook-id`).
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, webhook_id = id, delivery_id))]
pub async fn retry(
    state: &AppState,
    actor: &Actor,
    id: i64,
    delivery_id: i64,
) -> Result<DeliveryInfo, AppError> {
    let mut tx = state.db.begin().await?;
    let endpoint = find(&mut tx, actor, id).await?;
    if endpoint.disabled_at.is_some() {
        return Err(AppError::Conflict(
            "This endpoint is disabled. Enable it first; its waiting deliveries then go out."
                .into(),
        ));
    }
    let Some(row) = db::webhooks::retry(&mut tx, id, delivery_id, now_ms()).await? else {
        return Err(
            if db::webhooks::delivery_exists(&mut tx, id, delivery_id).await? {
                AppError::Conflict("This delivery is being attempted right now.".into())
            } else {
                AppError::NotFound
            },
        );
    };
    actor
        .log(
            &mut tx,
            "webhook.retried",
            &endpoint.url,
            json!({ "webhookId": id, "deliveryId": delivery_id }),
        )
        .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// How long an endpoint may fail before it is disabled (SPEC §8).
pub const DISABLE_AFTER_MS: i64 = 3 * 24 * 3_600_000;

/// Disables an endpoint whose deliveries have all failed for
/// [`DISABLE_AFTER_MS`], records it, and mails the tenant's managers. The
/// conditional update makes it happen once, whichever instance sees it.
pub async fn disable_if_failing(state: &AppState, endpoint_id: i64) -> Result<bool, AppError> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let Some((tenant_id, url)) =
        db::webhooks::disable_if_failing_since(&mut tx, endpoint_id, now - DISABLE_AFTER_MS, now)
            .await?
    else {
        return Ok(false);
    };
    super::audit::record(
        &mut tx,
        Some(tenant_id),
        &super::invites::system_actor(),
        "webhook.disabled",
        &url,
        json!({ "webhookId": endpoint_id, "reason": "failing" }),
    )
    .await?;
    let tenant = db::tenants::get(&mut tx, tenant_id)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    let link = format!("{}/t/{tenant_id}/webhooks", state.config.base_url);
    for (email, first_name) in db::members::active_manager_contacts(&mut tx, tenant_id).await? {
        let mail = super::mail::webhook_disabled_mail(&email, &first_name, &tenant, &url, &link);
        super::mail::enqueue(&mut tx, &mail).await?;
    }
    tx.commit().await?;
    tracing::warn!(
        webhook_id = endpoint_id,
        tenant_id,
        "webhook endpoint disabled after three days of failures"
    );
    Ok(true)
}

/// How long finished deliveries stay in the log.
pub const RETENTION_MS: i64 = 30 * 24 * 3_600_000;
/// Deliveries one pruning statement deletes; the pass repeats until done.
const PRUNE_BATCH: i64 = 1_000;

/// The periodic clean-up: deletes delivered and failed deliveries older
/// than [`RETENTION_MS`] (pending ones stay until they end), so the log of
/// a busy tenant does not grow without bound. Returns how many went.
pub async fn prune_deliveries(db: &super::db::Db) -> Result<u64, AppError> {
    let before = now_ms() - RETENTION_MS;
    db::delete_in_batches(PRUNE_BATCH, |batch| async move {
        let mut conn = db.write().await?;
        db::webhooks::prune_finished(&mut conn, before, batch).await
    })
    .await
}

/// The tenant of an endpoint, if it exists.
pub async fn tenant_of(state: &AppState, id: i64) -> Result<Option<i64>, AppError> {
    let mut conn = state.db.read().await?;
    db::webhooks::tenant_of(&mut conn, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn an_event_filter_names_unknown_and_repeated_types() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_events(&names(&["member.removed", "invite.created"])).unwrap(),
            names(&["invite.created", "member.removed"])
        );
        assert!(
            parse_events(&names(&["invite.exploded"]))
                .unwrap_err()
                .contains("invite.exploded")
        );
        assert!(
            parse_events(&names(&["invite.created", "invite.created"]))
                .unwrap_err()
                .contains("twice")
        );
    }
}
