//! Rate limits' buckets where every server process sees them (`domain::rate_limit` counts
//! them): one row per key, locked while a request is counted, so that two processes counting
//! one client at once are judged one after the other.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::utc;
use crate::base::schema::rate_buckets;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::rate_limit::Bucket;

fn bucket(tat: NaiveDateTime, blocked_until: Option<NaiveDateTime>) -> Bucket {
    Bucket {
        tat: Some(utc(tat)),
        blocked_until: blocked_until.map(utc),
    }
}

/// `key`'s bucket, locked until the transaction ends: created empty (its row inserted) when
/// there was none, so that the lock holds for a first count too.
pub(crate) fn lock_or_create(
    conn: &mut DbConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Bucket, StoreError> {
    let now = now.naive_utc();
    let upsert = diesel::insert_into(rate_buckets::table)
        .values((
            rate_buckets::key.eq(key),
            rate_buckets::tat.eq(now),
            rate_buckets::forgettable_at.eq(now),
        ))
        .on_conflict(rate_buckets::key)
        // An update that changes nothing, for the row's lock and its values.
        .do_update()
        .set(rate_buckets::tat.eq(rate_buckets::tat))
        .returning((rate_buckets::tat, rate_buckets::blocked_until));
    let (tat, blocked_until): (NaiveDateTime, Option<NaiveDateTime>) = match conn {
        DbConnection::Pg(c) => upsert.get_result(c)?,
        DbConnection::Sqlite(c) => upsert.get_result(c)?,
    };
    Ok(bucket(tat, blocked_until))
}

/// `key`'s bucket as counted now (empty when it has no row).
pub(crate) fn find(conn: &mut DbConnection, key: &str) -> Result<Bucket, StoreError> {
    let row: Option<(NaiveDateTime, Option<NaiveDateTime>)> = rate_buckets::table
        .find(key)
        .select((rate_buckets::tat, rate_buckets::blocked_until))
        .first(conn)
        .optional()?;
    Ok(row.map_or_else(Bucket::default, |(tat, blocked)| bucket(tat, blocked)))
}

/// Stores `key`'s bucket (its row locked by [`lock_or_create`]).
pub(crate) fn store(
    conn: &mut DbConnection,
    key: &str,
    bucket: Bucket,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let tat = bucket.tat.unwrap_or(now).naive_utc();
    let forgettable_at = bucket.forgettable_at().unwrap_or(now).naive_utc();
    diesel::update(rate_buckets::table.find(key))
        .set((
            rate_buckets::tat.eq(tat),
            rate_buckets::blocked_until.eq(bucket.blocked_until.map(|t| t.naive_utc())),
            rate_buckets::forgettable_at.eq(forgettable_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets `key`'s bucket: it starts over empty.
pub(crate) fn delete(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    diesel::delete(rate_buckets::table.find(key)).execute(conn)?;
    Ok(())
}

/// Deletes at most `limit` buckets that are as good as empty at `now`; returns how many.
pub(crate) fn delete_forgettable(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let now = now.naive_utc();
    let oldest: Vec<String> = rate_buckets::table
        .filter(rate_buckets::forgettable_at.le(now))
        .select(rate_buckets::key)
        .order(rate_buckets::forgettable_at.asc())
        .limit(limit)
        .load(conn)?;
    // The condition again on the deleted rows: a bucket counted meanwhile is kept.
    let swept = rate_buckets::table
        .filter(rate_buckets::forgettable_at.le(now))
        .filter(rate_buckets::key.eq_any(oldest));
    Ok(diesel::delete(swept).execute(conn)?)
}

/// Forgets the rate buckets whose key holds one of `patterns` (`LIKE`: an erased person's logins
/// and profile id, rule 14); how many. Their limits start over for those logins, which are
/// no one's any more.
pub(crate) fn forget_traces(
    conn: &mut DbConnection,
    patterns: &[String],
) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(rate_buckets::table.filter(crate::base::page::like_any!(
            rate_buckets::table,
            rate_buckets::key,
            patterns
        )))
        .execute(conn)?,
    )
}
