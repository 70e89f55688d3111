//! The users of a person, as an erasure decides on them and writes them (rule 14).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, Key};
use crate::base::schema::users;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dismissal::Subject;
use domain::enums::{UserStatus, UserType};
use domain::ids::{AccountId, IdentityId, UserId};

/// One of a person's users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PersonUser {
    pub(crate) account_id: AccountId,
    pub(crate) subject: Subject,
    pub(crate) erased: bool,
    /// The logins the account knows the user by.
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
}

type Row = (
    String,
    String,
    String,
    String,
    bool,
    Option<NaiveDateTime>,
    Option<String>,
    Option<String>,
);

/// Every user of the profile, in every account, by account.
pub(crate) fn of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Vec<PersonUser>, StoreError> {
    let rows: Vec<Row> = users::table
        .filter(users::identity_id.eq(identity.key()))
        .order(users::account_id.asc())
        .select((
            users::id,
            users::account_id,
            users::user_type,
            users::status,
            users::is_admin,
            users::erased_at,
            users::email,
            users::phone,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, account, user_type, status, is_admin, erased, email, phone)| {
                Ok(PersonUser {
                    account_id: parse_id(&account)?,
                    subject: Subject {
                        user_id: parse_id(&id)?,
                        user_type: parse_word(&user_type, UserType::parse)?,
                        status: parse_word(&status, UserStatus::parse)?,
                        is_admin,
                    },
                    erased: erased.is_some(),
                    email,
                    phone,
                })
            },
        )
        .collect()
}

/// Erases a user (rule 14): the logins its account knew it by go, and it shows as "Erased
/// user" from now on, whatever its profile holds.
pub(crate) fn erase(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    diesel::update(users::table.find(user.key()))
        .set((
            users::email.eq(None::<String>),
            users::phone.eq(None::<String>),
            users::erased_at.eq(Some(at)),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
