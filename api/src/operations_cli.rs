//! `extranet backup`, `extranet restore` and `extranet migrate --check`: what an operator runs
//! beside the server (see `persistence::operations`). Each prints what it did, or why not, and
//! answers with its exit code.

use persistence::operations::{self, SchemaStatus};
use std::path::Path;
use std::process::ExitCode;

/// `migrate --check`: the database is behind this binary (migrations pending).
pub const BEHIND: u8 = 2;
/// `migrate --check`: the database is ahead of this binary (a newer one migrated it).
pub const AHEAD: u8 = 3;

fn fail(message: &str) -> ExitCode {
    eprintln!("extranet: {message}");
    ExitCode::FAILURE
}

fn version(v: Option<&str>) -> &str {
    v.unwrap_or("none")
}

/// `extranet backup PATH [--force]`.
pub fn backup(database_url: &str, path: &Path, force: bool) -> ExitCode {
    match operations::backup(database_url, path, force) {
        Ok(made) => {
            println!(
                "backed up {} to {}: {} bytes, schema version {}, integrity check ok",
                made.source.display(),
                made.path.display(),
                made.bytes,
                version(made.version.as_deref())
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("backup: {e}")),
    }
}

/// `extranet restore PATH`.
pub fn restore(database_url: &str, path: &Path) -> ExitCode {
    match operations::restore(database_url, path) {
        Ok(done) => {
            println!(
                "restored {} into {}: schema version {}, integrity check ok",
                path.display(),
                done.path.display(),
                version(done.version.as_deref())
            );
            match &done.replaced {
                Some(kept) => println!("the database it replaced is kept as {}", kept.display()),
                None => println!("there was no database to replace"),
            }
            if !done.pending.is_empty() {
                println!(
                    "the backup is older than this binary: `extranet serve` (or `extranet migrate`) \
                     applies the {} pending migration(s) at start: {}",
                    done.pending.len(),
                    done.pending.join(", ")
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("restore: {e}")),
    }
}

/// `extranet migrate --check`: 0 when the database is at this binary's schema, [`BEHIND`] or
/// [`AHEAD`] otherwise, 1 when it cannot be read.
pub fn check(database_url: &str) -> ExitCode {
    match operations::schema_status(database_url) {
        Ok(SchemaStatus::At { version: v }) => {
            println!(
                "at: the database is at this binary's schema (version {})",
                version(v.as_deref())
            );
            ExitCode::SUCCESS
        }
        Ok(SchemaStatus::Behind { pending }) => {
            println!(
                "behind: {} migration(s) of this binary are not applied: {}\n\
                 `extranet migrate` (or `extranet serve`) applies them",
                pending.len(),
                pending.join(", ")
            );
            ExitCode::from(BEHIND)
        }
        Ok(SchemaStatus::Ahead { unknown }) => {
            println!(
                "ahead: the database has migrations this binary does not know: {}\n\
                 a newer release migrated it; run that release (or a newer one)",
                unknown.join(", ")
            );
            ExitCode::from(AHEAD)
        }
        Err(e) => fail(&format!("migrate --check: {e}")),
    }
}
