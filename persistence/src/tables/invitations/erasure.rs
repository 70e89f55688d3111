//! A person's invitations, found and erased (rule 14).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, Key};
use crate::base::schema::invitations;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::erasure::{ERASED_FIRST_NAME, ERASED_LAST_NAME};
use domain::ids::{AccountId, InvitationId};

/// The pending invitations (in any account) to any of `logins`: their ids and accounts.
pub(crate) fn pending_to(
    conn: &mut DbConnection,
    logins: &[String],
) -> Result<Vec<(InvitationId, AccountId)>, StoreError> {
    let rows: Vec<(String, String)> = invitations::table
        .filter(invitations::login.eq_any(logins))
        .filter(invitations::status.eq("pending"))
        .select((invitations::id, invitations::account_id))
        .load(conn)?;
    rows.iter()
        .map(|(id, account)| Ok((parse_id(id)?, parse_id(account)?)))
        .collect()
}

/// The closed invitations, in `account` or everywhere, to any of `logins` or accepted by one
/// of `users`: their ids and messages (a message sent to the person is theirs too).
pub(crate) fn closed_of_person(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    logins: &[String],
    users: &[String],
) -> Result<Vec<(String, Option<String>)>, StoreError> {
    let mut query = invitations::table
        .filter(
            invitations::login
                .eq_any(logins)
                .or(invitations::accepted_user_id.eq_any(users)),
        )
        .filter(invitations::status.ne("pending"))
        .select((invitations::id, invitations::message))
        .into_boxed();
    if let Some(account) = account {
        query = query.filter(invitations::account_id.eq(account.key()));
    }
    Ok(query.load(conn)?)
}

/// Erases closed invitations: the invitee's login (a tombstone `erased:<id>`), names, the
/// message and the delivery error go, the email or phone (one of them is set: a check of the
/// table) reads `[erased]`; status, times and ids stay.
pub(crate) fn erase(
    conn: &mut DbConnection,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        invitations::table
            .filter(invitations::id.eq_any(ids))
            .filter(invitations::status.ne("pending")),
    )
    .set((
        invitations::login.eq(diesel::dsl::sql::<diesel::sql_types::Text>(
            "'erased:' || id",
        )),
        invitations::email.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Text>,
        >(
            "CASE WHEN email IS NULL THEN NULL ELSE '[erased]' END"
        )),
        invitations::phone.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Text>,
        >(
            "CASE WHEN phone IS NULL THEN NULL ELSE '[erased]' END"
        )),
        invitations::first_name.eq(ERASED_FIRST_NAME),
        invitations::last_name.eq(ERASED_LAST_NAME),
        invitations::message.eq(None::<String>),
        invitations::delivery_error.eq(None::<String>),
        invitations::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    Ok(())
}
