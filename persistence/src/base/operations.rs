//! What an operator runs beside the server: a consistent backup of a SQLite database while it
//! serves, its restore while it does not, and where a database's schema stands against this
//! binary's migrations (on both backends).
//!
//! Everything here goes through the same diesel and libsqlite3 as the server, so a copy is read
//! under SQLite's own locking (a snapshot of the WAL, not the bytes of a file being written).

use super::db::{Backend, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use super::error::StoreError;
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sqlite::Sqlite;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The table diesel records applied migrations in.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// How long `restore` waits for the target's exclusive lock: a server holds it for as long as
/// it runs, so waiting longer would not change the answer.
const LOCK_WAIT_MS: u32 = 200;

/// Where a database's schema stands against this binary's migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaStatus {
    /// Every migration of the binary is applied, and nothing else.
    At { version: Option<String> },
    /// Migrations of the binary not applied yet (`serve` or `migrate` applies them).
    Behind { pending: Vec<String> },
    /// Migrations applied that this binary does not know: a newer binary migrated it.
    Ahead { unknown: Vec<String> },
}

/// What a backup made.
#[derive(Debug, Clone)]
pub struct BackupMade {
    pub source: PathBuf,
    pub path: PathBuf,
    pub bytes: u64,
    pub version: Option<String>,
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub path: PathBuf,
    pub version: Option<String>,
    /// Where the database it replaced is kept (none when there was none).
    pub replaced: Option<PathBuf>,
    /// Migrations of this binary the backup lacks: `serve` applies them at start.
    pub pending: Vec<String>,
}

/// Why PostgreSQL has no `backup` or `restore` of its own, with the commands that do it.
pub const POSTGRES_BACKUPS: &str =
    "on PostgreSQL, back up and restore with PostgreSQL's own tools \
(or your provider's managed backups):\n  \
pg_dump -Fc -d \"$DATABASE_URL\" -f extranet.dump\n  \
pg_restore --clean --if-exists -d \"$DATABASE_URL\" extranet.dump\n\
stop every `extranet serve` before a restore, then run `extranet migrate --check`";

/// The versions of this binary's migrations for `backend`, in order.
fn known_versions(backend: &Backend) -> Result<Vec<String>, StoreError> {
    let names = match backend {
        Backend::Sqlite { .. } => MigrationSource::<Sqlite>::migrations(&SQLITE_MIGRATIONS)
            .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect()),
        Backend::Postgres { .. } => MigrationSource::<Pg>::migrations(&POSTGRES_MIGRATIONS)
            .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect()),
    };
    let mut versions: Vec<String> = names.map_err(|e| StoreError::Migration(e.to_string()))?;
    versions.sort();
    Ok(versions)
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

/// The migrations recorded as applied in a SQLite database (none when it has no record).
fn sqlite_applied(conn: &mut SqliteConnection) -> Result<BTreeSet<String>, StoreError> {
    let tables = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '{MIGRATIONS_TABLE}'"
    ))
    .get_result::<Count>(conn)?;
    if tables.n == 0 {
        return Ok(BTreeSet::new());
    }
    let rows = diesel::sql_query(format!("SELECT version FROM {MIGRATIONS_TABLE}"))
        .load::<Version>(conn)?;
    Ok(rows.into_iter().map(|r| r.version).collect())
}

/// The migrations recorded as applied in a PostgreSQL database (none when it has no record).
fn postgres_applied(conn: &mut PgConnection) -> Result<BTreeSet<String>, StoreError> {
    let tables = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM pg_catalog.pg_tables \
         WHERE tablename = '{MIGRATIONS_TABLE}' AND schemaname = current_schema()"
    ))
    .get_result::<Count>(conn)?;
    if tables.n == 0 {
        return Ok(BTreeSet::new());
    }
    let rows = diesel::sql_query(format!(
        "SELECT version::text AS version FROM {MIGRATIONS_TABLE}"
    ))
    .load::<Version>(conn)?;
    Ok(rows.into_iter().map(|r| r.version).collect())
}

/// Where `applied` stands against `known`: ahead when anything applied is unknown (whatever
/// else is pending), behind when something known is not applied.
fn status_of(known: &[String], applied: &BTreeSet<String>) -> SchemaStatus {
    let unknown: Vec<String> = applied
        .iter()
        .filter(|v| !known.contains(v))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return SchemaStatus::Ahead { unknown };
    }
    let pending: Vec<String> = known
        .iter()
        .filter(|v| !applied.contains(*v))
        .cloned()
        .collect();
    if pending.is_empty() {
        SchemaStatus::At {
            version: applied.iter().next_back().cloned(),
        }
    } else {
        SchemaStatus::Behind { pending }
    }
}

