//! `Idempotency-Key`: the first response to a creating POST is stored in the same transaction
//! as what it created; the same key with the same request replays it, with another request
//! is refused. A key belongs to its caller: another caller's same key is a request of its own,
//! and never sees this caller's answers. Keys are kept at least 24 hours.

use crate::db::{Database, DbConnection};
use crate::error::StoreError;
use crate::schema::idempotency_keys;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::access::AccountUser;
use domain::DomainError;

/// Whose keys a request's are: its caller's own (DESIGN.md, Security). Callers check what
/// they may do before a stored answer is looked up.
pub(crate) fn caller_scope(actor: &AccountUser) -> String {
    format!("user:{}", actor.user_id)
}

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

/// What a creating write produced: the stored response (with a key), or the result to render
/// (without one, rendered after the transaction, outside the writer).
pub(crate) enum Done<T> {
    Stored(StoredResponse),
    Fresh(T),
}

impl<T> Done<T> {
    pub(crate) fn respond(self, render: &dyn Fn(&T) -> StoredResponse) -> StoredResponse {
        match self {
            Self::Stored(response) => response,
            Self::Fresh(done) => render(&done),
        }
    }
}

/// Inside a write transaction (after the account lock): with a key, replays the stored
/// response, or runs `work`, renders its response and stores it under the key; without one,
/// just runs `work`.
pub(crate) fn once<T>(
    conn: &mut DbConnection,
    scope: &str,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
    work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    render: &dyn Fn(&T) -> StoredResponse,
) -> Result<Done<T>, StoreError> {
    let Some(key) = key else {
        return work(conn).map(Done::Fresh);
    };
    if let Some(stored) = find(conn, scope, key)? {
        return Ok(Done::Stored(stored));
    }
    let done = work(conn)?;
    let response = render(&done);
    {
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
    Ok(Done::Stored(response))
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
