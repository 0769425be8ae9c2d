//! `scim_tokens`, `scim_users`, `scim_groups`, `scim_group_members`: what a
//! tenant's directory provisions (SPEC §11). Every lookup names the tenant
//! and is served by an index that starts with it.

use sqlx::AnyConnection;

use super::RoleNames;
use crate::error::AppError;

/// A directory token as the managers see it in the list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScimTokenRow {
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub async fn insert_token(
    conn: &mut AnyConnection,
    tenant_id: i64,
    name: &str,
    token_hash: &str,
    created_by: i64,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO scim_tokens (tenant_id, name, token_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(tenant_id)
    .bind(name)
    .bind(token_hash)
    .bind(created_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn list_tokens(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<ScimTokenRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, name, created_at, last_used_at FROM scim_tokens \
         WHERE tenant_id = $1 ORDER BY id DESC",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

pub async fn find_token(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<ScimTokenRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, name, created_at, last_used_at FROM scim_tokens WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn delete_token(conn: &mut AnyConnection, id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM scim_tokens WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The token with this hash.
pub async fn token_by_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<ScimTokenRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, name, created_at, last_used_at FROM scim_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Records a use at most once a minute per token (a directory syncing
/// 100,000 people should not write a row per request for it).
pub async fn record_token_use(conn: &mut AnyConnection, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE scim_tokens SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(id)
    .bind(now - 60_000)
    .execute(conn)
    .await?;
    Ok(())
}

/// A provisioned User: the member it stands for and its attributes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScimUserRow {
    pub id: String,
    pub tenant_id: i64,
    pub member_id: i64,
    pub user_key: String,
    pub external_id: Option<String>,
    pub attributes: String,
    pub manages_roles: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const USER_COLUMNS: &str = "id, tenant_id, member_id, user_key, external_id, attributes, manages_roles, version, created_at, updated_at";

pub async fn insert_user(conn: &mut AnyConnection, u: &ScimUserRow) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO scim_users (id, tenant_id, member_id, user_key, external_id, attributes, \
         manages_roles, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&u.id)
    .bind(u.tenant_id)
    .bind(u.member_id)
    .bind(&u.user_key)
    .bind(&u.external_id)
    .bind(&u.attributes)
    .bind(u.manages_roles)
    .bind(u.version)
    .bind(u.created_at)
    .bind(u.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores the User's new attributes if it is still at `u.version` (and
/// moves it to the next): `false` when another change came first.
pub async fn update_user(conn: &mut AnyConnection, u: &ScimUserRow) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "UPDATE scim_users SET user_key = $1, external_id = $2, attributes = $3, \
         version = version + 1, updated_at = $4 WHERE id = $5 AND tenant_id = $6 AND version = $7",
    )
    .bind(&u.user_key)
    .bind(&u.external_id)
    .bind(&u.attributes)
    .bind(u.updated_at)
    .bind(&u.id)
    .bind(u.tenant_id)
    .bind(u.version)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn delete_user(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: &str,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM scim_group_members WHERE user_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM scim_users WHERE id = $1 AND tenant_id = $2")
        .bind(id)
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn find_user(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: &str,
) -> Result<Option<ScimUserRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM scim_users WHERE id = $1 AND tenant_id = $2"
    ))
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn user_of_member(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<Option<ScimUserRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM scim_users WHERE member_id = $1"
    ))
    .bind(member_id)
    .fetch_optional(conn)
    .await?)
}

/// The id of the tenant's user with this (lower-cased) userName.
pub async fn user_id_by_key(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_key: &str,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM scim_users WHERE tenant_id = $1 AND user_key = $2")
            .bind(tenant_id)
            .bind(user_key)
            .fetch_optional(conn)
            .await?,
    )
}

/// Which indexed column a list is narrowed by (SCIM `filter` with `eq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrow<'a> {
    All,
    Id(&'a str),
    /// userName of a User, displayName of a Group: lower-cased.
    Key(&'a str),
    ExternalId(&'a str),
}

/// One page of a list in creation order, and the total.
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: i64,
}

/// The WHERE clause of a narrowed list and the value it binds as `$2`.
fn narrowing<'a>(narrow: Narrow<'a>, key_column: &str) -> (String, Option<&'a str>) {
    match narrow {
        Narrow::All => (String::new(), None),
        Narrow::Id(v) => (" AND id = $2".into(), Some(v)),
        Narrow::Key(v) => (format!(" AND {key_column} = $2"), Some(v)),
        Narrow::ExternalId(v) => (" AND external_id = $2".into(), Some(v)),
    }
}

/// A listed table: its name, the columns read, and the column a `Key`
/// narrows by.
struct Listing {
    table: &'static str,
    columns: &'static str,
    key_column: &'static str,
}

const USERS: Listing = Listing {
    table: "scim_users",
    columns: USER_COLUMNS,
    key_column: "user_key",
};

async fn page<T>(
    conn: &mut AnyConnection,
    listing: &Listing,
    tenant_id: i64,
    narrow: Narrow<'_>,
    offset: i64,
    limit: i64,
) -> Result<Page<T>, AppError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let Listing {
        table,
        columns,
        key_column,
    } = listing;
    let (clause, value) = narrowing(narrow, key_column);
    let count_sql = format!("SELECT COUNT(*) FROM {table} WHERE tenant_id = $1{clause}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(tenant_id);
    if let Some(v) = value {
        count = count.bind(v);
    }
    let total = count.fetch_one(&mut *conn).await?;
    if total == 0 || limit == 0 || offset >= total {
        return Ok(Page {
            rows: Vec::new(),
            total,
        });
    }
    let n = if value.is_some() { 3 } else { 2 };
    let list_sql = format!(
        "SELECT {columns} FROM {table} WHERE tenant_id = $1{clause} \
         ORDER BY created_at, id LIMIT ${n} OFFSET ${}",
        n + 1
    );
    let mut list = sqlx::query_as::<_, T>(&list_sql).bind(tenant_id);
    if let Some(v) = value {
        list = list.bind(v);
    }
    let rows = list.bind(limit).bind(offset).fetch_all(conn).await?;
    Ok(Page { rows, total })
}

/// The SQL of a narrowed user list, for the EXPLAIN test.
pub fn user_list_sql(narrow: Narrow<'_>) -> String {
    let (clause, _) = narrowing(narrow, USERS.key_column);
    format!(
        "SELECT {USER_COLUMNS} FROM scim_users WHERE tenant_id = $1{clause} ORDER BY created_at, id LIMIT 10 OFFSET 0"
    )
}

pub async fn list_users(
    conn: &mut AnyConnection,
    tenant_id: i64,
    narrow: Narrow<'_>,
    offset: i64,
    limit: i64,
) -> Result<Page<ScimUserRow>, AppError> {
    page(conn, &USERS, tenant_id, narrow, offset, limit).await
}

/// A Group the directory sent, with the roles a manager mapped it to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScimGroupRow {
    pub id: String,
    pub tenant_id: i64,
    pub display_key: String,
    pub external_id: Option<String>,
    pub attributes: String,
    pub roles: Option<String>,
    pub organisation_id: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const GROUP_COLUMNS: &str = "id, tenant_id, display_key, external_id, attributes, roles, organisation_id, version, created_at, updated_at";

const GROUPS: Listing = Listing {
    table: "scim_groups",
    columns: GROUP_COLUMNS,
    key_column: "display_key",
};

pub async fn insert_group(conn: &mut AnyConnection, g: &ScimGroupRow) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO scim_groups (id, tenant_id, display_key, external_id, attributes, roles, \
         organisation_id, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7, $8)",
    )
    .bind(&g.id)
    .bind(g.tenant_id)
    .bind(&g.display_key)
    .bind(&g.external_id)
    .bind(&g.attributes)
    .bind(g.version)
    .bind(g.created_at)
    .bind(g.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes the group's attributes; the version goes up by one.
pub async fn update_group(conn: &mut AnyConnection, g: &ScimGroupRow) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE scim_groups SET display_key = $1, external_id = $2, attributes = $3, \
         version = version + 1, updated_at = $4 WHERE id = $5 AND tenant_id = $6",
    )
    .bind(&g.display_key)
    .bind(&g.external_id)
    .bind(&g.attributes)
    .bind(g.updated_at)
    .bind(&g.id)
    .bind(g.tenant_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Maps the group to roles (NULL: unmapped) and an organisation.
pub async fn map_group(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: &str,
    roles: Option<&RoleNames>,
    organisation_id: Option<i64>,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE scim_groups SET roles = $1, organisation_id = $2 WHERE id = $3 AND tenant_id = $4",
    )
    .bind(roles.map(RoleNames::to_json))
    .bind(organisation_id)
    .bind(id)
    .bind(tenant_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_group(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: &str,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM scim_group_members WHERE group_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM scim_groups WHERE id = $1 AND tenant_id = $2")
        .bind(id)
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn find_group(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: &str,
) -> Result<Option<ScimGroupRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {GROUP_COLUMNS} FROM scim_groups WHERE id = $1 AND tenant_id = $2"
    ))
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn list_groups(
    conn: &mut AnyConnection,
    tenant_id: i64,
    narrow: Narrow<'_>,
    offset: i64,
    limit: i64,
) -> Result<Page<ScimGroupRow>, AppError> {
    page(conn, &GROUPS, tenant_id, narrow, offset, limit).await
}

/// The SQL of a narrowed group list, for the EXPLAIN test.
pub fn group_list_sql(narrow: Narrow<'_>) -> String {
    let (clause, _) = narrowing(narrow, GROUPS.key_column);
    format!(
        "SELECT {GROUP_COLUMNS} FROM scim_groups WHERE tenant_id = $1{clause} ORDER BY created_at, id LIMIT 10 OFFSET 0"
    )
}

/// A member of a group, as the group lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupMemberRow {
    pub user_id: String,
    pub user_key: String,
}

/// Served by the primary key (group_id, user_id), in its order.
pub const GROUP_MEMBERS_SQL: &str = "SELECT gm.user_id, u.user_key FROM scim_group_members gm \
     JOIN scim_users u ON u.id = gm.user_id WHERE gm.group_id = $1 \
     ORDER BY gm.user_id LIMIT $2";

/// The group's members (at most `limit`), in user id order.
pub async fn group_members(
    conn: &mut AnyConnection,
    group_id: &str,
    limit: i64,
) -> Result<Vec<GroupMemberRow>, AppError> {
    Ok(sqlx::query_as(GROUP_MEMBERS_SQL)
        .bind(group_id)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Adds a user to a group; false when they were in it already.
pub async fn add_group_member(
    conn: &mut AnyConnection,
    group_id: &str,
    user_id: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO scim_group_members (group_id, user_id) VALUES ($1, $2) \
         ON CONFLICT (group_id, user_id) DO NOTHING",
    )
    .bind(group_id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes a user out of a group; false when they were not in it.
pub async fn remove_group_member(
    conn: &mut AnyConnection,
    group_id: &str,
    user_id: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM scim_group_members WHERE group_id = $1 AND user_id = $2")
        .bind(group_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Empties a group; returns who was in it.
pub async fn clear_group(
    conn: &mut AnyConnection,
    group_id: &str,
) -> Result<Vec<String>, AppError> {
    Ok(
        sqlx::query_scalar("DELETE FROM scim_group_members WHERE group_id = $1 RETURNING user_id")
            .bind(group_id)
            .fetch_all(conn)
            .await?,
    )
}

/// The mapped groups a user is in: roles and organisation of each, oldest
/// group first.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MappedGroup {
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
    pub organisation_id: Option<i64>,
}

/// Served by `scim_group_members_user_idx` and the groups' primary key.
pub const MAPPED_GROUPS_SQL: &str = "SELECT g.roles, g.organisation_id FROM scim_group_members gm \
     JOIN scim_groups g ON g.id = gm.group_id \
     WHERE gm.user_id = $1 AND g.roles IS NOT NULL ORDER BY g.created_at, g.id";

pub async fn mapped_groups_of(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Vec<MappedGroup>, AppError> {
    Ok(sqlx::query_as(MAPPED_GROUPS_SQL)
        .bind(user_id)
        .fetch_all(conn)
        .await?)
}

/// The users whose roles the directory manages.
pub async fn managed_user_ids(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM scim_users WHERE tenant_id = $1 AND manages_roles = 1 ORDER BY created_at, id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

/// The roles a provisioned member holds when no mapped group gives any.
pub async fn directory_roles(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<RoleNames, AppError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT directory_roles FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?;
    let json = json.ok_or(AppError::NotFound)?;
    RoleNames::try_from(json).map_err(|_| AppError::Internal)
}

pub async fn set_directory_roles(
    conn: &mut AnyConnection,
    tenant_id: i64,
    roles: &RoleNames,
) -> Result<(), AppError> {
    sqlx::query("UPDATE tenants SET directory_roles = $1 WHERE id = $2")
        .bind(roles.to_json())
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}
