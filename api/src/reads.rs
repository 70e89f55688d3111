//! Where a database read runs. An embedded database answers a primary-key lookup or one page
//! of an index in microseconds, with no network wait: cheaper on the request's own thread than
//! a hop to a blocking thread and back. Reads that may scan (searches) and every read of a
//! networked database go to a blocking thread, so that the event loop never waits on them.

use crate::problem::ApiError;
use actix_web::web;
use persistence::{Database, StoreError};

/// Runs `read` inline when the database is embedded and `bounded` (it reads at most one page
/// of an index), on a blocking thread otherwise.
pub async fn read<T, F>(db: &Database, bounded: bool, read: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
{
    if bounded && db.reads_are_local() {
        return Ok(read(db)?);
    }
    let db = db.clone();
    Ok(web::block(move || read(&db)).await??)
}
