//! Test support shared by the crates' tests: a fresh, empty, migrated
//! database per test, on SQLite by default or on PostgreSQL when
//! `PORTICO_TEST_POSTGRES` holds a server URL (`make test` runs the suite
//! once each way).

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{AnyConnection, Connection, Executor};

use super::config::DbKind;
use super::db::Db;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A unique name for this process and call.
fn unique_name() -> String {
    format!(
        "portico_test_{}_{}_{}",
        std::process::id(),
        super::db::now_ms(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Which database the tests run on, for log lines and skips.
pub fn test_db_kind() -> DbKind {
    match std::env::var("PORTICO_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => DbKind::Postgres,
        _ => DbKind::Sqlite,
    }
}

/// The URL of a new empty database (not yet migrated).
pub async fn fresh_database_url() -> (String, DbKind) {
    sqlx::any::install_default_drivers();
    let name = unique_name();
    match std::env::var("PORTICO_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            let mut admin = AnyConnection::connect(&server)
                .await
                .expect("PORTICO_TEST_POSTGRES must point at a reachable PostgreSQL server");
            admin
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create test database");
            let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
            (format!("{base}/{name}"), DbKind::Postgres)
        }
        _ => {
            let dir = std::env::temp_dir().join("portico-tests");
            std::fs::create_dir_all(&dir).expect("create temp dir for test databases");
            let path = dir.join(format!("{name}.db"));
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                DbKind::Sqlite,
            )
        }
    }
}

/// A new, migrated database.
pub async fn fresh_db() -> Db {
    let (url, kind) = fresh_database_url().await;
    Db::connect(&url, kind, 4)
        .await
        .expect("connect and migrate test database")
}
