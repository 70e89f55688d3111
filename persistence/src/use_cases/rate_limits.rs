//! Where rate limits are counted (`domain::rate_limit` decides): one interface, two stores.
//! On PostgreSQL — where several server processes may share the database behind a balancer —
//! in the `rate_buckets` table, so that a client or a person meets one limit whichever process
//! answers, and a restart forgets nothing. On SQLite one server process owns the file, and
//! counts in its memory: the same rule, without a write per counted request.

use crate::base::db::{Backend, Database};
use crate::base::error::StoreError;
use crate::tables::rate_buckets;
use chrono::{DateTime, Duration, Utc};
use domain::rate_limit::{Bucket, Rate};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Counted or not: `Err(wait)` when the limit refuses, with how long until it would not.
pub type Verdict = Result<(), Duration>;

/// Buckets deleted per statement when forgetting, so that a sweep never holds the database for
/// long.
const SWEEP_BATCH: i64 = 1_000;

/// The buckets of every rate limit, by key (the caller names them: an endpoint and a client
/// address, a person, a login).
pub enum Buckets {
    /// In this process's memory.
    InProcess(InProcess),
    /// In the database, seen by every process.
    Shared(Database),
}

impl Buckets {
    /// Where `db`'s server counts: shared on PostgreSQL, in process on SQLite.
    pub fn for_database(db: &Database) -> Self {
        match db.backend() {
            Backend::Postgres { .. } => Self::Shared(db.clone()),
            Backend::Sqlite { .. } => Self::InProcess(InProcess::default()),
        }
    }

    /// Whether counting goes to the database (and so should run off the event loop).
    pub fn is_shared(&self) -> bool {
        matches!(self, Self::Shared(_))
    }

    /// Counts one event on `key`'s bucket at `now`, unless it is full.
    pub fn admit(&self, key: &str, rate: Rate, now: DateTime<Utc>) -> Result<Verdict, StoreError> {
        match self {
            Self::InProcess(memory) => {
                let mut shard = memory.shard(key);
                let bucket = shard.get(key).copied().unwrap_or_default();
                Ok(rate.admit(bucket, now).map(|counted| {
                    shard.insert(key.to_owned(), counted);
                }))
            }
            Self::Shared(db) => {
                let key = key.to_owned();
                db.write(move |conn| {
                    let bucket = rate_buckets::lock_or_create(conn, &key, now)?;
                    match rate.admit(bucket, now) {
                        Ok(counted) => rate_buckets::store(conn, &key, counted, now).map(Ok),
                        Err(wait) => Ok(Err(wait)),
                    }
                })
            }
        }
    }

    /// `Err(wait)` while `key` is blocked by its failures ([`Buckets::failed`]).
    pub fn check_block(&self, key: &str, now: DateTime<Utc>) -> Result<Verdict, StoreError> {
        let bucket = match self {
            Self::InProcess(memory) => memory.shard(key).get(key).copied().unwrap_or_default(),
            Self::Shared(db) => db.read(|conn| rate_buckets::find(conn, key))?,
        };
        Ok(bucket.check_block(now))
    }

    /// Counts a failure on `key`: past the bucket's burst, `key` is blocked for a while.
    pub fn failed(&self, key: &str, rate: Rate, now: DateTime<Utc>) -> Result<(), StoreError> {
        match self {
            Self::InProcess(memory) => {
                let mut shard = memory.shard(key);
                let bucket = shard.get(key).copied().unwrap_or_default();
                shard.insert(key.to_owned(), rate.failed(bucket, now));
                Ok(())
            }
            Self::Shared(db) => {
                let key = key.to_owned();
                db.write(move |conn| {
                    let bucket = rate_buckets::lock_or_create(conn, &key, now)?;
                    rate_buckets::store(conn, &key, rate.failed(bucket, now), now)
                })
            }
        }
    }

