//! What every step of an invitation is decided on: the facts the storage knows (of the
//! invitation, of its workgroup, of who holds a login) and the rules more than one step applies.

use crate::account::AccountSettings;
use crate::enums::{InvitationStatus, MembershipStatus, UserType};
use crate::error::{DomainError, FieldError};
use crate::ids::{InvitationId, UserId};
use chrono::{DateTime, Duration, Utc};

/// What the storage knows of one invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationFacts {
    pub id: InvitationId,
    pub invitation_type: UserType,
    pub status: InvitationStatus,
    pub expires_at: DateTime<Utc>,
    pub last_sent_at: DateTime<Utc>,
    pub invited_by: UserId,
    /// Held for an administrator's approval and never approved: `awaiting_approval`, or
    /// expired, revoked or rejected while it was.
    pub held: bool,
}

pub use crate::workgroup::WorkgroupFacts;

/// Who, if anyone, already has a login in the account (rule 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginState {
    Free,
    ActiveExtranetUser {
        user_id: UserId,
        /// The user's membership of the target workgroup, if any.
        membership: Option<MembershipStatus>,
    },
    ActiveIntranetUser,
    DismissedUser,
    PendingInvitation(InvitationId),
}

/// What becomes of one invitee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new invitation, holding a seat.
    Invited,
    /// An active external user: a membership invitation to the workgroup, no seat.
    WorkgroupInvitation {
        user_id: UserId,
        already_invited: bool,
    },
    /// Not invited: the row's problem (a batch that skips such rows; see `already_invited`
    /// for a login's pending invitation into the same place).
    Skipped(FieldError),
}

/// Rule 6 for one row: a login belongs to one user or one pending invitation per account.
pub(crate) fn login_outcome(
    invitation_type: UserType,
    joins_group: bool,
    state: LoginState,
) -> Result<Outcome, FieldError> {
    match state {
        LoginState::Free => Ok(Outcome::Invited),
        LoginState::ActiveIntranetUser => Err(FieldError::new(
            "",
            "login_belongs_to_employee",
            "this login belongs to an employee of the account: add them to the workgroup as a member instead",
        )),
        LoginState::DismissedUser => Err(FieldError::new(
            "",
            "login_belongs_to_dismissed_user",
            "this login belongs to a dismissed user: reinstate them, or invite the person with another login \
             (or they change the login of their network profile, POST /v1/network/profile/login-change, which frees this one)",
        )),
        LoginState::PendingInvitation(id) => {
            let mut e = FieldError::new(
                "",
                "invitation_pending",
                format!("an invitation to this login is already pending ({id}): resend it instead"),
            );
            e.invitation_id = Some(id);
            Err(e)
        }
        LoginState::ActiveExtranetUser { user_id, membership } => {
            if invitation_type == UserType::Intranet {
                return Err(FieldError::new(
                    "",
                    "login_belongs_to_external_user",
                    "this login belongs to an external user of the account: transfer them to the intranet instead (POST /v1/users/{id}/transfer-to-intranet)",
                ));
            }
            match membership {
                _ if !joins_group => Err(FieldError::new("", "already_a_user", "this person already is a user")),
                Some(MembershipStatus::Active) => Err(FieldError::new(
                    "",
                    "already_member",
                    "this external user already is a member of the workgroup",
                )),
                Some(MembershipStatus::Invited) => Ok(Outcome::WorkgroupInvitation { user_id, already_invited: true }),
                None => Ok(Outcome::WorkgroupInvitation { user_id, already_invited: false }),
            }
        }
    }
}

/// When an invitation sent now stops being valid.
pub fn expiry(now: DateTime<Utc>, settings: &AccountSettings) -> DateTime<Utc> {
    now + Duration::hours(i64::from(settings.invitation_ttl_hours))
}

/// The status a stored invitation really has: a pending one (or one awaiting approval) past
/// its expiry has expired (rule 7), even before the sweep has written so.
pub fn effective_status(
    status: InvitationStatus,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> InvitationStatus {
    if status.holds_seat() && expires_at <= now {
        InvitationStatus::Expired
    } else {
        status
    }
}

/// What a token opens (the accept page, accepting, declining): only a pending, unexpired
/// invitation. The token of an accepted, declined, revoked or rejected invitation is dead and
/// answers like a token that never existed; so does one awaiting approval, which nobody was
/// sent (rule 3: it is not an invitation yet); an expired one says so ("ask for a new one"),
/// but shows nothing of the invitation.
pub fn require_open(invitation: &InvitationFacts, now: DateTime<Utc>) -> Result<(), DomainError> {
    match effective_status(invitation.status, invitation.expires_at, now) {
        InvitationStatus::Pending => Ok(()),
        InvitationStatus::Expired => Err(DomainError::InvitationExpired),
        InvitationStatus::Accepted
        | InvitationStatus::Declined
        | InvitationStatus::Revoked
        | InvitationStatus::AwaitingApproval
        | InvitationStatus::Rejected => Err(DomainError::NotFound("invitation")),
    }
}

/// The people, seats and workgroups the tests of every step start from.
#[cfg(test)]
pub(super) mod examples {
    use super::WorkgroupFacts;
    use crate::access::AccountUser;
    use crate::enums::{InvitePolicy, Role, UserType};
    use crate::ids::{AccountId, IdentityId, UserId, WorkgroupId};
    use crate::plan::UserLimit;
    use crate::seats::Seats;
    use crate::workgroup::Standing;
    use uuid::Uuid;

    pub fn user(user_type: UserType, is_admin: bool) -> AccountUser {
        AccountUser {
            token: None,
            identity_id: IdentityId(Uuid::from_u128(1)),
            account_id: AccountId(Uuid::from_u128(2)),
            user_id: UserId(Uuid::from_u128(3)),
            user_type,
            is_admin,
        }
    }

    pub fn group() -> WorkgroupId {
        WorkgroupId(Uuid::from_u128(10))
    }

    pub fn seats(limit: u32, used: u32) -> Seats {
        Seats {
            limit: UserLimit::Seats(limit),
            active_intranet: used,
            active_extranet: 0,
            pending_invitations: 0,
            pending_join_requests: 0,
        }
    }

    pub fn facts(allow_external: bool, role: Option<Role>) -> Option<WorkgroupFacts> {
        Some(WorkgroupFacts {
            id: group(),
            allow_external,
            invite_policy: InvitePolicy::Members,
            max_external_access_days: None,
            standing: Standing { role },
        })
    }
}
