//! `rate_limits`: one fixed-window counter per limited key.

use sqlx::AnyConnection;

use super::exec::Exec;
use crate::error::AppError;

/// Counts one hit for `key` in one statement: a window that started at or
/// before `stale_before` starts again at `now`. Returns the hits in the
/// current window and when it started.
pub async fn hit(
    conn: &mut impl Exec,
    key: &str,
    now: i64,
    stale_before: i64,
) -> Result<(i64, i64), AppError> {
    Ok(conn.fetch_one("INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END, \
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END \
         RETURNING hits, window_start", &[key.into(), now.into(), stale_before.into()], |r| Ok((r.int(0)?, r.int(1)?))).await?)
}

/// Deletes counters whose window started before `before`.
pub async fn delete_older_than(conn: &mut AnyConnection, before: i64) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
