//! The names an account shows of its users: their profiles', or "Erased user" once erased
//! (rule 14), whatever the profile still holds for other accounts. Joins `identities`, where
//! the names are.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::schema::{identities, users};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::erasure::{ERASED_FIRST_NAME, ERASED_LAST_NAME};
use domain::ids::UserId;

/// A user's first and last name ("Erased user" once erased: rule 14).
pub(crate) fn names(conn: &mut DbConnection, user: UserId) -> Result<(String, String), StoreError> {
    let (first, last, erased): (String, String, Option<NaiveDateTime>) = users::table
        .inner_join(identities::table)
        .filter(users::id.eq(user.key()))
        .select((
            identities::first_name,
            identities::last_name,
            users::erased_at,
        ))
        .first(conn)?;
    Ok(shown_names(first, last, erased))
}

/// The names an account shows of its user: the profile's, or "Erased user" once erased.
fn shown_names(first: String, last: String, erased: Option<NaiveDateTime>) -> (String, String) {
    match erased {
        Some(_) => (ERASED_FIRST_NAME.into(), ERASED_LAST_NAME.into()),
        None => (first, last),
    }
}

/// "First Last" of a user, as messages name the inviter.
pub(crate) fn names_of(conn: &mut DbConnection, user: UserId) -> Result<String, StoreError> {
    let (first, last) = names(conn, user)?;
    Ok(format!("{first} {last}"))
}

/// The first and last names of the users of `ids`, each as `(id, first, last)`; joins
/// `identities`, where the names are.
pub(crate) fn names_by_id(
    conn: &mut DbConnection,
    ids: Vec<&String>,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let rows: Vec<(String, String, String, Option<NaiveDateTime>)> = users::table
        .inner_join(identities::table)
        .filter(users::id.eq_any(ids))
        .select((
            users::id,
            identities::first_name,
            identities::last_name,
            users::erased_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, first, last, erased)| {
            let (first, last) = shown_names(first, last, erased);
            (id, first, last)
        })
        .collect())
}
