//! The database: the handle ([`Db`]) and, in one module per table, every
//! SQL statement Portico runs. sqlx's `Any` driver serves SQLite and
//! PostgreSQL with the same portable SQL (`$1…$N` placeholders,
//! `RETURNING`, integers for timestamps and booleans). Only the migrations
//! differ, one directory per database, applied at start-up. Services
//! compose these functions and own the transactions; nothing outside this
//! module holds SQL (a test checks).

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::pool::PoolConnection;
use sqlx::{AnyConnection, AnyPool, TransactionManager};

use super::config::DbKind;

pub mod account_tokens;
pub mod accounts;
pub mod api_tokens;
pub mod audit_events;
pub mod collections;
pub mod domains;
pub mod exec;
pub mod health;
pub mod invite_links;
pub mod invites;
pub mod join_requests;
mod lanes;
pub mod members;
pub mod oidc;
pub mod outbox_mail;
pub mod owners;
pub mod ownership_transfers;
pub mod rate_limits;
pub mod scim;
pub mod sessions;
pub mod settings;
pub mod signing_keys;
pub mod sso;
pub mod tenants;
pub mod webhooks;

/// A roles column: a JSON array of role names, decoded here and nowhere
/// else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleNames(pub Vec<String>);

impl TryFrom<String> for RoleNames {
    type Error = serde_json::Error;

    fn try_from(json: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&json).map(RoleNames)
    }
}

