//! Access that ends (issue #30), recorded: the sweep dismisses, by the system, the users whose
//! access has ended and removes the memberships that have, in the transaction of any write
//! that counts seats and in the periodic upkeep. Until it has, reads treat them as ended
//! already (`domain::access_end::has_ended`): this only writes down what is so.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::shared::audit::{self, AuditEvent};
use crate::shared::webhook_switch_off::switch_off_orphans;
use crate::tables::webhooks::Owned;
use crate::tables::{account_seats, memberships, sessions, users};
use chrono::{DateTime, Utc};
use domain::access_end::{decide_access_expiry, Dismissal};
use domain::audit::AuditAction;
use domain::dismissal::Subject;
use domain::enums::{UserStatus, UserType};
use domain::ids::{AccountId, UserId};
use domain::seats::SeatChange;
use domain::session::SessionEnd;
use serde_json::json;

/// A user the system dismisses, as the decision saw it.
pub(crate) struct SystemDismissal {
    pub(crate) user_id: UserId,
    pub(crate) user_type: UserType,
    /// The instant the access ended: its tokens died then.
    pub(crate) at: DateTime<Utc>,
    /// Its cause, stored with it; `None` for the person's own erasure (rule 14), which the
    /// user's `erased_at` tells.
    pub(crate) why: Option<Dismissal>,
    /// The seat it gives back (decided by the domain).
    pub(crate) seats: SeatChange,
}

/// Writes a dismissal by the system (the caller holds the account's lock): the status with
/// its instant and cause, the sessions ended, the webhooks it owned switched off, the seat
/// given back, and the audit event with no actor (`user.access_expired` for an end of access,
/// `user.dismissed` for an access review), which its webhooks are told of.
pub(crate) fn dismiss_by_system(
    conn: &mut DbConnection,
    account: AccountId,
    dismissal: &SystemDismissal,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let user = dismissal.user_id;
    users::set_dismissed_by_system(conn, user, dismissal.at, dismissal.why, now)?;
    sessions::end_of_user(conn, user, SessionEnd::Dismissed, now)?;
    switch_off_orphans(conn, account, Owned::By(user), now)?;
    account_seats::change(conn, account, dismissal.seats)?;
    let action = match dismissal.why {
        Some(Dismissal::AccessExpired) => AuditAction::UserAccessExpired,
        Some(Dismissal::AccessReview) | None => AuditAction::UserDismissed,
    };
    audit::record(
        conn,
        AuditEvent::by_system(
            account,
            action,
            "user",
            user.key(),
            json!({
                "type": dismissal.user_type.as_str(),
                "by": dismissal.why.map_or("erasure", Dismissal::as_str),
                "at": dismissal.at,
            }),
            now,
        ),
    )
}

/// Records every ended access and membership of the account as of `now`; how many users were
/// dismissed. Runs under the account's lock, first in every write that counts seats.
pub(crate) fn sweep_ended(
    conn: &mut DbConnection,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let at = now.naive_utc();
    let mut dismissed = 0;
    for ended in users::ended_access_in(conn, account, at)? {
        let subject = Subject {
            user_id: ended.user_id,
            user_type: ended.user_type,
            status: UserStatus::Active,
            is_admin: ended.is_admin,
        };
        let Some(seats) = decide_access_expiry(&subject, Some(ended.ended_at), now) else {
            continue;
        };
        let dismissal = SystemDismissal {
            user_id: ended.user_id,
            user_type: ended.user_type,
            at: ended.ended_at,
            why: Some(Dismissal::AccessExpired),
            seats,
        };
        dismiss_by_system(conn, account, &dismissal, now)?;
        dismissed += 1;
    }
    let ended_memberships = memberships::ended_in(conn, account, at)?;
    for ended in &ended_memberships {
        memberships::delete_membership(conn, ended.workgroup_id, ended.user_id)?;
        audit::record(
            conn,
            AuditEvent::by_system(
                account,
                AuditAction::MembershipExpired,
                "workgroup",
                ended.workgroup_id.key(),
                json!({
                    "user_id": ended.user_id.key(),
                    "role": ended.role.as_str(),
                    "at": ended.ended_at,
                }),
                now,
            ),
        )?;
    }
    if dismissed > 0 || !ended_memberships.is_empty() {
        // Who is an active member, and who is active at all, is what a batch decides on.
        account_seats::bump(conn, &[account])?;
    }
    Ok(dismissed)
}
