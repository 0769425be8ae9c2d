//! SSO connections over REST (SPEC §11): `POST|GET /api/v1/sso-connections`
//! and `GET|PATCH|DELETE /api/v1/sso-connections/{id}`, for tenant
//! managers. The client secret goes in and never comes out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::AppState;
use app::backend::access::actor::Actor;
use app::backend::db::owners::Owned;
use app::backend::sso::connections::{self, ConnectionInput};
use app::domain::Role;
use app::dto::SsoConnectionInfo;
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use super::schema;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct SsoTenantQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
}

/// A tenant's identity provider (OpenID Connect).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SsoConnectionDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Int64)]
    tenant_id: i64,
    /// `oidc`.
    kind: String,
    issuer: String,
    client_id: String,
    /// The tenant's DNS-proven domains whose people sign in here.
    domains: Vec<String>,
    #[schema(schema_with = schema::role_list)]
    join_roles: Vec<String>,
    /// People at these domains cannot sign in with a password.
    required: bool,
    #[schema(format = Int64)]
    created_at: i64,
    #[schema(format = Int64)]
    updated_at: i64,
}

impl From<SsoConnectionInfo> for SsoConnectionDto {
    fn from(c: SsoConnectionInfo) -> Self {
        SsoConnectionDto {
            id: c.id,
            tenant_id: c.tenant_id,
            kind: c.kind,
            issuer: c.issuer,
            client_id: c.client_id,
            domains: c.domains,
            join_roles: c.join_roles,
            required: c.required,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A new connection: everything is required but `required`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"issuer": "https://corp.okta.com", "clientId": "0oa1", "clientSecret": "…", "domains": ["corp.example"], "joinRoles": ["extractor-user"], "required": false}))]
pub struct SsoConnectionRequest {
    /// The provider's issuer URL, under the webhook URLs' rule (https on a
    /// public name, or an allowed origin); its discovery document is read.
    #[schema(schema_with = schema::webhook_url, required = true)]
    issuer: Option<String>,
    #[schema(schema_with = schema::sso_client_id, required = true)]
    client_id: Option<String>,
    /// Stored sealed; never returned.
    #[schema(schema_with = schema::sso_client_secret, required = true)]
    client_secret: Option<String>,
    /// DNS-proven domains of the tenant.
    #[schema(schema_with = schema::email_domain_list, required = true)]
    domains: Option<Vec<String>>,
    #[schema(schema_with = schema::role_list, required = true)]
    join_roles: Option<Vec<String>>,
    /// People at these domains cannot sign in with a password.
    required: Option<bool>,
}

/// A change: only what is given changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"required": true}))]
pub struct SsoConnectionChange {
    #[schema(schema_with = schema::webhook_url)]
    issuer: Option<String>,
    #[schema(schema_with = schema::sso_client_id)]
    client_id: Option<String>,
    /// Replaces the sealed secret.
    #[schema(schema_with = schema::sso_client_secret)]
    client_secret: Option<String>,
    #[schema(schema_with = schema::email_domain_list)]
    domains: Option<Vec<String>>,
    #[schema(schema_with = schema::role_list)]
    join_roles: Option<Vec<String>>,
    required: Option<bool>,
}

impl From<SsoConnectionChange> for SsoConnectionRequest {
    fn from(c: SsoConnectionChange) -> Self {
        SsoConnectionRequest {
            issuer: c.issuer,
            client_id: c.client_id,
            client_secret: c.client_secret,
            domains: c.domains,
            join_roles: c.join_roles,
            required: c.required,
        }
    }
}

impl SsoConnectionRequest {
    fn input(self) -> Result<ConnectionInput, AppError> {
        let join_roles = self
            .join_roles
            .as_deref()
            .map(Role::parse_list)
            .transpose()
            .map_err(|why| AppError::field("joinRoles", why))?;
        Ok(ConnectionInput {
            issuer: self.issuer,
            client_id: self.client_id,
            client_secret: self.client_secret,
            domains: self.domains,
            join_roles,
            required: self.required,
        })
    }
}

/// Connects the tenant's identity provider for some of its DNS-proven
/// domains (tenant managers).
#[utoipa::path(
    post, path = "/api/v1/sso-connections", tag = "sso", params(SsoTenantQuery),
    request_body = SsoConnectionRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "The connection", body = SsoConnectionDto),
        (status = 400, description = "Invalid fields (an issuer that is not https, no domain, no role)", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "A domain the tenant has not proven or another connection signs in, or no tenantId and several tenants", body = ErrorBody),
    )
)]
pub async fn create_sso_connection(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<SsoTenantQuery>,
    ApiJson(body): ApiJson<SsoConnectionRequest>,
) -> Result<(StatusCode, Json<SsoConnectionDto>), AppError> {
    let input = body.input()?;
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let made = connections::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}

/// The tenant's SSO connections.
#[utoipa::path(
    get, path = "/api/v1/sso-connections", tag = "sso", params(SsoTenantQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Connections", body = Vec<SsoConnectionDto>),
        (status = 400, description = "Bad tenantId", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_sso_connections(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<SsoTenantQuery>,
) -> Result<Json<Vec<SsoConnectionDto>>, AppError> {
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let list = connections::list(&state, &actor).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(
    get, path = "/api/v1/sso-connections/{id}", tag = "sso", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The connection", body = SsoConnectionDto),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown connection", body = ErrorBody),
    )
)]
pub async fn get_sso_connection(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SsoConnectionDto>, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::SsoConnection, id, None).await?;
    Ok(Json(connections::get(&state, &actor, id).await?.into()))
}

/// Changes what is given; a new clientSecret replaces the sealed one.
#[utoipa::path(
    patch, path = "/api/v1/sso-connections/{id}", tag = "sso", params(("id" = i64, Path)),
    request_body = SsoConnectionChange, security(("bearer" = [])),
    responses(
        (status = 200, description = "The connection", body = SsoConnectionDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown connection", body = ErrorBody),
        (status = 409, description = "A domain the tenant has not proven or another connection signs in", body = ErrorBody),
    )
)]
pub async fn update_sso_connection(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SsoConnectionChange>,
) -> Result<Json<SsoConnectionDto>, AppError> {
    let input = SsoConnectionRequest::from(body).input()?;
    let actor = Actor::for_row(&state, caller, Owned::SsoConnection, id, None).await?;
    Ok(Json(
        connections::update(&state, &actor, id, input).await?.into(),
    ))
}

/// Removes the connection: its domains sign in with passwords again.
#[utoipa::path(
    delete, path = "/api/v1/sso-connections/{id}", tag = "sso", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown connection", body = ErrorBody),
    )
)]
pub async fn delete_sso_connection(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::SsoConnection, id, None).await?;
    connections::delete(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
