//! Webhook endpoints (SPEC §8): tenant managers register URLs that receive
//! the tenant's events, see each delivery and retry one. The same service
//! serves the page `/t/{id}/webhooks` and the REST endpoints. Delivery
//! itself is the server's webhook worker.

use base64::Engine;
use rand::RngCore;
use serde_json::json;

use crate::backend::access::actor::Actor;
use crate::backend::db::{self, now_ms};
use crate::backend::delivery::events::EventType;
use crate::backend::state::AppState;
use crate::backend::url_policy::{self, PRIVATE_ADDRESS, is_forbidden_ip};
use crate::domain::{AuditAction, FormParser};
use crate::dto::{DeliveryInfo, NewWebhook, Page, WebhookInfo};
use crate::error::AppError;

/// Endpoints one tenant may register.
pub const MAX_ENDPOINTS: i64 = 20;
pub const DESCRIPTION_MAX_CHARS: usize = 200;

/// Resolves the URL's host (asynchronously, [`crate::backend::dns`]) and refuses it
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
    crate::backend::dns::limit_lookups(&state.limiter, actor.tenant_id).await?;
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
        Some(u) => form
            .field("url", url_policy::check_webhook_url(&state.config, u))
            .map(Some),
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
            AuditAction::WebhookCreated,
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
            AuditAction::WebhookEnabled
        }
        Some(false) if row.disabled_at.is_none() => {
            row.disabled_at = Some(now);
            row.disabled_reason = Some("manual".into());
            AuditAction::WebhookDisabled
        }
        _ => AuditAction::WebhookUpdated,
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
            AuditAction::WebhookDeleted,
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
            AuditAction::WebhookRetried,
            &endpoint.url,
            json!({ "webhookId": id, "deliveryId": delivery_id }),
        )
        .await?;
    tx.commit().await?;
    Ok(row.into())
}

#[cfg(test)]
mod tests {
    use super::*;

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
