//! The `login_changes` table: a profile's changes of login waiting for the code sent to the
//! new login, found by profile and code, spent once confirmed (or proved too late).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, utc, Key};
use crate::base::schema::login_changes;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use domain::ids::{IdentityId, LoginChangeId};
use domain::locale::Locale;
use domain::login::Login;
use uuid::Uuid;

/// A change as the HTTP layer settled it: the password checked, the code issued.
#[derive(Debug, Clone)]
pub struct NewLoginChange {
    pub identity_id: IdentityId,
    pub new_login: Login,
    /// What the storage keeps of the code (a keyed hash bound to the profile).
    pub code_hash: String,
    /// The code sealed for the outbox message.
    pub sealed_code: String,
    pub expires_at: DateTime<Utc>,
    /// The client address it came from (its budget of codes).
    pub client: String,
    /// The language the request asked for (`Accept-Language`), if one of ours.
    pub request_locale: Option<Locale>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = login_changes)]
pub(crate) struct ChangeRow {
    pub id: String,
    pub new_email: Option<String>,
    pub new_phone: Option<String>,
    pub expires_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
}

/// How many changes the profile asked for since `since`, and when the oldest of them was.
pub(crate) fn requests_since(
    conn: &mut DbConnection,
    identity: IdentityId,
    since: NaiveDateTime,
) -> Result<(i64, Option<NaiveDateTime>), StoreError> {
    Ok(login_changes::table
        .filter(login_changes::identity_id.eq(identity.key()))
        .filter(login_changes::created_at.gt(since))
        .select((count_star(), min(login_changes::created_at)))
        .first::<(i64, Option<NaiveDateTime>)>(conn)?)
}

/// Writes a change waiting for its code.
pub(crate) fn insert_login_change(
    conn: &mut DbConnection,
    new: &NewLoginChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(login_changes::table)
        .values((
            login_changes::id.eq(Uuid::now_v7().to_string()),
            login_changes::identity_id.eq(new.identity_id.key()),
            login_changes::new_email.eq(new.new_login.email().map(|e| e.as_str())),
            login_changes::new_phone.eq(new.new_login.phone().map(|p| p.as_str())),
            login_changes::code_hash.eq(&new.code_hash),
            login_changes::expires_at.eq(new.expires_at.naive_utc()),
            login_changes::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The profile's latest change whose code hashes to `code_hash`.
pub(crate) fn with_code(
    conn: &mut DbConnection,
    identity: IdentityId,
    code_hash: &str,
) -> Result<Option<ChangeRow>, StoreError> {
    Ok(login_changes::table
        .filter(login_changes::identity_id.eq(identity.key()))
        .filter(login_changes::code_hash.eq(code_hash))
        .order(login_changes::created_at.desc())
        .select(ChangeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Spends a change's code.
pub(crate) fn spend(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(login_changes::table.find(id))
        .set(login_changes::confirmed_at.eq(Some(now.naive_utc())))
        .execute(conn)?;
    Ok(())
}

/// A change confirmed: every waiting change of the profile is over.
pub(crate) fn end_waiting_changes(
    conn: &mut DbConnection,
    identity: IdentityId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        login_changes::table
            .filter(login_changes::identity_id.eq(identity.key()))
            .filter(login_changes::confirmed_at.is_null()),
    )
    .set(login_changes::confirmed_at.eq(Some(now.naive_utc())))
    .execute(conn)?;
    Ok(())
}

/// Deletes up to `limit` changes dead since `now` (confirmed, or their code expired) that were
/// asked for before `asked_before`; returns how many.
pub(crate) fn delete_dead(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    asked_before: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let dead = || {
        login_changes::table
            .filter(login_changes::created_at.lt(asked_before.naive_utc()))
            .filter(
                login_changes::expires_at
                    .le(now.naive_utc())
                    .or(login_changes::confirmed_at.is_not_null()),
            )
    };
    let ids: Vec<String> = dead().select(login_changes::id).limit(limit).load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(dead().filter(login_changes::id.eq_any(ids))).execute(conn)?)
}

/// Deletes the profile's login changes, used or not (its erasure, rule 14).
pub(crate) fn delete_of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(login_changes::table.filter(login_changes::identity_id.eq(identity.key())))
            .execute(conn)?,
    )
}

/// A login change as its person's export shows it (issue #32): never its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginChangeRecord {
    pub id: LoginChangeId,
    pub new_email: Option<String>,
    pub new_phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

type ChangeHistoryRow = (
    String,
    Option<String>,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The profile's login changes, newest first, at most `limit`.
pub(crate) fn of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
    limit: i64,
) -> Result<Vec<LoginChangeRecord>, StoreError> {
    let rows: Vec<ChangeHistoryRow> = login_changes::table
        .filter(login_changes::identity_id.eq(identity.key()))
        .order(login_changes::id.desc())
        .limit(limit)
        .select((
            login_changes::id,
            login_changes::new_email,
            login_changes::new_phone,
            login_changes::created_at,
            login_changes::expires_at,
            login_changes::confirmed_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, email, phone, created, expires, confirmed)| {
            Ok(LoginChangeRecord {
                id: parse_id(&id)?,
                new_email: email,
                new_phone: phone,
                created_at: utc(created),
                expires_at: utc(expires),
                confirmed_at: confirmed.map(utc),
            })
        })
        .collect()
}
