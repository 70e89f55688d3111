//! `Idempotency-Key`: the outcome of a creating write is stored in the same transaction as what
//! it created; the same key with the same request replays it, with another request is refused.
//! A key belongs to its caller: another caller's same key is a request of its own, and never
//! sees this caller's outcomes. Keys are kept at least 24 hours. What is stored is the use
//! case's outcome, not an HTTP response: the API renders fresh and replayed outcomes alike.

use crate::base::db::{insert_rows, DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::schema::idempotency_keys;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::access::AccountUser;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// How long a key is remembered.
pub const KEEP_FOR_HOURS: i64 = 24;

/// A key sent with a request, and a hash of what the request asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: String,
}

/// A creating write's outcome, and whether it is a replay of an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotent<T> {
    pub outcome: T,
    pub replayed: bool,
}

/// Whose keys a request's are: its caller's own (DESIGN.md, Security). A request made with
/// an API token is the token's: its keys are not its creator's, nor another token's.
pub(crate) fn caller_of(actor: &AccountUser) -> String {
    match actor.token {
        Some(token) => format!("token:{}", token.id),
        None => format!("user:{}", actor.user_id),
    }
}

/// The caller's outcome stored under the key, if any; 422 `idempotency_key_reused` when the
/// key was used for another request.
pub(crate) fn replay<T: DeserializeOwned>(
    conn: &mut DbConnection,
    caller: &str,
    key: &IdempotencyKey,
) -> Result<Option<T>, StoreError> {
    let row = idempotency_keys::table
        .find((caller, &key.key))
        .select((idempotency_keys::request_hash, idempotency_keys::outcome))
        .first::<(String, String)>(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some((hash, _)) if hash != key.request_hash => Err(StoreError::KeyReused),
        Some((_, outcome)) => serde_json::from_str(&outcome)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("a stored outcome: {e}"))),
    }
}

/// Stores the outcome under the caller's key.
pub(crate) fn remember<T: Serialize>(
    conn: &mut DbConnection,
    caller: &str,
    key: &IdempotencyKey,
    outcome: &T,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut writes = Writes::now(conn);
    remember_into(&mut writes, caller, key, outcome, now)?;
    writes.run()
}

/// As [`remember`], through `writes` (chained with the rows it answers for on PostgreSQL). A
/// key stored meanwhile refuses it (the primary key), and with it the whole write.
pub(crate) fn remember_into<'a, T: Serialize>(
    writes: &mut Writes<'_, 'a>,
    caller: &'a str,
    key: &'a IdempotencyKey,
    outcome: &T,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let outcome = serde_json::to_string(outcome)
        .map_err(|e| StoreError::Corrupt(format!("an outcome to store: {e}")))?;
    let row = |_: &()| {
        (
            idempotency_keys::caller.eq(caller),
            idempotency_keys::idempotency_key.eq(&key.key),
            idempotency_keys::request_hash.eq(&key.request_hash),
            idempotency_keys::outcome.eq(outcome.clone()),
            idempotency_keys::created_at.eq(now.naive_utc()),
        )
    };
    insert_rows!(writes, idempotency_keys::table, &[()][..], row);
    Ok(())
}

/// Forgets up to about `limit` keys older than [`KEEP_FOR_HOURS`], oldest first; returns how
/// many (a key another caller used too, as old, goes with it).
pub(crate) fn delete_old(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let cutoff = (now - Duration::hours(KEEP_FOR_HOURS)).naive_utc();
    let old = || idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff));
    let keys: Vec<String> = old()
        .order(idempotency_keys::created_at.asc())
        .select(idempotency_keys::idempotency_key)
        .limit(limit)
        .load(conn)?;
    if keys.is_empty() {
        return Ok(0);
    }
    Ok(
        diesel::delete(old().filter(idempotency_keys::idempotency_key.eq_any(keys)))
            .execute(conn)?,
    )
}

/// The stored outcomes, or keys (a caller's words), holding one of `patterns` (`LIKE`; rule
/// 14): caller, key, outcome.
pub(crate) fn with_traces(
    conn: &mut DbConnection,
    patterns: &[String],
) -> Result<Vec<(String, String, String)>, StoreError> {
    Ok(idempotency_keys::table
        .filter(
            crate::base::page::like_any!(
                idempotency_keys::table,
                idempotency_keys::outcome,
                patterns
            )
            .or(crate::base::page::like_any!(
                idempotency_keys::table,
                idempotency_keys::idempotency_key,
                patterns
            )),
        )
        .select((
            idempotency_keys::caller,
            idempotency_keys::idempotency_key,
            idempotency_keys::outcome,
        ))
        .load(conn)?)
}

/// Forgets a key that itself holds a person's words (rule 14): the request it kept runs
/// again if repeated.
pub(crate) fn forget(conn: &mut DbConnection, caller: &str, key: &str) -> Result<(), StoreError> {
    diesel::delete(idempotency_keys::table.find((caller, key))).execute(conn)?;
    Ok(())
}

/// Writes a stored outcome scrubbed of a person (rule 14): a replay answers it.
pub(crate) fn set_outcome(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
    outcome: &str,
) -> Result<(), StoreError> {
    diesel::update(idempotency_keys::table.find((caller, key)))
        .set(idempotency_keys::outcome.eq(outcome))
        .execute(conn)?;
    Ok(())
}
