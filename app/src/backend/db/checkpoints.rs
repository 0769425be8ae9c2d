//! SQLite's checkpoints, run on a thread of their own.
//!
//! In WAL mode a commit appends the pages it changed to the WAL, and a
//! checkpoint copies them back into the database file, syncing the WAL
//! before and the file after. By default the connection that commits
//! runs it, inside its COMMIT, once the WAL holds 1,000 pages: on the
//! writer, that is inside the one write turn, so every write queued
//! behind it waits for two syncs (bench: the invitation's p99). Here a
//! thread with a connection of its own runs it (`PASSIVE`: it takes no
//! lock a writer or reader waits for), nudged by the writer every
//! [`NUDGE_EVERY`] commits; the writer's connections checkpoint
//! themselves only past [`BACKSTOP_PAGES`], should this thread fall
//! behind.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// The writer's own automatic checkpoint, should the thread fall behind
/// (`PRAGMA wal_autocheckpoint`, pages of 4 KiB: 16 MiB of WAL).
pub const BACKSTOP_PAGES: u32 = 4_000;

/// Commits between two nudges: an invitation changes ten pages or so,
/// and a group commit carries several.
const NUDGE_EVERY: u64 = 16;

/// The checkpointing thread's controls; the thread ends on [`Checkpoints::stop`].
#[derive(Debug, Default)]
pub struct Checkpoints {
    state: Mutex<State>,
    wake: Condvar,
    commits: AtomicU64,
    done: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    due: bool,
    stopped: bool,
}

impl Checkpoints {
    /// Starts the thread, for the database file at `path`.
    pub fn start(path: &str) -> Arc<Checkpoints> {
        let checkpoints = Arc::new(Checkpoints::default());
        let path = path.to_owned();
        let thread = Arc::clone(&checkpoints);
        let started = std::thread::Builder::new()
            .name("sqlite-checkpoints".into())
            .spawn(move || thread.run(&path));
        if let Err(e) = started {
            // The writer's backstop still checkpoints.
            tracing::warn!(error = %e, "no checkpoint thread");
        }
        checkpoints
    }

    /// Counts a commit of the writer's; every [`NUDGE_EVERY`]th wakes the thread.
    pub fn committed(&self) {
        if self.commits.fetch_add(1, Ordering::Relaxed) % NUDGE_EVERY == NUDGE_EVERY - 1 {
            self.lock().due = true;
            self.wake.notify_one();
        }
    }

    /// How many checkpoints the thread has run.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    pub fn stop(&self) {
        self.lock().stopped = true;
        self.wake.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn run(&self, path: &str) {
        let mut conn: Option<rusqlite::Connection> = None;
        loop {
            {
                let mut state = self.lock();
                while !state.due && !state.stopped {
                    state = self.wake.wait(state).unwrap_or_else(|e| e.into_inner());
                }
                if state.stopped {
                    return;
                }
                state.due = false;
            }
            if conn.is_none() {
                conn = rusqlite::Connection::open(path).ok();
            }
            let Some(c) = &conn else { continue };
            match c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                Ok(()) => {
                    self.done.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "checkpoint failed");
                    conn = None;
                }
            }
        }
    }
}
