//! The `identities` table: network profiles, found by login (rule 6: a login is one profile's,
//! in every account).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, Key};
use crate::base::schema::identities;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::IdentityId;
use domain::locale::Locale;
use domain::login::{Email, Login, Phone};
use domain::login_change::ProfileLogins;
use domain::DomainError;
use uuid::Uuid;

/// What signing in needs of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub identity_id: IdentityId,
    pub password_hash: String,
}

/// The names of a profile, as a user row shows them (its logins are the user's own, as the
/// account knows them: `domain::known_logins`).
#[derive(Queryable, Selectable)]
#[diesel(table_name = identities)]
pub(crate) struct IdentityNames {
    pub first_name: String,
    pub last_name: String,
}

/// A profile's logins of now.
pub(crate) fn logins_of(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<ProfileLogins, StoreError> {
    let (email, phone) = identities::table
        .find(identity.key())
        .select((identities::email, identities::phone))
        .first::<(Option<String>, Option<String>)>(conn)
        .optional()?
        .ok_or(DomainError::NotFound("profile"))?;
    Ok(ProfileLogins { email, phone })
}

/// [`logins_of`], the profile's row locked until the transaction ends (on PostgreSQL; SQLite
/// has one writer): a login change of the profile waits for the transaction, or it for the
/// change, so that what it writes from the logins is never behind them.
pub(crate) fn logins_of_locked(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<ProfileLogins, StoreError> {
    if let DbConnection::Pg(pg) = conn {
        identities::table
            .find(identity.key())
            .select(identities::id)
            .for_update()
            .first::<String>(pg)
            .optional()?
            .ok_or(DomainError::NotFound("profile"))?;
    }
    logins_of(conn, identity)
}

/// The profile whose login this is, if any, with its password hash.
pub(crate) fn credentials_of(
    conn: &mut DbConnection,
    login: &Login,
) -> Result<Option<Credentials>, StoreError> {
    let query = identities::table
        .select((identities::id, identities::password_hash))
        .into_boxed();
    let query = match login {
        Login::Email(e) => query.filter(identities::email.eq(e.as_str())),
        Login::Phone(p) => query.filter(identities::phone.eq(p.as_str())),
    };
    query
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(id, password_hash)| {
            Ok(Credentials {
                identity_id: parse_id(&id)?,
                password_hash,
            })
        })
        .transpose()
}

/// A new profile to write.
pub(crate) struct NewIdentity<'a> {
    pub login: &'a Login,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
}

/// Writes a new profile; 409 `login_taken` when another request created the login between
/// the caller's read and this write.
pub(crate) fn insert_identity(
    conn: &mut DbConnection,
    new: &NewIdentity<'_>,
    now: DateTime<Utc>,
) -> Result<IdentityId, StoreError> {
    let id = IdentityId(Uuid::now_v7());
    let at = now.naive_utc();
    let inserted = diesel::insert_into(identities::table)
        .values((
            identities::id.eq(id.key()),
            identities::email.eq(new.login.email().map(Email::as_str)),
            identities::phone.eq(new.login.phone().map(Phone::as_str)),
            identities::password_hash.eq(new.password_hash),
            identities::first_name.eq(new.first_name),
            identities::last_name.eq(new.last_name),
            identities::created_at.eq(at),
            identities::updated_at.eq(at),
        ))
        .execute(conn)
        .map_err(StoreError::from);
    match inserted {
        Err(e) if e.is_unique_violation() => Err(DomainError::LoginTaken.into()),
        other => other.map(|_| id),
    }
}

/// Writes a profile's new login (its email or its phone, whichever `login` is).
pub(crate) fn set_login(
    conn: &mut DbConnection,
    identity: IdentityId,
    login: &Login,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    let row = identities::table.find(identity.key());
    match login {
        Login::Email(e) => diesel::update(row)
            .set((
                identities::email.eq(Some(e.as_str())),
                identities::updated_at.eq(at),
            ))
            .execute(conn)?,
        Login::Phone(p) => diesel::update(row)
            .set((
                identities::phone.eq(Some(p.as_str())),
                identities::updated_at.eq(at),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// A profile's logins, names and creation time, as its owner reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = identities)]
pub(crate) struct ProfileRow {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub created_at: chrono::NaiveDateTime,
    pub locale: Option<String>,
    pub updated_at: chrono::NaiveDateTime,
}

/// A profile as its owner reads it, if it exists.
pub(crate) fn profile_of(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Option<ProfileRow>, StoreError> {
    Ok(identities::table
        .find(identity.key())
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()?)
}

/// The language a profile's person chose for their messages, if they did.
pub(crate) fn locale_of(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Option<Locale>, StoreError> {
    let chosen: Option<String> = identities::table
        .find(identity.key())
        .select(identities::locale)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    chosen.map(|l| parse_word(&l, Locale::parse)).transpose()
}

/// Writes the language a profile's person chose (`None`: no choice, the account's).
pub(crate) fn set_locale(
    conn: &mut DbConnection,
    identity: IdentityId,
    locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(identities::table.find(identity.key()))
        .set((
            identities::locale.eq(locale.map(Locale::as_str)),
            identities::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A profile's password hash, if the profile exists.
pub(crate) fn password_hash_of(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Option<String>, StoreError> {
    Ok(identities::table
        .find(identity.key())
        .select(identities::password_hash)
        .first::<String>(conn)
        .optional()?)
}

/// Writes a profile's new password hash.
pub(crate) fn set_password_hash(
    conn: &mut DbConnection,
    identity: IdentityId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(identities::table.find(identity.key()))
        .set((
            identities::password_hash.eq(password_hash),
            identities::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// What is stored in place of an erased profile's password hash: no password verifies
/// against it, and it holds nothing of the old one.
pub(crate) const ERASED_PASSWORD: &str = "!erased";

/// Erases a profile (rule 14): its logins (free again), names, language and password go; the
/// row stays, a tombstone the profile's erased users still point at. A profile has a login
/// (a check of the table): its email becomes `erased:<id>`, which no one can type as one.
pub(crate) fn erase(
    conn: &mut DbConnection,
    identity: IdentityId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    diesel::update(identities::table.find(identity.key()))
        .set((
            identities::email.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Text>,
            >("'erased:' || id")),
            identities::phone.eq(None::<String>),
            identities::first_name.eq(domain::erasure::ERASED_FIRST_NAME),
            identities::last_name.eq(domain::erasure::ERASED_LAST_NAME),
            identities::locale.eq(None::<String>),
            identities::password_hash.eq(ERASED_PASSWORD),
            identities::erased_at.eq(Some(at)),
            identities::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
