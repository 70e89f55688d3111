//! A pooled connection and what the pool knows of it: when it came back, and whether a
//! statement on it failed since.
//!
//! r2d2 tests every connection it hands out (`SELECT 1`), so that one the database dropped
//! meanwhile (a restart, an outage) is made again instead of failing the request. On
//! PostgreSQL that test is a round trip of its own: two per request (the standing read and the
//! write each check a connection out), a ninth of an invitation's. A connection that came back
//! moments ago with every statement answered is not tested again: it is tested only after a
//! statement on it failed, or once it has waited in the pool for [`FRESH`].

use super::DbConnection;
use diesel::connection::{Connection, InstrumentationEvent};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a connection back in the pool, whose statements all answered, is handed out again
/// without a test.
pub(super) const FRESH: Duration = Duration::from_secs(1);

/// A connection of a pool.
pub struct Pooled {
    conn: DbConnection,
    /// When it came back to the pool last.
    returned: Option<Instant>,
    /// Set when a statement on it failed: it is tested before it is used again.
    suspect: Arc<AtomicBool>,
}

impl Pooled {
    /// `conn`, watched: a failed statement marks it suspect.
    pub(super) fn new(mut conn: DbConnection) -> Self {
        let suspect = Arc::new(AtomicBool::new(false));
        let mark = suspect.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::FinishQuery { error: Some(_), .. } = event {
                mark.store(true, Ordering::Relaxed);
            }
        });
        Self {
            conn,
            returned: None,
            suspect,
        }
    }

    /// Whether it may be handed out without a test: back moments ago, nothing failed on it.
    pub(super) fn is_fresh(&self) -> bool {
        !self.suspect.load(Ordering::Relaxed) && self.returned.is_some_and(|t| t.elapsed() < FRESH)
    }

    /// It passed a test: nothing is suspected of it any more.
    pub(super) fn tested(&mut self) {
        self.suspect.store(false, Ordering::Relaxed);
    }

    /// It is back in the pool now.
    pub(super) fn came_back(&mut self) {
        self.returned = Some(Instant::now());
    }

    /// The connection itself, for a thread that keeps it (SQLite's writer, the probe).
    pub(super) fn into_inner(self) -> DbConnection {
        self.conn
    }
}

impl Deref for Pooled {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}
