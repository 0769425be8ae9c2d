//! Invitation endpoints: `POST /api/v1/registration/invite`, the
//! `/api/v1/invites` family, and the account-less preview and accept.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::access::accounts::{AccountFields, NewPerson};
use app::backend::access::actor::Actor;
use app::backend::db::owners::Owned;
/// The tenant a call acts in: `tenant_id` when given, else the caller's
/// only tenant (several tenants: the caller must say which).
use app::backend::onboarding::invites::{self, Acceptor, InviteFields, NewInvite};
use app::backend::{AppState, tenant_admin};
use app::domain::{FormParser, InviteStatus, Role};
use app::dto::InviteInfo;
use app::{AppError, ErrorBody};

use super::extract::{
    ApiCaller, ApiJson, ApiPath, ApiQuery, ClientIp, OptionalApiCaller, required, whole_number,
};
use super::registration::UserDto;
use super::schema;

/// An invitation, Extractor style.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteDto {
    #[schema(format = Int64)]
    id: i64,
    /// Milliseconds since the epoch, like every time in this API.
    #[schema(format = Int64)]
    created_at: i64,
    #[schema(format = Int64)]
    updated_at: i64,
    #[schema(format = Int64)]
    tenant_id: i64,
    #[schema(format = Int64)]
    organisation_id: Option<i64>,
    #[schema(format = Int64)]
    expired_at: i64,
    #[schema(format = Email)]
    email: String,
    #[schema(schema_with = schema::role_list)]
    roles: Vec<String>,
    status: InviteStatus,
}

impl From<InviteInfo> for InviteDto {
    fn from(i: InviteInfo) -> Self {
        InviteDto {
            id: i.id,
            created_at: i.created_at,
            updated_at: i.updated_at,
            tenant_id: i.tenant_id,
            organisation_id: i.organisation_id,
            expired_at: i.expired_at,
            email: i.email,
            roles: i.roles,
            status: i.status,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"email": "bob@example.com", "roles": ["extractor-user"], "url": schema::EXAMPLE_URL}))]
pub struct InviteRequest {
    /// Default: the caller's tenant (required when they have several).
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(format = Int64, minimum = 1)]
    organisation_id: Option<i64>,
    #[schema(schema_with = schema::email, required = true)]
    email: Option<String>,
    #[schema(schema_with = schema::role_list, required = true)]
    roles: Option<Vec<String>>,
    /// The acceptance page the mailed link points at (`{url}?token=…`); its
    /// origin must be Portico's own or listed in `PORTICO_ALLOWED_ORIGINS`.
    #[schema(schema_with = schema::url, required = true)]
    url: Option<String>,
    #[schema(schema_with = schema::locale)]
    locale: Option<String>,
}

