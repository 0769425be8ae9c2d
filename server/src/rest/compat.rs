//! Compatibility endpoints for two existing invitation APIs, as thin
//! adapters over the same invitation service: the request is translated to
//! a `NewInvite`, the answer to the shape those APIs' clients expect.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::AppState;
use app::backend::onboarding::invites::{self, InviteFields, NewInvite};
use app::domain::{FormParser, Role};
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiQuery};
use super::schema;
use app::backend::access::actor::Actor;

/// The role given when a compatibility request names none.
const DEFAULT_ROLE: Role = Role::ExtractorUser;

fn parse_role(raw: Option<&str>) -> Result<Role, String> {
    raw.map(Role::parse).unwrap_or(Ok(DEFAULT_ROLE))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceQuery {
    /// The tenant to invite into (its numeric id).
    #[param(required = true, pattern = "^[0-9]{1,18}$", example = "1")]
    workspace_id: Option<String>,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"email": "carol@example.com", "sendEmail": false, "firstName": "Carol", "role": "extractor-viewer"}))]
pub struct RoyaltiInviteRequest {
    #[schema(schema_with = schema::email, required = true)]
    email: Option<String>,
    /// False: no mail; the answer carries `inviteUrl` to hand over.
    #[serde(default = "default_true")]
    #[schema(default = true)]
    send_email: bool,
    /// A personal note in the mail.
    #[schema(max_length = 2000)]
    message: Option<String>,
    #[schema(schema_with = schema::person_name_or_null)]
    first_name: Option<String>,
    #[schema(schema_with = schema::person_name_or_null)]
    last_name: Option<String>,
    /// Where to send the person after accepting (origin rule as `url`).
    #[serde(rename = "redirect_url")]
    #[schema(schema_with = schema::url_or_null)]
    redirect_url: Option<String>,
    /// One role of the catalogue; default `extractor-user`.
    #[schema(value_type = Option<schema::Role>)]
    role: Option<String>,
    #[schema(schema_with = schema::locale)]
    locale: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoyaltiInviteResponse {
    message: String,
    #[schema(format = Int64)]
    invite_id: i64,
    /// Only when `sendEmail` is false: the link to hand to the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    invite_url: Option<String>,
}

/// Royalti style: invite into workspace `workspaceId`.
#[utoipa::path(
    post, path = "/auth/invite", tag = "compatibility", params(WorkspaceQuery), request_body = RoyaltiInviteRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invitation created", body = RoyaltiInviteResponse),
        (status = 400, description = "Missing or invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Unknown workspace", body = ErrorBody),
        (status = 409, description = "Already an active member, or no seat left (code seat_limit_reached)", body = ErrorBody),
        (status = 429, description = "Too many invitations", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn royalti_invite(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<WorkspaceQuery>,
    ApiJson(body): ApiJson<RoyaltiInviteRequest>,
) -> Result<(StatusCode, Json<RoyaltiInviteResponse>), AppError> {
    let mut form = FormParser::default();
    let workspace = form.field(
        "workspaceId",
        query
            .workspace_id
            .ok_or_else(|| "This query parameter is required.".to_owned())
            .and_then(|w| {
                w.trim()
                    .parse::<i64>()
                    .map_err(|_| "Use the numeric id of a workspace.".to_owned())
            }),
    );
    let role = form.field("role", parse_role(body.role.as_deref()));
    let fields = InviteFields {
        email: body.email.as_deref(),
        roles: role.map(|r| vec![r]),
        message: body.message.as_deref(),
        first_name: body.first_name.as_deref(),
        last_name: body.last_name.as_deref(),
        redirect_url: body.redirect_url.as_deref(),
        send_email: body.send_email,
        locale: body.locale.as_deref(),
        ..InviteFields::default()
    };
    let new = NewInvite::parse(&mut form, &state.config, fields);
    let (workspace, new) = form.finish(|| Some((workspace?, new?)))?;
    let actor = Actor::in_tenant(&state, caller, Some(workspace)).await?;
    let issued = invites::create_invite(&state, &actor, new).await?;
    let message = if body.send_email {
        "Invitation sent."
    } else {
        "Invitation created."
    };
    Ok((
        StatusCode::CREATED,
        Json(RoyaltiInviteResponse {
            message: message.into(),
            invite_id: issued.invite.id,
            invite_url: (!body.send_email).then_some(issued.link),
        }),
    ))
}

/// DoiT style errors: `{"error": "..."}`.
pub struct DoitError(AppError);

#[derive(Serialize, ToSchema)]
pub struct DoitErrorBody {
    error: String,
}

impl IntoResponse for DoitError {
    fn into_response(self) -> Response {
        let (status, error) = match &self.0 {
            AppError::Unauthorized | AppError::InvalidCredentials => {
                (StatusCode::UNAUTHORIZED, "Invalid API key.".to_owned())
            }
            AppError::Validation(fields) => (
                StatusCode::BAD_REQUEST,
                fields
                    .iter()
                    .map(|(f, p)| format!("{f}: {p}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            // DoiT's clients know 400, 401, 403 and 500.
            AppError::Conflict(msg) | AppError::SeatLimitReached(msg) => {
                (StatusCode::BAD_REQUEST, msg.clone())
            }
            AppError::NotFound | AppError::Forbidden | AppError::ForbiddenBecause(_) => {
                (StatusCode::FORBIDDEN, self.0.to_string())
            }
            other => (other.status(), other.to_string()),
        };
        let mut response = (status, Json(DoitErrorBody { error })).into_response();
        if let Some(secs) = self.0.retry_after() {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
        response
    }
}

impl From<AppError> for DoitError {
    fn from(e: AppError) -> Self {
        DoitError(e)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"email": "dan@example.com", "roleId": "extractor-user"}))]
pub struct DoitInviteRequest {
    #[schema(schema_with = schema::email, required = true)]
    email: Option<String>,
    /// One role of the catalogue; default `extractor-user`.
    #[schema(value_type = Option<schema::Role>)]
    role_id: Option<String>,
    /// An organisation id: a number, a numeric string, or empty for none.
    #[schema(schema_with = schema::doit_organization_id)]
    organization_id: Option<serde_json::Value>,
    #[schema(schema_with = schema::locale)]
    locale: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DoitUser {
    /// The invitation's id, as a string.
    id: String,
    #[schema(format = Email)]
    email: String,
    #[schema(value_type = schema::Role)]
    role_id: String,
    organization_id: Option<String>,
    #[schema(pattern = "^invited$", example = "invited")]
    status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DoitInviteResponse {
    message: String,
    user: DoitUser,
}

fn parse_org(raw: Option<&serde_json::Value>) -> Result<Option<i64>, String> {
    match raw {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => super::extract::as_whole(n)
            .map(Some)
            .ok_or_else(|| "Use a whole number.".into()),
        Some(serde_json::Value::String(s)) if s.is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| "Use the numeric id of an organisation.".into()),
        Some(_) => Err("Use the numeric id of an organisation.".into()),
    }
}

/// DoiT style: invite a user into the caller's tenant.
#[utoipa::path(
    post, path = "/api/v1/users/invite", tag = "compatibility", request_body = DoitInviteRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invitation created", body = DoitInviteResponse),
        (status = 400, description = "Invalid fields or already a member", body = DoitErrorBody),
        (status = 401, description = "Invalid API key", body = DoitErrorBody),
        (status = 403, description = "Not allowed", body = DoitErrorBody),
        (status = 429, description = "Too many invitations", body = DoitErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 500, description = "Server error", body = DoitErrorBody),
    )
)]
pub async fn doit_invite(
    State(state): State<AppState>,
    caller: Result<ApiCaller, AppError>,
    body: Result<ApiJson<DoitInviteRequest>, AppError>,
) -> Result<(StatusCode, Json<DoitInviteResponse>), DoitError> {
    let ApiCaller(caller) = caller?;
    let ApiJson(body) = body?;
    let mut form = FormParser::default();
    let role = form.field("roleId", parse_role(body.role_id.as_deref()));
    let org = form.field("organizationId", parse_org(body.organization_id.as_ref()));
    let fields = InviteFields {
        email: body.email.as_deref(),
        roles: role.map(|r| vec![r]),
        // A bad organizationId is in the form already; `finish` refuses.
        organisation_id: org.flatten(),
        send_email: true,
        locale: body.locale.as_deref(),
        ..InviteFields::default()
    };
    let new = NewInvite::parse(&mut form, &state.config, fields);
    let (role, new) = form.finish(|| Some((role?, new?)))?;
    // A DoiT key belongs to one organisation; a caller in several tenants
    // cannot say which here, so the key is not allowed (403), not a 409
    // this API shape does not have.
    let actor = Actor::in_tenant(&state, caller, None)
        .await
        .map_err(|e| match e {
            AppError::Conflict(why) => AppError::ForbiddenBecause(why),
            e => e,
        })?;
    let issued = invites::create_invite(&state, &actor, new)
        .await
        // The organisation is not one of the tenant's: the key may not use it.
        .map_err(|e| match e {
            AppError::NotFound => {
                AppError::ForbiddenBecause("No such organisation in your tenant.".into())
            }
            e => e,
        })?;
    Ok((
        StatusCode::CREATED,
        Json(DoitInviteResponse {
            message: "User invited.".into(),
            user: DoitUser {
                id: issued.invite.id.to_string(),
                email: issued.invite.email,
                role_id: role.as_str().to_owned(),
                organization_id: issued.invite.organisation_id.map(|o| o.to_string()),
                status: "invited".into(),
            },
        }),
    ))
}
