//! `join_requests`: people asking to join a tenant by its domain or a
//! request-mode link (SPEC §12). At most one pending request per person
//! and tenant (`join_requests_one_pending_key`); a pending row past
//! `expires_at` reads as expired.

use sqlx::AnyConnection;

use super::RoleNames;
use crate::domain::JoinRequestStatus;
use crate::dto::JoinRequestInfo;
use crate::error::AppError;

/// A request with its person, as managers see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub tenant_id: i64,
    pub account_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub via: String,
    pub source_id: i64,
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
    pub organisation_id: Option<i64>,
    pub message: String,
    #[sqlx(try_from = "String")]
    pub status: JoinRequestStatus,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
}

impl RequestRow {
    /// The status as of `now`: pending past its expiry is expired.
    pub fn status_at(&self, now: i64) -> JoinRequestStatus {
        match self.status {
            JoinRequestStatus::Pending if self.expires_at <= now => JoinRequestStatus::Expired,
            s => s,
        }
    }

    /// What people and the API read: a pending request past its expiry is
    /// expired.
    pub fn info(self, now: i64) -> JoinRequestInfo {
        let status = self.status_at(now);
        JoinRequestInfo {
            id: self.id,
            tenant_id: self.tenant_id,
            account_id: self.account_id,
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            via: self.via,
            roles: self.roles.0,
            organisation_id: self.organisation_id,
            message: self.message,
            status,
            decided_at: self.decided_at,
            created_at: self.created_at,
            expires_at: self.expires_at,
        }
    }
}

macro_rules! select_requests {
    ($where:literal) => {
        concat!(
            "SELECT r.id, r.tenant_id, r.account_id, a.email, a.first_name, a.last_name, \
               r.via, r.source_id, r.roles, r.organisation_id, r.message, r.status, r.decided_at, \
               r.created_at, r.expires_at \
             FROM join_requests r JOIN accounts a ON a.id = r.account_id ",
            $where
        )
    };
}

/// The tenant's unexpired pending requests, newest first: served by
/// `join_requests_tenant_status_idx`.
pub const PENDING_PAGE_SQL: &str = select_requests!(
    "WHERE r.tenant_id = $1 AND r.status = 'pending' AND r.expires_at > $2 \
     ORDER BY r.id DESC LIMIT $3 OFFSET $4"
);

/// Tenants due a digest, found from the pending requests
/// (`join_requests_pending_idx`), not by walking every tenant.
pub const DUE_DIGEST_SQL: &str = "SELECT DISTINCT r.tenant_id FROM join_requests r \
     JOIN tenants t ON t.id = r.tenant_id \
     WHERE r.status = 'pending' AND r.expires_at > $1 \
       AND r.created_at > COALESCE(t.requests_mailed_at, 0) \
       AND COALESCE(t.requests_mailed_at, 0) <= $2 \
     ORDER BY r.tenant_id LIMIT $3";

/// A new request.
pub struct NewRequest<'a> {
    pub tenant_id: i64,
    pub account_id: i64,
    pub via: &'a str,
    pub source_id: i64,
    pub roles: &'a RoleNames,
    pub organisation_id: Option<i64>,
    pub message: &'a str,
    pub expires_at: i64,
}

/// Inserts a pending request; `Conflict` when the person has one pending
/// in the tenant already.
pub async fn insert(
    conn: &mut AnyConnection,
    new: NewRequest<'_>,
    now: i64,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "INSERT INTO join_requests (tenant_id, account_id, via, source_id, roles, organisation_id, \
           message, status, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING id",
    )
    .bind(new.tenant_id)
    .bind(new.account_id)
    .bind(new.via)
    .bind(new.source_id)
    .bind(new.roles.to_json())
    .bind(new.organisation_id)
    .bind(new.message)
    .bind(now)
    .bind(new.expires_at)
    .fetch_one(conn)
    .await
    .map_err(AppError::from)
}

/// Records as expired the person's pending request in the tenant whose
/// time is up, so a new one may be filed.
pub async fn expire_pending_of(
    conn: &mut AnyConnection,
    tenant_id: i64,
    account_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE join_requests SET status = 'expired' \
         WHERE tenant_id = $1 AND account_id = $2 AND status = 'pending' AND expires_at <= $3",
    )
    .bind(tenant_id)
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_in_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
) -> Result<Option<RequestRow>, AppError> {
    Ok(
        sqlx::query_as(select_requests!("WHERE r.id = $1 AND r.tenant_id = $2"))
            .bind(id)
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The tenant's unexpired pending requests, newest first.
pub async fn pending_page(
    conn: &mut AnyConnection,
    tenant_id: i64,
    now: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<RequestRow>, AppError> {
    Ok(sqlx::query_as(PENDING_PAGE_SQL)
        .bind(tenant_id)
        .bind(now)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

/// How many unexpired pending requests the tenant has, up to `cap`.
pub async fn count_pending(
    conn: &mut AnyConnection,
    tenant_id: i64,
    now: i64,
    cap: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM join_requests \
           WHERE tenant_id = $1 AND status = 'pending' AND expires_at > $2 LIMIT $3) capped",
    )
    .bind(tenant_id)
    .bind(now)
    .bind(cap)
    .fetch_one(conn)
    .await?)
}

/// Decides a pending, unexpired request; whether this call did (a second
/// manager deciding the same request at once finds it decided).
pub async fn decide(
    conn: &mut AnyConnection,
    id: i64,
    status: JoinRequestStatus,
    decided_by: i64,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE join_requests SET status = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND status = 'pending' AND expires_at > $3",
    )
    .bind(status.as_str())
    .bind(decided_by)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Requests the account filed since `since`, in any tenant (the per-person
/// cap).
pub async fn filed_by_since(
    conn: &mut AnyConnection,
    account_id: i64,
    since: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM join_requests WHERE account_id = $1 AND created_at > $2",
    )
    .bind(account_id)
    .bind(since)
    .fetch_one(conn)
    .await?)
}

/// Tenants whose managers have not heard of a pending request yet and
/// were last mailed before `mailed_before` (the hourly digest), at most
/// `limit`.
pub async fn tenants_due_digest(
    conn: &mut AnyConnection,
    now: i64,
    mailed_before: i64,
    limit: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(DUE_DIGEST_SQL)
        .bind(now)
        .bind(mailed_before)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Marks the tenant's managers as mailed at `now`, unless someone else
/// mailed them within the hour; whether this call may send the digest.
pub async fn claim_digest(
    conn: &mut AnyConnection,
    tenant_id: i64,
    now: i64,
    mailed_before: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE tenants SET requests_mailed_at = $1 \
         WHERE id = $2 AND COALESCE(requests_mailed_at, 0) <= $3",
    )
    .bind(now)
    .bind(tenant_id)
    .bind(mailed_before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
