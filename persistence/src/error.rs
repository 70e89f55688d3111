//! The storage layer's error: a rule said no (the domain's error, passed through), or the
//! database failed.

use domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A rule refused the command; the client is told why.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// No connection could be had in time: the database is down or overloaded.
    #[error("no database connection available: {0}")]
    Unavailable(String),
    /// Every read connection is in use and the caller asked not to wait
    /// (`Database::without_waiting`): it runs the read where waiting is harmless instead.
    #[error("every read connection is busy")]
    Busy,
    /// The database failed; the log says how, the client only that it did.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// A stored value this version cannot read (a bad id or word in a row).
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    /// A concurrent write changed what this one was decided on (seats, settings, a workgroup,
    /// a login): the use case runs it again with the account locked. Never shown to clients.
    #[error("a concurrent write intervened: {0}")]
    Contended(&'static str),
    /// The configured database URL cannot be used.
    #[error("{0}")]
    Config(String),
    #[error("migration failed: {0}")]
    Migration(String),
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(e.to_string())
    }
}

impl StoreError {
    /// Whether running the write again with the account locked may succeed: a concurrent write
    /// got there first (a unique index refused a row, or the seats or facts moved).
    pub fn is_contended(&self) -> bool {
        matches!(self, Self::Contended(_)) || self.is_unique_violation()
    }

    /// Whether a unique index refused a row: a concurrent writer got there first.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            Self::Database(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}