/// Where the database at `url` stands against this binary's migrations. Reads only: a SQLite
/// file that does not exist is an error, not a new database.
pub fn schema_status(url: &str) -> Result<SchemaStatus, StoreError> {
    let backend = Backend::from_url(url)?;
    let known = known_versions(&backend)?;
    let applied = match &backend {
        Backend::Sqlite { path } => {
            existing(Path::new(path))?;
            sqlite_applied(&mut open_sqlite(Path::new(path))?)?
        }
        Backend::Postgres { url } => {
            postgres_applied(&mut PgConnection::establish(url).map_err(connection_error)?)?
        }
    };
    Ok(status_of(&known, &applied))
}

fn connection_error(e: ConnectionError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn existing(path: &Path) -> Result<(), StoreError> {
    if path.is_file() {
        Ok(())
    } else {
        Err(StoreError::Config(format!(
            "{}: no such database file",
            path.display()
        )))
    }
}

fn open_sqlite(path: &Path) -> Result<SqliteConnection, StoreError> {
    let text = path
        .to_str()
        .ok_or_else(|| StoreError::Config(format!("{}: not a UTF-8 path", path.display())))?;
    let mut conn = SqliteConnection::establish(text).map_err(connection_error)?;
    conn.batch_execute("PRAGMA busy_timeout = 5000;")?;
    Ok(conn)
}

/// `path` with `suffix` added to its file name (`a/b.db` + `-wal` is `a/b.db-wal`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn io<'a>(what: &'a str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StoreError + 'a {
    move |e| StoreError::Config(format!("cannot {what} {}: {e}", path.display()))
}

/// Makes the renames in `file`'s folder durable.
fn sync_folder(file: &Path) {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Checks a SQLite file whole (`PRAGMA integrity_check` answers `ok`) and returns the
/// migrations it records as applied.
fn verified(path: &Path) -> Result<BTreeSet<String>, StoreError> {
    let mut conn = open_sqlite(path)?;
    let answers = diesel::sql_query("PRAGMA integrity_check")
        .load::<Check>(&mut conn)
        .map_err(|e| {
            StoreError::Config(format!(
                "{}: not a readable SQLite database: {e}",
                path.display()
            ))
        })?;
    let answers: Vec<String> = answers.into_iter().map(|c| c.integrity_check).collect();
    if answers != ["ok"] {
        return Err(StoreError::Config(format!(
            "{}: the integrity check failed: {}",
            path.display(),
            answers.join("; ")
        )));
    }
    sqlite_applied(&mut conn)
}

/// Refuses `other` when it is the database file itself.
fn refuse_same_file(database: &Path, other: &Path) -> Result<(), StoreError> {
    let same = match (
        std::fs::canonicalize(database),
        std::fs::canonicalize(other),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(StoreError::Config(format!(
            "{} is the database itself",
            other.display()
        )));
    }
    Ok(())
}

fn sqlite_path(url: &str) -> Result<PathBuf, StoreError> {
    match Backend::from_url(url)? {
        Backend::Sqlite { path } => Ok(PathBuf::from(path)),
        Backend::Postgres { .. } => Err(StoreError::Config(POSTGRES_BACKUPS.to_owned())),
    }
}

/// Copies the SQLite database at `url` to `to`, consistently while a server writes to it:
/// `VACUUM INTO` a file beside `to` (a snapshot of the last commit, WAL included), checked
/// whole, then renamed onto `to`. An existing `to` is kept unless `force`. On PostgreSQL it
/// refuses with the commands that do it ([`POSTGRES_BACKUPS`]).
pub fn backup(url: &str, to: &Path, force: bool) -> Result<BackupMade, StoreError> {
    let source = sqlite_path(url)?;
    existing(&source)?;
    refuse_same_file(&source, to)?;
    if to.exists() && !force {
        return Err(StoreError::Config(format!(
            "{} exists; choose another path, or --force to replace it",
            to.display()
        )));
    }
    let partial = beside(to, &format!(".partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&partial);
    let made = copy_into(&source, &partial);
    let made = made.and_then(|()| {
        let version = verified(&partial)?.into_iter().next_back();
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(io("sync", &partial))?;
        std::fs::rename(&partial, to).map_err(io("rename onto", to))?;
        sync_folder(to);
        let bytes = std::fs::metadata(to).map_err(io("read", to))?.len();
        Ok(BackupMade {
            source: source.clone(),
            path: to.to_owned(),
            bytes,
            version,
        })
    });
    if made.is_err() {
        for leftover in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(beside(&partial, leftover));
        }
    }
    made
}

/// `VACUUM INTO` from `source` to `partial`, left as one self-contained file (rollback journal
/// mode: no WAL beside it; `serve` switches it back to WAL when it opens it).
fn copy_into(source: &Path, partial: &Path) -> Result<(), StoreError> {
    let target = partial
        .to_str()
        .ok_or_else(|| StoreError::Config(format!("{}: not a UTF-8 path", partial.display())))?;
    let mut conn = open_sqlite(source)?;
    conn.batch_execute(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))?;
    drop(conn);
    let mut copy = open_sqlite(partial)?;
    copy.batch_execute("PRAGMA journal_mode = DELETE;")?;
    Ok(())
}

/// Replaces the SQLite database at `url` with the backup `from`, which is checked whole and
/// must not record migrations this binary does not know (a newer release made it); older is
/// fine, `serve` migrates it forward. Refused while any process has the database open (a
/// running server): its exclusive lock cannot be had then. The database replaced is kept as
/// `<db>.replaced-<UTC time>`, its WAL folded into it first (one self-contained file). `from`
/// is copied, not moved: it stays a backup.
pub fn restore(url: &str, from: &Path) -> Result<Restored, StoreError> {
    let target = sqlite_path(url)?;
    existing(from)?;
    refuse_same_file(&target, from)?;
    let backend = Backend::from_url(url)?;
    let applied = verified(from)?;
    if applied.is_empty() {
        return Err(StoreError::Config(format!(
            "{}: not an extranet database (no {MIGRATIONS_TABLE})",
            from.display()
        )));
    }
    let pending = match status_of(&known_versions(&backend)?, &applied) {
        SchemaStatus::Ahead { unknown } => {
            return Err(StoreError::Config(format!(
                "{}: its schema is newer than this binary's (migrations {} are unknown to it): \
                 restore it with the release that made it",
                from.display(),
                unknown.join(", ")
            )))
        }
        SchemaStatus::Behind { pending } => pending,
        SchemaStatus::At { .. } => Vec::new(),
    };
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    }
    let incoming = beside(&target, &format!(".restoring-{}", std::process::id()));
    std::fs::copy(from, &incoming).map_err(io("copy the backup to", &incoming))?;
    let swapped = std::fs::File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(io("sync", &incoming))
        .and_then(|()| swap_in(&target, &incoming));
    if swapped.is_err() {
        let _ = std::fs::remove_file(&incoming);
    }
    Ok(Restored {
        path: target,
        version: applied.into_iter().next_back(),
        replaced: swapped?,
        pending,
    })
}

