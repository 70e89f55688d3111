//! SQLite's one writer: the thread that runs queued write transactions in groups sharing one
//! commit, and the checkpointer that keeps its WAL short.

use super::{Connector, DbConnection};
use crate::base::error::StoreError;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::ManageConnection;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

/// A write transaction waiting for (or inside) a group.
pub(super) trait WriteJob: Send {
    /// Runs in its own savepoint; `false` when it failed (and was rolled back).
    fn run(&mut self, conn: &mut DbConnection) -> bool;
    /// Tells the caller, once the group's commit is known.
    fn finish(self: Box<Self>, committed: Result<(), String>);
}

pub(super) struct Job<T, F> {
    pub(super) work: Option<F>,
    pub(super) outcome: Option<Result<T, StoreError>>,
    pub(super) reply: std::sync::mpsc::Sender<Result<T, StoreError>>,
}

impl<T, F> WriteJob for Job<T, F>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
{
    fn run(&mut self, conn: &mut DbConnection) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        // Nested in the group's transaction, diesel makes this a savepoint.
        let outcome = conn.transaction(work);
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn finish(self: Box<Self>, committed: Result<(), String>) {
        let result = match (self.outcome, committed) {
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)), Err(e)) => {
                Err(StoreError::Unavailable(format!("the commit failed: {e}")))
            }
            (Some(Err(e)), _) => Err(e),
            (None, Err(e)) => Err(StoreError::Unavailable(format!(
                "the write was not run: {e}"
            ))),
            (None, Ok(())) => Err(StoreError::Unavailable("the write was not run".into())),
        };
        // The caller may have gone (its request was cancelled): nothing to tell then.
        let _ = self.reply.send(result);
    }
}

/// At most this many transactions share one commit.
const GROUP_LIMIT: usize = 128;

/// Starts the SQLite writer thread with its own connection.
pub(super) fn spawn_writer(
    connector: Connector,
    wal_full: Arc<AtomicU8>,
) -> Result<std::sync::mpsc::SyncSender<Box<dyn WriteJob>>, StoreError> {
    let mut conn = connector
        .connect()
        .map_err(|e| StoreError::Unavailable(e.to_string()))?
        .into_inner();
    // Checkpoints (copying the WAL back into the database, with an fsync) happen in the
    // checkpointer thread, not in the writer's commits.
    conn.batch_execute("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;")
        .map_err(StoreError::Database)?;
    let (queue, jobs) = std::sync::mpsc::sync_channel::<Box<dyn WriteJob>>(4096);
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || {
            while let Ok(first) = jobs.recv() {
                let mut group = vec![first];
                while group.len() < GROUP_LIMIT {
                    match jobs.try_recv() {
                        Ok(job) => group.push(job),
                        Err(_) => break,
                    }
                }
                let committed = run_group(&mut conn, &mut group);
                if committed.is_err() {
                    // A connection whose transaction state is unknown is not used again.
                    if let Ok(fresh) = connector.connect() {
                        conn = fresh.into_inner();
                    }
                }
                for job in group {
                    job.finish(committed.clone());
                }
                // Between groups the writer holds no lock, and no other writer can take it
                // meanwhile: the one moment a WAL reset cannot be starved (see the checkpointer).
                // It waits for readers of old frames only briefly: a search reading every row
                // of a large account holds its snapshot for a second or more, and writes must
                // not queue behind it (invitation p99 went from ~25 to ~155 ms beside searches).
                // If a reader is still there, the checkpointer asks again on its next pass, and
                // only once the WAL is far too long does the reset wait for the readers.
                let wait_ms = match wal_full.swap(WAL_FINE, Ordering::Relaxed) {
                    WAL_LONG => Some(WAL_RESET_WAIT_MS),
                    WAL_FAR_TOO_LONG => Some(5000),
                    _ => None,
                };
                if let Some(wait_ms) = wait_ms {
                    let reset = conn
                        .batch_execute(&format!("PRAGMA busy_timeout = {wait_ms};"))
                        .and_then(|()| conn.batch_execute("PRAGMA wal_checkpoint(RESTART);"));
                    // Restored whatever happened: the writer's own waits keep their patience.
                    let restored = conn.batch_execute("PRAGMA busy_timeout = 5000;");
                    if let Err(e) = reset.and(restored) {
                        tracing::warn!(error = %e, "WAL reset failed");
                    }
                }
            }
        })
        .map_err(|e| StoreError::Unavailable(format!("cannot start the writer thread: {e}")))?;
    Ok(queue)
}

