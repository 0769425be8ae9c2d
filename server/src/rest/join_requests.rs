//! Join requests over REST (SPEC §12): `GET /api/v1/join-requests`,
//! `POST /api/v1/join-requests/{id}/approve|deny`, for tenant managers.
//! People file requests through a request-mode link
//! (`POST /api/v1/invite-links/join`, 202) or on `/account` for a domain.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::AppState;
use app::backend::access::actor::Actor;
use app::backend::onboarding::join_requests;
use app::backend::tenant_admin;
use app::domain::{FormParser, JoinRequestStatus, Role};
use app::dto::JoinRequestInfo;
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use super::schema;

/// A join request as managers see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequestDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Int64)]
    tenant_id: i64,
    #[schema(format = Email)]
    email: String,
    first_name: String,
    last_name: String,
    /// `domain` or `link`: what the person used to ask.
    via: String,
    /// The roles the domain or link offers; approving may change them.
    #[schema(schema_with = schema::role_list)]
    roles: Vec<String>,
    #[schema(format = Int64)]
    organisation_id: Option<i64>,
    /// The person's note to the managers (may be empty).
    message: String,
    status: JoinRequestStatus,
    #[schema(format = Int64)]
    decided_at: Option<i64>,
    #[schema(format = Int64)]
    created_at: i64,
    /// Milliseconds since the epoch; 30 days after the request.
    #[schema(format = Int64)]
    expires_at: i64,
}

impl From<JoinRequestInfo> for JoinRequestDto {
    fn from(r: JoinRequestInfo) -> Self {
        JoinRequestDto {
            id: r.id,
            tenant_id: r.tenant_id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            via: r.via,
            roles: r.roles,
            organisation_id: r.organisation_id,
            message: r.message,
            status: r.status,
            decided_at: r.decided_at,
            created_at: r.created_at,
            expires_at: r.expires_at,
        }
    }
}

/// The answer to asking through a request-mode link.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestFiledDto {
    #[schema(format = Int64)]
    request_id: i64,
    /// `pending`.
    status: JoinRequestStatus,
}

impl From<JoinRequestInfo> for RequestFiledDto {
    fn from(r: JoinRequestInfo) -> Self {
        RequestFiledDto {
            request_id: r.id,
            status: r.status,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct RequestsQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
    /// 1 and up; a page past the end is empty.
    #[param(format = Int64, minimum = 1, maximum = 1_000_000)]
    page: Option<i64>,
    #[param(format = Int64, minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// A page of pending requests.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequestsPage {
    items: Vec<JoinRequestDto>,
    #[schema(format = Int64, minimum = 1)]
    page: i64,
    #[schema(format = Int64, minimum = 1)]
    per_page: i64,
    /// Pending requests, counted up to 10,000 (10,001 means more).
    total: i64,
}

/// The tenant's pending join requests, newest first.
#[utoipa::path(
    get, path = "/api/v1/join-requests", tag = "members", params(RequestsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Pending requests", body = JoinRequestsPage),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_join_requests(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<RequestsQuery>,
) -> Result<Json<JoinRequestsPage>, AppError> {
    super::members::check_list_query(q.page, q.per_page, &[])?;
    let actor = Actor::in_tenant(&state, caller, q.tenant_id).await?;
    let page =
        join_requests::list(&state, &actor, tenant_admin::paging(q.page, q.per_page)).await?;
    Ok(Json(JoinRequestsPage {
        items: page.items.into_iter().map(Into::into).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApproveRequest {
    /// The roles to give; default: those the domain or link offers.
    #[schema(schema_with = schema::role_list_or_null)]
    roles: Option<Vec<String>>,
}

/// Approves a request: the person joins (seats checked now) and is mailed.
#[utoipa::path(
    post, path = "/api/v1/join-requests/{id}/approve", tag = "members",
    params(("id" = i64, Path)), request_body = ApproveRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "The request, approved", body = JoinRequestDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager, or the person may not join (removed or disabled)", body = ErrorBody),
        (status = 404, description = "Unknown request", body = ErrorBody),
        (status = 409, description = "Already decided or expired, already a member, organisation roles without an organisation, or no seat left (code seat_limit_reached)", body = ErrorBody),
    )
)]
pub async fn approve_join_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    body: Option<ApiJson<ApproveRequest>>,
) -> Result<Json<JoinRequestDto>, AppError> {
    let roles = body.and_then(|ApiJson(b)| b.roles);
    let roles = match roles {
        None => None,
        Some(names) => {
            let mut form = FormParser::default();
            let roles = form.field("roles", Role::parse_list(&names));
            Some(form.finish(|| roles)?)
        }
    };
    let actor = actor_for(&state, caller, id).await?;
    let request = join_requests::approve(&state, &actor, id, roles).await?;
    Ok(Json(request.into()))
}

/// Denies a request; the person is mailed.
#[utoipa::path(
    post, path = "/api/v1/join-requests/{id}/deny", tag = "members",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The request, denied", body = JoinRequestDto),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown request", body = ErrorBody),
        (status = 409, description = "Already decided or expired", body = ErrorBody),
    )
)]
pub async fn deny_join_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<JoinRequestDto>, AppError> {
    let actor = actor_for(&state, caller, id).await?;
    let request = join_requests::deny(&state, &actor, id).await?;
    Ok(Json(request.into()))
}

async fn actor_for(
    state: &AppState,
    caller: app::backend::access::actor::Caller,
    id: i64,
) -> Result<Actor, AppError> {
    use app::backend::db::owners::Owned;
    Actor::for_row(state, caller, Owned::JoinRequest, id, None).await
}
