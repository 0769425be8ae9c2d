//! `tenant_domains`: a tenant's verified email domains and their join
//! policy (SPEC §9).

use sqlx::AnyConnection;

use super::RoleNames;
use crate::domain::JoinPolicy;
use crate::error::AppError;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DomainRow {
    pub id: i64,
    pub tenant_id: i64,
    pub domain: String,
    #[sqlx(try_from = "String")]
    pub join_policy: JoinPolicy,
    #[sqlx(try_from = "String")]
    pub join_roles: RoleNames,
    /// The token of the TXT record that proves the domain.
    pub verification_token: Option<String>,
    /// When the TXT record was found; `None`: not proven.
    pub verified_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, tenant_id, domain, join_policy, join_roles, verification_token, \
     verified_at, created_at, updated_at";

/// Adds `domain` to the tenant; `None` when the tenant has it already.
pub async fn insert(
    conn: &mut AnyConnection,
    tenant_id: i64,
    domain: &str,
    join_roles: &RoleNames,
    added_by: i64,
    verification_token: &str,
    now: i64,
) -> Result<Option<DomainRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO tenant_domains (tenant_id, domain, join_policy, join_roles, added_by, \
           verification_token, created_at, updated_at) \
         VALUES ($1, $2, 'off', $3, $4, $6, $5, $5) ON CONFLICT (tenant_id, domain) DO NOTHING \
         RETURNING {COLUMNS}"
    ))
    .bind(tenant_id)
    .bind(domain)
    .bind(join_roles.to_json())
    .bind(added_by)
    .bind(now)
    .bind(verification_token)
    .fetch_optional(conn)
    .await?)
}

/// The tenant's domains, alphabetically (a tenant has a handful).
pub async fn list(conn: &mut AnyConnection, tenant_id: i64) -> Result<Vec<DomainRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM tenant_domains WHERE tenant_id = $1 ORDER BY domain LIMIT 1000"
    ))
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<DomainRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM tenant_domains WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    join_policy: JoinPolicy,
    join_roles: &RoleNames,
    now: i64,
) -> Result<DomainRow, AppError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE tenant_domains SET join_policy = $1, join_roles = $2, updated_at = $3 WHERE id = $4 \
         RETURNING {COLUMNS}"
    ))
    .bind(join_policy.as_str())
    .bind(join_roles.to_json())
    .bind(now)
    .bind(id)
    .fetch_one(conn)
    .await?)
}

/// Marks the domain proven, unless another tenant proved it first (the
/// unique index on proven domains): `None` then.
pub async fn mark_verified(
    conn: &mut AnyConnection,
    id: i64,
    now: i64,
) -> Result<Option<DomainRow>, AppError> {
    let updated = sqlx::query_as(&format!(
        "UPDATE tenant_domains SET verified_at = $1, updated_at = $1 WHERE id = $2 RETURNING {COLUMNS}"
    ))
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await;
    match updated {
        Ok(row) => Ok(row),
        Err(e) => match AppError::from(e) {
            AppError::Conflict(_) => Ok(None),
            other => Err(other),
        },
    }
}

/// The tenant that proved `domain`, if one did.
pub async fn proven_by(conn: &mut AnyConnection, domain: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT tenant_id FROM tenant_domains WHERE domain = $1 AND verified_at IS NOT NULL",
    )
    .bind(domain)
    .fetch_optional(conn)
    .await?)
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM tenant_domains WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A tenant someone at an email domain may join by itself.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JoinableRow {
    pub domain_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    #[sqlx(try_from = "String")]
    pub join_roles: RoleNames,
    #[sqlx(try_from = "String")]
    pub join_policy: JoinPolicy,
    /// The account's pending, unexpired join requests there (0 or 1).
    pub requested: i64,
}

/// Tenants with `domain` on auto-join or join requests where `account_id` has no
/// membership (an ACTIVE, DISABLED or DELETED one all count: a manager
/// who removed or disabled someone decided about them). Served by
/// `tenant_domains_domain_idx` and the members' (tenant, account) key.
pub const JOINABLE_SQL: &str = "SELECT d.id AS domain_id, d.tenant_id, t.name AS tenant_name, d.join_roles, \
       d.join_policy, (SELECT COUNT(*) FROM join_requests r WHERE r.tenant_id = d.tenant_id \
         AND r.account_id = $2 AND r.status = 'pending' AND r.expires_at > $3) AS requested \
     FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id \
     WHERE d.domain = $1 AND d.join_policy IN ('auto', 'request') AND d.verified_at IS NOT NULL \
       AND NOT EXISTS (SELECT 1 FROM members m WHERE m.tenant_id = d.tenant_id AND m.account_id = $2) \
       AND NOT EXISTS (SELECT 1 FROM accounts me JOIN accounts a ON a.mailbox = me.mailbox \
         JOIN members m ON m.account_id = a.id AND m.tenant_id = d.tenant_id \
         WHERE me.id = $2 AND m.status IN ('DELETED', 'DISABLED')) \
     ORDER BY t.name LIMIT 100";

pub async fn joinable(
    conn: &mut AnyConnection,
    domain: &str,
    account_id: i64,
    now: i64,
) -> Result<Vec<JoinableRow>, AppError> {
    Ok(sqlx::query_as(JOINABLE_SQL)
        .bind(domain)
        .bind(account_id)
        .bind(now)
        .fetch_all(conn)
        .await?)
}
