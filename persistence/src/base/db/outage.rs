//! Whether the database is known to be unreachable, and checking connections out of a pool
//! without waiting for one that cannot be made.
//!
//! r2d2's `get` waits the whole acquire timeout while it tries to connect again and again:
//! with PostgreSQL stopped, every request hung for that long before its 503. Here the last
//! attempt to connect decides: once one failed (and none succeeded since), a request that
//! finds no idle connection is told at once that the database is unavailable. The pool goes on
//! trying to connect in the background (at least once a second, [`RECONNECT_EVERY`]); the first
//! connection made ends the outage, and requests are served again without a restart.

use super::Connector;
use crate::base::error::StoreError;
use diesel::r2d2::{Pool, PooledConnection};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a checkout waits at a time before it looks again whether the database is down:
/// a request waits at most this long past the outage's start.
const SLICE: Duration = Duration::from_millis(250);

/// r2d2's `connection_timeout`, which here only bounds its retries: while connecting fails it
/// tries again after a delay that doubles up to half of it. The requests' own wait is the
/// pool options' acquire timeout ([`checkout`]).
pub(super) const RECONNECT_EVERY: Duration = Duration::from_secs(2);

/// Whether the last attempt to connect failed.
#[derive(Debug, Default)]
pub(super) struct Outage {
    down: AtomicBool,
}

impl Outage {
    /// A connection was made or checked: the database answers. (Read first: on the way of
    /// every checkout, it writes nothing while nothing changes.)
    pub(super) fn connected(&self) {
        if self.down.load(Ordering::Relaxed) && self.down.swap(false, Ordering::SeqCst) {
            tracing::info!("the database answers again");
        }
    }

    /// An attempt to connect failed.
    pub(super) fn failed(&self, error: &dyn std::fmt::Display) {
        if !self.down.swap(true, Ordering::SeqCst) {
            tracing::warn!(%error, "the database does not answer; requests are refused until it does");
        }
    }

    pub(super) fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }
}

/// A connection from `pool`, waited for up to `timeout` while the database answers (every
/// connection may be busy), but no longer than [`SLICE`] once connecting has failed.
pub(super) fn checkout(
    pool: &Pool<Connector>,
    outage: &Outage,
    timeout: Duration,
) -> Result<PooledConnection<Connector>, StoreError> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let wait = left.min(SLICE);
        match pool.get_timeout(wait) {
            // Checked out connections were tested (`SELECT 1`): the database answers.
            Ok(conn) => {
                outage.connected();
                return Ok(conn);
            }
            Err(e) if outage.is_down() || wait >= left => return Err(e.into()),
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::db::Backend;
    use std::sync::Arc;

    #[test]
    fn with_nothing_to_connect_to_a_checkout_fails_at_once_and_not_after_the_whole_wait() {
        // A port nothing listens on: every attempt to connect is refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        let outage = Arc::new(Outage::default());
        let pool = Pool::builder()
            .max_size(2)
            .min_idle(Some(0))
            .connection_timeout(RECONNECT_EVERY)
            .build_unchecked(Connector {
                backend: Backend::Postgres {
                    url: format!("postgres://nobody@127.0.0.1:{port}/none?connect_timeout=2"),
                },
                read_only: false,
                outage: outage.clone(),
            });
        let wait = Duration::from_secs(30);
        let started = Instant::now();
        let got = checkout(&pool, &outage, wait);
        assert!(matches!(got, Err(StoreError::Unavailable(_))));
        assert!(outage.is_down());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "it waited {:?}",
            started.elapsed()
        );
        // And again, now that the outage is known.
        let started = Instant::now();
        assert!(checkout(&pool, &outage, wait).is_err());
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
