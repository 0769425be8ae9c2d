//! One statement, run on either kind of connection: sqlx's (PostgreSQL, and
//! SQLite through sqlx's driver) or Portico's own SQLite ones ([`Direct`]).
//!
//! sqlx's SQLite driver runs each connection on a thread of its own: every
//! statement goes there and its answer comes back, two thread switches and
//! a wake-up each way (README, "Where the invitation's CPU goes": about a
//! third of an invitation's CPU). [`Direct`] is a `rusqlite` connection to
//! the same file, lent on the same turns as sqlx's ([`super::lanes`]: the
//! writer's one, or a reader's), that runs a statement on the calling
//! thread: a whole write transaction costs no hop. The data layer's
//! functions on these paths take any [`Exec`], so the SQL text is the same
//! one both databases already run (`$N` binds, `RETURNING`), and a row is
//! decoded by one function for both.

use std::borrow::Cow;
use std::future::Future;
use std::time::{Duration, Instant};

use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::{AnyConnection, Row as _};

/// A value bound to `$N`: an integer or a text, either of which may be NULL
/// (typed, as PostgreSQL needs).
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Text(Option<Cow<'a, str>>),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}

/// Booleans are stored as 0 and 1 on both databases.
impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Int(Some(i64::from(v)))
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(Some(Cow::Borrowed(v)))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::Text(v.map(Cow::Borrowed))
    }
}

impl From<String> for Arg<'_> {
    fn from(v: String) -> Self {
        Arg::Text(Some(Cow::Owned(v)))
    }
}

/// A row's columns by position, as the column's type. A NULL read as a
/// non-optional value, or a text read as an integer, is a decode error.
pub trait Row {
    fn int(&self, i: usize) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, sqlx::Error>;
    fn text(&self, i: usize) -> Result<String, sqlx::Error>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error>;
}

/// Column `i` as a type made from its text (a status word, a JSON list);
/// text the type refuses is a decode error naming the column.
pub fn parsed<T>(row: &dyn Row, i: usize) -> Result<T, sqlx::Error>
where
    T: TryFrom<String>,
    T::Error: std::fmt::Display,
{
    T::try_from(row.text(i)?).map_err(|e| sqlx::Error::ColumnDecode {
        index: i.to_string(),
        source: e.to_string().into(),
    })
}

/// Runs statements with `$N` binds. Implemented by sqlx's `AnyConnection`
/// (and what holds one), and by [`Direct`].
pub trait Exec: Send {
    /// Whether the database is SQLite (else PostgreSQL), for the few
    /// statements whose best form differs.
    fn is_sqlite(&self) -> bool;

