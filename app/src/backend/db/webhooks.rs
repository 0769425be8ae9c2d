//! `webhook_endpoints` and `webhook_deliveries`: where a tenant's events go,
//! and each event's way to each endpoint (an outbox, like `outbox_mail`).

use sqlx::AnyConnection;

use super::exec::Exec;
use crate::domain::DeliveryStatus;
use crate::dto::{DeliveryInfo, WebhookInfo};
use crate::error::AppError;

/// Queues one delivery of an event to every enabled endpoint of the tenant
/// that takes `event_type` (`events` is `''` for all, else `,a,b,`). The
/// pattern is built in the statement, not bound: SQLite prepares a
/// statement whose `LIKE` has a bound pattern again every time it is run
/// (to plan for the pattern), and every write that emits an event runs
/// this one (~7 % of an invitation's CPU went to that).
pub const QUEUE_EVENT_SQL: &str = "INSERT INTO webhook_deliveries \
       (endpoint_id, message_id, event_type, payload, status, attempts, next_attempt_at, created_at) \
     SELECT id, $1, $2, $3, 'pending', 0, $4, $4 FROM webhook_endpoints \
     WHERE tenant_id = $5 AND disabled_at IS NULL AND (events = '' OR events LIKE '%,' || $2 || ',%')";

pub async fn queue_event(
    conn: &mut impl Exec,
    tenant_id: i64,
    event_type: &str,
    payload: &str,
    message_id: &str,
    now: i64,
) -> Result<(), AppError> {
    conn.execute(
        QUEUE_EVENT_SQL,
        &[
            message_id.into(),
            event_type.into(),
            payload.into(),
            now.into(),
            tenant_id.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The `events` column for a list of event types ('' = all).
pub fn events_column(events: &[String]) -> String {
    if events.is_empty() {
        String::new()
    } else {
        format!(",{},", events.join(","))
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EndpointRow {
    pub id: i64,
    pub tenant_id: i64,
    pub url: String,
    pub description: String,
    pub events: String,
    pub disabled_at: Option<i64>,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<EndpointRow> for WebhookInfo {
    fn from(r: EndpointRow) -> Self {
        WebhookInfo {
            id: r.id,
            tenant_id: r.tenant_id,
            url: r.url,
            description: r.description,
            events: r
                .events
                .split(',')
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            enabled: r.disabled_at.is_none(),
            disabled_reason: r.disabled_reason,
            failing_since: r.failing_since,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const ENDPOINT_COLUMNS: &str = "id, tenant_id, url, description, events, disabled_at, disabled_reason, failing_since, created_at, updated_at";

/// The endpoints `account_id` registered in the tenant: (id, URL).
pub async fn made_by(
    conn: &mut AnyConnection,
    tenant_id: i64,
    account_id: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, url FROM webhook_endpoints WHERE tenant_id = $1 AND created_by = $2 ORDER BY id",
    )
    .bind(tenant_id)
    .bind(account_id)
    .fetch_all(conn)
    .await?)
}

pub async fn count_in_tenant(conn: &mut AnyConnection, tenant_id: i64) -> Result<i64, AppError> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM webhook_endpoints WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(conn)
            .await?;
    Ok(n)
}

/// A new endpoint's fields.
pub struct NewEndpoint<'a> {
    pub tenant_id: i64,
    pub url: &'a str,
    pub description: &'a str,
    pub events: &'a str,
    pub secret: &'a str,
    pub created_by: i64,
}

pub async fn insert(
    conn: &mut AnyConnection,
    e: NewEndpoint<'_>,
    now: i64,
) -> Result<EndpointRow, AppError> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO webhook_endpoints (tenant_id, url, description, events, secret, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {ENDPOINT_COLUMNS}"
    ))
    .bind(e.tenant_id)
    .bind(e.url)
    .bind(e.description)
    .bind(e.events)
    .bind(e.secret)
    .bind(e.created_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The tenant's endpoints, oldest first (a tenant has a few).
pub async fn list(conn: &mut AnyConnection, tenant_id: i64) -> Result<Vec<EndpointRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY id"
    ))
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

/// An endpoint of `tenant_id`; another tenant's is not found.
pub async fn find_in_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
) -> Result<Option<EndpointRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2"
    ))
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

/// Writes an endpoint's editable fields (merged by the caller). Enabling
/// clears the failure record; disabling keeps it.
pub async fn update(
    conn: &mut AnyConnection,
    row: &EndpointRow,
    now: i64,
) -> Result<EndpointRow, AppError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE webhook_endpoints SET url = $1, description = $2, events = $3, disabled_at = $4, \
         disabled_reason = $5, failing_since = $6, updated_at = $7 WHERE id = $8 RETURNING {ENDPOINT_COLUMNS}"
    ))
    .bind(&row.url)
    .bind(&row.description)
    .bind(&row.events)
    .bind(row.disabled_at)
    .bind(row.disabled_reason.as_deref())
    .bind(row.failing_since)
    .bind(now)
    .bind(row.id)
    .fetch_one(conn)
    .await?)
}

