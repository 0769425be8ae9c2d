//! `GET /api/v1/me` (the caller and their memberships) and
//! `GET /api/v1/tenants/{id}` (a tenant the caller belongs to).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::backend::access::actor::Actor;
use app::backend::db::tenants::TenantRow;
use app::backend::onboarding::seats::Seats;
use app::backend::tenant_admin::ownership::{self, PendingTransfer};
use app::backend::{AppState, access::accounts, tenant_admin};
use app::domain::MemberStatus;
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath};
use super::schema;
use super::schema::role_list;

/// One membership of the caller.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MembershipDto {
    #[schema(format = Int64)]
    member_id: i64,
    #[schema(format = Int64)]
    tenant_id: i64,
    tenant_name: String,
    #[schema(schema_with = role_list)]
    roles: Vec<String>,
    status: MemberStatus,
    #[schema(format = Int64)]
    organisation_id: Option<i64>,
}

/// The caller: their account and every tenant they belong to (active or
/// disabled).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Email)]
    email: String,
    first_name: String,
    last_name: String,
    email_verified: bool,
    memberships: Vec<MembershipDto>,
}

/// Who the bearer is, and their tenants.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = MeDto),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
    )
)]
pub async fn get_me(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<MeDto>, AppError> {
    let memberships = accounts::memberships(&state, caller.id).await?;
    let info = caller.info();
    Ok(Json(MeDto {
        id: info.id,
        email: info.email,
        first_name: info.first_name,
        last_name: info.last_name,
        email_verified: info.email_verified,
        memberships: memberships
            .into_iter()
            .map(|m| MembershipDto {
                member_id: m.id,
                tenant_id: m.tenant_id,
                tenant_name: m.tenant_name,
                roles: m.roles.0,
                status: m.status,
                organisation_id: m.organisation_id,
            })
            .collect(),
    }))
}

/// A tenant and its seats (SPEC §9).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantDto {
    #[schema(format = Int64)]
    id: i64,
    name: String,
    /// The most ACTIVE members plus pending invitations the tenant may
    /// have, set by the instance operator; null: no limit.
    #[schema(format = Int64, minimum = 1)]
    seat_limit: Option<i64>,
    /// ACTIVE members.
    #[schema(format = Int64, minimum = 0)]
    seats_used: i64,
    /// Pending, unexpired invitations for emails that are not ACTIVE
    /// members, each email once.
    #[schema(format = Int64, minimum = 0)]
    seats_reserved: i64,
    /// The owner's member id (SPEC §12); null only for a tenant that had no
    /// active manager when owners were introduced.
    #[schema(format = Int64)]
    owner_member_id: Option<i64>,
    /// A nomination of a new owner waiting for its answer.
    pending_ownership_transfer: Option<super::ownership::OwnershipTransferDto>,
    /// The language of invitations to people who chose none (SPEC §12);
    /// null: the instance's (`PORTICO_DEFAULT_LOCALE`).
    #[schema(value_type = Option<schema::Locale>)]
    default_locale: Option<String>,
    /// Milliseconds since the epoch.
    #[schema(format = Int64)]
    created_at: i64,
}

/// A tenant the caller is an active member of.
#[utoipa::path(
    get, path = "/api/v1/tenants/{id}", tag = "members",
    params(("id" = i64, Path, description = "The tenant's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tenant", body = TenantDto),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Membership not active", body = ErrorBody),
        (status = 404, description = "No such tenant, or not one of the caller's", body = ErrorBody),
    )
)]
pub async fn get_tenant(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TenantDto>, AppError> {
    let actor = Actor::for_tenant(&state, caller, id).await?;
    Ok(Json(tenant_dto(&state, actor.tenant_id).await?))
}

/// What a tenant manager changes about the tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantPatch {
    /// The language of invitations to people who chose none; null: the
    /// instance's.
    #[schema(value_type = Option<schema::Locale>, required = true)]
    #[serde(default, deserialize_with = "super::extract::present")]
    default_locale: Option<Option<String>>,
}

/// Sets the tenant's default language (tenant managers).
#[utoipa::path(
    patch, path = "/api/v1/tenants/{id}", tag = "members",
    params(("id" = i64, Path, description = "The tenant's id")),
    request_body = TenantPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tenant", body = TenantDto),
        (status = 400, description = "defaultLocale missing or not en, de, es or null", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not a manager of the tenant", body = ErrorBody),
        (status = 404, description = "No such tenant, or not one of the caller's", body = ErrorBody),
    )
)]
pub async fn set_tenant_language(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<TenantPatch>,
) -> Result<Json<TenantDto>, AppError> {
    let actor = Actor::for_tenant(&state, caller, id).await?;
    let lang = match patch.default_locale {
        None => return Err(AppError::field("defaultLocale", "This field is required.")),
        Some(None) => None,
        Some(Some(tag)) => Some(
            app::i18n::Lang::from_tag(&tag)
                .filter(|l| l.code() == tag)
                .ok_or_else(|| AppError::field("defaultLocale", "Use en, de, es or null."))?,
        ),
    };
    tenant_admin::language::set_default_language(&state, &actor, lang).await?;
    Ok(Json(tenant_dto(&state, actor.tenant_id).await?))
}

/// The tenant with its seats, owner and pending transfer (the caller
/// checked access).
pub async fn tenant_dto(state: &AppState, tenant_id: i64) -> Result<TenantDto, AppError> {
    let (tenant, seats) = tenant_admin::tenant_with_seats(state, tenant_id).await?;
    let pending = ownership::pending(state, tenant_id).await?;
    Ok(TenantDto::of(tenant, seats, pending))
}

impl TenantDto {
    fn of(tenant: TenantRow, seats: Seats, pending: Option<PendingTransfer>) -> Self {
        TenantDto {
            id: tenant.id,
            name: tenant.name,
            seat_limit: seats.limit,
            seats_used: seats.used,
            seats_reserved: seats.reserved,
            owner_member_id: tenant.owner_member_id,
            pending_ownership_transfer: pending.map(Into::into),
            default_locale: tenant.default_locale,
            created_at: tenant.created_at,
        }
    }
}
