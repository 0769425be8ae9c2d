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
//!
//! The writer's lane commits write transactions in groups
//! ([`Lane::begin_member`]): a transaction that ends while others wait
//! for the turn leaves SQLite's transaction open for them, and one COMMIT
//! carries them all. Each member's work runs in a savepoint of its own, so
//! a member that fails undoes only its own work, and each waits for the
//! COMMIT before it answers, so nothing is answered that a crash could
//! still lose.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sqlx::{AnyConnection, Connection, Executor, TransactionManager};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use super::Tm;
use super::exec::Direct;

/// Connections to one SQLite file with one page-cache size.
pub struct Lane {
    url: String,
    /// SQLite's page cache per connection, KiB.
    cache_kib: u32,
    wait: Duration,
    idle: Mutex<Vec<AnyConnection>>,
    /// Idle direct connections, opened on first need, and the writer's
    /// open group.
    direct: Mutex<IdleDirect>,
    /// Whether this is the writer's lane (see [`Direct::begin`]).
    writes: bool,
    turns: Arc<Semaphore>,
    /// Borrowers waiting for a turn: a group is left open only for them.
    waiting: AtomicUsize,
}

/// How many write transactions one COMMIT carries at most: a member waits
/// for the ones after it, so this bounds how long.
const GROUP_MAX: usize = 16;

#[derive(Default)]
struct IdleDirect {
    conns: Vec<Direct>,
    /// A write transaction members released their work into and left open
    /// for the next to join. While there is one, the writer's direct
    /// connection is idle (here) and in that transaction.
    open: Option<Group>,
}

/// What a group's COMMIT gave: `None` until it ran.
type Outcome = Option<Result<(), String>>;

/// The members of one SQLite transaction on the writer.
struct Group {
    /// Tells the members waiting for the COMMIT what it gave.
    done: watch::Sender<Outcome>,
    /// Members whose work is released into the transaction.
    members: usize,
}

impl Group {
    fn new() -> Group {
        Group {
            done: watch::Sender::new(None),
            members: 0,
        }
    }

    /// Commits the group's transaction on `conn` and tells its members.
    fn commit(self, conn: &mut Direct) -> Result<(), sqlx::Error> {
        let done = conn.batch("COMMIT");
        if done.is_err() && conn.in_transaction() {
            let _ = conn.batch("ROLLBACK");
        }
        self.done
            .send_replace(Some(done.as_ref().map(|_| ()).map_err(|e| e.to_string())));
        done
    }

