//! Who invited a user: the inviter of the invitation it accepted (issue #30: the reminders
//! that its access ends go to them too).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, Key, Literal};
use crate::base::schema::invitations;
use diesel::prelude::*;
use domain::enums::InvitationStatus;
use domain::ids::{AccountId, UserId};

/// The employee (or moderator) who invited `user` into `account`: the inviter of the last
/// invitation it accepted (`invitations_accepted_user`), not whoever resent or approved it.
/// `None` for a user who joined otherwise (a sign-up, a join link).
pub(crate) fn inviter_of(
    conn: &mut DbConnection,
    account: AccountId,
    user: UserId,
) -> Result<Option<UserId>, StoreError> {
    let inviter: Option<String> = invitations::table
        .filter(invitations::accepted_user_id.eq(user.key()))
        .filter(invitations::account_id.eq(account.key()))
        .filter(invitations::status.eq(Literal::word(InvitationStatus::Accepted.as_str())))
        .order((invitations::created_at.desc(), invitations::id.desc()))
        .select(invitations::invited_by)
        .first(conn)
        .optional()?;
    inviter.as_deref().map(parse_id).transpose()
}
