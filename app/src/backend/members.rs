//! Members: an account's record inside one tenant. The one query that
//! reads a member with its account and organisation, shared by the pages,
//! the services and REST.

use sqlx::{AnyConnection, Row};

use crate::dto::MemberInfo;
use crate::error::AppError;

/// Members with their account and organisation; callers add the WHERE.
pub const MEMBER_SELECT: &str = "SELECT m.id, m.tenant_id, m.account_id, a.email, a.first_name, a.last_name, m.roles, \
     m.organisation_id, o.name, m.status, m.external_id, m.meta, m.created_at, m.updated_at \
     FROM members m JOIN accounts a ON a.id = m.account_id \
     LEFT JOIN organisations o ON o.id = m.organisation_id";

/// A row of [`MEMBER_SELECT`].
pub fn member_from_row(r: &sqlx::any::AnyRow) -> MemberInfo {
    MemberInfo {
        id: r.get(0),
        tenant_id: r.get(1),
        account_id: r.get(2),
        email: r.get(3),
        first_name: r.get(4),
        last_name: r.get(5),
        roles: serde_json::from_str(&r.get::<String, _>(6)).unwrap_or_default(),
        organisation_id: r.get(7),
        organisation_name: r.get(8),
        status: r.get(9),
        external_id: r.get(10),
        meta: serde_json::from_str(&r.get::<String, _>(11))
            .unwrap_or_else(|_| serde_json::json!({})),
        created_at: r.get(12),
        updated_at: r.get(13),
    }
}

pub async fn find(conn: &mut AnyConnection, member_id: i64) -> Result<MemberInfo, AppError> {
    let row = sqlx::query(&format!("{MEMBER_SELECT} WHERE m.id = $1"))
        .bind(member_id)
        .fetch_one(conn)
        .await?;
    Ok(member_from_row(&row))
}

/// A member of `tenant_id`; another tenant's member is not found.
pub async fn find_in_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
    member_id: i64,
) -> Result<MemberInfo, AppError> {
    let row = sqlx::query(&format!(
        "{MEMBER_SELECT} WHERE m.tenant_id = $1 AND m.id = $2"
    ))
    .bind(tenant_id)
    .bind(member_id)
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(member_from_row(&row))
}
