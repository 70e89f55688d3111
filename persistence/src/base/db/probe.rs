//! Whether the database answers, found out quickly: readiness checks ask on a connection of
//! their own, never through the pools, whose wait for a connection (and r2d2's retries while
//! connecting fails) lasts the whole acquire timeout when the database is gone.
//!
//! On SQLite an open connection keeps answering after its file was removed or replaced (it
//! reads the unlinked file), so the check also compares the file at the path with the one
//! opened at start: device and inode.

use super::{Backend, Connector, DbConnection, Outage};
use crate::base::error::StoreError;
use diesel::connection::SimpleConnection;
use diesel::r2d2::ManageConnection;
use std::sync::{Arc, Mutex, TryLockError};

/// libpq's connect timeout for the probe's connection, in seconds (libpq's shortest).
const CONNECT_TIMEOUT_SECONDS: u32 = 2;

/// The readiness check's own connection, opened at the first check and again after one failed.
pub(super) struct Probe {
    connector: Connector,
    connection: Mutex<Option<DbConnection>>,
    /// The SQLite file as opened at start (none for PostgreSQL, or where it cannot be told).
    file: Option<FileIdentity>,
}

impl Probe {
    /// A probe of `backend`; `file` is the SQLite file's identity as the server opened it;
    /// its attempts to connect tell `outage` too.
    pub(super) fn new(backend: &Backend, file: Option<FileIdentity>, outage: Arc<Outage>) -> Self {
        let backend = match backend {
            Backend::Postgres { url } => Backend::Postgres {
                url: with_connect_timeout(url, CONNECT_TIMEOUT_SECONDS),
            },
            sqlite => sqlite.clone(),
        };
        Self {
            connector: Connector {
                backend,
                read_only: true,
                outage,
            },
            connection: Mutex::new(None),
            file,
        }
    }

    /// `Ok` when the database answers `SELECT 1` (and, on SQLite, its file is still the one
    /// opened at start). Never waits for another check: one still running means the database
    /// did not answer it.
    pub(super) fn check(&self) -> Result<(), StoreError> {
        let mut slot = match self.connection.try_lock() {
            Ok(slot) => slot,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::Unavailable(
                    "the previous readiness check is still waiting for the database".into(),
                ))
            }
        };
        if let (Some(opened), Backend::Sqlite { path }) = (&self.file, &self.connector.backend) {
            opened.is_still(path)?;
        }
        if let Some(conn) = slot.as_mut() {
            if conn.batch_execute("SELECT 1").is_ok() {
                return Ok(());
            }
        }
        // The connection is gone (the server restarted, or the database was dropped): one new
        // try, bounded by the connect timeout.
        *slot = None;
        let mut conn = self
            .connector
            .connect()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .into_inner();
        conn.batch_execute("SELECT 1")?;
        *slot = Some(conn);
        Ok(())
    }
}

/// `url` with libpq's `connect_timeout` of `seconds`, unless it names one already.
pub(super) fn with_connect_timeout(url: &str, seconds: u32) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={seconds}")
}

/// Which file a path names: device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileIdentity {
    device: u64,
    inode: u64,
}

impl FileIdentity {
    /// The identity of the file at `path`; `None` where it cannot be told (no such file, or
    /// a platform without inodes).
    pub(super) fn of(path: &str) -> Option<Self> {
        Self::read(path).ok()
    }

    #[cfg(unix)]
    fn read(path: &str) -> std::io::Result<Self> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path)?;
        Ok(Self {
            device: meta.dev(),
            inode: meta.ino(),
        })
    }

    #[cfg(not(unix))]
    fn read(_path: &str) -> std::io::Result<Self> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    /// `Ok` when `path` still names this file.
    fn is_still(&self, path: &str) -> Result<(), StoreError> {
        match Self::read(path) {
            Ok(now) if now == *self => Ok(()),
            Ok(_) => Err(StoreError::Unavailable(format!(
                "the database file {path} was replaced since the server opened it"
            ))),
            Err(e) => Err(StoreError::Unavailable(format!(
                "the database file {path} is gone: {e}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_connects_within_a_timeout_of_its_own() {
        assert_eq!(
            with_connect_timeout("postgres://u@h/db", 2),
            "postgres://u@h/db?connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?sslmode=disable", 2),
            "postgres://u@h/db?sslmode=disable&connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?connect_timeout=5", 2),
            "postgres://u@h/db?connect_timeout=5"
        );
    }

    #[test]
    fn a_removed_or_replaced_sqlite_file_is_not_ready() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("probe.db");
        let path = path.to_str().ok_or("a UTF-8 path")?.to_owned();
        let backend = Backend::Sqlite { path: path.clone() };
        let mut conn = Connector {
            backend: backend.clone(),
            read_only: false,
            outage: Arc::default(),
        }
        .connect()?;
        conn.batch_execute("CREATE TABLE t (x INTEGER)")?;
        let probe = Probe::new(&backend, FileIdentity::of(&path), Arc::default());
        assert!(probe.file.is_some());
        probe.check()?;
        // Replaced: another file under the same name.
        let other = dir.path().join("other.db");
        std::fs::write(&other, b"")?;
        std::fs::rename(&other, &path)?;
        assert!(matches!(probe.check(), Err(StoreError::Unavailable(_))));
        // Removed.
        std::fs::remove_file(&path)?;
        assert!(matches!(probe.check(), Err(StoreError::Unavailable(_))));
        assert!(
            !std::path::Path::new(&path).exists(),
            "the check made no file"
        );
        Ok(())
    }
}