    /// Tells the members their work is lost.
    fn fail(self, why: &str) {
        self.done.send_replace(Some(Err(why.to_owned())));
    }
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
            direct: Mutex::new(IdleDirect::default()),
            writes,
            turns: Arc::new(Semaphore::new(size)),
            waiting: AtomicUsize::new(0),
        })
    }

    fn idle_direct(&self) -> MutexGuard<'_, IdleDirect> {
        self.direct.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Commits the writer's open group, if any: whoever takes the turn for
    /// anything but joining it does this first.
    fn settle(&self) {
        if !self.writes {
            return;
        }
        let mut idle = self.idle_direct();
        if let Some(group) = idle.open.take() {
            match idle.conns.last_mut() {
                Some(conn) => {
                    let _ = group.commit(conn);
                }
                None => group.fail("the writer's connection was lost"),
            }
        }
    }

    /// How many borrowers wait for a turn (counted on the writer's lane
    /// only: nothing else leaves a group open).
    fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    /// A connection of this lane: an idle one, or a new one while fewer
    /// than `size` are open. Waits at most the lane's timeout.
    pub async fn lend(self: &Arc<Self>) -> Result<Lent, sqlx::Error> {
        let turn = self.turn().await?;
        self.settle();
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
        self.settle();
        Ok(LentDirect {
            conn: Some(self.direct_conn()?),
            lane: Arc::clone(self),
            _turn: turn,
        })
    }

    /// An idle direct connection, or a new one (the caller holds a turn).
    fn direct_conn(&self) -> Result<Direct, sqlx::Error> {
        match self.idle_direct().conns.pop() {
            Some(conn) => Ok(conn),
            None => Direct::open(super::sqlite_path(&self.url), &self.pragmas(), self.writes),
        }
    }

    /// A write transaction on the writer's direct connection, as a member
    /// of the open group if there is one (its work then runs in a
    /// savepoint), else of a group it begins (`BEGIN IMMEDIATE`).
    pub async fn begin_member(self: &Arc<Self>) -> Result<Member, sqlx::Error> {
        let turn = self.turn().await?;
        let open = self.idle_direct().open.take();
        let mut member = Member {
            conn: Some(self.direct_conn()?),
            lane: Arc::clone(self),
            joined: open.is_some(),
            group: open,
            _turn: turn,
        };
        if member.joined {
            member.batch("SAVEPOINT member")?;
        } else {
            member.begin().await?;
            member.group = Some(Group::new());
        }
        Ok(member)
    }

    async fn turn(&self) -> Result<OwnedSemaphorePermit, sqlx::Error> {
        struct Waiting<'a>(&'a AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        // Readers skip the count: an atomic both cores update on every read.
        let _waiting = self.writes.then(|| {
            self.waiting.fetch_add(1, Ordering::AcqRel);
            Waiting(&self.waiting)
        });
        tokio::time::timeout(self.wait, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)
    }

    /// Waits for the COMMIT of the group a member left open. Should every
    /// borrower queued before it take its turn and none commit, the member
    /// gets the turn again and commits the group itself. (No timeout: its
    /// work is released, and the answer must say whether it was kept.)
    async fn group_done(
        self: &Arc<Self>,
        mut done: watch::Receiver<Outcome>,
    ) -> Result<(), sqlx::Error> {
        /// Should the waiting member be dropped (its client went away), a
        /// task of its own takes the turn and commits, so that the open
        /// transaction is not left holding SQLite's write lock.
        struct Unsettled<'a>(&'a Arc<Lane>, &'a watch::Receiver<Outcome>);
        impl Drop for Unsettled<'_> {
            fn drop(&mut self) {
                if self.1.borrow().is_none()
                    && let Ok(runtime) = tokio::runtime::Handle::try_current()
                {
                    let lane = Arc::clone(self.0);
                    runtime.spawn(async move {
                        if let Ok(_turn) = lane.turns.clone().acquire_owned().await {
                            lane.settle();
                        }
                    });
                }
            }
        }
        let watched = done.clone();
        let unsettled = Unsettled(self, &watched);
        tokio::select! {
            biased;
            _ = done.wait_for(Option::is_some) => {}
            turn = self.turns.clone().acquire_owned() => {
                if turn.is_ok() {
                    self.settle();
                }
            }
        }
        drop(unsettled);
        let outcome = done.borrow().clone();
        match outcome {
            Some(Ok(())) => Ok(()),
            Some(Err(why)) => Err(sqlx::Error::Protocol(format!(
                "a write transaction's group was not committed: {why}"
            ))),
            None => Err(sqlx::Error::PoolClosed),
        }
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
        self.settle();
        self.turns.close();
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for conn in idle {
            let _ = conn.close().await;
        }
        // Again: a member that held a turn when they closed may have left
        // its group open since.
        self.settle();
        self.idle_direct().conns.clear();
    }
}

/// A write transaction of a group ([`Lane::begin_member`]). Dropped without
/// [`Member::commit`], its own work is undone and the group goes on.
pub struct Member {
    conn: Option<Direct>,
    lane: Arc<Lane>,
    /// The group its work goes into; held while the member has the turn.
    group: Option<Group>,
    /// Whether it joined a group others released into (its work is then in
    /// a savepoint), else it began the transaction.
    joined: bool,
    // Released after `drop` gave the connection back.
    _turn: OwnedSemaphorePermit,
}

