//! `sessions`: tower-sessions records (JSON), with the signed-in account
//! copied out so that "sign out everywhere" is one statement.

use sqlx::AnyConnection;

use crate::error::AppError;

/// A stored session.
pub struct SessionRow<'a> {
    pub id: &'a str,
    pub data: &'a str,
    pub expiry_date: i64,
    pub account_id: Option<i64>,
}

/// Inserts a new session; false when the id is taken.
pub async fn insert_new(conn: &mut AnyConnection, row: &SessionRow<'_>) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO sessions (id, data, expiry_date, account_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(row.id)
    .bind(row.data)
    .bind(row.expiry_date)
    .bind(row.account_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn upsert(conn: &mut AnyConnection, row: &SessionRow<'_>) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO sessions (id, data, expiry_date, account_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date, \
         account_id = excluded.account_id",
    )
    .bind(row.id)
    .bind(row.data)
    .bind(row.expiry_date)
    .bind(row.account_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub const LOAD_SQL: &str =
    "SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2";

/// The data and expiry of an unexpired session.
pub async fn load(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
) -> Result<Option<(String, i64)>, AppError> {
    Ok(sqlx::query_as(LOAD_SQL)
        .bind(id)
        .bind(now)
        .fetch_optional(conn)
        .await?)
}

pub async fn delete(conn: &mut AnyConnection, id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub const DELETE_EXPIRED_SQL: &str = "DELETE FROM sessions WHERE expiry_date < $1";

pub async fn delete_expired(conn: &mut AnyConnection, now: i64) -> Result<u64, AppError> {
    let done = sqlx::query(DELETE_EXPIRED_SQL)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub const DELETE_FOR_ACCOUNT_SQL: &str = "DELETE FROM sessions WHERE account_id = $1";

/// Signs the account out everywhere.
pub async fn delete_for_account(conn: &mut AnyConnection, account_id: i64) -> Result<(), AppError> {
    sqlx::query(DELETE_FOR_ACCOUNT_SQL)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}
