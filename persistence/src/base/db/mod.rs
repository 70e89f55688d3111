//! Connections, pools and transactions: one code path over SQLite and PostgreSQL.
//!
//! SQLite (the embedded default) has one writer: a dedicated thread owns the one write
//! connection. Write transactions are queued to it; it takes every one that is waiting, runs
//! them one after the other inside a single `BEGIN IMMEDIATE` transaction, each in a savepoint
//! of its own (a failing one is rolled back alone), and commits once for the group (group
//! commit). Each caller gets its result only after that commit. Writers thus queue in the
//! process instead of spinning on SQLite's busy handler, one commit serves many requests, and
//! reads run concurrently on a separate read-only pool (WAL). PostgreSQL uses one pool for
//! both; use cases that must be serialised per account lock the account row (see `tx`).

use crate::base::error::StoreError;
use crate::base::request::Queued;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations};
use std::sync::atomic::AtomicU8;
use std::sync::Arc;
use std::time::Duration;

/// Inserts one row per item of `$items` (a slice) into `$table`, each made by `$row`, through
/// `$writes` ([`Writes`]): chained on PostgreSQL; on SQLite at once, one row as a statement
/// whose preparation is cached, more as one multi-row statement, written per backend (SQLite
/// has no `DEFAULT` in a `VALUES` list, so diesel builds it apart).
macro_rules! insert_rows {
    ($writes:expr, $table:expr, $items:expr, $row:expr) => {{
        let writes: &mut $crate::base::db::Writes<'_, '_> = $writes;
        match writes {
            $crate::base::db::Writes::Chained(chain) => match $items {
                [] => {}
                [one] => chain.push(diesel::insert_into($table).values($row(one))),
                many => {
                    let rows: Vec<_> = many.iter().map($row).collect();
                    chain.push(diesel::insert_into($table).values(rows));
                }
            },
            $crate::base::db::Writes::Now(conn) => match $items {
                [] => {}
                [one] => {
                    diesel::insert_into($table)
                        .values($row(one))
                        .execute(&mut **conn)?;
                }
                many => {
                    let rows: Vec<_> = many.iter().map($row).collect();
                    let insert = diesel::insert_into($table).values(rows);
                    match &mut **conn {
                        $crate::base::db::DbConnection::Sqlite(c) => insert.execute(c)?,
                        $crate::base::db::DbConnection::Pg(c) => insert.execute(c)?,
                    };
                }
            },
        }
    }};
}
pub(crate) use insert_rows;

mod chain;
mod migrations;
mod outage;
mod pooled;
mod probe;
mod writer;
pub(crate) use chain::Writes;
use migrations::migrate_with;
pub use migrations::Migrated;
use outage::{checkout, Outage, RECONNECT_EVERY};
pub use pooled::Pooled;
use probe::{FileIdentity, Probe};
use writer::{spawn_checkpointer, spawn_writer, Job, WriteJob, WAL_FINE};

/// libpq's connect timeout for pooled connections, in seconds.
const POOL_CONNECT_TIMEOUT_SECONDS: u32 = 5;

pub(crate) const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub(crate) const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite { path: String },
    Postgres { url: String },
}

