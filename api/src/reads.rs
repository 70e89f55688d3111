//! Where a database read runs. An embedded database answers a primary-key lookup or one page
//! of an index in microseconds, with no network wait: cheaper on the request's own thread than
//! a hop to a blocking thread and back — when a connection is free at once. Reads that may
//! scan (searches), reads of a networked database, and reads that would have to wait for a
//! connection go to a blocking thread, so that the event loop never waits on the database.
//! Scans take a permit first (`state::Scans`): however many arrive at once, they never hold every
//! blocking thread and reader connection, and the writes and page reads beside them go on.

use crate::problem::ApiError;
use crate::state::AppState;
use persistence::{Database, StoreError};

/// How a read is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A primary-key lookup or one page of an index.
    Page,
    /// It may read every row of the account (a search, expired ones).
    Scan,
}

impl Bound {
    /// `Scan` when the read may read every row (as its filter says), else `Page`.
    pub fn of(scans: bool) -> Self {
        if scans {
            Self::Scan
        } else {
            Self::Page
        }
    }
}

/// Runs `read`: inline when the database is embedded, the read is one `Page` and a reader
/// connection is free at once; on a blocking thread otherwise (a `Scan` after its permit).
pub async fn read<T, F>(state: &AppState, bound: Bound, read: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: Fn(&Database) -> Result<T, StoreError> + Send + 'static,
{
    let db = &state.db;
    if bound == Bound::Page && db.reads_are_local() {
        match read(&db.without_waiting()) {
            Err(StoreError::Busy) => {}
            done => return Ok(done?),
        }
    }
    let _permit = match bound {
        Bound::Scan => Some(state.scans.permit().await.map_err(ApiError::internal)?),
        Bound::Page => None,
    };
    let db = db.clone();
    Ok(crate::blocking::run(move || read(&db)).await??)
}
