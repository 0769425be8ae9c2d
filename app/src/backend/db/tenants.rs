//! `tenants`: customer workspaces.

use sqlx::AnyConnection;

use super::exec::{Exec, Row};
use crate::error::AppError;

pub async fn insert(conn: &mut AnyConnection, name: &str, now: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tenants (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
    )
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A tenant row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantRow {
    pub id: i64,
    pub name: String,
    /// `None`: no seat limit.
    pub seat_limit: Option<i64>,
    /// The owner (SPEC §12); `None` only for a tenant left without an
    /// ACTIVE manager before owners existed.
    pub owner_member_id: Option<i64>,
    /// The default language of its invitations (SPEC §12), if set.
    pub default_locale: Option<String>,
    pub created_at: i64,
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<TenantRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name, seat_limit, owner_member_id, default_locale, created_at FROM tenants WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The tenant's owner (SPEC §12).
pub async fn owner(conn: &mut AnyConnection, tenant_id: i64) -> Result<Option<i64>, AppError> {
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT owner_member_id FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

pub async fn set_owner(
    conn: &mut AnyConnection,
    tenant_id: i64,
    member_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE tenants SET owner_member_id = $1, updated_at = $2 WHERE id = $3")
        .bind(member_id)
        .bind(now)
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Locks the tenant's row until the transaction ends, so rules that count
/// before they write (the last manager) run one at a time per tenant. On
/// PostgreSQL the no-op UPDATE takes the row lock; on SQLite write
/// transactions already hold the database's one write lock.
pub async fn lock(conn: &mut impl Exec, tenant_id: i64) -> Result<(), AppError> {
    conn.execute(
        "UPDATE tenants SET updated_at = updated_at WHERE id = $1",
        &[tenant_id.into()],
    )
    .await?;
    Ok(())
}

/// The tenant's seat limit, and whether the tenant exists.
pub async fn seat_limit(
    conn: &mut impl Exec,
    tenant_id: i64,
) -> Result<Option<Option<i64>>, AppError> {
    Ok(conn
        .fetch_optional(
            "SELECT seat_limit FROM tenants WHERE id = $1",
            &[tenant_id.into()],
            |r| r.opt_int(0),
        )
        .await?)
}

pub async fn set_seat_limit(
    conn: &mut AnyConnection,
    tenant_id: i64,
    seat_limit: Option<i64>,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE tenants SET seat_limit = $1, updated_at = $2 WHERE id = $3")
        .bind(seat_limit)
        .bind(now)
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The tenant's counters, kept by triggers (migrations 20261208000001 and
/// 20261210000001) in `tenant_counters`: each is the sum of the tenant's
/// stripes, at most 16 rows read through the primary key at any size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// ACTIVE members: seats used.
    pub active_members: i64,
    /// Members that are not DELETED: the member list's total.
    pub listed_members: i64,
    /// Every invitation: the invitation list's total.
    pub all_invites: i64,
    /// Invitations with status `pending`, including those past their
    /// expiry that the sweep has not marked yet.
    pub pending_invites: i64,
    /// Of those, the ones whose email is an ACTIVE member's.
    pub pending_invites_of_members: i64,
}

impl Counters {
    /// Columns in the order of the struct's fields.
    fn decode(r: &dyn Row) -> Result<Self, sqlx::Error> {
        Ok(Counters {
            active_members: r.int(0)?,
            listed_members: r.int(1)?,
            all_invites: r.int(2)?,
            pending_invites: r.int(3)?,
            pending_invites_of_members: r.int(4)?,
        })
    }
}

/// A tenant's counter `column`: the sum of its stripes (NULL when it has
/// none), for a subquery where `tenant` is the tenant's id.
pub fn counter_sum(column: &str, tenant: &str) -> String {
    format!(
        "(SELECT CAST(SUM(c.{column}) AS BIGINT) FROM tenant_counters c WHERE c.tenant_id = {tenant})"
    )
}

/// The tenant's counters (`$1`): one row when the tenant exists.
pub fn counters_sql() -> String {
    let sum = |column| format!("CAST(COALESCE(SUM(c.{column}), 0) AS BIGINT) AS {column}");
    format!(
        "SELECT {}, {}, {}, {}, {} FROM tenants t LEFT JOIN tenant_counters c ON c.tenant_id = t.id \
         WHERE t.id = $1 GROUP BY t.id",
        sum("active_members"),
        sum("listed_members"),
        sum("all_invites"),
        sum("pending_invites"),
        sum("pending_invites_of_members"),
    )
}

/// The tenant's counters; `None` when there is no such tenant.
pub async fn counters(conn: &mut impl Exec, tenant_id: i64) -> Result<Option<Counters>, AppError> {
    Ok(conn
        .fetch_optional(&counters_sql(), &[tenant_id.into()], Counters::decode)
        .await?)
}

/// Pending invitations past their expiry, not yet marked by the sweep,
/// whose email is not an ACTIVE member's: they are in
/// `pending_invites - pending_invites_of_members` but reserve nothing.
/// Walks `invites_tenant_pending_idx` over the expired end only, which the
/// minute's sweep keeps short.
pub const STALE_PENDING_SQL: &str = "SELECT COUNT(*) FROM invites i \
     WHERE i.tenant_id = $1 AND i.status = 'pending' AND i.expired_at <= $2 \
       AND NOT EXISTS (SELECT 1 FROM accounts a \
                       JOIN members m ON m.account_id = a.id \
                       WHERE a.email = i.email AND m.tenant_id = $1 AND m.status = 'ACTIVE')";

pub async fn stale_pending(
    conn: &mut impl Exec,
    tenant_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    Ok(conn
        .fetch_one(STALE_PENDING_SQL, &[tenant_id.into(), now.into()], |r| {
            r.int(0)
        })
        .await?)
}

/// The counters recomputed from the rows: what the triggers should have
/// kept. Walks every member and invitation of the tenant (the repair job
/// and the consistency test).
pub const RECOUNT_SQL: &str = "SELECT \
     (SELECT COUNT(*) FROM members m WHERE m.tenant_id = $1 AND m.status = 'ACTIVE') AS active_members, \
     (SELECT COUNT(*) FROM members m WHERE m.tenant_id = $1 AND m.status <> 'DELETED') AS listed_members, \
     (SELECT COUNT(*) FROM invites i WHERE i.tenant_id = $1) AS all_invites, \
     (SELECT COUNT(*) FROM invites i WHERE i.tenant_id = $1 AND i.status = 'pending') AS pending_invites, \
     (SELECT COUNT(*) FROM invites i JOIN accounts a ON a.email = i.email \
        JOIN members m ON m.account_id = a.id AND m.tenant_id = i.tenant_id AND m.status = 'ACTIVE' \
        WHERE i.tenant_id = $1 AND i.status = 'pending') AS pending_invites_of_members";

pub async fn recount(conn: &mut impl Exec, tenant_id: i64) -> Result<Counters, AppError> {
    Ok(conn
        .fetch_one(RECOUNT_SQL, &[tenant_id.into()], Counters::decode)
        .await?)
}

/// Overwrites the tenant's counters with one stripe (the repair job, under
/// [`lock_counters`]).
pub async fn set_counters(
    conn: &mut AnyConnection,
    tenant_id: i64,
    c: &Counters,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM tenant_counters WHERE tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO tenant_counters (tenant_id, stripe, active_members, listed_members, all_invites, \
         pending_invites, pending_invites_of_members) VALUES ($1, 0, $2, $3, $4, $5, $6)",
    )
    .bind(tenant_id)
    .bind(c.active_members)
    .bind(c.listed_members)
    .bind(c.all_invites)
    .bind(c.pending_invites)
    .bind(c.pending_invites_of_members)
    .execute(conn)
    .await?;
    Ok(())
}

/// Holds off every change to the tenant's counters until the transaction
/// ends (the repair). On PostgreSQL the counting triggers take FOR KEY
/// SHARE on the tenant's row, which FOR UPDATE waits for and excludes (the
/// seat check's [`lock`] does not: it must not wait for every invitation in
/// flight); on SQLite the write transaction already excludes every writer.
pub async fn lock_counters(conn: &mut AnyConnection, tenant_id: i64) -> Result<(), AppError> {
    if conn.backend_name() != "PostgreSQL" {
        return lock(conn, tenant_id).await;
    }
    sqlx::query("SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE")
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Up to `limit` tenant ids after `after`, in id order (the repair job's walk).
pub async fn ids_after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM tenants WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(conn)
            .await?,
    )
}

/// The instance's figures: tenants, accounts (counters) and pending
/// invitations (the sum of the tenants' counters: at most 16 rows per
/// tenant, not one per invitation).
pub async fn instance_counts(conn: &mut AnyConnection) -> Result<(i64, i64, i64), AppError> {
    let (tenants, accounts): (i64, i64) =
        sqlx::query_as("SELECT tenants, accounts FROM instance_counts WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    let pending: Option<i64> =
        sqlx::query_scalar("SELECT CAST(SUM(pending_invites) AS BIGINT) FROM tenant_counters")
            .fetch_one(conn)
            .await?;
    Ok((tenants, accounts, pending.unwrap_or(0)))
}

/// The tenant's default language for invitations, if set.
pub async fn default_locale(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT default_locale FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

/// Sets (or, with `None`, clears) the tenant's default language.
pub async fn set_default_locale(
    conn: &mut AnyConnection,
    tenant_id: i64,
    locale: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE tenants SET default_locale = $1, updated_at = $2 WHERE id = $3")
        .bind(locale)
        .bind(now)
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}
