//! The `password_resets` table: a profile's resets waiting for the code sent to one of its
//! logins, found by profile, login and code, all spent once one is confirmed, forgotten once
//! dead.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{utc, Key};
use crate::base::schema::password_resets;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::ids::IdentityId;
use domain::locale::Locale;
use domain::login::Login;
use domain::password_reset::PendingReset;
use uuid::Uuid;

/// A reset request as the HTTP layer settled it: the login parsed, the code issued.
#[derive(Debug, Clone)]
pub struct NewPasswordReset {
    pub login: Login,
    /// What the storage keeps of the code (a keyed hash bound to the login).
    pub code_hash: String,
    /// The code sealed for the outbox message.
    pub sealed_code: String,
    pub expires_at: DateTime<Utc>,
    /// The client address it came from (its budget of codes).
    pub client: String,
    /// The language the request asked for (`Accept-Language`), if one of ours.
    pub request_locale: Option<Locale>,
}

/// Writes a reset of `identity` waiting for the code sent to `new.login`.
pub(crate) fn insert(
    conn: &mut DbConnection,
    identity: IdentityId,
    new: &NewPasswordReset,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::id.eq(Uuid::now_v7().to_string()),
            password_resets::identity_id.eq(identity.key()),
            password_resets::login.eq(new.login.as_str()),
            password_resets::code_hash.eq(&new.code_hash),
            password_resets::expires_at.eq(new.expires_at.naive_utc()),
            password_resets::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The profile's resets sent to `login` whose code hashes to `code_hash`, live or not.
pub(crate) fn with_code(
    conn: &mut DbConnection,
    identity: IdentityId,
    login: &Login,
    code_hash: &str,
) -> Result<Vec<PendingReset>, StoreError> {
    let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = password_resets::table
        .filter(password_resets::identity_id.eq(identity.key()))
        .filter(password_resets::login.eq(login.as_str()))
        .filter(password_resets::code_hash.eq(code_hash))
        .select((password_resets::expires_at, password_resets::used_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(expires_at, used_at)| PendingReset {
            expires_at: utc(expires_at),
            used: used_at.is_some(),
        })
        .collect())
}

/// A reset confirmed: every waiting reset of the profile is spent (a code intercepted on its
/// way resets nothing afterwards).
pub(crate) fn spend_all(
    conn: &mut DbConnection,
    identity: IdentityId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        password_resets::table
            .filter(password_resets::identity_id.eq(identity.key()))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(now.naive_utc())))
    .execute(conn)?;
    Ok(())
}

/// Deletes up to `limit` resets that can no longer be confirmed; returns how many.
pub(crate) fn delete_dead(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let dead = || {
        password_resets::table.filter(
            password_resets::expires_at
                .le(now.naive_utc())
                .or(password_resets::used_at.is_not_null()),
        )
    };
    let ids: Vec<String> = dead().select(password_resets::id).limit(limit).load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(dead().filter(password_resets::id.eq_any(ids))).execute(conn)?)
}

/// Deletes the profile's password resets, used or not (its erasure, rule 14).
pub(crate) fn delete_of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        password_resets::table.filter(password_resets::identity_id.eq(identity.key())),
    )
    .execute(conn)?)
}
