//! Members: an account's record inside one tenant.

use sqlx::{AnyConnection, Row};

use crate::error::AppError;

/// A member with the account fields the APIs show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub id: i64,
    pub tenant_id: i64,
    pub account_id: i64,
    pub status: String,
    pub roles: Vec<String>,
    pub organisation_id: Option<i64>,
    pub meta: serde_json::Value,
    pub external_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const MEMBER_SELECT: &str = "SELECT m.id, m.tenant_id, m.account_id, m.status, m.roles, m.organisation_id, m.meta, \
     m.external_id, a.email, a.first_name, a.last_name, m.created_at, m.updated_at \
     FROM members m JOIN accounts a ON a.id = m.account_id";

fn member_from_row(r: &sqlx::any::AnyRow) -> MemberRow {
    MemberRow {
        id: r.get(0),
        tenant_id: r.get(1),
        account_id: r.get(2),
        status: r.get(3),
        roles: serde_json::from_str(&r.get::<String, _>(4)).unwrap_or_default(),
        organisation_id: r.get(5),
        meta: serde_json::from_str(&r.get::<String, _>(6))
            .unwrap_or_else(|_| serde_json::json!({})),
        external_id: r.get(7),
        email: r.get(8),
        first_name: r.get(9),
        last_name: r.get(10),
        created_at: r.get(11),
        updated_at: r.get(12),
    }
}

pub async fn find(conn: &mut AnyConnection, member_id: i64) -> Result<MemberRow, AppError> {
    let row = sqlx::query(&format!("{MEMBER_SELECT} WHERE m.id = $1"))
        .bind(member_id)
        .fetch_one(conn)
        .await?;
    Ok(member_from_row(&row))
}
