//! Webhook endpoints over REST (SPEC §8): `POST|GET /api/v1/webhooks`,
//! `PATCH|DELETE /api/v1/webhooks/{id}`, the delivery log and retry; and the
//! events' wire form, which the document lists under `webhooks` and the
//! webhook worker sends.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{ContentBuilder, PathsBuilder, Ref, ResponseBuilder};
use utoipa::{IntoParams, ToSchema};

use app::backend::delivery::events::{EventType, RecordedEvent, Subject};
use app::backend::tenant_admin::webhooks::{self, EndpointRequest};
use app::backend::{AppState, tenant_admin};
use app::domain::DeliveryStatus;
use app::dto::{DeliveryInfo, WebhookInfo};
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use super::invites::InviteDto;
use super::registration::UserDto;
use super::schema;
use app::backend::access::actor::Actor;
use app::backend::db::owners::Owned;

/// A webhook endpoint (its secret is shown only when it is created).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Int64)]
    tenant_id: i64,
    url: String,
    description: String,
    /// The event types it receives; empty: every type.
    #[schema(schema_with = schema::event_type_list)]
    events: Vec<String>,
    enabled: bool,
    /// `manual`, or `failing` (disabled after three days without a
    /// successful delivery); null while enabled.
    #[schema(schema_with = schema::disabled_reason)]
    disabled_reason: Option<String>,
    /// Since when every delivery failed; null after a success.
    #[schema(format = Int64)]
    failing_since: Option<i64>,
    #[schema(format = Int64)]
    created_at: i64,
    #[schema(format = Int64)]
    updated_at: i64,
}

impl From<WebhookInfo> for WebhookDto {
    fn from(w: WebhookInfo) -> Self {
        WebhookDto {
            id: w.id,
            tenant_id: w.tenant_id,
            url: w.url,
            description: w.description,
            events: w.events,
            enabled: w.enabled,
            disabled_reason: w.disabled_reason,
            failing_since: w.failing_since,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewWebhookDto {
    #[serde(flatten)]
    endpoint: WebhookDto,
    /// `whsec_` and base64: the Standard Webhooks signing key. Keep it; it
    /// is not shown again.
    #[schema(pattern = "^whsec_[A-Za-z0-9+/]+={0,2}$")]
    secret: String,
}

/// One event on its way to one endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Int64)]
    webhook_id: i64,
    /// The `webhook-id` header, the same on every attempt.
    message_id: String,
    #[schema(value_type = schema::EventTypeName)]
    event_type: String,
    status: DeliveryStatus,
    #[schema(format = Int64)]
    attempts: i64,
    /// The HTTP status of the last attempt, if the receiver answered.
    #[schema(format = Int64)]
    response_code: Option<i64>,
    last_error: Option<String>,
    #[schema(format = Int64)]
    last_attempt_at: Option<i64>,
    /// When the next attempt is due (pending only).
    #[schema(format = Int64)]
    next_attempt_at: Option<i64>,
    #[schema(format = Int64)]
    delivered_at: Option<i64>,
    #[schema(format = Int64)]
    created_at: i64,
}

impl From<DeliveryInfo> for DeliveryDto {
    fn from(d: DeliveryInfo) -> Self {
        DeliveryDto {
            id: d.id,
            webhook_id: d.endpoint_id,
            message_id: d.message_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            response_code: d.response_code,
            last_error: d.last_error,
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: d.next_attempt_at,
            delivered_at: d.delivered_at,
            created_at: d.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveriesPage {
    items: Vec<DeliveryDto>,
    #[schema(format = Int64, minimum = 1)]
    page: i64,
    #[schema(format = Int64, minimum = 1)]
    per_page: i64,
    #[schema(format = Int64)]
    total: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct WebhookTenantQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"url": "https://hooks.example.com/portico", "events": ["invite.accepted", "member.removed"], "description": "Provisioning"}))]
pub struct WebhookRequest {
    /// `https://` and a domain name (http only on an allowed origin); never
    /// a loopback, private or link-local address.
    #[schema(schema_with = schema::webhook_url, required = true)]
    url: Option<String>,
    /// Event types to receive; none or empty: all.
    #[schema(schema_with = schema::event_type_list_or_null)]
    events: Option<Vec<String>>,
    #[schema(schema_with = schema::description_or_null)]
    description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"enabled": false}))]
