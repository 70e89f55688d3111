//! The `sign_ups` table: sign-ups waiting for the code sent to their login (a waiting sign-up
//! reserves nothing: the login stays free), found by login and code, used up once, forgotten
//! once dead.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::schema::sign_ups;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::ids::IdentityId;
use domain::locale::Locale;
use domain::login::Login;
use uuid::Uuid;

/// A sign-up as the HTTP layer settled it: the password already checked against an existing
/// profile (`proved_profile`) or hashed for a new one (`password_hash`), the code issued.
#[derive(Debug, Clone)]
pub struct NewSignUp {
    pub login: Login,
    pub account_name: String,
    pub plan: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: Option<String>,
    pub proved_profile: Option<IdentityId>,
    /// What the storage keeps of the code (a keyed hash bound to the login).
    pub code_hash: String,
    /// The code sealed for the outbox message.
    pub sealed_code: String,
    pub expires_at: DateTime<Utc>,
    /// The client address it came from (its budget of codes).
    pub client: String,
    /// The language of its code, and of the new account's messages.
    pub locale: Locale,
}

/// Writes a waiting sign-up.
pub(crate) fn insert_sign_up(
    conn: &mut DbConnection,
    new: &NewSignUp,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(sign_ups::table)
        .values((
            sign_ups::id.eq(Uuid::now_v7().to_string()),
            sign_ups::login.eq(new.login.as_str()),
            sign_ups::code_hash.eq(&new.code_hash),
            sign_ups::account_name.eq(&new.account_name),
            sign_ups::plan.eq(&new.plan),
            sign_ups::first_name.eq(&new.first_name),
            sign_ups::last_name.eq(&new.last_name),
            sign_ups::password_hash.eq(new.password_hash.as_deref()),
            sign_ups::identity_id.eq(new.proved_profile.map(|i| i.key())),
            sign_ups::expires_at.eq(new.expires_at.naive_utc()),
            sign_ups::created_at.eq(now.naive_utc()),
            sign_ups::locale.eq(new.locale.as_str()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sign_ups)]
pub(crate) struct SignUpRow {
    pub id: String,
    pub account_name: String,
    pub plan: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: Option<String>,
    pub identity_id: Option<String>,
    pub expires_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub locale: String,
}

/// The latest sign-up of `login` whose code hashes to `code_hash`.
pub(crate) fn with_code(
    conn: &mut DbConnection,
    login: &Login,
    code_hash: &str,
) -> Result<Option<SignUpRow>, StoreError> {
    Ok(sign_ups::table
        .filter(sign_ups::login.eq(login.as_str()))
        .filter(sign_ups::code_hash.eq(code_hash))
        .order(sign_ups::created_at.desc())
        .select(SignUpRow::as_select())
        .first(conn)
        .optional()?)
}

/// Spends a sign-up's code.
pub(crate) fn use_up(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(sign_ups::table.find(id))
        .set(sign_ups::confirmed_at.eq(Some(now.naive_utc())))
        .execute(conn)?;
    Ok(())
}

/// Deletes up to `limit` sign-ups that can no longer be confirmed; returns how many.
pub(crate) fn delete_dead(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let at = now.naive_utc();
    let dead = || {
        sign_ups::table.filter(
            sign_ups::expires_at
                .le(at)
                .or(sign_ups::confirmed_at.is_not_null()),
        )
    };
    let ids: Vec<String> = dead().select(sign_ups::id).limit(limit).load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(dead().filter(sign_ups::id.eq_any(ids))).execute(conn)?)
}

/// Deletes the sign-ups of the profile or of any of `logins` (its erasure, rule 14).
pub(crate) fn delete_of_person(
    conn: &mut DbConnection,
    identity: IdentityId,
    logins: &[String],
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        sign_ups::table.filter(
            sign_ups::identity_id
                .eq(identity.key())
                .or(sign_ups::login.eq_any(logins)),
        ),
    )
    .execute(conn)?)
}