impl RoleNames {
    pub fn of(roles: &[crate::domain::Role]) -> Self {
        RoleNames(roles.iter().map(|r| r.as_str().to_owned()).collect())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    /// The roles of the catalogue among the stored names.
    pub fn parsed(&self) -> Vec<crate::domain::Role> {
        Self::parse_names(&self.0)
    }

    /// The roles of the catalogue among `names` (role names as stored, or
    /// as a DTO carries them), without copying them first.
    pub fn parse_names(names: &[String]) -> Vec<crate::domain::Role> {
        names
            .iter()
            .filter_map(|r| crate::domain::Role::parse(r).ok())
            .collect()
    }

    /// Whether the stored role set holds `role`.
    pub fn contains(&self, role: crate::domain::Role) -> bool {
        self.0.iter().any(|r| r == role.as_str())
    }
}

/// A stored word (a status) as its type; a word the type does not know is
/// a broken row, reported as an internal error.
pub fn decode_word<T: TryFrom<String, Error = String>>(
    word: String,
) -> Result<T, crate::error::AppError> {
    T::try_from(word).map_err(|e| crate::error::AppError::broken(&format!("stored value: {e}")))
}

/// Why the database could not be opened; shown as one line at start-up.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// The connections. On PostgreSQL, sqlx's pool serves reads and writes
/// (a ping before each use: the server may have gone away). On SQLite,
/// which has one writer at a time, writes go through a [`lanes::Lane`] of
/// exactly one connection: write transactions queue for it in async, first
/// come first served, instead of spinning in SQLite's busy handler; reads
/// use a lane of four beside it (WAL lets them run while the writer
/// writes; each connection is a thread of sqlx's with its own page cache
/// and statements, and four keep two cores busy: bench, peak RSS).
#[derive(Clone, Debug)]
pub struct Db {
    conns: Conns,
    pub kind: DbKind,
}

#[derive(Clone, Debug)]
enum Conns {
    Pool(AnyPool),
    Sqlite {
        writer: Arc<lanes::Lane>,
        readers: Arc<lanes::Lane>,
    },
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Connects and applies pending migrations. `pool_size`: connections
    /// on PostgreSQL (SQLite always has one writer and four readers).
    pub async fn connect(url: &str, kind: DbKind, pool_size: u32) -> Result<Self, DbError> {
        install_default_drivers();
        let conns = match kind {
            DbKind::Sqlite => {
                ensure_sqlite_parent_dir(url);
                // SQLite's page cache per connection: the one writer keeps
                // the pages its inserts touch (the right edge of each index)
                // and a little more; what misses, it and the readers find in
                // the OS page cache (bench: peak RSS; the token and email
                // indexes of a million invitations outgrow any cache here,
                // so a larger writer cache bought little).
                Conns::Sqlite {
                    writer: lanes::Lane::new(url, 1, Duration::from_secs(30), 1_024, true),
                    readers: lanes::Lane::new(url, 4, Duration::from_secs(10), 1_024, false),
                }
            }
            DbKind::Postgres => Conns::Pool(
                AnyPoolOptions::new()
                    .max_connections(pool_size)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .map_err(DbError::Connect)?,
            ),
        };
        let db = Db { conns, kind };
        // On SQLite the writer's first connection creates the file and
        // turns WAL on, before any reader opens it.
        let mut conn = db.write().await.map_err(DbError::Connect)?;
        let migrator = match kind {
            DbKind::Sqlite => &SQLITE_MIGRATIONS,
            DbKind::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&mut *conn).await.map_err(DbError::Migrate)?;
        drop(conn);
        Ok(db)
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers wait their turn (busy
    /// timeout) instead of failing when a read-then-write transaction finds
    /// its snapshot outdated.
    pub async fn begin(&self) -> Result<WriteTx, sqlx::Error> {
        let begin = match self.kind {
            DbKind::Sqlite => Some("BEGIN IMMEDIATE".into()),
            DbKind::Postgres => None,
        };
        // Counted open before BEGIN is sent: should this future be dropped
        // after BEGIN ran (SQLite's driver checks it in a second round
        // trip), dropping `tx` queues the rollback. A rollback without a
        // transaction does nothing.
        let mut tx = WriteTx {
            conn: self.write().await?,
            open: true,
        };
        Tm::begin(&mut tx.conn, begin).await?;
        Ok(tx)
    }

    /// Starts a write transaction for functions over [`exec::Exec`]: on
    /// SQLite on the writer's direct connection, each statement run on this
    /// thread, committed in a group with the write transactions waiting
    /// behind it ([`lanes::Lane::begin_member`]); on PostgreSQL a
    /// [`WriteTx`]. Dropped without [`DirectTx::commit`], its work is
    /// undone; [`DirectTx::commit`] returns once it is committed.
    pub async fn begin_direct(&self) -> Result<DirectTx, sqlx::Error> {
        match &self.conns {
            Conns::Pool(_) => Ok(DirectTx::Sqlx(self.begin().await?)),
            Conns::Sqlite { writer, .. } => Ok(DirectTx::Direct(writer.begin_member().await?)),
        }
    }

    /// [`Db::write`] for functions over [`exec::Exec`]: on SQLite the
    /// writer's direct connection.
    pub async fn write_direct(&self) -> Result<DirectConn, sqlx::Error> {
        match &self.conns {
            Conns::Pool(_) => Ok(DirectConn::Sqlx(self.write().await?)),
            Conns::Sqlite { writer, .. } => Ok(DirectConn::Direct(writer.lend_direct().await?)),
        }
    }

    /// [`Db::read`] for functions over [`exec::Exec`]: on SQLite a direct
    /// connection of the readers' lane (its statements run on this thread).
    pub async fn read_direct(&self) -> Result<DirectConn, sqlx::Error> {
        match &self.conns {
            Conns::Pool(_) => Ok(DirectConn::Sqlx(self.read().await?)),
            Conns::Sqlite { readers, .. } => Ok(DirectConn::Direct(readers.lend_direct().await?)),
        }
    }

    /// True when a trivial query answers: backs `/readyz`.
    pub async fn is_ready(&self) -> bool {
        match self.read().await {
            Ok(mut conn) => health::ping(&mut conn).await,
            Err(_) => false,
        }
    }

    /// A reading connection.
    pub async fn read(&self) -> Result<Conn, sqlx::Error> {
        Ok(Conn(match &self.conns {
            Conns::Pool(pool) => Held::Pool(pool.acquire().await?),
            Conns::Sqlite { readers, .. } => Held::Lent(readers.lend().await?),
        }))
    }

    /// A connection for statements that write outside a transaction.
    pub async fn write(&self) -> Result<Conn, sqlx::Error> {
        Ok(Conn(match &self.conns {
            Conns::Pool(pool) => Held::Pool(pool.acquire().await?),
            Conns::Sqlite { writer, .. } => Held::Lent(writer.lend().await?),
        }))
    }

    /// Closes every connection; nothing is lent after.
    pub async fn close(&self) {
        match &self.conns {
            Conns::Pool(pool) => pool.close().await,
            Conns::Sqlite { writer, readers } => {
                readers.close().await;
                writer.close().await;
            }
        }
    }
}

type Tm = <sqlx::Any as sqlx::Database>::TransactionManager;

/// A connection lent by [`Db::read`] or [`Db::write`]: an `AnyConnection`
/// until dropped.
pub struct Conn(Held);

enum Held {
    Pool(PoolConnection<sqlx::Any>),
    Lent(lanes::Lent),
}

impl std::ops::Deref for Conn {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            Held::Pool(conn) => conn,
            Held::Lent(conn) => conn,
        }
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            Held::Pool(conn) => conn,
            Held::Lent(conn) => conn,
        }
    }
}

