//! `Idempotency-Key`: the first response to a creating POST is stored in the same transaction
//! as what it created; the same key with the same request replays it, with another request
//! is refused. Keys are scoped per account and kept at least 24 hours.

use crate::db::{Database, DbConnection};
use crate::error::StoreError;
use crate::schema::idempotency_keys;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::DomainError;

/// How long a key is remembered.
pub const KEEP_FOR_HOURS: i64 = 24;

/// A key sent with a request, and a hash of what the request asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: String,
}

/// A response as it was first sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    /// Whether this is a replay of an earlier response.
    pub replayed: bool,
}

impl StoredResponse {
    /// A response being sent for the first time.
    pub fn new(status: u16, body: String) -> Self {
        Self {
            status,
            body,
            replayed: false,
        }
    }
}

fn find(
    conn: &mut DbConnection,
    scope: &str,
    key: &IdempotencyKey,
) -> Result<Option<StoredResponse>, StoreError> {
    let row = idempotency_keys::table
        .find((scope, &key.key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::response_body,
        ))
        .first::<(String, i32, String)>(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some((hash, _, _)) if hash != key.request_hash => {
            Err(DomainError::IdempotencyKeyReused.into())
        }
        Some((_, status, body)) => Ok(Some(StoredResponse {
            status: u16::try_from(status).unwrap_or(200),
            body,
            replayed: true,
        })),
    }
}

/// The stored response for this key, read without taking the write lock (a fast replay).
pub fn replay(
    db: &Database,
    scope: &str,
    key: &IdempotencyKey,
) -> Result<Option<StoredResponse>, StoreError> {
    db.read(|conn| find(conn, scope, key))
}

/// Inside a write transaction (after the account lock): replays the stored response, or runs
/// `work`, renders its response and stores it under the key.
pub(crate) fn once<T>(
    conn: &mut DbConnection,
    scope: &str,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
    work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    render: impl FnOnce(&T) -> StoredResponse,
) -> Result<StoredResponse, StoreError> {
    if let Some(key) = key {
        if let Some(stored) = find(conn, scope, key)? {
            return Ok(stored);
        }
    }
    let done = work(conn)?;
    let response = render(&done);
    if let Some(key) = key {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::scope.eq(scope),
                idempotency_keys::idempotency_key.eq(&key.key),
                idempotency_keys::request_hash.eq(&key.request_hash),
                idempotency_keys::status_code.eq(i32::from(response.status)),
                idempotency_keys::response_body.eq(&response.body),
                idempotency_keys::created_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(response)
}

/// Forgets keys older than [`KEEP_FOR_HOURS`]; returns how many.
pub fn forget_old(db: &Database, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let cutoff = (now - Duration::hours(KEEP_FOR_HOURS)).naive_utc();
    db.write(move |conn| {
        Ok(
            diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff)))
                .execute(conn)?,
        )
    })
}
