//! Which tenant a row belongs to, for the kinds of row a REST path names
//! by id alone (`/api/v1/members/{id}` …): one query per kind, on the
//! primary key.

use sqlx::AnyConnection;

use crate::error::AppError;

/// A kind of row a path id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owned {
    Invite,
    Member,
    Webhook,
    InviteLink,
    Domain,
    ScimToken,
    SsoConnection,
    JoinRequest,
}

impl Owned {
    fn sql(self) -> &'static str {
        match self {
            Owned::Invite => "SELECT tenant_id FROM invites WHERE id = $1",
            Owned::Member => "SELECT tenant_id FROM members WHERE id = $1",
            Owned::Webhook => "SELECT tenant_id FROM webhook_endpoints WHERE id = $1",
            Owned::InviteLink => "SELECT tenant_id FROM invite_links WHERE id = $1",
            Owned::Domain => "SELECT tenant_id FROM tenant_domains WHERE id = $1",
            Owned::ScimToken => "SELECT tenant_id FROM scim_tokens WHERE id = $1",
            Owned::SsoConnection => "SELECT tenant_id FROM sso_connections WHERE id = $1",
            Owned::JoinRequest => "SELECT tenant_id FROM join_requests WHERE id = $1",
        }
    }
}

/// The tenant of row `id` of kind `what`, if it exists.
pub async fn owner_of(
    conn: &mut AnyConnection,
    what: Owned,
    id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(what.sql())
        .bind(id)
        .fetch_optional(conn)
        .await?)
}
