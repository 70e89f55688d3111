//! Whom an access review (issue #30) is about: the account's active external users, or those
//! of them who are active members of a workgroup (reads `memberships` in a subquery).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, Key};
use crate::base::schema::{memberships, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::enums::{MembershipStatus, UserStatus, UserType};
use domain::ids::{AccountId, UserId, WorkgroupId};

/// The account's external users active at `now` (an ended access is not, recorded or not) —
/// of `workgroup`'s active members when given — in the order of their ids.
pub(crate) fn external_in_review_scope(
    conn: &mut DbConnection,
    account: AccountId,
    workgroup: Option<WorkgroupId>,
    now: DateTime<Utc>,
) -> Result<Vec<UserId>, StoreError> {
    let mut q = users::table
        .filter(users::account_id.eq(account.key()))
        .filter(users::user_type.eq(UserType::Extranet.as_str()))
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .filter(
            users::access_expires_at
                .is_null()
                .or(users::access_expires_at.gt(now.naive_utc())),
        )
        .into_boxed();
    if let Some(group) = workgroup {
        let members = memberships::table
            .filter(memberships::workgroup_id.eq(group.key()))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .select(memberships::user_id);
        q = q.filter(users::id.eq_any(members));
    }
    let ids: Vec<String> = q.order(users::id.asc()).select(users::id).load(conn)?;
    ids.iter().map(|id| parse_id(id)).collect()
}
