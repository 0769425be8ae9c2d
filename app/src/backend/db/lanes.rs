//! SQLite's connections, lent without sqlx's pool.
//!
//! sqlx's pool answers every returned connection with a ping (a round
//! trip to the connection's thread, from a task it spawns) before lending
//! it again: for a server that may have gone away. A SQLite file cannot go
//! away, and its connection's thread runs what it is sent in order, so a
//! rollback queued by a dropped transaction, or a statement whose reader
//! gave up, is finished before anything the next borrower sends. Lending
//! without the ping saves one hop per borrowed connection (three per
//! authenticated read, two per invitation).
//!
//! A [`Lane`] holds up to `size` connections, opened on first need; a
//! borrower waits its turn in order (a fair semaphore), up to a timeout.
//! A lane also lends, on the same turns, [`Direct`] connections that run
//! statements on the borrower's own thread ([`Lane::lend_direct`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::{AnyConnection, Connection, Executor, TransactionManager};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Tm;
use super::exec::Direct;

/// Connections to one SQLite file with one page-cache size.
pub struct Lane {
    url: String,
    /// SQLite's page cache per connection, KiB.
    cache_kib: u32,
    wait: Duration,
    idle: Mutex<Vec<AnyConnection>>,
    /// Idle direct connections, opened on first need.
    direct: Mutex<Vec<Direct>>,
    /// Whether this is the writer's lane (see [`Direct::begin`]).
    writes: bool,
    turns: Arc<Semaphore>,
}

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane")
            .field("size_free", &self.turns.available_permits())
            .field("cache_kib", &self.cache_kib)
            .finish()
    }
}

impl Lane {
    pub fn new(url: &str, size: usize, wait: Duration, cache_kib: u32, writes: bool) -> Arc<Lane> {
        Arc::new(Lane {
            url: url.to_owned(),
            cache_kib,
            wait,
            idle: Mutex::new(Vec::with_capacity(size)),
            direct: Mutex::new(Vec::new()),
            writes,
            turns: Arc::new(Semaphore::new(size)),
        })
    }

    /// A connection of this lane: an idle one, or a new one while fewer
    /// than `size` are open. Waits at most the lane's timeout.
    pub async fn lend(self: &Arc<Self>) -> Result<Lent, sqlx::Error> {
        let turn = self.turn().await?;
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.open().await?,
        };
        Ok(Lent {
            conn: Some(conn),
            lane: Arc::clone(self),
            _turn: turn,
        })
    }

    /// A direct connection, on one of this lane's turns (the writer's lane
    /// has one: then no other statement of this server writes meanwhile).
    pub async fn lend_direct(self: &Arc<Self>) -> Result<LentDirect, sqlx::Error> {
        let turn = self.turn().await?;
        let kept = self.direct.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match kept {
            Some(conn) => conn,
            None => Direct::open(super::sqlite_path(&self.url), &self.pragmas(), self.writes)?,
        };
        Ok(LentDirect {
            conn: Some(conn),
            lane: Arc::clone(self),
            _turn: turn,
        })
    }

    async fn turn(&self) -> Result<OwnedSemaphorePermit, sqlx::Error> {
        tokio::time::timeout(self.wait, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)
    }

    /// WAL lets readers run beside the one writer; the busy timeout covers
    /// other processes on the file. The writer keeps its temporary files in
    /// memory: a transaction's statement journal (a statement that fires a
    /// trigger, as an invitation's insert does) otherwise spills past
    /// 64 KiB to a file SQLite creates, writes and deletes each time.
    fn pragmas(&self) -> String {
        format!(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
             PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; \
             PRAGMA cache_size = -{};{}",
            self.cache_kib,
            if self.writes {
                " PRAGMA temp_store = MEMORY;"
            } else {
                ""
            }
        )
    }

    async fn open(&self) -> Result<AnyConnection, sqlx::Error> {
        let mut conn = AnyConnection::connect(&self.url).await?;
        conn.execute(self.pragmas().as_str()).await?;
        Ok(conn)
    }

    /// Closes the idle connections and lends no more.
    pub async fn close(&self) {
        self.turns.close();
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for conn in idle {
            let _ = conn.close().await;
        }
        self.direct
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// The lane's direct connection, lent; back to its lane when dropped.
pub struct LentDirect {
    conn: Option<Direct>,
    lane: Arc<Lane>,
    _turn: OwnedSemaphorePermit,
}

impl Drop for LentDirect {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take()
            && !self.lane.turns.is_closed()
        {
            // A transaction its borrower left open ends here, on this
            // thread, before the turn passes on.
            if conn.in_transaction() && conn.batch("ROLLBACK").is_err() {
                // A connection that cannot roll back is not lent again.
                return;
            }
            self.lane
                .direct
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
        }
    }
}

impl std::ops::Deref for LentDirect {
    type Target = Direct;

    fn deref(&self) -> &Direct {
        self.conn
            .as_ref()
            .expect("a lent connection is held until dropped")
    }
}

impl std::ops::DerefMut for LentDirect {
    fn deref_mut(&mut self) -> &mut Direct {
        self.conn
            .as_mut()
            .expect("a lent connection is held until dropped")
    }
}

/// A lent connection; back to its lane when dropped.
pub struct Lent {
    conn: Option<AnyConnection>,
    lane: Arc<Lane>,
    // Released after `drop` put the connection back (fields drop after it).
    _turn: OwnedSemaphorePermit,
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take()
            && !self.lane.turns.is_closed()
        {
            // A transaction its borrower left open (a sqlx `Transaction`
            // dropped mid-way queues its own rollback; this catches any
            // other way) ends before the next borrower's first statement.
            if Tm::get_transaction_depth(&conn) > 0 {
                Tm::start_rollback(&mut conn);
            }
            self.lane
                .idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
        }
    }
}

impl std::ops::Deref for Lent {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        self.conn
            .as_ref()
            .expect("a lent connection is held until dropped")
    }
}

impl std::ops::DerefMut for Lent {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn
            .as_mut()
            .expect("a lent connection is held until dropped")
    }
}