    /// Runs a statement that returns no rows; how many rows it changed.
    fn execute(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send;

    /// The first row, decoded.
    fn fetch_optional<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl FnOnce(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> impl Future<Output = Result<Option<T>, sqlx::Error>> + Send;

    /// Every row, decoded.
    fn fetch_all<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send;

    /// Every row, of a statement not kept prepared: PostgreSQL plans it
    /// with these values each time rather than once for all (see
    /// `members::SearchPlan::keeps_plan`). SQLite plans no differently.
    fn fetch_all_fresh<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send;

    /// The first row, which must be there (`INSERT … RETURNING`).
    fn fetch_one<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl FnOnce(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> impl Future<Output = Result<T, sqlx::Error>> + Send {
        let row = self.fetch_optional(sql, args, decode);
        async move { row.await?.ok_or(sqlx::Error::RowNotFound) }
    }
}

// ---- sqlx ----------------------------------------------------------------

fn bound<'q>(
    sql: &'q str,
    args: &'q [Arg<'_>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    args.iter().fold(sqlx::query(sql), |q, arg| match arg {
        Arg::Int(v) => q.bind(*v),
        Arg::Text(v) => q.bind(v.as_deref()),
    })
}

impl Row for sqlx::any::AnyRow {
    fn int(&self, i: usize) -> Result<i64, sqlx::Error> {
        self.try_get(i)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(i)
    }
    fn text(&self, i: usize) -> Result<String, sqlx::Error> {
        self.try_get(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error> {
        self.try_get(i)
    }
}

impl Exec for AnyConnection {
    fn is_sqlite(&self) -> bool {
        self.backend_name() == "SQLite"
    }

    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error> {
        Ok(bound(sql, args).execute(self).await?.rows_affected())
    }

    async fn fetch_optional<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl FnOnce(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> Result<Option<T>, sqlx::Error> {
        match bound(sql, args).fetch_optional(self).await? {
            Some(row) => decode(&row).map(Some),
            None => Ok(None),
        }
    }

    async fn fetch_all<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        mut decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> Result<Vec<T>, sqlx::Error> {
        let rows = bound(sql, args).fetch_all(self).await?;
        rows.iter().map(|row| decode(row)).collect()
    }

    async fn fetch_all_fresh<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        mut decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> Result<Vec<T>, sqlx::Error> {
        let rows = bound(sql, args).persistent(false).fetch_all(self).await?;
        rows.iter().map(|row| decode(row)).collect()
    }
}

/// What derefs to an `AnyConnection` (a lent connection, a transaction)
/// runs statements on it.
macro_rules! exec_through_deref {
    ($($holder:ty),*) => {$(
        impl Exec for $holder {
            fn is_sqlite(&self) -> bool {
                Exec::is_sqlite(&**self)
            }
            fn execute(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
            ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send {
                Exec::execute(&mut **self, sql, args)
            }
            fn fetch_optional<T: Send>(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                decode: impl FnOnce(&dyn Row) -> Result<T, sqlx::Error> + Send,
            ) -> impl Future<Output = Result<Option<T>, sqlx::Error>> + Send {
                Exec::fetch_optional(&mut **self, sql, args, decode)
            }
            fn fetch_all<T: Send>(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
            ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send {
                Exec::fetch_all(&mut **self, sql, args, decode)
            }
            fn fetch_all_fresh<T: Send>(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
            ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send {
                Exec::fetch_all_fresh(&mut **self, sql, args, decode)
            }
        }
    )*};
}

exec_through_deref!(
    super::Conn,
    super::WriteTx,
    super::lanes::LentDirect,
    super::lanes::Member
);

/// What [`super::Db`] lends for these functions (`begin_direct`,
/// `write_direct`, `read_direct`) runs statements on whichever connection
/// it holds.
macro_rules! exec_either {
    ($($either:ident),*) => {$(
        impl Exec for super::$either {
            fn is_sqlite(&self) -> bool {
                match self {
                    super::$either::Sqlx(c) => c.is_sqlite(),
                    super::$either::Direct(c) => c.is_sqlite(),
                }
            }
            async fn execute(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
            ) -> Result<u64, sqlx::Error> {
                match self {
                    super::$either::Sqlx(c) => c.execute(sql, args).await,
                    super::$either::Direct(c) => c.execute(sql, args).await,
                }
            }
            async fn fetch_optional<T: Send>(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                decode: impl FnOnce(&dyn Row) -> Result<T, sqlx::Error> + Send,
            ) -> Result<Option<T>, sqlx::Error> {
                match self {
                    super::$either::Sqlx(c) => c.fetch_optional(sql, args, decode).await,
                    super::$either::Direct(c) => c.fetch_optional(sql, args, decode).await,
                }
            }
            async fn fetch_all<T: Send>(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
            ) -> Result<Vec<T>, sqlx::Error> {
                match self {
                    super::$either::Sqlx(c) => c.fetch_all(sql, args, decode).await,
                    super::$either::Direct(c) => c.fetch_all(sql, args, decode).await,
                }
            }
            async fn fetch_all_fresh<T: Send>(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
            ) -> Result<Vec<T>, sqlx::Error> {
                match self {
                    super::$either::Sqlx(c) => c.fetch_all_fresh(sql, args, decode).await,
                    super::$either::Direct(c) => c.fetch_all_fresh(sql, args, decode).await,
                }
            }
        }
    )*};
}

exec_either!(DirectTx, DirectConn);

// ---- rusqlite --------------------------------------------------------------

/// How long [`Direct::begin`] waits for another process's write: the busy
/// timeout of sqlx's SQLite connections.
pub const BUSY_WAIT: Duration = Duration::from_secs(10);

/// A SQLite connection driven on the calling thread, lent by a lane on its
/// turns: the writer's (one turn, so no other connection of this server
/// writes meanwhile) or a reader's. A statement here is one SQLite call:
/// microseconds, in the page cache and the WAL (with `synchronous =
/// NORMAL` a commit does not sync). On the writer's, one outside a
/// transaction runs in a transaction of its own, so that SQLite's lock is
/// only ever waited for in [`Direct::begin`].
pub struct Direct {
    conn: rusqlite::Connection,
    /// The writer's: a statement outside a transaction takes the write
    /// lock in one of its own. A reader's runs as it is (WAL: readers take
    /// no lock a writer holds).
    writes: bool,
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Direct")
    }
}

impl Direct {
    /// Opens `path` with the pragmas of the lanes' connections.
    pub fn open(path: &str, pragmas: &str, writes: bool) -> Result<Direct, sqlx::Error> {
        let conn = rusqlite::Connection::open(path).map_err(failure)?;
        conn.execute_batch(pragmas).map_err(failure)?;
        if writes {
            conn.busy_timeout(Duration::ZERO).map_err(failure)?;
        }
        // The statements of every path that runs through it, kept prepared.
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Direct { conn, writes })
    }

    /// Takes SQLite's write lock (`BEGIN IMMEDIATE`). Only another process
    /// on the file (or another server in this one, as tests run them) can
    /// hold it, for as long as its transaction lasts; this waits for it in
    /// async, up to [`BUSY_WAIT`], and never blocks the thread: the holder
    /// may need this very thread to finish (the connection's own busy
    /// timeout is 0).
    pub async fn begin(&mut self) -> Result<(), sqlx::Error> {
        let deadline = Instant::now() + BUSY_WAIT;
        let mut pause = Duration::from_millis(1);
        loop {
            match self.conn.execute_batch("BEGIN IMMEDIATE") {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && Instant::now() < deadline =>
                {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(16));
                }
                done => return done.map_err(failure),
            }
        }
    }

    /// Runs `statement` in the open transaction, or else (the writer's) in
    /// one of its own, so that the lock is waited for by [`Direct::begin`].
    async fn in_a_transaction<T>(
        &mut self,
        statement: impl FnOnce(&Self) -> Result<T, sqlx::Error>,
    ) -> Result<T, sqlx::Error> {
        if !self.writes || self.in_transaction() {
            return statement(self);
        }
        self.begin().await?;
        let done = statement(self);
        self.batch(if done.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
        done
    }

    /// Runs SQL without binds (`COMMIT`, `ROLLBACK`).
    pub fn batch(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        self.conn.execute_batch(sql).map_err(failure)
    }

    /// How many times SQLite has prepared `sql` again on this connection
    /// since it first prepared it (`SQLITE_STMTSTATUS_REPREPARE`). A `LIKE`
    /// with a bound pattern is prepared again at every run: a hot statement
    /// stays at 0 (`webhooks::QUEUE_EVENT_SQL`).
    pub fn reprepared(&self, sql: &str) -> Result<i32, sqlx::Error> {
        let stmt = self.conn.prepare_cached(sql).map_err(failure)?;
        Ok(stmt.get_status(rusqlite::StatementStatus::RePrepare))
    }

    /// Whether a transaction is open (SQLite's autocommit is off).
    pub fn in_transaction(&self) -> bool {
        !self.conn.is_autocommit()
    }

    fn prepared(
        &self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> Result<rusqlite::CachedStatement<'_>, sqlx::Error> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(failure)?;
        for i in 1..=stmt.parameter_count() {
            // SQLite names a `$N` parameter "$N" and gives repeats one index.
            let arg = stmt
                .parameter_name(i)
                .and_then(|name| name.strip_prefix('$'))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| args.get(n.checked_sub(1)?))
                .ok_or_else(|| {
                    sqlx::Error::Protocol(format!("parameter {i} of a statement has no value"))
                })?;
            match arg {
                Arg::Int(v) => stmt.raw_bind_parameter(i, v),
                Arg::Text(v) => stmt.raw_bind_parameter(i, v.as_deref()),
            }
            .map_err(failure)?;
        }
        Ok(stmt)
    }

    fn rows<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        limit: usize,
        mut decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, sqlx::Error> {
        let mut stmt = self.prepared(sql, args)?;
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while out.len() < limit {
            match rows.next().map_err(failure)? {
                Some(row) => out.push(decode(&DirectRow(row))?),
                None => break,
            }
        }
        Ok(out)
    }
}

impl Exec for Direct {
    fn is_sqlite(&self) -> bool {
        true
    }

    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error> {
        self.in_a_transaction(|direct| {
            let mut stmt = direct.prepared(sql, args)?;
            stmt.raw_execute().map(|n| n as u64).map_err(failure)
        })
        .await
    }

    async fn fetch_optional<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl FnOnce(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> Result<Option<T>, sqlx::Error> {
        let mut decode = Some(decode);
        let first = self
            .in_a_transaction(|direct| {
                direct.rows(sql, args, 1, |row| match decode.take() {
                    Some(decode) => decode(row),
                    None => Err(sqlx::Error::Protocol("a second first row".into())),
                })
            })
            .await?;
        Ok(first.into_iter().next())
    }

    async fn fetch_all<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> Result<Vec<T>, sqlx::Error> {
        self.in_a_transaction(|direct| direct.rows(sql, args, usize::MAX, decode))
            .await
    }

    /// The statements given here (member search) are planned by SQLite the
    /// same whatever their values: kept prepared.
    async fn fetch_all_fresh<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl FnMut(&dyn Row) -> Result<T, sqlx::Error> + Send,
    ) -> Result<Vec<T>, sqlx::Error> {
        self.fetch_all(sql, args, decode).await
    }
}

struct DirectRow<'r, 's>(&'r rusqlite::Row<'s>);

impl DirectRow<'_, '_> {
    fn get<T: rusqlite::types::FromSql>(&self, i: usize) -> Result<T, sqlx::Error> {
        self.0.get(i).map_err(|e| sqlx::Error::ColumnDecode {
            index: i.to_string(),
            source: Box::new(e),
        })
    }
}

impl Row for DirectRow<'_, '_> {
    fn int(&self, i: usize) -> Result<i64, sqlx::Error> {
        self.get(i)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, sqlx::Error> {
        self.get(i)
    }
    fn text(&self, i: usize) -> Result<String, sqlx::Error> {
        self.get(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error> {
        self.get(i)
    }
}

/// A rusqlite error as sqlx's, so that callers tell a unique violation
/// apart the same way on every connection.
fn failure(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => {
            sqlx::Error::Database(Box::new(DirectFailure {
                code,
                message: message.unwrap_or_else(|| code.to_string()),
            }))
        }
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

#[derive(Debug)]
struct DirectFailure {
    code: rusqlite::ffi::Error,
    message: String,
}

impl std::fmt::Display for DirectFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DirectFailure {}

impl DatabaseError for DirectFailure {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.extended_code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    /// SQLite's extended result codes, as sqlx's SQLite driver reads them.
    fn kind(&self) -> ErrorKind {
        use rusqlite::ffi;
        match self.code.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
