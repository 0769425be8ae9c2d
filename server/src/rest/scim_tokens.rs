//! Directory tokens over REST (SPEC §11): `POST|GET /api/v1/scim-tokens`
//! and `DELETE /api/v1/scim-tokens/{id}`, for tenant managers. The token
//! is what an identity provider presents at `/scim/v2/{tenantId}/`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::AppState;
use app::backend::access::actor::Actor;
use app::backend::db::owners::Owned;
use app::backend::directory::tokens::{self, ScimToken};
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use super::schema;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ScimTenantQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
}

/// A directory token (the token itself is shown only when it is made).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScimTokenDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Int64)]
    tenant_id: i64,
    name: String,
    #[schema(format = Int64)]
    created_at: i64,
    /// When the directory last used it (to the minute).
    #[schema(format = Int64)]
    last_used_at: Option<i64>,
}

impl From<ScimToken> for ScimTokenDto {
    fn from(t: ScimToken) -> Self {
        ScimTokenDto {
            id: t.id,
            tenant_id: t.tenant_id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// A new token with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewScimTokenDto {
    #[serde(flatten)]
    token_info: ScimTokenDto,
    /// The Bearer token to enter at the identity provider. Not shown again.
    token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"name": "Okta"}))]
pub struct ScimTokenRequest {
    /// Who will use it, e.g. the identity provider's name.
    #[schema(schema_with = schema::scim_token_name, required = true)]
    name: Option<String>,
}

/// Makes a directory token for the tenant's identity provider (tenant
/// managers). The answer holds the token, shown this once.
#[utoipa::path(
    post, path = "/api/v1/scim-tokens", tag = "directory", params(ScimTenantQuery),
    request_body = ScimTokenRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "The token, with its secret", body = NewScimTokenDto),
        (status = 400, description = "Invalid name", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn create_scim_token(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ScimTenantQuery>,
    ApiJson(body): ApiJson<ScimTokenRequest>,
) -> Result<(StatusCode, Json<NewScimTokenDto>), AppError> {
    let name = tokens::parse_name(body.name.as_deref().unwrap_or(""))
        .map_err(|why| AppError::field("name", &why))?;
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let (info, token) = tokens::create(&state, &actor, &name).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewScimTokenDto {
            token_info: info.into(),
            token,
        }),
    ))
}

/// The tenant's directory tokens, newest first (never their secrets).
#[utoipa::path(
    get, path = "/api/v1/scim-tokens", tag = "directory", params(ScimTenantQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Tokens, newest first", body = Vec<ScimTokenDto>),
        (status = 400, description = "Bad tenantId", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_scim_tokens(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ScimTenantQuery>,
) -> Result<Json<Vec<ScimTokenDto>>, AppError> {
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let list = tokens::list(&state, &actor).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Deletes a directory token: the identity provider using it is shut out
/// at once. What it provisioned stays.
#[utoipa::path(
    delete, path = "/api/v1/scim-tokens/{id}", tag = "directory", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown token", body = ErrorBody),
    )
)]
pub async fn delete_scim_token(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::ScimToken, id, None).await?;
    tokens::delete(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
