//! Running this binary's migrations, and what a database records beyond them.

use diesel::migration::MigrationSource;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
use std::collections::BTreeSet;

/// What [`Database::migrate`](super::Database::migrate) did, and what it found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrated {
    /// The versions it applied, in order.
    pub applied: Vec<String>,
    /// The versions the database records as applied that this binary does not know: the
    /// database is ahead of it (`extranet migrate --check` exits 3).
    pub unknown: Vec<String>,
}

/// Runs `source`'s pending migrations on `conn`, then compares what the database records
/// with what `source` holds.
pub(super) fn migrate_with<DB, C>(
    conn: &mut C,
    source: EmbeddedMigrations,
) -> diesel::migration::Result<Migrated>
where
    DB: diesel::backend::Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    let known: BTreeSet<String> = MigrationSource::<DB>::migrations(&source)?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let applied: Vec<String> = conn
        .run_pending_migrations(source)?
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut unknown: Vec<String> = conn
        .applied_migrations()?
        .iter()
        .map(ToString::to_string)
        .filter(|v| !known.contains(v))
        .collect();
    unknown.sort();
    Ok(Migrated { applied, unknown })
}
