//! The instance operator's endpoints (`/api/v1/admin/…`), authenticated by
//! `PORTICO_ADMIN_TOKEN` and absent (404) without it.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use app::backend::{AppState, onboarding::seats};
use app::{AppError, ErrorBody};

use super::extract::{ApiJson, ApiPath, Operator};
use super::me::TenantDto;

/// What the operator changes about a tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminTenantPatch {
    /// The most ACTIVE members plus pending invitations the tenant may
    /// have; null lifts the limit. Lowering it below what is used removes
    /// nobody: it only refuses new invitations and joins.
    #[schema(value_type = Option<i64>, required = true, format = Int64, minimum = 1, maximum = 1_000_000_000)]
    #[serde(default, deserialize_with = "super::extract::present")]
    seat_limit: Option<Option<serde_json::Value>>,
}

/// Sets a tenant's seat limit (SPEC §9).
#[utoipa::path(
    patch, path = "/api/v1/admin/tenants/{id}", tag = "admin",
    params(("id" = i64, Path, description = "The tenant's id")),
    request_body = AdminTenantPatch,
    security(("operator" = [])),
    responses(
        (status = 200, description = "The tenant with its seats", body = TenantDto),
        (status = 400, description = "A seat limit that is not a whole number from 1 to 1,000,000,000 or null", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No such tenant, or PORTICO_ADMIN_TOKEN is not set", body = ErrorBody),
    )
)]
pub async fn update_tenant(
    State(state): State<AppState>,
    _operator: Operator,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<AdminTenantPatch>,
) -> Result<Json<TenantDto>, AppError> {
    let limit = match patch.seat_limit {
        None => return Err(AppError::field("seatLimit", "This field is required.")),
        Some(None) => None,
        Some(Some(v)) => Some(
            v.as_number()
                .and_then(super::extract::as_whole)
                .ok_or_else(|| {
                    AppError::field(
                        "seatLimit",
                        "Use a whole number from 1 to 1000000000, or null for no limit.",
                    )
                })?,
        ),
    };
    seats::set_limit(&state, id, limit).await?;
    Ok(Json(super::me::tenant_dto(&state, id).await?))
}

/// The instance's figures, for its operator only (issue 25: no public page
/// shows them).
#[derive(Debug, serde::Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstanceStats {
    /// Tenants on this instance.
    #[schema(format = Int64)]
    tenants: i64,
    /// Accounts (people who can sign in).
    #[schema(format = Int64)]
    accounts: i64,
    /// Invitations waiting for an answer (pending), in every tenant.
    #[schema(format = Int64)]
    pending_invites: i64,
}

/// Counts of the whole instance, read from counters (no table is counted).
#[utoipa::path(
    get, path = "/api/v1/admin/stats", tag = "admin",
    security(("operator" = [])),
    responses(
        (status = 200, description = "The instance's figures", body = InstanceStats),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "PORTICO_ADMIN_TOKEN is not set", body = ErrorBody),
    )
)]
pub async fn instance_stats(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<InstanceStats>, AppError> {
    let (tenants, accounts, pending_invites) =
        app::backend::tenant_admin::instance_counts(&state).await?;
    Ok(Json(InstanceStats {
        tenants,
        accounts,
        pending_invites,
    }))
}
