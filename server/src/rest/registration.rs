//! `POST /api/v1/registration`, modelled on the Extractor registration API.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::backend::{AppState, access::accounts, onboarding::invites, tenant_admin};
use app::domain::MemberStatus;
use app::domain::{FormParser, ProjectName, TenantName};
use app::dto::MemberInfo;
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson};
use super::schema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"url": schema::EXAMPLE_URL}))]
pub struct RegistrationRequest {
    /// With `projectName`: create a tenant. Without: accept the caller's
    /// pending invitation.
    #[schema(schema_with = schema::tenant_name_or_null)]
    tenant_name: Option<String>,
    #[schema(schema_with = schema::project_name_or_null)]
    project_name: Option<String>,
    /// The caller's application URL; its origin must be Portico's own or
    /// listed in `PORTICO_ALLOWED_ORIGINS`.
    #[schema(schema_with = schema::url, required = true)]
    url: Option<String>,
}

/// A member ("user") of a tenant.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Int64)]
    created_at: i64,
    #[schema(format = Int64)]
    updated_at: i64,
    status: MemberStatus,
    #[schema(format = Int64)]
    tenant_id: i64,
    #[schema(format = Int64)]
    organisation_id: Option<i64>,
    first_name: String,
    last_name: String,
    #[schema(format = Email)]
    email: String,
    /// The account's id as a string.
    external_id: String,
    #[schema(value_type = Object)]
    meta: serde_json::Value,
    #[schema(schema_with = schema::role_list)]
    roles: Vec<String>,
}

impl From<MemberInfo> for UserDto {
    fn from(m: MemberInfo) -> Self {
        UserDto {
            id: m.id,
            created_at: m.created_at,
            updated_at: m.updated_at,
            status: m.status,
            tenant_id: m.tenant_id,
            organisation_id: m.organisation_id,
            first_name: m.first_name,
            last_name: m.last_name,
            email: m.email,
            external_id: m.external_id,
            meta: m.meta,
            roles: m.roles,
        }
    }
}

/// With both names: creates a tenant with its first project and makes the
/// caller its `extractor-manager` (register flow). Without: accepts the
/// caller's pending invitation (invite flow).
#[utoipa::path(
    post, path = "/api/v1/registration", tag = "registration",
    request_body = RegistrationRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's member record", body = UserDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The caller's email is not verified (code email_not_verified)", body = ErrorBody),
        (status = 404, description = "No pending invitation for the caller", body = ErrorBody),
        (status = 409, description = "Already a member, or no seat left (code seat_limit_reached)", body = ErrorBody),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<RegistrationRequest>,
) -> Result<Json<UserDto>, AppError> {
    let mut form = FormParser::default();
    if let Some(url) = &body.url {
        form.field(
            "url",
            app::backend::url_policy::check_allowed_url(&state.config, url),
        );
    }
    let names = (
        body.tenant_name.filter(|s| !s.trim().is_empty()),
        body.project_name.filter(|s| !s.trim().is_empty()),
    );
    match names {
        (Some(tenant_name), Some(project_name)) => {
            let tenant_name = form.field("tenantName", TenantName::parse(&tenant_name));
            let project_name = form.field("projectName", ProjectName::parse(&project_name));
            let (tenant_name, project_name) =
                form.finish(|| Some((tenant_name?, project_name?)))?;
            let account = caller.whole_account()?;
            let member_id =
                accounts::create_tenant(&state, &account, &tenant_name, &project_name).await?;
            Ok(Json(
                tenant_admin::get_member(&state, member_id).await?.into(),
            ))
        }
        _ => {
            form.finish(|| Some(()))?;
            let accepted = invites::accept_by_email(&state, caller.whole_account()?, None).await?;
            Ok(Json(
                tenant_admin::get_member(&state, accepted.member_id)
                    .await?
                    .into(),
            ))
        }
    }
}