/// Moves the database at `target` aside (once no process holds it) and `incoming` onto it.
fn swap_in(target: &Path, incoming: &Path) -> Result<Option<PathBuf>, StoreError> {
    if !target.exists() {
        std::fs::rename(incoming, target).map_err(io("move the backup onto", target))?;
        sync_folder(target);
        return Ok(None);
    }
    // Held until the files are swapped: a server starting meanwhile waits for it.
    let held = alone_and_whole(target)?;
    // The WAL is folded in and deleted; a `-shm` left by the server's last run describes
    // nothing any more (SQLite makes it again from the WAL, and there is none).
    for side in ["-wal", "-shm"] {
        let file = beside(target, side);
        if file.exists() {
            std::fs::remove_file(&file).map_err(io("remove", &file))?;
        }
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let kept = beside(target, &format!(".replaced-{stamp}"));
    std::fs::rename(target, &kept).map_err(io("move aside", target))?;
    std::fs::rename(incoming, target).map_err(io("move the backup onto", target))?;
    sync_folder(target);
    drop(held);
    Ok(Some(kept))
}

/// Takes the exclusive lock of the database at `target` and keeps it (SQLite's `locking_mode
/// = EXCLUSIVE`, which in WAL mode needs every other connection of every process closed: each
/// one keeps a shared lock on the file for as long as it is open), then folds its WAL into it
/// and leaves WAL mode (`journal_mode = DELETE`, which deletes the WAL), so that the file
/// alone is the whole database. Fails when a server has it open.
fn alone_and_whole(target: &Path) -> Result<SqliteConnection, StoreError> {
    let mut conn = open_sqlite(target)?;
    let locked = conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {LOCK_WAIT_MS}; PRAGMA locking_mode = EXCLUSIVE; \
         BEGIN EXCLUSIVE; COMMIT;"
    ));
    if let Err(e) = locked {
        return Err(StoreError::Config(format!(
            "{} is in use ({e}): stop every `extranet serve` (and anything else) using it, \
             then restore again",
            target.display()
        )));
    }
    conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_schema_is_at_behind_or_ahead_of_the_binary() {
        let known = vec!["1".to_owned(), "2".to_owned()];
        assert_eq!(
            status_of(&known, &set(&["1", "2"])),
            SchemaStatus::At {
                version: Some("2".into())
            }
        );
        assert_eq!(
            status_of(&known, &set(&["1"])),
            SchemaStatus::Behind {
                pending: vec!["2".into()]
            }
        );
        assert_eq!(
            status_of(&known, &set(&["1", "2", "3"])),
            SchemaStatus::Ahead {
                unknown: vec!["3".into()]
            }
        );
    }
}
