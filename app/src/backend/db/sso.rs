//! `sso_connections` and `sso_domains`: a tenant's identity providers and
//! the domains whose people they sign in (SPEC §11).

use sqlx::AnyConnection;

use super::RoleNames;
use crate::error::AppError;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SsoConnectionRow {
    pub id: i64,
    pub tenant_id: i64,
    pub kind: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_enc: String,
    #[sqlx(try_from = "String")]
    pub join_roles: RoleNames,
    pub required: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, tenant_id, kind, issuer, client_id, client_secret_enc, join_roles, required, created_at, updated_at";

/// The columns a manager sets.
pub struct ConnectionFields<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub client_secret_enc: &'a str,
    pub join_roles: &'a RoleNames,
    pub required: bool,
}

pub async fn insert(
    conn: &mut AnyConnection,
    tenant_id: i64,
    fields: &ConnectionFields<'_>,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sso_connections (tenant_id, kind, issuer, client_id, client_secret_enc, \
         join_roles, required, created_at, updated_at) \
         VALUES ($1, 'oidc', $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(tenant_id)
    .bind(fields.issuer)
    .bind(fields.client_id)
    .bind(fields.client_secret_enc)
    .bind(fields.join_roles.to_json())
    .bind(i64::from(fields.required))
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    fields: &ConnectionFields<'_>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE sso_connections SET issuer = $1, client_id = $2, client_secret_enc = $3, \
         join_roles = $4, required = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(fields.issuer)
    .bind(fields.client_id)
    .bind(fields.client_secret_enc)
    .bind(fields.join_roles.to_json())
    .bind(i64::from(fields.required))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sso_domains WHERE connection_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sso_connections WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<SsoConnectionRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sso_connections WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<SsoConnectionRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sso_connections WHERE tenant_id = $1 ORDER BY id"
    ))
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

/// The connection that signs in the people of `domain`.
pub async fn for_domain(
    conn: &mut AnyConnection,
    domain: &str,
) -> Result<Option<SsoConnectionRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM sso_domains d JOIN sso_connections c ON c.id = d.connection_id WHERE d.domain = $1",
        COLUMNS
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(domain)
    .fetch_optional(conn)
    .await?)
}

pub async fn domains(
    conn: &mut AnyConnection,
    connection_id: i64,
) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT domain FROM sso_domains WHERE connection_id = $1 ORDER BY domain",
    )
    .bind(connection_id)
    .fetch_all(conn)
    .await?)
}

/// Makes `domains` the connection's; a domain another connection has is a
/// `Conflict`.
pub async fn set_domains(
    conn: &mut AnyConnection,
    connection_id: i64,
    domains: &[String],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sso_domains WHERE connection_id = $1")
        .bind(connection_id)
        .execute(&mut *conn)
        .await?;
    for d in domains {
        sqlx::query("INSERT INTO sso_domains (domain, connection_id) VALUES ($1, $2)")
            .bind(d)
            .bind(connection_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
