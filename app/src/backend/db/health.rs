//! A trivial statement that proves the database answers (`/readyz`).

use sqlx::AnyConnection;

pub async fn ping(conn: &mut AnyConnection) -> bool {
    sqlx::query("SELECT 1").execute(conn).await.is_ok()
}