/// Deletes an endpoint and, with it, its deliveries.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub endpoint_id: i64,
    pub message_id: String,
    pub event_type: String,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub response_code: Option<i64>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<i64>,
    pub next_attempt_at: i64,
    pub delivered_at: Option<i64>,
    pub created_at: i64,
}

impl From<DeliveryRow> for DeliveryInfo {
    fn from(r: DeliveryRow) -> Self {
        DeliveryInfo {
            id: r.id,
            endpoint_id: r.endpoint_id,
            message_id: r.message_id,
            event_type: r.event_type,
            next_attempt_at: (r.status == DeliveryStatus::Pending).then_some(r.next_attempt_at),
            status: r.status,
            attempts: r.attempts,
            response_code: r.response_code,
            last_error: r.last_error,
            last_attempt_at: r.last_attempt_at,
            delivered_at: r.delivered_at,
            created_at: r.created_at,
        }
    }
}

const DELIVERY_COLUMNS: &str = "id, endpoint_id, message_id, event_type, status, attempts, response_code, last_error, last_attempt_at, next_attempt_at, delivered_at, created_at";

/// An endpoint's deliveries, newest first (`webhook_deliveries_endpoint_idx`).
pub async fn list_deliveries(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DeliveryRow>, i64), AppError> {
    let rows = sqlx::query_as(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(endpoint_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let total = match super::page_total(rows.len(), limit, offset) {
        Some(total) => total,
        None => {
            sqlx::query_scalar(COUNT_DELIVERIES_SQL)
                .bind(endpoint_id)
                .fetch_one(conn)
                .await?
        }
    };
    Ok((rows, total))
}

/// Counts up to `members::COUNT_CAP` + 1 deliveries: a log of a million
/// costs no more than one of ten thousand.
pub const COUNT_DELIVERIES_SQL: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM webhook_deliveries \
     WHERE endpoint_id = $1 LIMIT 10001) capped";

/// Deletes up to `$2` finished (delivered or failed) deliveries created
/// before `$1`, oldest first, through `webhook_deliveries_finished_idx`.
pub const PRUNE_SQL: &str = "DELETE FROM webhook_deliveries WHERE id IN \
     (SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2)";

pub async fn prune_finished(
    conn: &mut AnyConnection,
    before: i64,
    batch: i64,
) -> Result<u64, AppError> {
    Ok(sqlx::query(PRUNE_SQL)
        .bind(before)
        .bind(batch)
        .execute(conn)
        .await?
        .rows_affected())
}

/// Makes a delivery due now (again), unless a worker holds it this moment.
/// A failed one gets a fresh round of attempts. Returns it when it was.
pub async fn retry(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    id: i64,
    now: i64,
) -> Result<Option<DeliveryRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1 \
         WHERE id = $2 AND endpoint_id = $3 AND (locked_until IS NULL OR locked_until < $1) \
         RETURNING {DELIVERY_COLUMNS}"
    ))
    .bind(now)
    .bind(id)
    .bind(endpoint_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn delivery_exists(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    id: i64,
) -> Result<bool, AppError> {
    Ok(
        sqlx::query("SELECT id FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2")
            .bind(id)
            .bind(endpoint_id)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// A delivery claimed by a worker, with where it goes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub message_id: String,
    pub event_type: String,
    pub payload: String,
    pub attempts: i64,
}

/// An enabled endpoint with deliveries due now, and how many of its
/// deliveries are being attempted (leased) at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct DueEndpoint {
    pub endpoint_id: i64,
    pub tenant_id: i64,
    pub busy: i64,
}

/// Enabled endpoints with due, unleased deliveries, the tenants after
/// `$2` first (the worker's round-robin cursor), at most `$3`. One probe of
/// `webhook_deliveries_endpoint_due_idx` per enabled endpoint, and a count
/// of its leases through `webhook_deliveries_leased_idx`: the cost follows
/// the number of endpoints, never the backlog.
pub const DUE_ENDPOINTS_SQL: &str = "SELECT e.id AS endpoint_id, e.tenant_id, \
       (SELECT COUNT(*) FROM webhook_deliveries b WHERE b.endpoint_id = e.id \
          AND b.status = 'pending' AND b.locked_until IS NOT NULL AND b.locked_until >= $1) AS busy \
     FROM webhook_endpoints e \
     WHERE e.disabled_at IS NULL AND EXISTS (SELECT 1 FROM webhook_deliveries d \
       WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= $1 \
         AND (d.locked_until IS NULL OR d.locked_until < $1)) \
     ORDER BY CASE WHEN e.tenant_id > $2 THEN 0 ELSE 1 END, e.tenant_id, e.id LIMIT $3";

pub async fn due_endpoints(
    conn: &mut AnyConnection,
    now: i64,
    after_tenant: i64,
    limit: i64,
) -> Result<Vec<DueEndpoint>, AppError> {
    Ok(sqlx::query_as(DUE_ENDPOINTS_SQL)
        .bind(now)
        .bind(after_tenant)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// The endpoint's deliveries being attempted now (leased), with the
/// endpoint's row locked (PostgreSQL) so that instances claiming for it at
/// once count one after the other. Run in a transaction.
pub async fn lock_and_count_busy(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    sqlx::query("UPDATE webhook_endpoints SET updated_at = updated_at WHERE id = $1")
        .bind(endpoint_id)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = $1 \
         AND status = 'pending' AND locked_until IS NOT NULL AND locked_until >= $2",
    )
    .bind(endpoint_id)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Claims up to `$4` due deliveries of endpoint `$3` (oldest first) until
/// `lease_until` (`$1`): only the claiming instance attempts them until
/// then. The due ones are found through
/// `webhook_deliveries_endpoint_due_idx`; the claim then touches only
/// those rows, by primary key. Every way out of `pending` (an attempt
/// recorded, the endpoint deleted) changes the attempt count or removes
/// the row, and another claim changes the lease: the outer condition
/// re-checks both instead of `status`, which would let PostgreSQL's generic
/// plan walk every pending delivery once per claimed one.
pub const CLAIM_SQL: &str = "UPDATE webhook_deliveries SET locked_until = $1 \
     FROM (SELECT d.id AS due_id, d.attempts AS due_attempts \
           FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
           WHERE d.endpoint_id = $3 AND d.status = 'pending' AND d.next_attempt_at <= $2 \
             AND (d.locked_until IS NULL OR d.locked_until < $2) AND e.disabled_at IS NULL \
           ORDER BY d.next_attempt_at LIMIT $4) AS due \
     WHERE id = due.due_id AND attempts = due.due_attempts \
       AND (locked_until IS NULL OR locked_until < $2) \
     RETURNING id, endpoint_id, message_id, event_type, payload, attempts";

pub async fn claim_due(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    now: i64,
    lease_until: i64,
    max: i64,
) -> Result<Vec<ClaimedDelivery>, AppError> {
    Ok(sqlx::query_as(CLAIM_SQL)
        .bind(lease_until)
        .bind(now)
        .bind(endpoint_id)
        .bind(max)
        .fetch_all(conn)
        .await?)
}

/// Where an endpoint's deliveries go and how they are signed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EndpointTarget {
    pub id: i64,
    pub tenant_id: i64,
    pub url: String,
    pub secret: String,
}

pub async fn target(conn: &mut AnyConnection, id: i64) -> Result<Option<EndpointTarget>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, tenant_id, url, secret FROM webhook_endpoints WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// What one attempt came to.
pub struct AttemptResult<'a> {
    pub response_code: Option<i64>,
    /// `None`: delivered.
    pub error: Option<&'a str>,
    /// The next attempt, or `None` when none is left (failed for good).
    pub next_attempt_at: Option<i64>,
}

