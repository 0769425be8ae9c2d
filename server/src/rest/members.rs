//! `GET /api/v1/members`, `PATCH` and `DELETE /api/v1/members/{id}`, and
//! `GET /api/v1/audit`: thin over `tenant_admin`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::AppState;
use app::backend::tenant_admin::{self, MemberChange};
use app::domain::{AuditAction, MemberStatus};
use app::domain::{FormParser, Role};
use app::dto::AuditEntry;
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use super::registration::UserDto;
use super::schema;
use app::backend::access::actor::Actor;
use app::backend::db::owners::Owned;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MembersQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
    /// Matches name or email.
    #[param(max_length = 200)]
    search: Option<String>,
    /// Default: all but DELETED.
    #[param(value_type = Option<MemberStatus>)]
    status: Option<String>,
    /// 1 and up; a page past the end is empty.
    #[param(format = Int64, minimum = 1, maximum = 1_000_000)]
    page: Option<i64>,
    #[param(format = Int64, minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MembersPage {
    items: Vec<UserDto>,
    #[schema(format = Int64, minimum = 1)]
    page: i64,
    #[schema(format = Int64, minimum = 1)]
    per_page: i64,
    /// Matches, counted up to 10,000 (10,001 means more than that).
    total: i64,
}

/// The tenant's members.
#[utoipa::path(
    get, path = "/api/v1/members", tag = "members", params(MembersQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Members", body = MembersPage),
        (status = 400, description = "Bad filter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Membership not active", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_members(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> Result<Json<MembersPage>, AppError> {
    check_list_query(q.page, q.per_page, &[("search", q.search.as_deref())])?;
    let actor = Actor::in_tenant(&state, caller, q.tenant_id).await?;
    let page = tenant_admin::list_members(
        &state,
        &actor,
        q.search.as_deref(),
        q.status.as_deref(),
        tenant_admin::paging(q.page, q.per_page),
    )
    .await?;
    Ok(Json(MembersPage {
        items: page.items.into_iter().map(UserDto::from).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"roles": ["extractor-viewer"]}))]
pub struct MemberPatch {
    #[schema(schema_with = schema::role_list_or_null)]
    roles: Option<Vec<String>>,
    /// Disable or re-enable.
    #[schema(schema_with = schema::settable_member_status_or_null)]
    status: Option<String>,
}

/// Changes a member's roles and/or status.
#[utoipa::path(
    patch, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path)), request_body = MemberPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member", body = UserDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Unknown member", body = ErrorBody),
        (status = 409, description = "Would remove the last manager, or re-enabling needs a seat the tenant does not have (code seat_limit_reached)", body = ErrorBody),
    )
)]
pub async fn update_member(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MemberPatch>,
) -> Result<Json<UserDto>, AppError> {
    let mut form = FormParser::default();
    let roles = match &body.roles {
        Some(r) => form.field("roles", Role::parse_list(r)).map(Some),
        None => Some(None),
    };
    let change = form.finish(|| {
        Some(MemberChange {
            roles: roles?,
            status: body.status.clone(),
        })
    })?;
    let actor = Actor::for_row(&state, caller, Owned::Member, id, None).await?;
    let member = tenant_admin::update_member(&state, &actor, id, change).await?;
    Ok(Json(member.into()))
}

/// Removes a member from the tenant.
#[utoipa::path(
    delete, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path)), security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Unknown member", body = ErrorBody),
        (status = 409, description = "The last manager", body = ErrorBody),
    )
)]
pub async fn remove_member(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Member, id, None).await?;
    tenant_admin::remove_member(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
    /// Part of the actor's email.
    #[param(max_length = 200)]
    actor: Option<String>,
    /// An action such as `invite.created`.
    #[param(max_length = 200)]
    action: Option<String>,
    /// 1 and up; a page past the end is empty.
    #[param(format = Int64, minimum = 1, maximum = 1_000_000)]
    page: Option<i64>,
    #[param(format = Int64, minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventDto {
    #[schema(format = Int64)]
    id: i64,
    actor: String,
    action: AuditAction,
    target: String,
    #[schema(value_type = Object)]
    details: serde_json::Value,
    /// Milliseconds since the epoch.
    #[schema(format = Int64)]
    at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    items: Vec<AuditEventDto>,
    #[schema(format = Int64, minimum = 1)]
    page: i64,
    #[schema(format = Int64, minimum = 1)]
    per_page: i64,
    /// Matches, counted up to 10,000 (10,001 means more than that).
    total: i64,
}

impl From<AuditEntry> for AuditEventDto {
    fn from(e: AuditEntry) -> Self {
        AuditEventDto {
            id: e.id,
            actor: e.actor,
            action: e.action,
            target: e.target,
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
            at: e.at,
        }
    }
}

/// The audit log, newest first (tenant managers).
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "members", params(AuditQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Audit events", body = AuditPage),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_audit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    check_list_query(
        q.page,
        q.per_page,
        &[
            ("actor", q.actor.as_deref()),
            ("action", q.action.as_deref()),
        ],
    )?;
    let actor = Actor::in_tenant(&state, caller, q.tenant_id).await?;
    let page = tenant_admin::list_audit(
        &state,
        &actor,
        q.actor.as_deref(),
        q.action.as_deref(),
        tenant_admin::paging(q.page, q.per_page),
    )
    .await?;
    Ok(Json(AuditPage {
        items: page.items.into_iter().map(AuditEventDto::from).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// The longest text filter a list takes.
const MAX_FILTER_CHARS: usize = 200;

/// Paging and text filters as the document states them: a page or size out
/// of range, or an overlong filter, is a 400 naming it (the pages clamp
/// instead; an API client is told).
pub(super) fn check_list_query(
    page: Option<i64>,
    per_page: Option<i64>,
    filters: &[(&str, Option<&str>)],
) -> Result<(), AppError> {
    use tenant_admin::{MAX_PAGE, MAX_PER_PAGE};
    let mut form = FormParser::default();
    if let Some(p) = page.filter(|p| !(1..=MAX_PAGE).contains(p)) {
        form.field::<()>(
            "page",
            Err(format!("Use a page from 1 to {MAX_PAGE}, not {p}.")),
        );
    }
    if let Some(n) = per_page.filter(|n| !(1..=MAX_PER_PAGE).contains(n)) {
        form.field::<()>(
            "perPage",
            Err(format!("Use 1 to {MAX_PER_PAGE} per page, not {n}.")),
        );
    }
    for (name, value) in filters {
        if value.is_some_and(|v| v.chars().count() > MAX_FILTER_CHARS) {
            form.field::<()>(
                name,
                Err(format!("Use at most {MAX_FILTER_CHARS} characters.")),
            );
        }
    }
    form.finish(|| Some(()))
}