pub struct WebhookPatch {
    #[schema(schema_with = schema::webhook_url_or_null)]
    url: Option<String>,
    #[schema(schema_with = schema::event_type_list_or_null)]
    events: Option<Vec<String>>,
    #[schema(schema_with = schema::description_or_null)]
    description: Option<String>,
    /// Disable, or enable again (which clears the failure record).
    enabled: Option<bool>,
}

/// Adds a webhook endpoint (tenant managers). The answer holds the signing
/// secret, shown this once.
#[utoipa::path(
    post, path = "/api/v1/webhooks", tag = "webhooks", params(WebhookTenantQuery), request_body = WebhookRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The endpoint and its secret", body = NewWebhookDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "Endpoint limit reached, or no tenantId and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn create_webhook(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<WebhookTenantQuery>,
    ApiJson(body): ApiJson<WebhookRequest>,
) -> Result<(StatusCode, Json<NewWebhookDto>), AppError> {
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let request = EndpointRequest {
        url: Some(body.url.unwrap_or_default()),
        events: body.events,
        description: body.description,
        enabled: None,
    };
    let created = webhooks::create(&state, &actor, &request).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewWebhookDto {
            endpoint: created.endpoint.into(),
            secret: created.secret,
        }),
    ))
}

/// The tenant's webhook endpoints (tenant managers).
#[utoipa::path(
    get, path = "/api/v1/webhooks", tag = "webhooks", params(WebhookTenantQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Endpoints, oldest first", body = Vec<WebhookDto>),
        (status = 400, description = "Bad tenantId", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<WebhookTenantQuery>,
) -> Result<Json<Vec<WebhookDto>>, AppError> {
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let list = webhooks::list(&state, &actor).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Changes an endpoint's URL, event filter, description, or enables or
/// disables it.
#[utoipa::path(
    patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)), request_body = WebhookPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoint", body = WebhookDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown endpoint", body = ErrorBody),
    )
)]
pub async fn update_webhook(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WebhookPatch>,
) -> Result<Json<WebhookDto>, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Webhook, id, None).await?;
    let request = EndpointRequest {
        url: body.url,
        events: body.events,
        description: body.description,
        enabled: body.enabled,
    };
    Ok(Json(
        webhooks::update(&state, &actor, id, &request).await?.into(),
    ))
}

/// Deletes an endpoint and its delivery log.
#[utoipa::path(
    delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)), security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown endpoint", body = ErrorBody),
    )
)]
pub async fn delete_webhook(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Webhook, id, None).await?;
    webhooks::delete(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct DeliveriesQuery {
    /// 1 and up; a page past the end is empty.
    #[param(format = Int64, minimum = 1, maximum = 1_000_000)]
    page: Option<i64>,
    #[param(format = Int64, minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// An endpoint's deliveries, newest first: status, attempts, last answer.
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = i64, Path), DeliveriesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Deliveries", body = DeliveriesPage),
        (status = 400, description = "Bad paging", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown endpoint", body = ErrorBody),
    )
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DeliveriesQuery>,
) -> Result<Json<DeliveriesPage>, AppError> {
    super::members::check_list_query(q.page, q.per_page, &[])?;
    let actor = Actor::for_row(&state, caller, Owned::Webhook, id, None).await?;
    let page =
        webhooks::deliveries(&state, &actor, id, tenant_admin::paging(q.page, q.per_page)).await?;
    Ok(Json(DeliveriesPage {
        items: page.items.into_iter().map(Into::into).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// Attempts a delivery again now, with the same `webhook-id` (a failed one
/// gets a fresh round of attempts).
#[utoipa::path(
    post, path = "/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry", tag = "webhooks",
    params(("id" = i64, Path), ("deliveryId" = i64, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The delivery, due now", body = DeliveryDto),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown endpoint or delivery", body = ErrorBody),
        (status = 409, description = "The endpoint is disabled, or the delivery is being attempted", body = ErrorBody),
    )
)]
pub async fn retry_delivery(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((id, delivery_id)): ApiPath<(i64, i64)>,
) -> Result<Json<DeliveryDto>, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Webhook, id, None).await?;
    Ok(Json(
        webhooks::retry(&state, &actor, id, delivery_id)
            .await?
            .into(),
    ))
}

