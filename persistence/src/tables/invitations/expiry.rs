//! Rule 7's part of the `invitations` table: pending invitations past their expiry — which the
//! sweep marks expired, and which reads of the seats discount until it has.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::schema::invitations;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::enums::InvitationStatus;
use domain::ids::AccountId;

/// The ids of the account's pending invitations past their expiry at `at` (rule 7).
pub(crate) fn overdue_in(
    conn: &mut DbConnection,
    account: AccountId,
    at: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    Ok(invitations::table
        .filter(invitations::account_id.eq(account.key()))
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.le(at))
        .select(invitations::id)
        .load(conn)?)
}

/// Marks invitations expired at `at` (rule 7).
pub(crate) fn mark_expired(
    conn: &mut DbConnection,
    ids: &[String],
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(invitations::table.filter(invitations::id.eq_any(ids)))
        .set((
            invitations::status.eq(InvitationStatus::Expired.as_str()),
            invitations::closed_at.eq(Some(at)),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many of the account's pending invitations are past their expiry at `at`, swept or not.
pub(crate) fn count_overdue_in(
    conn: &mut DbConnection,
    account: AccountId,
    at: NaiveDateTime,
) -> Result<i64, StoreError> {
    Ok(invitations::table
        .filter(invitations::account_id.eq(account.key()))
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.le(at))
        .count()
        .get_result(conn)?)
}

/// The accounts (ids as stored) holding pending invitations past their expiry at `at`.
pub(crate) fn accounts_with_overdue(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    Ok(invitations::table
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.le(at))
        .select(invitations::account_id)
        .distinct()
        .load(conn)?)
}
