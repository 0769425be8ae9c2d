//! `tenants`: customer workspaces.

use sqlx::AnyConnection;

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

pub async fn count(conn: &mut AnyConnection) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
        .fetch_one(conn)
        .await?)
}

/// Locks the tenant's row until the transaction ends, so rules that count
/// before they write (the last manager) run one at a time per tenant. On
/// PostgreSQL the no-op UPDATE takes the row lock; on SQLite write
/// transactions already hold the database's one write lock.
pub async fn lock(conn: &mut AnyConnection, tenant_id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE tenants SET updated_at = updated_at WHERE id = $1")
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The tenant's seat limit, and whether the tenant exists.
pub async fn seat_limit(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<Option<i64>>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT seat_limit FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?,
    )
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

/// Seats used: the tenant's ACTIVE members.
pub async fn seats_used(conn: &mut AnyConnection, tenant_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM members WHERE tenant_id = $1 AND status = 'ACTIVE'",
    )
    .bind(tenant_id)
    .fetch_one(conn)
    .await?)
}

/// The tenant's pending, unexpired invitations: seats reserved, plus the
/// rare one whose email is an ACTIVE member again (re-enabled or joined by
/// a link while invited). Counted from `invites_tenant_pending_idx` alone;
/// a tenant holds at most one pending invitation per email
/// (`invites_one_pending_key`), so each email counts once.
pub async fn pending_invites(
    conn: &mut AnyConnection,
    tenant_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM invites WHERE tenant_id = $1 AND status = 'pending' AND expired_at > $2",
    )
    .bind(tenant_id)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Pending, unexpired invitations whose email is an ACTIVE member, found
/// by walking the invitations: costs a lookup per pending invitation.
pub const PENDING_INVITES_OF_MEMBERS_BY_INVITES_SQL: &str = "SELECT COUNT(*) FROM invites i \
     WHERE i.tenant_id = $1 AND i.status = 'pending' AND i.expired_at > $2 \
       AND EXISTS (SELECT 1 FROM accounts a \
                   JOIN members m ON m.account_id = a.id \
                   WHERE a.email = i.email AND m.tenant_id = $1 AND m.status = 'ACTIVE')";

pub async fn pending_invites_of_members_by_invites(
    conn: &mut AnyConnection,
    tenant_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar(PENDING_INVITES_OF_MEMBERS_BY_INVITES_SQL)
            .bind(tenant_id)
            .bind(now)
            .fetch_one(conn)
            .await?,
    )
}

/// The same count found by walking the ACTIVE members: costs a lookup per
/// member in `invites_one_pending_key`. The same answer as
/// [`pending_invites_of_members_by_invites`]; the caller walks the smaller side.
pub const PENDING_INVITES_OF_MEMBERS_BY_MEMBERS_SQL: &str = "SELECT COUNT(*) FROM members m \
     CROSS JOIN accounts a CROSS JOIN invites i \
     WHERE m.tenant_id = $1 AND m.status = 'ACTIVE' AND a.id = m.account_id \
       AND i.tenant_id = $1 AND i.email = a.email \
       AND i.status = 'pending' AND i.expired_at > $2";

pub async fn pending_invites_of_members_by_members(
    conn: &mut AnyConnection,
    tenant_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar(PENDING_INVITES_OF_MEMBERS_BY_MEMBERS_SQL)
            .bind(tenant_id)
            .bind(now)
            .fetch_one(conn)
            .await?,
    )
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