/// Invites an email with roles (refreshes a pending invitation to the same
/// email instead of duplicating it) and mails the link.
#[utoipa::path(
    post, path = "/api/v1/registration/invite", tag = "invitations",
    request_body = InviteRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "The invitation", body = InviteDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed to grant these roles here", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "Already an active member, no seat left (code seat_limit_reached), or no tenantId and the caller belongs to several tenants", body = ErrorBody),
        (status = 429, description = "Too many invitations", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn create_invite(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<Json<InviteDto>, AppError> {
    let mut form = FormParser::default();
    let roles = form.field("roles", required(body.roles.as_deref(), Role::parse_list));
    if body.url.is_none() {
        form.field::<()>("url", Err("This field is required.".into()));
    }
    let fields = InviteFields {
        email: body.email.as_deref(),
        roles,
        organisation_id: body.organisation_id,
        url: body.url.as_deref(),
        send_email: true,
        locale: body.locale.as_deref(),
        ..InviteFields::default()
    };
    let new = NewInvite::parse(&mut form, &state.config, fields);
    let new = form.finish(|| new)?;
    let actor = Actor::in_tenant(&state, caller, body.tenant_id).await?;
    let issued = invites::create_invite(&state, &actor, new).await?;
    Ok(Json(issued.invite.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// Only invitations with this status, or `expiring` (pending, expiring
    /// within 48 hours).
    #[param(value_type = Option<schema::InviteFilter>)]
    status: Option<String>,
    /// The invited address, or its beginning (`bob@`, `bob@example.com`);
    /// case does not matter.
    #[param(max_length = 200)]
    email: Option<String>,
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

/// A page of invitations.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitesPage {
    items: Vec<InviteDto>,
    #[schema(format = Int64, minimum = 1)]
    page: i64,
    #[schema(format = Int64, minimum = 1)]
    per_page: i64,
    /// All the tenant's invitations when nothing filters; matches of a
    /// filter counted up to 10,000 (10,001 means more than that).
    #[schema(format = Int64, minimum = 0)]
    total: i64,
}

/// The tenant's invitations, newest first, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/invites", tag = "invitations", params(ListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of invitations", body = InvitesPage),
        (status = 400, description = "Unknown status, or a bad page, perPage or email", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Membership not active", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_invites(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<InvitesPage>, AppError> {
    super::members::check_list_query(q.page, q.per_page, &[("email", q.email.as_deref())])?;
    let actor = Actor::in_tenant(&state, caller, q.tenant_id).await?;
    let query = invites::InviteQuery {
        status: q.status.as_deref(),
        email: q.email.as_deref(),
    };
    let page = invites::list_invites(
        &state,
        &actor,
        query,
        tenant_admin::paging(q.page, q.per_page),
    )
    .await?;
    Ok(Json(InvitesPage {
        items: page.items.into_iter().map(InviteDto::from).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TenantQuery {
    /// When given, the invitation must belong to this tenant.
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
}

/// Issues a new link (the old one stops working) with a new expiry, and
/// mails it.
#[utoipa::path(
    post, path = "/api/v1/invites/{id}/resend", tag = "invitations", params(("id" = i64, Path), TenantQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The invitation", body = InviteDto),
        (status = 400, description = "The id or tenantId is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Unknown invitation", body = ErrorBody),
        (status = 409, description = "Not pending", body = ErrorBody),
    )
)]
pub async fn resend_invite(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<TenantQuery>,
) -> Result<Json<InviteDto>, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Invite, id, query.tenant_id).await?;
    Ok(Json(
        invites::reissue_invite(&state, &actor, id, true)
            .await?
            .invite
            .into(),
    ))
}

/// Ends a pending invitation.
#[utoipa::path(
    post, path = "/api/v1/invites/{id}/revoke", tag = "invitations", params(("id" = i64, Path), TenantQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The invitation", body = InviteDto),
        (status = 400, description = "The id or tenantId is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Unknown invitation", body = ErrorBody),
        (status = 409, description = "Not pending", body = ErrorBody),
    )
)]
pub async fn revoke_invite(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<TenantQuery>,
) -> Result<Json<InviteDto>, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Invite, id, query.tenant_id).await?;
    Ok(Json(
        invites::revoke_invite(&state, &actor, id).await?.into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// The token of the invitation link.
    #[param(min_length = 1, max_length = 200)]
    token: String,
}

/// What an invitation offers (public: the token is the credential).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitePreviewDto {
    #[schema(format = Int64)]
    tenant_id: i64,
    tenant_name: String,
    inviter: String,
    #[schema(format = Email)]
    email: String,
    #[schema(schema_with = schema::role_list)]
    roles: Vec<String>,
    #[schema(format = Int64)]
    expired_at: i64,
    status: InviteStatus,
    account_exists: bool,
}

#[utoipa::path(
    get, path = "/api/v1/invites/preview", tag = "invitations", params(PreviewQuery),
    responses(
        (status = 200, description = "The invitation", body = InvitePreviewDto),
        (status = 400, description = "No token given", body = ErrorBody),
        (status = 404, description = "Unknown token", body = ErrorBody),
    )
)]
pub async fn preview_invite(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PreviewQuery>,
) -> Result<Json<InvitePreviewDto>, AppError> {
    let p = invites::preview(&state, &q.token).await?;
    Ok(Json(InvitePreviewDto {
        tenant_id: p.tenant_id,
        tenant_name: p.tenant_name,
        inviter: p.inviter,
        email: p.email,
        roles: p.roles,
        expired_at: p.expired_at,
        status: p.status,
        account_exists: p.account_exists,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"token": "Yq3v0f5pW8nY1bqk2J0Zl6dE7rQm9sT4uV8wX1yZ2aB", "firstName": "Bob", "lastName": "Builder", "password": "correct horse battery"}))]
pub struct AcceptRequest {
    /// The token of the invitation link.
    #[schema(schema_with = token, required = true)]
    token: Option<String>,
    /// Without a bearer token: the new account's names and password
    /// (required then).
    #[schema(schema_with = schema::person_name_or_null)]
    first_name: Option<String>,
    #[schema(schema_with = schema::person_name_or_null)]
    last_name: Option<String>,
    #[schema(schema_with = schema::new_password_or_null)]
    password: Option<String>,
}

fn token() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    schema::line(1, 200, "Yq3v0f5pW8nY1bqk2J0Zl6dE7rQm9sT4uV8wX1yZ2aB")
}

/// Accepts an invitation: as the bearer's account, or — without a bearer —
/// creating an account from firstName, lastName and password (verified
/// when the invitation's link was mailed to the address, else unverified
/// with a verification mail).
#[utoipa::path(
    post, path = "/api/v1/invites/accept", tag = "invitations", request_body = AcceptRequest,
    responses(
        (status = 200, description = "The new member", body = UserDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Bad token", body = ErrorBody),
        (status = 403, description = "The invitation is for another email", body = ErrorBody),
        (status = 404, description = "Unknown invitation token", body = ErrorBody),
        (status = 409, description = "Already used, revoked, expired, already a member, or no seat left (code seat_limit_reached)", body = ErrorBody),
        (status = 429, description = "Too many acceptances with a new password from this client or for this invitation", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Password hashing is at capacity", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn accept_invite(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    OptionalApiCaller(caller): OptionalApiCaller,
    ApiJson(body): ApiJson<AcceptRequest>,
) -> Result<Json<UserDto>, AppError> {
    let mut form = FormParser::default();
    let token = form.field(
        "token",
        body.token
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| "This field is required.".to_owned()),
    );
    let acceptor = match caller {
        Some(account) => {
            let token = form.finish(|| token)?;
            (token, Acceptor::Account(account.whole_account()?))
        }
        None => {
            let fields = AccountFields {
                password: body.password.as_deref(),
                first_name: body.first_name.as_deref(),
                last_name: body.last_name.as_deref(),
                email: None,
            };
            let person = NewPerson::parse(&mut form, fields);
            form.finish(|| {
                Some((
                    token?,
                    Acceptor::NewAccount {
                        person: person?,
                        client_ip: Some(ip),
                    },
                ))
            })?
        }
    };
    let accepted = invites::accept(&state, &acceptor.0, acceptor.1).await?;
    Ok(Json(
        tenant_admin::get_member(&state, accepted.member_id)
            .await?
            .into(),
    ))
}
