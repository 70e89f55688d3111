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
    Database(diesel::result::Error),
    /// A stored value this version cannot read (a bad id or word in a row).
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    /// A concurrent write changed what this one was decided on (seats, settings, a workgroup,
    /// a login): the use case runs it again with the account locked. Never shown to clients.
    #[error("a concurrent write intervened: {0}")]
    Contended(&'static str),
    /// The caller's idempotency key was used before for a different request: the key's outcome
    /// belongs to that request (`Idempotency-Key` is the API's word; here, a stored outcome's
    /// key).
    #[error("this key was used with a different request; use a new key")]
    KeyReused,
    /// The configured database URL cannot be used.
    #[error("{0}")]
    Config(String),
    #[error("migration failed: {0}")]
    Migration(String),
}

impl From<diesel::result::Error> for StoreError {
    /// A statement that failed because the connection was lost (the database stopped or
    /// restarted under it) is `Unavailable`, as when no connection could be had: the request
    /// may be tried again once the database is back. Anything else is the database's error.
    fn from(e: diesel::result::Error) -> Self {
        if connection_lost(&e) {
            Self::Unavailable(format!("the connection to the database was lost: {e}"))
        } else {
            Self::Database(e)
        }
    }
}

/// Whether `e` says the connection is gone, rather than that the statement was refused.
fn connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
        | Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _) => true,
        // PostgreSQL ended the session (shutdown, or an administrator): SQLSTATE 57P01–57P03,
        // which diesel reports as `Unknown` with the server's message.
        Error::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            let message = info.message();
            message.starts_with("terminating connection")
                || message.contains("the database system is shutting down")
                || message.contains("the database system is starting up")
                || message.contains("server closed the connection unexpectedly")
        }
        Error::RollbackErrorOnCommit { commit_error, .. } => connection_lost(commit_error),
        _ => false,
    }
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