impl Member {
    /// Releases this member's work into its group, then: when another
    /// borrower waits for the turn (and the group has room), leaves the
    /// transaction open for it and waits for the group's COMMIT; else
    /// commits. Either way, returns once the work is committed.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        if self.joined {
            self.batch("RELEASE member")?;
        }
        let mut group = self.group.take().unwrap_or_else(Group::new);
        group.members += 1;
        if group.members < GROUP_MAX && self.lane.waiting() > 0 {
            let done = group.done.subscribe();
            let lane = Arc::clone(&self.lane);
            if let Some(conn) = self.conn.take() {
                let mut idle = lane.idle_direct();
                idle.conns.push(conn);
                idle.open = Some(group);
            }
            // The turn passes on here, with the transaction open.
            drop(self);
            return lane.group_done(done).await;
        }
        let mut conn = self.conn.take().expect("a member holds its connection");
        // Should COMMIT fail, `Group::commit` rolls back.
        let done = group.commit(&mut conn);
        // A connection that could not roll back is not lent again.
        if !conn.in_transaction() {
            self.lane.idle_direct().conns.push(conn);
        }
        done
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let group = self.group.take();
        if self.lane.turns.is_closed() {
            if let Some(group) = group.filter(|g| g.members > 0) {
                group.fail("the server is stopping");
            }
            return;
        }
        if self.joined {
            let _ = conn.batch("ROLLBACK TO member; RELEASE member");
        }
        let mut open = None;
        match group {
            // Others' work is in the transaction: it stays open for the
            // next borrower to join or commit.
            Some(group) if group.members > 0 => {
                if conn.in_transaction() {
                    open = Some(group);
                } else {
                    group.fail("the transaction ended with an error");
                }
            }
            _ => {
                // A connection that cannot roll back is not lent again.
                if conn.in_transaction() && conn.batch("ROLLBACK").is_err() {
                    return;
                }
            }
        }
        let mut idle = self.lane.idle_direct();
        idle.conns.push(conn);
        idle.open = open;
    }
}

impl std::ops::Deref for Member {
    type Target = Direct;

    fn deref(&self) -> &Direct {
        self.conn
            .as_ref()
            .expect("a member holds its connection until dropped")
    }
}

