//! The account's invitations as its employees list and search them: narrowed by a filter,
//! read newest first, a search slice by slice.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::page::{like_pattern, lower, search_text};
use crate::base::schema::invitations;
use crate::tables::invitations::InvitationRow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::enums::{Approval, DeliveryState, InvitationStatus, UserType};
use domain::ids::WorkgroupId;

/// What an invitations list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct InvitationFilter {
    pub status: Option<InvitationStatus>,
    pub invitation_type: Option<UserType>,
    pub workgroup_id: Option<WorkgroupId>,
    /// Part of the login or a name, any case.
    pub q: Option<String>,
    /// What became of the invitation's current message.
    pub delivery: Option<DeliveryState>,
}

impl InvitationFilter {
    /// Whether the list may read every invitation of the account (a search, or the expired
    /// ones, which no index orders) rather than one page of an index.
    pub fn scans(&self) -> bool {
        search_text(self.q.as_deref()).is_some()
            || self.status == Some(InvitationStatus::Expired)
            || self.delivery.is_some()
    }
}

/// The oldest id of the account's next slice of `slice` invitations below `upper` (from the
/// newest when `None`); `None` when the slice runs to the account's first.
pub(crate) fn slice_floor(
    conn: &mut DbConnection,
    account: &str,
    upper: Option<&str>,
    slice: i64,
) -> Result<Option<String>, StoreError> {
    let mut ids = invitations::table
        .filter(invitations::account_id.eq(account))
        .select(invitations::id)
        .into_boxed();
    if let Some(upper) = upper {
        ids = ids.filter(invitations::id.lt(upper.to_owned()));
    }
    Ok(ids
        .order(invitations::id.desc())
        .offset(slice - 1)
        .limit(1)
        .get_result(conn)
        .optional()?)
}

/// Up to `left` of the account's invitations that `filter` lets through, newest first, below
/// `upper` and from `floor` on when given.
pub(crate) fn listed(
    conn: &mut DbConnection,
    account: &str,
    filter: &InvitationFilter,
    upper: Option<&str>,
    floor: Option<&str>,
    left: i64,
    now: DateTime<Utc>,
) -> Result<Vec<InvitationRow>, StoreError> {
    let mut query = filtered(account, filter, search_text(filter.q.as_deref()), now);
    if let Some(upper) = upper {
        query = query.filter(invitations::id.lt(upper.to_owned()));
    }
    if let Some(floor) = floor {
        query = query.filter(invitations::id.ge(floor.to_owned()));
    }
    Ok(query
        .order(invitations::id.desc())
        .limit(left)
        .select(InvitationRow::as_select())
        .load(conn)?)
}

/// The account's invitations that `filter` (with its search `q`, trimmed) lets through.
fn filtered<'a>(
    account: &'a str,
    filter: &InvitationFilter,
    q: Option<&str>,
    now: DateTime<Utc>,
) -> invitations::BoxedQuery<'a, <DbConnection as Connection>::Backend> {
    let at = now.naive_utc();
    let mut query = invitations::table
        .filter(invitations::account_id.eq(account))
        .into_boxed();
    // Stored `pending` or `revoked` with an approval word or without (`super::stored`).
    let awaiting = Approval::Awaiting.as_str();
    let rejected = Approval::Rejected.as_str();
    query = match filter.status {
        None => query,
        // Read by the (account, status, id) index; the few pending ones past their expiry
        // that the sweep has not marked yet are dropped from the page afterwards.
        Some(InvitationStatus::Pending) => query.filter(
            invitations::status
                .eq(InvitationStatus::Pending.as_str())
                .and(
                    invitations::approval
                        .is_null()
                        .or(invitations::approval.ne(awaiting)),
                ),
        ),
        Some(InvitationStatus::AwaitingApproval) => query.filter(
            invitations::status
                .eq(InvitationStatus::Pending.as_str())
                .and(invitations::approval.eq(awaiting)),
        ),
        Some(InvitationStatus::Revoked) => query.filter(
            invitations::status
                .eq(InvitationStatus::Revoked.as_str())
                .and(
                    invitations::approval
                        .is_null()
                        .or(invitations::approval.ne(rejected)),
                ),
        ),
        Some(InvitationStatus::Rejected) => query.filter(
            invitations::status
                .eq(InvitationStatus::Revoked.as_str())
                .and(invitations::approval.eq(rejected)),
        ),
        Some(InvitationStatus::Expired) => query.filter(
            invitations::status
                .eq(InvitationStatus::Expired.as_str())
                .or(invitations::status
                    .eq(InvitationStatus::Pending.as_str())
                    .and(invitations::expires_at.le(at))),
        ),
        Some(other) => query.filter(invitations::status.eq(other.as_str())),
    };
    if let Some(t) = filter.invitation_type {
        query = query.filter(invitations::invitation_type.eq(t.as_str()));
    }
    if let Some(d) = filter.delivery {
        query = query.filter(invitations::delivery_state.eq(d.as_str()));
    }
    if let Some(w) = filter.workgroup_id {
        query = query.filter(invitations::workgroup_id.eq(w.key()));
    }
    if let Some(q) = q {
        let p = like_pattern(q);
        query = query.filter(
            lower(invitations::login)
                .like(p.clone())
                .escape('\\')
                .or(lower(invitations::first_name).like(p.clone()).escape('\\'))
                .or(lower(invitations::last_name).like(p).escape('\\')),
        );
    }
    query
}
