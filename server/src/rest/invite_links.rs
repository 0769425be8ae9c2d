//! Shareable invitation links over REST (SPEC §9): `POST|GET
//! /api/v1/invite-links`, `DELETE /api/v1/invite-links/{id}`, and
//! `POST /api/v1/invite-links/join` with the joiner's bearer token.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::onboarding::invite_links::{self, JoinOutcome, LinkInfo, NewLink};
use app::backend::{AppState, tenant_admin};
use app::domain::{FormParser, Role};
use app::domain::{LinkMode, LinkStatus};
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery, required, whole_number};
use super::registration::UserDto;
use super::schema;
use app::backend::access::actor::Actor;
use app::backend::db::owners::Owned;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LinkTenantQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
}

/// A shareable invitation link (its URL is shown only when it is made).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteLinkDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Int64)]
    tenant_id: i64,
    #[schema(schema_with = schema::role_list)]
    roles: Vec<String>,
    #[schema(format = Int64)]
    organisation_id: Option<i64>,
    #[schema(format = Int64, minimum = 1)]
    max_uses: i64,
    /// How many people joined with it.
    #[schema(format = Int64, minimum = 0)]
    uses: i64,
    #[schema(format = Int64)]
    expires_at: i64,
    /// Only people whose verified email is at this domain may join.
    allowed_domain: Option<String>,
    status: LinkStatus,
    /// `join`: people join at once; `request`: they ask, a manager decides.
    mode: LinkMode,
    #[schema(format = Int64)]
    created_at: i64,
}

impl From<LinkInfo> for InviteLinkDto {
    fn from(l: LinkInfo) -> Self {
        InviteLinkDto {
            id: l.id,
            tenant_id: l.tenant_id,
            roles: l.roles,
            organisation_id: l.organisation_id,
            max_uses: l.max_uses,
            uses: l.uses,
            expires_at: l.expires_at,
            allowed_domain: l.allowed_domain,
            status: l.status,
            mode: l.mode,
            created_at: l.created_at,
        }
    }
}

/// A new link with its URL, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewInviteLinkDto {
    #[serde(flatten)]
    link: InviteLinkDto,
    /// `{base}/join?code=…`: whoever holds it may join. Not shown again.
    url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"roles": ["extractor-user"], "maxUses": 25, "expiresInHours": 168, "allowedDomain": "example.com"}))]
pub struct InviteLinkRequest {
    #[schema(schema_with = schema::role_list, required = true)]
    roles: Option<Vec<String>>,
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(format = Int64, minimum = 1)]
    organisation_id: Option<i64>,
    /// How many people may join with it.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(value_type = i64, format = Int64, minimum = 1, maximum = 10000, required = true)]
    max_uses: Option<i64>,
    /// How long it works; default 168 (7 days).
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(format = Int64, minimum = 1, maximum = 2160)]
    expires_in_hours: Option<i64>,
    /// Only people whose verified email is at this domain may join.
    #[schema(schema_with = schema::email_domain_or_null)]
    allowed_domain: Option<String>,
    /// `join` (default): people join at once; `request`: they ask to join
    /// and a manager decides (SPEC §12).
    mode: Option<LinkMode>,
}