impl std::ops::DerefMut for Member {
    fn deref_mut(&mut self) -> &mut Direct {
        self.conn
            .as_mut()
            .expect("a member holds its connection until dropped")
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
            self.lane.idle_direct().conns.push(conn);
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

#[cfg(test)]
mod tests {
    //! Group commit on lanes of their own (no server, so no other borrower
    //! of the writer than the test's): the writer, and readers beside it.
    use std::sync::atomic::AtomicU32;

    use tokio::sync::oneshot;

    use super::*;
    use crate::backend::db::exec::{Arg, Exec};

    fn lanes() -> (Arc<Lane>, Arc<Lane>) {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "portico-lanes-{}-{}.db",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let writer = Lane::new(&url, 1, Duration::from_secs(30), 1_024, true);
        let readers = Lane::new(&url, 4, Duration::from_secs(10), 1_024, false);
        (writer, readers)
    }

    async fn put(conn: &mut impl Exec, key: &str) {
        conn.execute("INSERT INTO t (k) VALUES ($1)", &[Arg::from(key)])
            .await
            .unwrap();
    }

    /// What a reader sees: what is committed.
    async fn keys(readers: &Arc<Lane>) -> Vec<String> {
        let mut conn = readers.lend_direct().await.unwrap();
        conn.fetch_all("SELECT k FROM t ORDER BY k", &[], |r| r.text(0))
            .await
            .unwrap()
    }

    async fn until_waiting(writer: &Lane) {
        for _ in 0..5_000 {
            if writer.waiting() > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("no one waited for the writer's turn");
    }

    async fn with_table() -> (Arc<Lane>, Arc<Lane>) {
        let (writer, readers) = lanes();
        let mut conn = writer.lend_direct().await.unwrap();
        conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY)", &[])
            .await
            .unwrap();
        drop(conn);
        (writer, readers)
    }

    /// A transaction that ends while another waits for the turn leaves
    /// SQLite's transaction open for it: its work is not yet seen by any
    /// reader, and its commit returns only once the group's COMMIT ran.
    #[tokio::test]
    async fn transactions_waiting_for_the_turn_commit_together() {
        let (writer, readers) = with_table().await;
        let mut a = writer.begin_member().await.unwrap();
        put(&mut a, "a").await;
        let (joined, has_joined) = oneshot::channel();
        let (go, told_to_go) = oneshot::channel::<()>();
        let b = tokio::spawn({
            let writer = Arc::clone(&writer);
            async move {
                let mut b = writer.begin_member().await.unwrap();
                // A's work is in the transaction B joined.
                let seen = b
                    .fetch_all("SELECT k FROM t", &[], |r| r.text(0))
                    .await
                    .unwrap();
                joined.send(seen).unwrap();
                told_to_go.await.unwrap();
                put(&mut b, "b").await;
                b.commit().await
            }
        });
        until_waiting(&writer).await;
        let a_commit = tokio::spawn(a.commit());
        assert_eq!(has_joined.await.unwrap(), ["a"], "B sees A's work");
        assert_eq!(keys(&readers).await, Vec::<String>::new());
        assert!(!a_commit.is_finished(), "A answered before its COMMIT");
        go.send(()).unwrap();
        b.await.unwrap().unwrap();
        a_commit.await.unwrap().unwrap();
        assert_eq!(keys(&readers).await, ["a", "b"]);
    }

    /// A member that fails undoes only its own work: the one before it
    /// takes the turn again and commits the group.
    #[tokio::test]
    async fn a_member_that_fails_undoes_only_its_own_work() {
        let (writer, readers) = with_table().await;
        let mut c = writer.begin_member().await.unwrap();
        put(&mut c, "c").await;
        let d = tokio::spawn({
            let writer = Arc::clone(&writer);
            async move {
                let mut d = writer.begin_member().await.unwrap();
                put(&mut d, "d").await;
                // A unique violation inside the group: D's statement fails,
                // and D is dropped uncommitted.
                let twice = d
                    .execute("INSERT INTO t (k) VALUES ('c')", &[])
                    .await
                    .unwrap_err();
                assert!(
                    matches!(&twice, sqlx::Error::Database(e) if e.is_unique_violation()),
                    "{twice:?}"
                );
            }
        });
        until_waiting(&writer).await;
        let c_commit = tokio::spawn(c.commit());
        d.await.unwrap();
        c_commit.await.unwrap().unwrap();
        assert_eq!(keys(&readers).await, ["c"]);
    }

    /// A borrower that takes the turn for anything but joining (here
    /// sqlx's writer connection) commits the open group first.
    #[tokio::test]
    async fn any_other_borrower_commits_the_group_first() {
        sqlx::any::install_default_drivers();
        let (writer, readers) = with_table().await;
        let mut e = writer.begin_member().await.unwrap();
        put(&mut e, "e").await;
        let w = tokio::spawn({
            let writer = Arc::clone(&writer);
            async move {
                let mut w = writer.lend().await.unwrap();
                let mut seen = Exec::fetch_all(&mut *w, "SELECT k FROM t", &[], |r| r.text(0))
                    .await
                    .unwrap();
                // Its own write is its own transaction.
                put(&mut *w, "w").await;
                seen.push("then w".into());
                seen
            }
        });
        until_waiting(&writer).await;
        e.commit().await.unwrap();
        assert_eq!(w.await.unwrap(), ["e", "then w"]);
        assert_eq!(keys(&readers).await, ["e", "w"]);
    }

    /// A member whose answer no one waits for any more (its request went
    /// away while its work waited for the COMMIT) still has its work
    /// committed: a task takes the turn and commits, so the open
    /// transaction never keeps SQLite's write lock.
    #[tokio::test]
    async fn a_group_left_by_every_member_is_still_committed() {
        let (writer, readers) = with_table().await;
        let mut a = writer.begin_member().await.unwrap();
        put(&mut a, "a").await;
        let (has_turn, b_has_turn) = oneshot::channel();
        let (go, told_to_go) = oneshot::channel::<()>();
        let b = tokio::spawn({
            let writer = Arc::clone(&writer);
            async move {
                let mut b = writer.begin_member().await.unwrap();
                put(&mut b, "b").await;
                has_turn.send(()).unwrap();
                told_to_go.await.unwrap();
                // B fails: its work is undone, A's stays in the open group.
                drop(b);
            }
        });
        until_waiting(&writer).await;
        let a_commit = tokio::spawn(a.commit());
        // B has the turn: A waits for the group's COMMIT. A's request goes.
        b_has_turn.await.unwrap();
        a_commit.abort();
        assert!(a_commit.await.unwrap_err().is_cancelled());
        go.send(()).unwrap();
        b.await.unwrap();
        for _ in 0..5_000 {
            if keys(&readers).await == ["a"] {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("A's work was never committed");
    }
}
