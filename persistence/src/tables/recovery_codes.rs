//! The `recovery_codes` table (rule 13): a profile's single-use recovery codes, as keyed
//! hashes; one is spent by a conditional update, so it lets in once.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::schema::recovery_codes;
use chrono::{DateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::ids::IdentityId;

/// Replaces the profile's codes with those hashing to `hashes`.
pub(crate) fn replace_all(
    conn: &mut DbConnection,
    identity: IdentityId,
    hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    remove_all(conn, identity)?;
    // One statement each (a multi-row insert is not portable across the two backends here).
    for hash in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::identity_id.eq(identity.key()),
                recovery_codes::code_hash.eq(hash.as_str()),
                recovery_codes::created_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Spends the unused code hashing to `hash`; `false` if there is none (wrong, or used).
pub(crate) fn spend(
    conn: &mut DbConnection,
    identity: IdentityId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        recovery_codes::table
            .find((identity.key(), hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(updated == 1)
}

/// How many of the profile's codes are unused.
pub(crate) fn unused(conn: &mut DbConnection, identity: IdentityId) -> Result<u32, StoreError> {
    let n: i64 = recovery_codes::table
        .filter(recovery_codes::identity_id.eq(identity.key()))
        .filter(recovery_codes::used_at.is_null())
        .select(count_star())
        .first(conn)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Removes every code of the profile.
pub(crate) fn remove_all(conn: &mut DbConnection, identity: IdentityId) -> Result<(), StoreError> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::identity_id.eq(identity.key())))
        .execute(conn)?;
    Ok(())
}
