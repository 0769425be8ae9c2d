//! `invite_links`: shareable invitation links of a tenant (SPEC §9).

use sqlx::AnyConnection;

use super::RoleNames;
use crate::domain::{LinkMode, LinkStatus};
use crate::error::AppError;

/// A link as managers see it (never its code: only the hash is stored).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub tenant_id: i64,
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
    pub organisation_id: Option<i64>,
    pub max_uses: i64,
    pub uses: i64,
    pub expires_at: i64,
    pub allowed_domain: Option<String>,
    pub revoked_at: Option<i64>,
    pub created_at: i64,
    #[sqlx(try_from = "String")]
    pub mode: LinkMode,
}

impl LinkRow {
    /// `active`, `used_up`, `expired` or `revoked`, as of `now`.
    pub fn status(&self, now: i64) -> LinkStatus {
        if self.revoked_at.is_some() {
            LinkStatus::Revoked
        } else if self.expires_at <= now {
            LinkStatus::Expired
        } else if self.uses >= self.max_uses {
            LinkStatus::UsedUp
        } else {
            LinkStatus::Active
        }
    }
}

const LINK_COLUMNS: &str = "id, tenant_id, roles, organisation_id, max_uses, uses, expires_at, \
     allowed_domain, revoked_at, created_at, mode";

/// A new link.
pub struct NewLink<'a> {
    pub tenant_id: i64,
    pub code_hash: &'a str,
    pub roles: &'a RoleNames,
    pub organisation_id: Option<i64>,
    pub max_uses: i64,
    pub expires_at: i64,
    pub allowed_domain: Option<&'a str>,
    pub created_by: i64,
    pub mode: LinkMode,
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: NewLink<'_>,
    now: i64,
) -> Result<LinkRow, AppError> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO invite_links (tenant_id, code_hash, roles, organisation_id, max_uses, uses, \
           expires_at, allowed_domain, created_by, created_at, updated_at, mode) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $9, $10) RETURNING {LINK_COLUMNS}"
    ))
    .bind(new.tenant_id)
    .bind(new.code_hash)
    .bind(new.roles.to_json())
    .bind(new.organisation_id)
    .bind(new.max_uses)
    .bind(new.expires_at)
    .bind(new.allowed_domain)
    .bind(new.created_by)
    .bind(now)
    .bind(new.mode.as_str())
    .fetch_one(conn)
    .await?)
}

/// A page of the tenant's links, newest first (`invite_links_tenant_idx`);
/// `organisation > 0` keeps that organisation's only.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: i64,
    organisation: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<LinkRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINK_COLUMNS} FROM invite_links WHERE tenant_id = $1 \
           AND ($2 = 0 OR organisation_id = $2) ORDER BY id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(tenant_id)
    .bind(organisation)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}

/// How many links [`list`] pages through, counted up to `cap` + 1.
pub async fn count(
    conn: &mut AnyConnection,
    tenant_id: i64,
    organisation: i64,
    cap: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM invite_links WHERE tenant_id = $1 \
           AND ($2 = 0 OR organisation_id = $2) LIMIT $3) capped",
    )
    .bind(tenant_id)
    .bind(organisation)
    .bind(cap + 1)
    .fetch_one(conn)
    .await?)
}

/// The links `account_id` made in the tenant that people can still join
/// with (not revoked, not expired, not used up), at most 100.
pub async fn usable_made_by(
    conn: &mut AnyConnection,
    tenant_id: i64,
    account_id: i64,
    now: i64,
) -> Result<Vec<LinkRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINK_COLUMNS} FROM invite_links WHERE tenant_id = $1 AND created_by = $2 \
           AND revoked_at IS NULL AND expires_at > $3 AND uses < max_uses ORDER BY id LIMIT 100"
    ))
    .bind(tenant_id)
    .bind(account_id)
    .bind(now)
    .fetch_all(conn)
    .await?)
}

pub async fn find_in_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
) -> Result<Option<LinkRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINK_COLUMNS} FROM invite_links WHERE id = $1 AND tenant_id = $2"
    ))
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn find_by_code(
    conn: &mut AnyConnection,
    code_hash: &str,
) -> Result<Option<LinkRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINK_COLUMNS} FROM invite_links WHERE code_hash = $1"
    ))
    .bind(code_hash)
    .fetch_optional(conn)
    .await?)
}

pub async fn revoke(conn: &mut AnyConnection, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE invite_links SET revoked_at = $1, updated_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes one use of the link with `code_hash` if it is active: the one
/// statement that admits a joiner. On PostgreSQL concurrent takers wait
/// for the row and re-check `uses < max_uses` against the committed count;
/// SQLite's one writer takes them in turn. `None`: unknown, revoked,
/// expired or used up.
pub async fn take_use(
    conn: &mut AnyConnection,
    code_hash: &str,
    now: i64,
) -> Result<Option<LinkRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE invite_links SET uses = uses + 1, updated_at = $2 \
         WHERE code_hash = $1 AND mode = 'join' AND revoked_at IS NULL AND expires_at > $2 \
           AND uses < max_uses \
         RETURNING {LINK_COLUMNS}"
    ))
    .bind(code_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?)
}