/// Makes a shareable link (the same rights as inviting people with those
/// roles). The answer holds its URL, shown this once.
#[utoipa::path(
    post, path = "/api/v1/invite-links", tag = "invitations", params(LinkTenantQuery),
    request_body = InviteLinkRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "The link and its URL", body = NewInviteLinkDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed to invite with these roles, or email not verified", body = ErrorBody),
        (status = 404, description = "Unknown tenant or organisation", body = ErrorBody),
        (status = 409, description = "Organisation roles without organisationId, or no tenantId and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn create_invite_link(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<LinkTenantQuery>,
    ApiJson(body): ApiJson<InviteLinkRequest>,
) -> Result<(StatusCode, Json<NewInviteLinkDto>), AppError> {
    let mut form = FormParser::default();
    let roles = form.field("roles", required(body.roles.as_deref(), Role::parse_list));
    let max_uses = form.field(
        "maxUses",
        required(body.max_uses.as_ref(), |n| invite_links::check_max_uses(*n)),
    );
    let hours = form.field(
        "expiresInHours",
        invite_links::check_lifetime_hours(body.expires_in_hours.unwrap_or(168)),
    );
    let domain = form.field(
        "allowedDomain",
        body.allowed_domain
            .as_deref()
            .map(invite_links::parse_domain)
            .transpose(),
    );
    let new = form.finish(|| {
        Some(NewLink {
            roles: roles?,
            organisation_id: body.organisation_id,
            max_uses: max_uses?,
            expires_in_hours: hours?,
            allowed_domain: domain?,
            mode: body.mode.unwrap_or(LinkMode::Join),
        })
    })?;
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let issued = invite_links::create(&state, &actor, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewInviteLinkDto {
            link: issued.link.into(),
            url: issued.url,
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LinkListQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
    /// 1 and up; a page past the end is empty.
    #[param(format = Int64, minimum = 1, maximum = 1_000_000)]
    page: Option<i64>,
    /// Default 25.
    #[param(format = Int64, minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// A page of links.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteLinksPage {
    items: Vec<InviteLinkDto>,
    #[schema(format = Int64, minimum = 1)]
    page: i64,
    #[schema(format = Int64, minimum = 1)]
    per_page: i64,
    /// Links, counted up to 10,000 (10,001 means more than that).
    #[schema(format = Int64, minimum = 0)]
    total: i64,
}

/// The tenant's links the caller may manage, newest first, a page at a
/// time, with how often each was used.
#[utoipa::path(
    get, path = "/api/v1/invite-links", tag = "invitations", params(LinkListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of links, newest first", body = InviteLinksPage),
        (status = 400, description = "Bad tenantId, page or perPage", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_invite_links(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<LinkListQuery>,
) -> Result<Json<InviteLinksPage>, AppError> {
    super::members::check_list_query(q.page, q.per_page, &[])?;
    let actor = Actor::in_tenant(&state, caller, q.tenant_id).await?;
    let page = invite_links::list(
        &state,
        &actor,
        app::backend::tenant_admin::paging(q.page, q.per_page),
    )
    .await?;
    Ok(Json(InviteLinksPage {
        items: page.items.into_iter().map(Into::into).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// Revokes a link: nobody joins with it any more; who joined stays.
#[utoipa::path(
    delete, path = "/api/v1/invite-links/{id}", tag = "invitations", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked (or already revoked)"),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed to manage this link", body = ErrorBody),
        (status = 404, description = "Unknown link", body = ErrorBody),
    )
)]
pub async fn revoke_invite_link(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::InviteLink, id, None).await?;
    invite_links::revoke(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    /// The `code` of the link's URL.
    #[schema(value_type = String, min_length = 1, max_length = 200, required = true)]
    code: Option<String>,
    /// For a request-mode link: a note to the managers.
    #[schema(max_length = 1000)]
    message: Option<String>,
}

/// Joins the link's tenant as the bearer (a verified email, at the link's
/// domain if it has one).
#[utoipa::path(
    post, path = "/api/v1/invite-links/join", tag = "invitations", request_body = JoinRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new member", body = UserDto),
        (status = 202, description = "A request-mode link: the request waits for a manager", body = super::join_requests::RequestFiledDto),
        (status = 400, description = "No code", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Email not verified (code email_not_verified), or not at the link's domain", body = ErrorBody),
        (status = 404, description = "Unknown, revoked or expired link", body = ErrorBody),
        (status = 409, description = "Used up, no seat left (code seat_limit_reached), already a member, or a request already pending", body = ErrorBody),
        (status = 429, description = "Too many join requests from this account", body = ErrorBody),
    )
)]
pub async fn join_invite_link(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<JoinRequest>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let code = match body.code {
        None => return Err(AppError::field("code", "This field is required.")),
        Some(c) if c.is_empty() || c.chars().count() > 200 => {
            return Err(AppError::field("code", "Use the code from the link."));
        }
        Some(c) => c,
    };
    let message = body.message.unwrap_or_default();
    match invite_links::join(&state, &caller.whole_account()?, &code, &message).await? {
        JoinOutcome::Joined(joined) => {
            let member: UserDto = tenant_admin::get_member(&state, joined.member_id)
                .await?
                .into();
            Ok(Json(member).into_response())
        }
        JoinOutcome::Requested(request) => Ok((
            StatusCode::ACCEPTED,
            Json(super::join_requests::RequestFiledDto::from(*request)),
        )
            .into_response()),
    }
}
