//! The reminders that external users' access ends (issue #30): who may have one due — an active
//! user whose end is at most 7 days ahead and a mark of which differs from it — and the marks
//! of what was sent (the user's own, and those of the reminders to its inviter). Which reminder
//! is due is the domain's to say (`domain::access_end::reminders::due`); these queries only
//! leave out the users who certainly have none.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, utc, Key, Literal};
use crate::base::schema::users;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access_end::reminders::{horizon, Marks, Reminder};
use domain::enums::UserStatus;
use domain::ids::{AccountId, UserId};

/// An active user whose access ends within 7 days, with the marks of its reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AccessEnding {
    pub(crate) user_id: UserId,
    pub(crate) end: DateTime<Utc>,
    /// What was sent to the user.
    pub(crate) user: Marks,
    /// What was sent (or settled) for the person who invited it.
    pub(crate) inviter: Marks,
}

type Backend = <DbConnection as Connection>::Backend;

/// A mark that is not the end of now: nothing sent for this end.
macro_rules! unsent {
    ($mark:expr) => {
        $mark.is_null().or($mark.ne(users::access_expires_at))
    };
}

/// Active users (`users_access_reminders`, `users_access_end`: the index's condition written
/// as literals) whose access ends after `now` and at most 7 days after it, with a mark of the
/// 7-day reminder that differs from the end, or within a day and a mark of the 1-day one.
fn may_be_due(now: DateTime<Utc>) -> users::BoxedQuery<'static, Backend> {
    let one_day = (now + Reminder::OneDay.before()).naive_utc();
    users::table
        .filter(users::status.eq(Literal::word(UserStatus::Active.as_str())))
        .filter(users::access_expires_at.is_not_null())
        .filter(users::access_expires_at.gt(now.naive_utc()))
        .filter(users::access_expires_at.le(horizon(now).naive_utc()))
        .filter(
            unsent!(users::reminded_7d_for)
                .or(unsent!(users::inviter_reminded_7d_for))
                .or(users::access_expires_at.le(one_day).and(
                    unsent!(users::reminded_1d_for).or(unsent!(users::inviter_reminded_1d_for)),
                )),
        )
        .into_boxed()
}

/// The accounts (at most `limit`, in the order of their ids, after `after`) with a user that
/// may have a reminder due at `now`.
pub(crate) fn accounts_with_reminders_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    after: Option<AccountId>,
    limit: i64,
) -> Result<Vec<AccountId>, StoreError> {
    let mut query = may_be_due(now).select(users::account_id).distinct();
    if let Some(after) = after {
        query = query.filter(users::account_id.gt(after.key()));
    }
    let ids: Vec<String> = query
        .order(users::account_id.asc())
        .limit(limit)
        .load(conn)?;
    ids.iter().map(|id| parse_id(id)).collect()
}

type Row = (
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// The account's users that may have a reminder due at `now` (at most `limit`, in the order of
/// their ids, after `after`).
pub(crate) fn reminders_due_in(
    conn: &mut DbConnection,
    account: AccountId,
    now: DateTime<Utc>,
    after: Option<UserId>,
    limit: i64,
) -> Result<Vec<AccessEnding>, StoreError> {
    let mut query = may_be_due(now).filter(users::account_id.eq(account.key()));
    if let Some(after) = after {
        query = query.filter(users::id.gt(after.key()));
    }
    let rows: Vec<Row> = query
        .select((
            users::id,
            users::access_expires_at,
            users::reminded_7d_for,
            users::reminded_1d_for,
            users::inviter_reminded_7d_for,
            users::inviter_reminded_1d_for,
        ))
        .order(users::id.asc())
        .limit(limit)
        .load(conn)?;
    rows.into_iter()
        .map(|(id, end, r7, r1, i7, i1)| {
            let end = end.ok_or_else(|| StoreError::Corrupt(format!("user {id} has no end")))?;
            Ok(AccessEnding {
                user_id: parse_id(&id)?,
                end: utc(end),
                user: Marks {
                    seven_days: r7.map(utc),
                    one_day: r1.map(utc),
                },
                inviter: Marks {
                    seven_days: i7.map(utc),
                    one_day: i1.map(utc),
                },
            })
        })
        .collect()
}

/// Writes the marks of a user's reminders: what was sent to it, and to (or for) its inviter.
pub(crate) fn set_reminded(
    conn: &mut DbConnection,
    user: UserId,
    to_user: Marks,
    to_inviter: Marks,
) -> Result<(), StoreError> {
    let at = |mark: Option<DateTime<Utc>>| mark.map(|m| m.naive_utc());
    diesel::update(users::table.find(user.key()))
        .set((
            users::reminded_7d_for.eq(at(to_user.seven_days)),
            users::reminded_1d_for.eq(at(to_user.one_day)),
            users::inviter_reminded_7d_for.eq(at(to_inviter.seven_days)),
            users::inviter_reminded_1d_for.eq(at(to_inviter.one_day)),
        ))
        .execute(conn)?;
    Ok(())
}
