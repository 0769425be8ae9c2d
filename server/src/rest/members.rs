//! `GET /api/v1/members`, `PATCH` and `DELETE /api/v1/members/{id}`, and
//! `GET /api/v1/audit`: thin over `tenant_admin`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::AppState;
use app::backend::tenant_admin::{self, MemberChange};
use app::domain::{FormParser, Role};
use app::dto::AuditEntry;
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use super::invites::{Owned, actor_for_row, actor_in};
use super::registration::UserDto;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MembersQuery {
    tenant_id: Option<i64>,
    /// Matches name or email.
    search: Option<String>,
    /// ACTIVE, DISABLED or DELETED (default: all but DELETED).
    status: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MembersPage {
    items: Vec<UserDto>,
    page: i64,
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
    )
)]
pub async fn list_members(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> Result<Json<MembersPage>, AppError> {
    let actor = actor_in(&state, caller, q.tenant_id).await?;
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
pub struct MemberPatch {
    roles: Option<Vec<String>>,
    /// ACTIVE or DISABLED.
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
        (status = 409, description = "Would remove the last manager", body = ErrorBody),
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
    let actor = actor_for_row(&state, caller, Owned::Member, id, None).await?;
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
    let actor = actor_for_row(&state, caller, Owned::Member, id, None).await?;
    tenant_admin::remove_member(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    tenant_id: Option<i64>,
    /// Part of the actor's email.
    actor: Option<String>,
    /// An action such as `invite.created`.
    action: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventDto {
    id: i64,
    actor: String,
    action: String,
    target: String,
    #[schema(value_type = Object)]
    details: serde_json::Value,
    at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    items: Vec<AuditEventDto>,
    page: i64,
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
    )
)]
pub async fn list_audit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let actor = actor_in(&state, caller, q.tenant_id).await?;
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
