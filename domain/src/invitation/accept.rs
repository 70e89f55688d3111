//! Accepting an invitation: the invitee becomes a user, if today's rules still allow what was
//! sent. Its tests are `lifecycle`'s, which take one invitation through every step.

use super::facts::{require_open, InvitationFacts, WorkgroupFacts};
use super::sender::may_send_invitation;
use crate::access::AccountUser;
use crate::account::AccountSettings;
use crate::enums::{UserStatus, UserType};
use crate::error::DomainError;
use crate::ids::IdentityId;
use crate::login::Login;
use crate::seats::SeatChange;
use crate::sign_up::{decide_admin_profile, AdminProfile, ExistingProfile};
use chrono::{DateTime, Utc};

/// Whose profile the invitee gets on accepting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptProfile {
    Create,
    Reuse(IdentityId),
}

/// A decided acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptPlan {
    pub profile: AcceptProfile,
    /// The invitation's seat becomes the new user's.
    pub seats: SeatChange,
}

/// Everything an acceptance is decided on.
#[derive(Debug, Clone, Copy)]
pub struct AcceptContext<'a> {
    pub invitation: &'a InvitationFacts,
    pub login: &'a Login,
    pub settings: &'a AccountSettings,
    /// Whoever sent the invitation last, as their user row stands now (`None` if it is gone).
    pub sender: Option<AccountUser>,
    /// The invitation's workgroup as it is now, with the sender's standing in it.
    pub workgroup: Option<WorkgroupFacts>,
    /// The login's network profile, if it has one, and whether the password given is its own.
    pub profile: Option<ExistingProfile>,
    /// The person's user in the account, if they already are one.
    pub user_in_account: Option<UserStatus>,
}

/// Accepting: the invitation must be open, and still allowed by today's rules — the
/// workgroup still allows external users (rule 1, 409 `workgroup_not_extranet`), the account's
/// domain rules still let the address in (409 `domain_not_allowed`), and whoever sent it last
/// still may send it (409 `inviter_no_longer_allowed`: rights, `who_can_invite` and the
/// group's invite policy). A dismissed sender's invitations stay valid: the company invited
/// the person, and the sender's rights are judged as their row keeps them. A login that
/// already has a network profile must give that profile's password; the person must not
/// already be a user of the account.
pub fn decide_accept(
    ctx: &AcceptContext<'_>,
    now: DateTime<Utc>,
) -> Result<AcceptPlan, DomainError> {
    let invitation = ctx.invitation;
    require_open(invitation, now)?;
    let sender = ctx.sender.ok_or(DomainError::InviterNoLongerAllowed)?;
    may_send_invitation(
        &sender,
        ctx.settings,
        invitation.invitation_type,
        ctx.login,
        ctx.workgroup,
    )
    .map_err(|e| match e {
        DomainError::WorkgroupNotExtranet | DomainError::DomainNotAllowed { .. } => e,
        _ => DomainError::InviterNoLongerAllowed,
    })?;
    let profile = match decide_admin_profile(ctx.profile)? {
        AdminProfile::Create => AcceptProfile::Create,
        AdminProfile::Reuse(id) => AcceptProfile::Reuse(id),
    };
    if ctx.user_in_account.is_some() {
        return Err(DomainError::AlreadyAUser);
    }
    let mut seats = SeatChange {
        pending: -1,
        ..SeatChange::default()
    };
    match invitation.invitation_type {
        UserType::Intranet => seats.active_intranet = 1,
        UserType::Extranet => seats.active_extranet = 1,
    }
    Ok(AcceptPlan { profile, seats })
}
