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

/// Whether a test database or file was left by a test process that has
/// ended: its name carries the process id (`portico_test_<pid>_…`). Only
/// where `/proc` tells which processes run; elsewhere nothing is swept.
fn left_by_ended_process(name: &str) -> bool {
    let Some(pid) = name
        .strip_prefix("portico_test_")
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok())
    else {
        return false;
    };
    let proc_fs = std::path::Path::new("/proc/self");
    proc_fs.exists() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Drops the databases of test processes that have ended, so a run of the
/// whole suite (one process per test) holds only as many databases as run
/// at once instead of one per test. Best effort: another test may sweep
/// the same database at the same moment.
async fn sweep_postgres(admin: &mut AnyConnection) {
    let names = super::db::test_database_names(admin)
        .await
        .unwrap_or_default();
    for name in names.iter().filter(|n| left_by_ended_process(n)) {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
    }
}

/// The same for SQLite files (with their `-wal` and `-shm` companions).
fn sweep_sqlite(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if left_by_ended_process(&name.to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
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
            sweep_postgres(&mut admin).await;
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
            sweep_sqlite(&dir);
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
