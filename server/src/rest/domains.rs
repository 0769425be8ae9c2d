//! Verified domains over REST (SPEC §9): `POST|GET /api/v1/domains`,
//! `PATCH|DELETE /api/v1/domains/{id}`, tenant managers only.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::AppState;
use app::backend::onboarding::domains::{self, DomainChange};
use app::domain::JoinPolicy;
use app::dto::TenantDomain;
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use super::schema;
use app::backend::access::actor::Actor;
use app::backend::db::owners::Owned;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct DomainTenantQuery {
    /// Default: the caller's tenant (required when they have several).
    #[param(format = Int64, minimum = 1)]
    tenant_id: Option<i64>,
}

/// A tenant's verified email domain and who may join by it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DomainDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Int64)]
    tenant_id: i64,
    #[schema(pattern = "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$")]
    domain: String,
    join_policy: JoinPolicy,
    /// What people who join by the domain get (with `joinPolicy: auto`).
    #[schema(schema_with = schema::role_list)]
    join_roles: Vec<String>,
    /// When the DNS proof was found; null until then (`auto` needs it).
    #[schema(format = Int64)]
    verified_at: Option<i64>,
    /// The TXT record that proves the domain, to add at its DNS.
    verification: DomainVerification,
    #[schema(format = Int64)]
    created_at: i64,
}

/// The DNS record that proves a domain (SPEC §9).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DomainVerification {
    /// Always `TXT`.
    #[schema(example = "TXT")]
    r#type: &'static str,
    /// `_portico-challenge.<domain>`
    #[schema(example = "_portico-challenge.example.com")]
    name: String,
    /// `portico-verification=<token>`
    #[schema(example = "portico-verification=Yq3v0f5pW8nY1bqk2J0Zl6dE7rQm9sT4uV8wX1yZ2aB")]
    value: String,
}

impl From<TenantDomain> for DomainDto {
    fn from(d: TenantDomain) -> Self {
        DomainDto {
            id: d.id,
            tenant_id: d.tenant_id,
            domain: d.domain,
            join_policy: d.join_policy,
            join_roles: d.join_roles,
            verified_at: d.verified_at,
            verification: DomainVerification {
                r#type: "TXT",
                name: d.verification_name,
                value: d.verification_value,
            },
            created_at: d.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"domain": "example.com"}))]
pub struct DomainRequest {
    /// The domain of the caller's own verified email; not a public mail
    /// provider's.
    #[schema(schema_with = schema::email_domain, required = true)]
    domain: Option<String>,
}

/// Adds the domain of the caller's own verified email to the tenant, with
/// join policy `off` and join role `extractor-user`.
#[utoipa::path(
    post, path = "/api/v1/domains", tag = "domains", params(DomainTenantQuery),
    request_body = DomainRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "The domain", body = DomainDto),
        (status = 400, description = "Invalid domain, or a public mail provider's", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager, email not verified, or not the domain of the caller's email", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "The tenant has this domain already, another tenant proved it by DNS, or no tenantId and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn add_domain(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<DomainTenantQuery>,
    ApiJson(body): ApiJson<DomainRequest>,
) -> Result<(StatusCode, Json<DomainDto>), AppError> {
    let domain = body
        .domain
        .ok_or_else(|| AppError::field("domain", "This field is required."))?;
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let added = domains::add(&state, &actor, &domain).await?;
    Ok((StatusCode::CREATED, Json(added.into())))
}

/// The tenant's domains, alphabetically.
#[utoipa::path(
    get, path = "/api/v1/domains", tag = "domains", params(DomainTenantQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Domains", body = Vec<DomainDto>),
        (status = 400, description = "Bad tenantId", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown tenant", body = ErrorBody),
        (status = 409, description = "No tenantId, and the caller belongs to several tenants", body = ErrorBody),
    )
)]
pub async fn list_domains(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<DomainTenantQuery>,
) -> Result<Json<Vec<DomainDto>>, AppError> {
    let actor = Actor::in_tenant(&state, caller, query.tenant_id).await?;
    let list = domains::list(&state, &actor).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"joinPolicy": "auto", "joinRoles": ["extractor-user"]}))]
pub struct DomainUpdate {
    /// Null or absent: unchanged.
    #[schema(schema_with = schema::join_policy_or_null)]
    join_policy: Option<String>,
    /// Tenant roles (`extractor-*`), none above the caller's own. Null or
    /// absent: unchanged.
    #[schema(schema_with = schema::tenant_role_list_or_null)]
    join_roles: Option<Vec<String>>,
}

/// Looks up the domain's TXT record (`verification` of the domain) and,
/// when it holds the token, marks the domain proven: from then on it is
/// this tenant's alone, and automatic joining may be turned on.
#[utoipa::path(
    post, path = "/api/v1/domains/{id}/verify", tag = "domains", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The domain, proven", body = DomainDto),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown domain", body = ErrorBody),
        (status = 409, description = "The TXT record is missing or holds something else (the error says what was found), or another tenant proved the domain", body = ErrorBody),
        (status = 429, description = "Too many DNS lookups for this tenant", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn verify_domain(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DomainDto>, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Domain, id, None).await?;
    Ok(Json(domains::verify(&state, &actor, id).await?.into()))
}

/// Sets the join policy (`off`, `auto`) and/or the join roles.
#[utoipa::path(
    patch, path = "/api/v1/domains/{id}", tag = "domains", params(("id" = i64, Path)),
    request_body = DomainUpdate, security(("bearer" = [])),
    responses(
        (status = 200, description = "The domain", body = DomainDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown domain", body = ErrorBody),
        (status = 409, description = "Automatic joining asked for a domain not proven by DNS yet", body = ErrorBody),
    )
)]
pub async fn update_domain(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DomainUpdate>,
) -> Result<Json<DomainDto>, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Domain, id, None).await?;
    let change = DomainChange {
        join_policy: body.join_policy,
        join_roles: body.join_roles,
    };
    Ok(Json(
        domains::update(&state, &actor, id, change).await?.into(),
    ))
}

/// Removes the domain: nobody joins by it any more; who joined stays.
#[utoipa::path(
    delete, path = "/api/v1/domains/{id}", tag = "domains", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a tenant manager", body = ErrorBody),
        (status = 404, description = "Unknown domain", body = ErrorBody),
    )
)]
pub async fn remove_domain(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::for_row(&state, caller, Owned::Domain, id, None).await?;
    domains::remove(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