/// Records an attempt of a delivery the caller holds (lease `lease_until`);
/// a success also ends the endpoint's run of failures, a failure starts one.
/// Run it in a transaction, so that nobody sees the delivery's new status
/// without the endpoint's.
pub async fn record_attempt(
    conn: &mut AnyConnection,
    delivery: &ClaimedDelivery,
    lease_until: i64,
    result: AttemptResult<'_>,
    now: i64,
) -> Result<(), AppError> {
    let status = match (result.error, result.next_attempt_at) {
        (None, _) => DeliveryStatus::Delivered,
        (Some(_), Some(_)) => DeliveryStatus::Pending,
        (Some(_), None) => DeliveryStatus::Failed,
    };
    let recorded = sqlx::query(
        "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, locked_until = NULL, \
         response_code = $2, last_error = $3, last_attempt_at = $4, next_attempt_at = $5, \
         delivered_at = CASE WHEN $1 = 'delivered' THEN $4 ELSE delivered_at END \
         WHERE id = $6 AND locked_until = $7",
    )
    .bind(status.as_str())
    .bind(result.response_code)
    .bind(result.error)
    .bind(now)
    .bind(result.next_attempt_at.unwrap_or(now))
    .bind(delivery.id)
    .bind(lease_until)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if recorded == 0 {
        // The lease ran out and another worker holds the delivery now: its
        // attempt, not this one, speaks for the endpoint.
        return Ok(());
    }
    if result.error.is_none() {
        sqlx::query(
            "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL",
        )
        .bind(delivery.endpoint_id)
        .execute(conn)
        .await?;
    } else {
        sqlx::query(
            "UPDATE webhook_endpoints SET failing_since = $2 WHERE id = $1 AND failing_since IS NULL",
        )
        .bind(delivery.endpoint_id)
        .bind(now)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Disables an endpoint that has failed since before `cutoff`; returns its
/// tenant and URL when this call disabled it (once, whichever instance).
pub async fn disable_if_failing_since(
    conn: &mut AnyConnection,
    id: i64,
    cutoff: i64,
    now: i64,
) -> Result<Option<(i64, String)>, AppError> {
    Ok(sqlx::query_as(
        "UPDATE webhook_endpoints SET disabled_at = $1, disabled_reason = 'failing', updated_at = $1 \
         WHERE id = $2 AND disabled_at IS NULL AND failing_since IS NOT NULL AND failing_since <= $3 \
         RETURNING tenant_id, url",
    )
    .bind(now)
    .bind(id)
    .bind(cutoff)
    .fetch_optional(conn)
    .await?)
}