/// A write transaction ([`Db::begin`]): an `AnyConnection` inside it.
/// Dropped without [`WriteTx::commit`], it rolls back (queued on the
/// connection before anyone else may use it).
pub struct WriteTx {
    conn: Conn,
    open: bool,
}

impl WriteTx {
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        Tm::commit(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if self.open {
            Tm::start_rollback(&mut self.conn);
        }
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// The file of a `sqlite://path?options` URL.
fn sqlite_path(url: &str) -> &str {
    url.trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default()
}

/// A write transaction of [`Db::begin_direct`].
pub enum DirectTx {
    Sqlx(WriteTx),
    Direct(lanes::Member),
}

impl DirectTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            DirectTx::Sqlx(tx) => tx.commit().await,
            DirectTx::Direct(member) => member.commit().await,
        }
    }
}

/// A connection of [`Db::write_direct`] or [`Db::read_direct`].
pub enum DirectConn {
    Sqlx(Conn),
    Direct(lanes::LentDirect),
}

/// SQLite creates the file (with `mode=rwc`) but not its directory.
fn ensure_sqlite_parent_dir(url: &str) {
    let path = sqlite_path(url);
    if path.is_empty() || path.starts_with(':') {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        let _ = std::fs::create_dir_all(parent);
    }
}

/// A clean-up in rounds: `round(batch)` deletes at most `batch` rows
/// (taking a writing connection for just that) and runs again until a
/// round deletes fewer, so a large clean-up never holds the write lock for
/// long. Returns how many rows went.
pub async fn delete_in_batches<F, Fut>(batch: i64, mut round: F) -> Result<u64, crate::AppError>
where
    F: FnMut(i64) -> Fut,
    Fut: std::future::Future<Output = Result<u64, crate::AppError>>,
{
    let mut total = 0;
    loop {
        let deleted = round(batch).await?;
        total += deleted;
        if deleted < batch as u64 {
            return Ok(total);
        }
    }
}

/// A list's total, read off one of its pages when the page says it: a
/// page with fewer rows than asked ends the list, so the rows before it and
/// on it are all there are. `None` when the page is full (more may follow)
/// or empty past the start (the offset may overshoot the end): then the
/// caller counts.
pub fn page_total(shown: usize, limit: i64, offset: i64) -> Option<i64> {
    let shown = shown as i64;
    (shown < limit && (shown > 0 || offset == 0)).then_some(offset + shown)
}

/// `%text%` for a case-insensitive LIKE (`ESCAPE '\'`), with LIKE's
/// wildcards escaped.
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Milliseconds since the Unix epoch: every timestamp Portico stores.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// The PostgreSQL databases the tests made (`portico_test_…`), for the
/// sweep that drops those of ended test processes.
#[cfg(any(test, feature = "testing"))]
pub async fn test_database_names(
    conn: &mut sqlx::AnyConnection,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'portico_test_%'")
        .fetch_all(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::page_total;

    #[test]
    fn only_a_page_that_ends_the_list_gives_its_total() {
        // Short pages end the list: at the start, in the middle, empty at the start.
        assert_eq!(page_total(3, 25, 0), Some(3));
        assert_eq!(page_total(4, 25, 50), Some(54));
        assert_eq!(page_total(0, 25, 0), Some(0));
        // A full page may be followed by more; an empty page past the start
        // may have overshot the end: both must count.
        assert_eq!(page_total(25, 25, 0), None);
        assert_eq!(page_total(0, 25, 50), None);
    }
}
