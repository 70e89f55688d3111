//! A profile's users across accounts, for what happens to the person rather than to one
//! account's user (a second factor switched on or off, a recovery code used: rule 13).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, Key};
use crate::base::schema::{identities, users};
use crate::tables::users::{load_users, UserRecord};
use diesel::prelude::*;
use domain::enums::UserStatus;
use domain::ids::{AccountId, IdentityId, UserId};

/// The profile's active users, each with its account, in the order of the accounts' ids.
pub(crate) fn active_of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Vec<(AccountId, UserId)>, StoreError> {
    let rows: Vec<(String, String)> = users::table
        .filter(users::identity_id.eq(identity.key()))
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .order(users::account_id.asc())
        .select((users::account_id, users::id))
        .load(conn)?;
    rows.iter()
        .map(|(a, u)| Ok((parse_id(a)?, parse_id(u)?)))
        .collect()
}

/// Every user the profile is, in any account and state, newest first, with its names (joins
/// `identities`): what a person's export lists (issue #32).
pub(crate) fn all_of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Vec<UserRecord>, StoreError> {
    let query = users::table
        .inner_join(identities::table)
        .filter(users::identity_id.eq(identity.key()))
        .order(users::id.desc())
        .into_boxed();
    load_users(conn, query)
}