/// Who caused an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventActorDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Email)]
    email: String,
}

/// What an event carries: the tenant, who acted (null for the expiry
/// sweep), and the invitation (`invite.*`) or the member (`member.*`) as it
/// was right after the change.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventDataDto {
    #[schema(format = Int64)]
    tenant_id: i64,
    actor: Option<EventActorDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invite: Option<InviteDto>,
    /// The member (`member.*`; the new owner for `tenant.owner_changed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<UserDto>,
    /// The request (`join_request.*`).
    #[serde(skip_serializing_if = "Option::is_none")]
    join_request: Option<super::join_requests::JoinRequestDto>,
    /// How a member joined (`member.joined`): `invite`, `link`, `domain`,
    /// `request`, `sso` or `scim`.
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<String>,
}

/// The body of every webhook request (Standard Webhooks): POSTed with the
/// headers `webhook-id`, `webhook-timestamp` and `webhook-signature`
/// (`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the
/// secret's base64 part).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEventDto {
    #[serde(rename = "type")]
    #[schema(value_type = schema::EventTypeName)]
    event_type: String,
    /// When the change happened (RFC 3339, UTC).
    #[schema(format = DateTime)]
    timestamp: String,
    data: EventDataDto,
}

/// The wire body of a recorded event.
pub fn render_event(event_type: &str, event: RecordedEvent) -> String {
    let (mut invite, mut member, mut join_request) = (None, None, None);
    match event.subject {
        Subject::Invite(i) => invite = Some(InviteDto::from(i)),
        Subject::Member(m) => member = Some(UserDto::from(m)),
        Subject::JoinRequest(r) => join_request = Some(r.into()),
    }
    let body = WebhookEventDto {
        event_type: event_type.to_owned(),
        timestamp: app::format::iso_ms(event.at),
        data: EventDataDto {
            tenant_id: event.tenant_id,
            actor: event.actor.map(|a| EventActorDto {
                id: a.id,
                email: a.email,
            }),
            invite,
            member,
            join_request,
            via: event.via,
        },
    };
    serde_json::to_string(&body).unwrap_or_default()
}

/// The document's `webhooks` section: one entry per event type, each a
/// POST of [`WebhookEventDto`] that a 2xx answer acknowledges.
pub fn document_events(doc: &mut utoipa::openapi::OpenApi) {
    let mut paths = PathsBuilder::new();
    for event in EventType::ALL {
        let operation = OperationBuilder::new()
            .summary(Some(format!(
                "{}: {}",
                event.as_str(),
                event.describe(app::i18n::Lang::En)
            )))
            .operation_id(Some(event.as_str().replace('.', "_")))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("WebhookEventDto")))
                            .build(),
                    )
                    .required(Some(utoipa::openapi::Required::True))
                    .build(),
            ))
            .response(
                "2XX",
                ResponseBuilder::new()
                    .description("Delivered; any other answer is retried with backoff"),
            );
        paths = paths.path(event.as_str(), PathItem::new(HttpMethod::Post, operation));
    }
    doc.webhooks = Some(paths.build());
}