/// One group: `BEGIN IMMEDIATE`, every job in its savepoint, one `COMMIT`.
fn run_group(conn: &mut DbConnection, group: &mut [Box<dyn WriteJob>]) -> Result<(), String> {
    let DbConnection::Sqlite(sqlite) = &mut *conn else {
        return Err("the writer thread serves SQLite only".into());
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        .map_err(|e| e.to_string())?;
    let mut panicked = false;
    for job in group.iter_mut() {
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run(conn)));
        if ran.is_err() {
            panicked = true;
            break;
        }
    }
    if panicked {
        let _ = <DbConnection as TransactionManager<DbConnection>>::rollback_transaction(conn);
        return Err("a write panicked; its group was rolled back".into());
    }
    match <DbConnection as TransactionManager<DbConnection>>::commit_transaction(conn) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = <DbConnection as TransactionManager<DbConnection>>::rollback_transaction(conn);
            Err(e.to_string())
        }
    }
}

/// How often the checkpointer copies the WAL back into the database.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// WAL frames (pages) past which the WAL is reset: 12,288 pages of 4 KiB, 48 MiB.
const WAL_RESET_FRAMES: i32 = 12288;

/// What the checkpointer tells the writer of the WAL's length.
pub(super) const WAL_FINE: u8 = 0;
/// Past [`WAL_RESET_FRAMES`]: reset it if no reader is in the way.
const WAL_LONG: u8 = 1;
/// Past four times that (192 MiB; long searches kept every reset from completing): reset it
/// even if that means waiting for them.
const WAL_FAR_TOO_LONG: u8 = 2;

/// How long the writer's WAL reset waits for readers of old frames, in milliseconds.
const WAL_RESET_WAIT_MS: u32 = 10;

/// What `PRAGMA wal_checkpoint` answers.
#[derive(diesel::QueryableByName)]
struct Checkpoint {
    /// Frames in the WAL, or -1 when the database is not in WAL mode.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    log: i32,
}

/// Starts the thread that checkpoints the WAL on a connection of its own; it stops when the
/// returned lifeline is dropped. Every [`CHECKPOINT_EVERY`] a PASSIVE checkpoint copies what
/// it can back into the database without blocking anyone. That alone never shrinks the WAL
/// under a steady load: SQLite writes the WAL from its beginning again only once every frame
/// is checkpointed and no reader still uses them, and a TRUNCATE checkpoint from here would
/// wait for the writer, which takes its lock again the moment a group commits. So once the
/// WAL holds more than [`WAL_RESET_FRAMES`], this thread raises `wal_full`, and the writer
/// itself runs a RESTART checkpoint between two groups (the PASSIVE checkpoints did most of
/// the copying), and the next group writes the WAL from its beginning again, so the file stays
/// within `journal_size_limit` (64 MiB). The reset waits [`WAL_RESET_WAIT_MS`] at most for
/// readers of old frames; while long searches keep it from completing the WAL grows, and past
/// four times the threshold the reset waits for them. (A TRUNCATE checkpoint there, measured,
/// stalls writes about twice as long for no gain in bound.)
pub(super) fn spawn_checkpointer(
    connector: Connector,
    wal_full: Arc<AtomicU8>,
) -> Result<std::sync::mpsc::SyncSender<()>, StoreError> {
    let mut conn = connector
        .connect()
        .map_err(|e| StoreError::Unavailable(e.to_string()))?
        .into_inner();
    let (lifeline, watch) = std::sync::mpsc::sync_channel::<()>(1);
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let mut checkpoint = |mode: &str| -> Result<i32, diesel::result::Error> {
                diesel::sql_query(format!("PRAGMA wal_checkpoint({mode})"))
                    .get_result::<Checkpoint>(&mut conn)
                    .map(|c| c.log)
            };
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                watch.recv_timeout(CHECKPOINT_EVERY)
            {
                match checkpoint("PASSIVE") {
                    Ok(frames) if frames > 4 * WAL_RESET_FRAMES => {
                        wal_full.store(WAL_FAR_TOO_LONG, Ordering::Relaxed)
                    }
                    Ok(frames) if frames > WAL_RESET_FRAMES => {
                        wal_full.store(WAL_LONG, Ordering::Relaxed)
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed"),
                }
            }
            // Last one out: fold the whole WAL back in.
            let _ = checkpoint("TRUNCATE");
        })
        .map_err(|e| StoreError::Unavailable(format!("cannot start the checkpointer: {e}")))?;
    Ok(lifeline)
}