impl Backend {
    /// `sqlite://PATH` (or `sqlite::memory:`), or `postgres://…` / `postgresql://…`.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres {
                url: url.to_owned(),
            })
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::Config(
                    "DATABASE_URL `sqlite://` names no file".into(),
                ));
            }
            Ok(Self::Sqlite {
                path: path.to_owned(),
            })
        } else {
            Err(StoreError::Config(format!(
                "DATABASE_URL must start with sqlite:// or postgres://, not `{}`",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

/// Opens connections of one backend and prepares each one.
#[derive(Debug, Clone)]
struct Connector {
    backend: Backend,
    read_only: bool,
    /// Told whether each attempt to connect succeeded (shared by every pool and the probe).
    outage: Arc<Outage>,
}

impl ManageConnection for Connector {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        let made = self.open();
        match &made {
            Ok(_) => self.outage.connected(),
            Err(e) => self.outage.failed(e),
        }
        made.map(Pooled::new)
    }

    /// Tested (`SELECT 1`) unless it came back moments ago with every statement answered
    /// (`pooled`).
    fn is_valid(&self, conn: &mut Pooled) -> Result<(), r2d2::Error> {
        if conn.is_fresh() {
            return Ok(());
        }
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)?;
        conn.tested();
        Ok(())
    }

    fn has_broken(&self, conn: &mut Pooled) -> bool {
        conn.came_back();
        match &mut **conn {
            DbConnection::Pg(c) => AnsiTransactionManager::is_broken_transaction_manager(c),
            DbConnection::Sqlite(c) => AnsiTransactionManager::is_broken_transaction_manager(c),
        }
    }
}

impl Connector {
    /// A new connection, prepared.
    fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.backend {
            Backend::Postgres { url } => PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite { path } => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; NORMAL sync in WAL mode is
                // durable across a process crash (a committed 201 survives SIGKILL).
                let mut pragmas = String::from(
                    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
                     PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;",
                );
                // Page caches are per connection: a larger one for the writer, small ones for
                // the readers (the OS caches the file for all of them anyway), so that memory
                // stays bounded however large the database grows.
                if self.read_only {
                    pragmas.push_str(" PRAGMA query_only = ON; PRAGMA cache_size = -2048;");
                } else {
                    pragmas.push_str(" PRAGMA cache_size = -8192;");
                }
                conn.batch_execute(&pragmas)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Pool sizes and timeouts.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Connections for reads (SQLite) or for everything (PostgreSQL).
    pub max_connections: u32,
    /// How long a request waits for a connection before it is told the service is busy
    /// (while the database answers: once connecting to it fails, requests are told at once).
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Where write transactions run.
#[derive(Clone)]
enum Writer {
    /// A pooled connection per transaction (PostgreSQL).
    Pool(Pool<Connector>),
    /// The one writer thread (SQLite), and the checkpointer's lifeline: both threads end when
    /// the last clone of the database is dropped.
    Thread {
        queue: std::sync::mpsc::SyncSender<Box<dyn WriteJob>>,
        _checkpointer: std::sync::mpsc::SyncSender<()>,
    },
}

/// The database: a pool for reads, and the writer (the same pool on PostgreSQL). A clone is
/// one reference count: every clone shares the pools and the writer.
#[derive(Clone)]
pub struct Database {
    shared: Arc<Shared>,
    /// Whether reads wait for a free connection (`false`: they fail with `Busy` at once).
    wait: bool,
}

struct Shared {
    backend: Backend,
    reader: Pool<Connector>,
    writer: Writer,
    /// The pool migrations and maintenance run on (the writer's connection on SQLite, which
    /// is only used before the writer thread starts).
    admin: Pool<Connector>,
    /// Told after a write that queued messages has committed.
    on_messages: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>>,
    /// Told after a write that queued webhook deliveries has committed.
    on_webhook_deliveries: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>>,
    /// Readiness checks' own connection (see [`Database::ping`]).
    probe: Probe,
    /// Whether the last attempt to connect failed (see `outage`).
    outage: Arc<Outage>,
    /// How long a request waits for a connection while the database answers.
    acquire_timeout: Duration,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.shared.backend.name())
            .finish()
    }
}

impl Database {
    /// Connects (creating the SQLite file and its folder when missing) without migrating.
    pub fn connect(url: &str, options: &PoolOptions) -> Result<Self, StoreError> {
        let backend = Backend::from_url(url)?;
        let outage = Arc::new(Outage::default());
        // Pooled connections give up connecting after a while (libpq waits for the operating
        // system's TCP timeout otherwise, holding the pools' one maintenance thread).
        let pooled = match &backend {
            Backend::Postgres { url } => Backend::Postgres {
                url: probe::with_connect_timeout(url, POOL_CONNECT_TIMEOUT_SECONDS),
            },
            sqlite => sqlite.clone(),
        };
        // One maintenance thread for every pool, rather than three each.
        let upkeep = std::sync::Arc::new(scheduled_thread_pool::ScheduledThreadPool::new(1));
        let build = |read_only: bool, size: u32| {
            let pool = Pool::builder()
                .thread_pool(upkeep.clone())
                .max_size(size)
                .min_idle(Some(1))
                .connection_timeout(RECONNECT_EVERY)
                .build_unchecked(Connector {
                    backend: pooled.clone(),
                    read_only,
                    outage: outage.clone(),
                });
            // The first connection is waited for (the database may be starting too), for
            // the whole acquire timeout, whatever the first attempts gave.
            drop(
                pool.get_timeout(options.acquire_timeout)
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?,
            );
            Ok::<_, StoreError>(pool)
        };
        let (reader, writer, admin, file) = match &backend {
            Backend::Sqlite { path } => {
                if let Some(dir) = std::path::Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir).map_err(|e| {
                            StoreError::Config(format!("cannot create {}: {e}", dir.display()))
                        })?;
                    }
                }
                // The writer first: it switches the file to WAL before readers open it.
                let admin = build(false, 1)?;
                checkout(&admin, &outage, options.acquire_timeout)?
                    .batch_execute("PRAGMA journal_mode = WAL;")
                    .map_err(StoreError::Database)?;
                // The file as opened now: readiness fails once the path names another.
                let file = FileIdentity::of(path);
                let connector = Connector {
                    backend: backend.clone(),
                    read_only: false,
                    outage: outage.clone(),
                };
                // Set by the checkpointer when the WAL is long; the writer then resets it.
                let wal_full = Arc::new(AtomicU8::new(WAL_FINE));
                let writer = Writer::Thread {
                    queue: spawn_writer(connector.clone(), wal_full.clone())?,
                    _checkpointer: spawn_checkpointer(connector, wal_full)?,
                };
                (build(true, options.max_connections)?, writer, admin, file)
            }
            Backend::Postgres { .. } => {
                let pool = build(false, options.max_connections)?;
                (pool.clone(), Writer::Pool(pool.clone()), pool, None)
            }
        };
        let probe = Probe::new(&backend, file, outage.clone());
        Ok(Self {
            shared: Arc::new(Shared {
                backend,
                reader,
                writer,
                admin,
                on_messages: std::sync::OnceLock::new(),
                on_webhook_deliveries: std::sync::OnceLock::new(),
                probe,
                outage,
                acquire_timeout: options.acquire_timeout,
            }),
            wait: true,
        })
    }

    pub fn backend(&self) -> &Backend {
        &self.shared.backend
    }

    /// Whether short reads may run on the caller's thread: an embedded database answers a
    /// primary-key lookup in microseconds, with no network wait to keep an event loop from.
    pub fn reads_are_local(&self) -> bool {
        matches!(self.shared.backend, Backend::Sqlite { .. })
    }

    /// Whether write transactions run at the same time (PostgreSQL), or one after the other
    /// (SQLite's writer thread).
    pub fn writes_overlap(&self) -> bool {
        matches!(self.shared.backend, Backend::Postgres { .. })
    }

    /// Applies the embedded migrations of this backend that the database lacks; says which,
    /// and which migrations the database records that this binary does not know (a newer
    /// release applied them: this one goes on working on that schema, docs/MIGRATIONS.md).
    pub fn migrate(&self) -> Result<Migrated, StoreError> {
        let mut conn = self.pooled(&self.shared.admin)?;
        match &mut **conn {
            DbConnection::Sqlite(c) => migrate_with(c, SQLITE_MIGRATIONS),
            DbConnection::Pg(c) => migrate_with(c, POSTGRES_MIGRATIONS),
        }
        .map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// The same database, but its reads do not wait for a connection: when every one is busy
    /// they fail at once with `StoreError::Busy`, before reading anything. For a caller on an
    /// event loop, which then hands the read to a blocking thread instead of stalling.
    pub fn without_waiting(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            wait: false,
        }
    }

    /// A connection of `pool`, waited for as long as the database answers (see `outage`).
    fn pooled(
        &self,
        pool: &Pool<Connector>,
    ) -> Result<r2d2::PooledConnection<Connector>, StoreError> {
        checkout(pool, &self.shared.outage, self.shared.acquire_timeout)
    }

    /// A read connection: waited for, or only one free at once (`without_waiting`).
    fn reader(&self) -> Result<r2d2::PooledConnection<Connector>, StoreError> {
        if self.wait {
            self.pooled(&self.shared.reader)
        } else {
            self.shared.reader.try_get().ok_or(StoreError::Busy)
        }
    }

    /// Runs `f` on a read connection (no transaction: each statement sees committed data).
    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.reader()?;
        f(&mut conn)
    }

    /// Runs `f` in a read transaction, for reads that must see one snapshot.
    pub fn read_snapshot<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut pooled = self.reader()?;
        let conn: &mut DbConnection = &mut pooled;
        conn.transaction(f)
    }

    /// Runs `f` in a write transaction and returns its result once committed: on SQLite in
    /// the writer thread's current group (a savepoint of its `BEGIN IMMEDIATE` transaction),
    /// on PostgreSQL in a transaction of its own. Rolled back when `f` fails.
    pub fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        self.write_told(true, f)
    }

    /// As [`Database::write`], for work whose writes are one statement (atomic on its own)
    /// and whose reads need no snapshot in common with it: on PostgreSQL no transaction is
    /// opened around it, sparing two round trips (`BEGIN`, `COMMIT`); on SQLite it runs in the
    /// writer's group as any write.
    pub fn write_statement<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        self.write_told(false, f)
    }

    /// A write, in a transaction of its own on PostgreSQL when `transaction`; the workers are
    /// told, once it committed, what it queued for them.
    fn write_told<T, F>(&self, transaction: bool, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let (out, queued) = self.write_noting(transaction, f)?;
        let hooks = [
            (queued.messages, &self.shared.on_messages),
            (
                queued.webhook_deliveries,
                &self.shared.on_webhook_deliveries,
            ),
        ];
        for (queued, hook) in hooks {
            if let Some(tell) = hook.get().filter(|_| queued) {
                tell();
            }
        }
        Ok(out)
    }

    /// `hook` is called after each committed write that queued messages to send (the
    /// delivery worker's wake-up); set once.
    pub fn on_messages(&self, hook: impl Fn() + Send + Sync + 'static) {
        let _ = self.shared.on_messages.set(Box::new(hook));
    }

    /// `hook` is called after each committed write that queued webhook deliveries (the webhook
    /// worker's wake-up); set once.
    pub fn on_webhook_deliveries(&self, hook: impl Fn() + Send + Sync + 'static) {
        let _ = self.shared.on_webhook_deliveries.set(Box::new(hook));
    }

    /// As [`Database::write`], with what the work queued for the workers.
    fn write_noting<T, F>(&self, transaction: bool, f: F) -> Result<(T, Queued), StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        match &self.shared.writer {
            Writer::Pool(pool) => {
                let mut conn = self.pooled(pool)?;
                let conn: &mut DbConnection = &mut conn;
                crate::base::request::take_queued();
                let out = if transaction {
                    conn.transaction(f)
                } else {
                    f(conn)
                };
                let noted = crate::base::request::take_queued();
                out.map(|out| (out, noted))
            }
            Writer::Thread { queue, .. } => {
                let (reply, result) = std::sync::mpsc::channel();
                // The writer thread records the events of the caller's request.
                let request = crate::base::request::current_request();
                let work = move |conn: &mut DbConnection| {
                    crate::base::request::take_queued();
                    let out = crate::base::request::in_request(request, || f(conn));
                    let noted = crate::base::request::take_queued();
                    out.map(|out| (out, noted))
                };
                let job = Box::new(Job {
                    work: Some(work),
                    outcome: None,
                    reply,
                });
                queue
                    .send(job)
                    .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
                result
                    .recv()
                    .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?
            }
        }
    }

    /// Whether the database answers, on a connection of the check's own rather than the
    /// pools' (whose wait lasts the acquire timeout when the database is gone): within
    /// libpq's connect timeout on PostgreSQL, at once on SQLite, where the file at the path
    /// must also still be the one opened at start. Fails at once while an earlier check is
    /// still waiting.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.shared.probe.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select_one(conn: &mut DbConnection) -> Result<(), StoreError> {
        conn.batch_execute("SELECT 1").map_err(StoreError::from)
    }

    #[test]
    fn a_read_that_may_not_wait_is_told_busy_when_every_connection_is_taken(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("busy.db").display());
        let options = PoolOptions {
            max_connections: 2,
            acquire_timeout: Duration::from_secs(5),
        };
        let db = Database::connect(&url, &options)?;
        let taken = [db.shared.reader.get()?, db.shared.reader.get()?];
        let started = std::time::Instant::now();
        let busy = db.without_waiting().read(select_one);
        assert!(matches!(busy, Err(StoreError::Busy)), "{busy:?}");
        assert!(
            started.elapsed() < options.acquire_timeout,
            "it did not wait for a connection"
        );
        drop(taken);
        db.without_waiting().read(select_one)?;
        db.read(select_one)?;
        Ok(())
    }
}
