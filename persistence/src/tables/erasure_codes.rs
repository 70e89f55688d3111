//! The `erasure_codes` table: the code that confirms a person's own erasure (rule 14), one
//! per profile, kept as a keyed hash; a new request replaces it.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{utc, Key};
use crate::base::schema::erasure_codes;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::ids::IdentityId;

/// Stores the profile's code, replacing one it had.
pub(crate) fn replace(
    conn: &mut DbConnection,
    identity: IdentityId,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    delete_of_identity(conn, identity)?;
    diesel::insert_into(erasure_codes::table)
        .values((
            erasure_codes::identity_id.eq(identity.key()),
            erasure_codes::code_hash.eq(code_hash),
            erasure_codes::expires_at.eq(expires_at.naive_utc()),
            erasure_codes::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// When the profile's code hashing to `code_hash` expires, if it has that code.
pub(crate) fn expiry_of(
    conn: &mut DbConnection,
    identity: IdentityId,
    code_hash: &str,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let expires: Option<NaiveDateTime> = erasure_codes::table
        .find(identity.key())
        .filter(erasure_codes::code_hash.eq(code_hash))
        .select(erasure_codes::expires_at)
        .first(conn)
        .optional()?;
    Ok(expires.map(utc))
}

/// Deletes the profile's code.
pub(crate) fn delete_of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<usize, StoreError> {
    Ok(diesel::delete(erasure_codes::table.find(identity.key())).execute(conn)?)
}

/// Deletes up to `limit` codes expired by `now` (a batch of the retention sweep); how many.
pub(crate) fn delete_expired(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let dead = || erasure_codes::table.filter(erasure_codes::expires_at.le(now.naive_utc()));
    let ids: Vec<String> = dead()
        .select(erasure_codes::identity_id)
        .limit(limit)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(dead().filter(erasure_codes::identity_id.eq_any(ids))).execute(conn)?)
}