    /// Forgets `key`'s bucket, block included: it starts over empty, in every process.
    pub fn forgive(&self, key: &str) -> Result<(), StoreError> {
        match self {
            Self::InProcess(memory) => {
                memory.shard(key).remove(key);
                Ok(())
            }
            Self::Shared(db) => {
                let key = key.to_owned();
                db.write(move |conn| rate_buckets::delete(conn, &key))
            }
        }
    }

    /// Forgets the buckets that are as good as empty at `now`; returns how many.
    pub fn sweep(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        match self {
            Self::InProcess(memory) => Ok(memory.sweep(now)),
            Self::Shared(db) => {
                let mut swept = 0;
                loop {
                    let batch = db.write(move |conn| {
                        rate_buckets::delete_forgettable(conn, now, SWEEP_BATCH)
                    })?;
                    swept += batch;
                    if i64::try_from(batch).unwrap_or(0) < SWEEP_BATCH {
                        return Ok(swept);
                    }
                }
            }
        }
    }
}

/// Buckets in memory, in shards so that requests of different clients rarely wait for each
/// other.
pub struct InProcess {
    shards: Vec<Mutex<HashMap<String, Bucket>>>,
    hasher: RandomState,
}

const SHARDS: usize = 16;

impl Default for InProcess {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
        }
    }
}

impl InProcess {
    fn shard(&self, key: &str) -> MutexGuard<'_, HashMap<String, Bucket>> {
        let index = usize::try_from(self.hasher.hash_one(key) % SHARDS as u64).unwrap_or(0);
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn sweep(&self, now: DateTime<Utc>) -> usize {
        self.shards
            .iter()
            .map(|shard| {
                let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
                let before = shard.len();
                shard.retain(|_, b| b.forgettable_at().is_some_and(|at| at > now));
                before - shard.len()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::db::PoolOptions;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
    }

    /// Both stores count alike: a burst, refusals, a block, forgiveness, a sweep.
    fn counts_alike(buckets: &Buckets) {
        let rate = Rate::per_second(1, 3);
        for _ in 0..3 {
            assert_eq!(buckets.admit("a", rate, at(0)).unwrap(), Ok(()));
        }
        assert_eq!(
            buckets.admit("a", rate, at(0)).unwrap(),
            Err(Duration::seconds(1))
        );
        assert_eq!(buckets.admit("b", rate, at(0)).unwrap(), Ok(()));
        assert_eq!(buckets.admit("a", rate, at(1)).unwrap(), Ok(()));

        let failures = Rate::every(Duration::seconds(30), 2);
        for _ in 0..3 {
            assert_eq!(buckets.check_block("p", at(0)).unwrap(), Ok(()));
            buckets.failed("p", failures, at(0)).unwrap();
        }
        assert_eq!(
            buckets.check_block("p", at(10)).unwrap(),
            Err(Duration::seconds(20))
        );
        buckets.forgive("p").unwrap();
        assert_eq!(buckets.check_block("p", at(10)).unwrap(), Ok(()));

        // At 100 s every bucket is as good as empty, and forgotten.
        assert_eq!(buckets.sweep(at(100)).unwrap(), 2);
        assert_eq!(buckets.sweep(at(100)).unwrap(), 0);
    }

    #[test]
    fn in_process_and_in_the_database_count_alike() -> Result<(), Box<dyn std::error::Error>> {
        counts_alike(&Buckets::InProcess(InProcess::default()));
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("buckets.db").display());
        let db = Database::connect(&url, &PoolOptions::default())?;
        db.migrate()?;
        counts_alike(&Buckets::Shared(db));
        Ok(())
    }

    #[test]
    fn the_database_store_is_exact_under_concurrency() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("buckets.db").display());
        let db = Database::connect(&url, &PoolOptions::default())?;
        db.migrate()?;
        let buckets = std::sync::Arc::new(Buckets::Shared(db));
        let rate = Rate::per_second(1, 25);
        let admitted: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let buckets = buckets.clone();
                    s.spawn(move || {
                        (0..10)
                            .filter(|_| buckets.admit("one", rate, at(0)).is_ok_and(|v| v.is_ok()))
                            .count()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
        });
        assert_eq!(admitted, 25);
        Ok(())
    }
}
