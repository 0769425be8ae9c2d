//! `organisations` and `projects`: the two named collections of a tenant,
//! with the same columns and the same statements.

use sqlx::AnyConnection;

use super::exec::Exec;
use crate::error::AppError;

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Organisations,
    Projects,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Organisations => "organisations",
            Table::Projects => "projects",
        }
    }
}

/// An item with the number of members in it (organisations; 0 for projects).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NamedRow {
    pub id: i64,
    pub name: String,
    pub members: i64,
}

/// The tenant's items by name; `only` (0: all) keeps one organisation.
pub async fn list(
    conn: &mut AnyConnection,
    table: Table,
    tenant_id: i64,
    only: i64,
) -> Result<Vec<NamedRow>, AppError> {
    let sql = match table {
        Table::Organisations => {
            "SELECT o.id, o.name, (SELECT COUNT(*) FROM members m WHERE m.organisation_id = o.id AND m.status <> 'DELETED') AS members \
             FROM organisations o WHERE o.tenant_id = $1 AND ($2 = 0 OR o.id = $2) ORDER BY o.name, o.id"
        }
        Table::Projects => {
            "SELECT id, name, 0 AS members FROM projects WHERE tenant_id = $1 AND $2 = 0 ORDER BY name, id"
        }
    };
    Ok(sqlx::query_as(sql)
        .bind(tenant_id)
        .bind(only)
        .fetch_all(conn)
        .await?)
}

pub async fn insert(
    conn: &mut AnyConnection,
    table: Table,
    tenant_id: i64,
    name: &str,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO {} (tenant_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
        table.name()
    ))
    .bind(tenant_id)
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Renames an item of the tenant; false when there is none.
pub async fn rename(
    conn: &mut AnyConnection,
    table: Table,
    tenant_id: i64,
    id: i64,
    name: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET name = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4",
        table.name()
    ))
    .bind(name)
    .bind(now)
    .bind(id)
    .bind(tenant_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The name of an item of the tenant.
pub async fn name(
    conn: &mut AnyConnection,
    table: Table,
    tenant_id: i64,
    id: i64,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT name FROM {} WHERE id = $1 AND tenant_id = $2",
        table.name()
    ))
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn delete(conn: &mut AnyConnection, table: Table, id: i64) -> Result<(), AppError> {
    sqlx::query(&format!("DELETE FROM {} WHERE id = $1", table.name()))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The tenant's organisations by name, as (id, name).
pub async fn organisation_names(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, name FROM organisations WHERE tenant_id = $1 ORDER BY name")
            .bind(tenant_id)
            .fetch_all(conn)
            .await?,
    )
}

pub async fn organisation_name(
    conn: &mut impl Exec,
    tenant_id: i64,
    id: i64,
) -> Result<Option<String>, AppError> {
    Ok(conn
        .fetch_optional(
            "SELECT name FROM organisations WHERE id = $1 AND tenant_id = $2",
            &[id.into(), tenant_id.into()],
            |r| r.text(0),
        )
        .await?)
}

/// Inserts a tenant's first project.
pub async fn insert_project(
    conn: &mut AnyConnection,
    tenant_id: i64,
    name: &str,
    now: i64,
) -> Result<(), AppError> {
    insert(conn, Table::Projects, tenant_id, name, now)
        .await
        .map(|_| ())
}
