//! Ownership over REST (SPEC §12): the owner nominates
//! (`POST /api/v1/tenants/{id}/ownership-transfer`) or cancels
//! (`DELETE` there); the nominee accepts or declines with the mailed token
//! (`POST /api/v1/ownership-transfers/accept|decline`). Rules in
//! `tenant_admin::ownership`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::backend::AppState;
use app::backend::access::actor::Actor;
use app::backend::tenant_admin::ownership::{self, Answer, PendingTransfer};
use app::{AppError, ErrorBody};

use super::extract::{ApiCaller, ApiJson, ApiPath, whole_number};
use super::me::{TenantDto, tenant_dto};

/// A nomination waiting for the nominee's answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnershipTransferDto {
    /// The nominee.
    #[schema(format = Int64)]
    member_id: i64,
    #[schema(format = Email)]
    email: String,
    /// Milliseconds since the epoch; the link stops working then.
    #[schema(format = Int64)]
    expires_at: i64,
}

impl From<PendingTransfer> for OwnershipTransferDto {
    fn from(t: PendingTransfer) -> Self {
        OwnershipTransferDto {
            member_id: t.nominee.id,
            email: t.nominee.email,
            expires_at: t.expires_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NominationRequest {
    /// An ACTIVE member of the tenant.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(value_type = i64, format = Int64, minimum = 1, required = true)]
    member_id: Option<i64>,
}

/// The owner nominates a new owner; the nominee is mailed a link to
/// accept within 7 days. A new nomination replaces the pending one.
#[utoipa::path(
    post, path = "/api/v1/tenants/{id}/ownership-transfer", tag = "members",
    params(("id" = i64, Path, description = "The tenant's id")),
    request_body = NominationRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Nominated and mailed", body = OwnershipTransferDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not the tenant's owner", body = ErrorBody),
        (status = 404, description = "Unknown tenant or member", body = ErrorBody),
        (status = 409, description = "The member is the owner already or not active", body = ErrorBody),
    )
)]
pub async fn nominate_owner(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NominationRequest>,
) -> Result<(StatusCode, Json<OwnershipTransferDto>), AppError> {
    let member_id = body
        .member_id
        .ok_or_else(|| AppError::field("memberId", "This field is required."))?;
    let actor = Actor::for_tenant(&state, caller, id).await?;
    let pending = ownership::nominate(&state, &actor, member_id).await?;
    Ok((StatusCode::CREATED, Json(pending.into())))
}

/// The owner withdraws the pending nomination (its link stops working).
#[utoipa::path(
    delete, path = "/api/v1/tenants/{id}/ownership-transfer", tag = "members",
    params(("id" = i64, Path, description = "The tenant's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Not the tenant's owner", body = ErrorBody),
        (status = 404, description = "Unknown tenant, or no pending transfer", body = ErrorBody),
    )
)]
pub async fn cancel_transfer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::for_tenant(&state, caller, id).await?;
    ownership::cancel(&state, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransferAnswer {
    /// The token of the mailed link (`/ownership?token=…`).
    #[schema(min_length = 1, max_length = 200)]
    token: String,
}

/// The nominee accepts: in one transaction they become owner and manager;
/// the former owner stays a manager.
#[utoipa::path(
    post, path = "/api/v1/ownership-transfers/accept", tag = "members",
    request_body = TransferAnswer, security(("bearer" = [])),
    responses(
        (status = 200, description = "The tenant, with its new owner", body = TenantDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Offered to someone else, or the caller's membership is not active", body = ErrorBody),
        (status = 404, description = "Unknown, used, cancelled, replaced or expired transfer", body = ErrorBody),
    )
)]
pub async fn accept_transfer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<TransferAnswer>,
) -> Result<Json<TenantDto>, AppError> {
    let account = caller.whole_account()?;
    let tenant_id = ownership::answer(&state, &account, &body.token, Answer::Accept).await?;
    Ok(Json(tenant_dto(&state, tenant_id).await?))
}

/// The nominee declines; the owner stays.
#[utoipa::path(
    post, path = "/api/v1/ownership-transfers/decline", tag = "members",
    request_body = TransferAnswer, security(("bearer" = [])),
    responses(
        (status = 204, description = "Declined"),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "Offered to someone else", body = ErrorBody),
        (status = 404, description = "Unknown, used, cancelled, replaced or expired transfer", body = ErrorBody),
    )
)]
pub async fn decline_transfer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<TransferAnswer>,
) -> Result<StatusCode, AppError> {
    let account = caller.whole_account()?;
    ownership::answer(&state, &account, &body.token, Answer::Decline).await?;
    Ok(StatusCode::NO_CONTENT)
}
