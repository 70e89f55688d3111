//! The ends of external users' access (issue #30): who is past theirs but not yet recorded
//! dismissed (the sweep's work, and what reads of the seats discount), and the writes of an end.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, utc, Key};
use crate::base::schema::users;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access_end::Dismissal;
use domain::enums::{UserStatus, UserType};
use domain::ids::{AccountId, UserId};

/// An active user whose access has ended, not yet recorded dismissed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EndedAccess {
    pub(crate) user_id: UserId,
    pub(crate) user_type: UserType,
    pub(crate) is_admin: bool,
    pub(crate) ended_at: DateTime<Utc>,
}

fn ended_in_account(
    account: AccountId,
    at: NaiveDateTime,
) -> users::BoxedQuery<'static, <DbConnection as Connection>::Backend> {
    users::table
        .filter(users::account_id.eq(account.key()))
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .filter(users::access_expires_at.le(at))
        .into_boxed()
}

/// The account's active users whose access ended at or before `at` (`users_access_end`).
pub(crate) fn ended_access_in(
    conn: &mut DbConnection,
    account: AccountId,
    at: NaiveDateTime,
) -> Result<Vec<EndedAccess>, StoreError> {
    let rows: Vec<(String, String, bool, Option<NaiveDateTime>)> = ended_in_account(account, at)
        .select((
            users::id,
            users::user_type,
            users::is_admin,
            users::access_expires_at,
        ))
        .order(users::access_expires_at.asc())
        .load(conn)?;
    rows.into_iter()
        .map(|(id, user_type, is_admin, end)| {
            Ok(EndedAccess {
                user_id: parse_id(&id)?,
                user_type: parse_word(&user_type, UserType::parse)?,
                is_admin,
                ended_at: utc(end.unwrap_or(at)),
            })
        })
        .collect()
}

/// How many of the account's active users of each type, `(intranet, extranet)`, have an ended
/// access at `at`: the seats they no longer hold.
pub(crate) fn count_ended_access_in(
    conn: &mut DbConnection,
    account: AccountId,
    at: NaiveDateTime,
) -> Result<(i64, i64), StoreError> {
    let types: Vec<String> = ended_in_account(account, at)
        .select(users::user_type)
        .load(conn)?;
    let extranet = types
        .iter()
        .filter(|t| t.as_str() == UserType::Extranet.as_str())
        .count();
    let n = |c: usize| i64::try_from(c).unwrap_or(i64::MAX);
    Ok((n(types.len() - extranet), n(extranet)))
}

/// The accounts (ids as stored) with an active user whose access ended at or before `at`.
pub(crate) fn accounts_with_ended_access(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    Ok(users::table
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .filter(users::access_expires_at.le(at))
        .select(users::account_id)
        .distinct()
        .load(conn)?)
}

/// Records a user dismissed by the system: at the instant its access ended (tokens issued
/// before stay dead after a reinstatement, rule 8), with why.
pub(crate) fn set_dismissed_by_system(
    conn: &mut DbConnection,
    user: UserId,
    at: DateTime<Utc>,
    why: Option<Dismissal>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(user.key()))
        .set((
            users::status.eq(UserStatus::Dismissed.as_str()),
            users::dismissed_at.eq(at.naive_utc()),
            users::dismissal.eq(why.map(Dismissal::as_str)),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes the end of a user's access (`None`: no end).
pub(crate) fn set_access_end(
    conn: &mut DbConnection,
    user: UserId,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(user.key()))
        .set((
            users::access_expires_at.eq(end.map(|e| e.naive_utc())),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}
