//! Wrong codes counted where every server process sees them (`domain::code_attempts` decides
//! what they cost). Inside the transaction that checks a code: the counters are read — on
//! PostgreSQL locked, so two tries of one login at once are judged one after the other — the
//! domain says whether the code may be tried now, and a wrong code adds one to each counter in
//! one statement per counter (an upsert: exact when two first failures meet).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{to_count, utc};
use crate::base::schema::code_attempts;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Text, Timestamp};
use domain::code_attempts::{may_try_code, AttemptCounter, Attempts};
use domain::DomainError;

/// Each counter's wrong codes, read (and on PostgreSQL locked until the transaction ends).
fn read(
    conn: &mut DbConnection,
    counters: &[AttemptCounter],
) -> Result<Vec<(AttemptCounter, Attempts)>, StoreError> {
    let keys: Vec<String> = counters.iter().map(AttemptCounter::key).collect();
    let query = code_attempts::table
        .filter(code_attempts::key.eq_any(&keys))
        .order(code_attempts::key.asc())
        .select((
            code_attempts::key,
            code_attempts::failures,
            code_attempts::last_failed_at,
        ));
    let rows: Vec<(String, i32, NaiveDateTime)> = match conn {
        DbConnection::Pg(pg) => query.for_update().load(pg)?,
        DbConnection::Sqlite(_) => query.load(conn)?,
    };
    Ok(counters
        .iter()
        .zip(&keys)
        .map(|(counter, key)| {
            let attempts = rows
                .iter()
                .find(|(k, ..)| k == key)
                .map(|(_, failures, at)| Attempts {
                    failures: to_count(*failures),
                    last_failed_at: Some(utc(*at)),
                })
                .unwrap_or_default();
            (counter.clone(), attempts)
        })
        .collect())
}

/// Whether a code may be tried now against `counters`: `Err` (429, with the wait) while one of
/// them waits.
pub(crate) fn may_try(
    conn: &mut DbConnection,
    counters: &[AttemptCounter],
    now: DateTime<Utc>,
) -> Result<Result<(), DomainError>, StoreError> {
    let read = read(conn, counters)?;
    Ok(may_try_code(&read, now))
}

/// A wrong code: one more failure on each counter (failures older than its policy's memory
/// are forgotten first).
pub(crate) fn failed(
    conn: &mut DbConnection,
    counters: &[AttemptCounter],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for counter in counters {
        let memory = counter.policy().forget_after_seconds;
        let count = CountFailure {
            key: counter.key(),
            at: now.naive_utc(),
            forgotten_before: (now - Duration::seconds(memory)).naive_utc(),
        };
        match conn {
            DbConnection::Sqlite(c) => count.execute(c)?,
            DbConnection::Pg(c) => count.execute(c)?,
        };
    }
    Ok(())
}

/// Deletes up to `limit` counters whose last failure is a day old (long forgotten by every
/// policy; a batch of the retention sweep, found by `code_attempts_last_failed`); returns how
/// many. A counter that failed again meanwhile is left alone.
pub(crate) fn delete_old(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let cutoff = (now - Duration::days(1)).naive_utc();
    let old = || code_attempts::table.filter(code_attempts::last_failed_at.lt(cutoff));
    let keys: Vec<String> = old().select(code_attempts::key).limit(limit).load(conn)?;
    if keys.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(old().filter(code_attempts::key.eq_any(keys))).execute(conn)?)
}

/// The right code: the counters it clears start over.
pub(crate) fn succeeded(
    conn: &mut DbConnection,
    counters: &[AttemptCounter],
) -> Result<(), StoreError> {
    let keys: Vec<String> = counters
        .iter()
        .filter(|c| c.cleared_by_success())
        .map(AttemptCounter::key)
        .collect();
    diesel::delete(code_attempts::table.filter(code_attempts::key.eq_any(keys))).execute(conn)?;
    Ok(())
}

/// One failure counted, in SQL of its own (an upsert whose `SET` depends on the row: diesel's
/// DSL has no `CASE` for it on both backends).
struct CountFailure {
    key: String,
    at: NaiveDateTime,
    forgotten_before: NaiveDateTime,
}

impl QueryId for CountFailure {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB> QueryFragment<DB> for CountFailure
where
    DB: Backend + HasSqlType<Text> + HasSqlType<Timestamp>,
    String: ToSql<Text, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("INSERT INTO code_attempts (key, failures, last_failed_at) VALUES (");
        out.push_bind_param::<Text, _>(&self.key)?;
        out.push_sql(", 1, ");
        out.push_bind_param::<Timestamp, _>(&self.at)?;
        out.push_sql(
            ") ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN code_attempts.last_failed_at <= ",
        );
        out.push_bind_param::<Timestamp, _>(&self.forgotten_before)?;
        out.push_sql(
            " THEN 1 ELSE code_attempts.failures + 1 END, last_failed_at = excluded.last_failed_at",
        );
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for CountFailure {}

/// Forgets the counts of wrong codes whose key holds one of `patterns` (`LIKE`: an erased person's logins
/// and profile id, rule 14); how many. Their limits start over for those logins, which are
/// no one's any more.
pub(crate) fn forget_traces(
    conn: &mut DbConnection,
    patterns: &[String],
) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(code_attempts::table.filter(crate::base::page::like_any!(
            code_attempts::table,
            code_attempts::key,
            patterns
        )))
        .execute(conn)?,
    )
}
