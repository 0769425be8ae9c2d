//! A trivial statement that proves the database answers (`/readyz`).

use sqlx::AnyPool;

pub async fn ping(pool: &AnyPool) -> bool {
    sqlx::query("SELECT 1").execute(pool).await.is_ok()
}
