//! `settings`: key/value pairs kept by the instance.

use sqlx::AnyConnection;

use crate::error::AppError;

/// Stores `value` under `key` unless the key has one; returns the stored
/// value (the first writer wins).
pub async fn get_or_insert(
    conn: &mut AnyConnection,
    key: &str,
    value: &str,
) -> Result<String, AppError> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_one(conn)
            .await?,
    )
}
