//! The invitations a person's export lists (issue #32): those addressed to one of the person's
//! logins, and those one of their users accepted (with a login the person has given up since).

use super::{InvitationRecord, InvitationRow};
use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::schema::invitations;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{AccountId, UserId};

/// Invitations addressed to one of `logins` or accepted by one of `users`, in `account` when
/// given, newest first, at most `limit` (by `invitations_accepted_user`; by login, the
/// account's invitations, or every invitation, are read through: no index of the hot table's
/// serves a rare export — BENCHMARKS.md, 2026-12-07 latest).
pub(crate) fn of_person(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    logins: &[String],
    users: &[UserId],
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<InvitationRecord>, StoreError> {
    let in_account = |q: invitations::BoxedQuery<'static, _>| match account {
        Some(account) => q.filter(invitations::account_id.eq(account.key())),
        None => q,
    };
    // One login at a time: `login = ? AND account_id = ?` (the pending login's unique index
    // where it is pending, else the account's invitations read through).
    let mut addressed: Vec<InvitationRow> = Vec::new();
    for login in logins {
        addressed.extend(
            in_account(
                invitations::table
                    .filter(invitations::login.eq(login.clone()))
                    .into_boxed(),
            )
            .order(invitations::id.desc())
            .limit(limit)
            .select(InvitationRow::as_select())
            .load(conn)?,
        );
    }
    let accepted: Vec<InvitationRow> = in_account(
        invitations::table
            .filter(invitations::accepted_user_id.eq_any(users.iter().map(|u| u.key())))
            .into_boxed(),
    )
    .order(invitations::id.desc())
    .limit(limit)
    .select(InvitationRow::as_select())
    .load(conn)?;
    let mut rows: Vec<InvitationRow> = addressed.into_iter().chain(accepted).collect();
    rows.sort_by(|a, b| b.id.cmp(&a.id));
    rows.dedup_by(|a, b| a.id == b.id);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    rows.into_iter().map(|r| r.into_record(now)).collect()
}
