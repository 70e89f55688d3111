//! What a proved login gets through a join link — at once, or once approved — and what
//! approving and rejecting a waiting request decide. Rules 1, 3, 4 and 6 and the domain rules
//! are judged on the facts as they are at each step (rule 12).

use super::{require_usable, ruled_out_domain, JoinLinkFacts};
use crate::access::AccountUser;
use crate::account::AccountSettings;
use crate::enums::{JoinApproval, JoinRequestStatus, UserType};
use crate::error::DomainError;
use crate::ids::{IdentityId, UserId};
use crate::invitation::{login_outcome, may_invite_new_people, LoginState, Outcome, Release};
use crate::login::Login;
use crate::seats::{SeatChange, Seats};
use crate::sign_up::{decide_admin_profile, AdminProfile, ExistingProfile};
use crate::workgroup::{may_add_to_workgroup, WorkgroupFacts};
use chrono::{DateTime, Utc};

/// Whom the person becomes in the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinAs {
    /// A new external user (holding a seat), member of the workgroup.
    NewUser,
    /// An active external user of the account already: a membership of the workgroup, no new
    /// seat (`invited`: their membership invitation to it becomes active).
    Member { user_id: UserId, invited: bool },
}

/// Whose network profile the person has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinProfile {
    Create,
    Reuse(IdentityId),
}

/// A decided join: who the person becomes, on which profile, whether they wait for approval,
/// and the seats it moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinPlan {
    pub joins_as: JoinAs,
    pub profile: JoinProfile,
    /// Waits for approval (`approval: required`): nothing is created yet.
    pub awaiting: bool,
    pub seats: SeatChange,
}

/// Everything confirming a join is decided on, as it is now.
#[derive(Debug, Clone, Copy)]
pub struct JoinContext<'a> {
    pub link: &'a JoinLinkFacts,
    pub login: &'a Login,
    pub settings: &'a AccountSettings,
    /// The link's creator as their user row stands now (`None` if it is gone).
    pub creator: Option<AccountUser>,
    /// The link's workgroup, with the creator's standing in it.
    pub workgroup: WorkgroupFacts,
    /// Who holds the login in the account (rule 6).
    pub login_state: LoginState,
    /// The login's network profile, if any, and whether the password given is its own.
    pub profile: Option<ExistingProfile>,
    pub seats: Seats,
    /// Whether a request of this login already waits for approval in the account.
    pub already_awaiting: bool,
}

/// Rule 6 for the person, as an invitation's row: free → a new external user; an active
/// external user → a membership; an employee, a dismissed user, a pending invitation or an
/// active member → refused with the invitations' codes (409).
fn joins_as(state: LoginState) -> Result<JoinAs, DomainError> {
    match login_outcome(UserType::Extranet, true, state) {
        Ok(Outcome::Invited) => Ok(JoinAs::NewUser),
        Ok(Outcome::WorkgroupInvitation {
            user_id,
            already_invited,
        }) => Ok(JoinAs::Member {
            user_id,
            invited: already_invited,
        }),
        Ok(Outcome::Skipped(e)) | Err(e) => Err(DomainError::InviteeConflicts(vec![e])),
    }
}

/// Rules 1 and the domain rules as they stand now (409 once the person has asked).
fn still_open_to(
    link: &JoinLinkFacts,
    settings: &AccountSettings,
    workgroup: &WorkgroupFacts,
    login: &Login,
) -> Result<(), DomainError> {
    if !workgroup.allow_external {
        return Err(DomainError::WorkgroupNotExtranet);
    }
    if let Some(domain) = ruled_out_domain(link, settings, login) {
        return Err(DomainError::DomainNotAllowed { domain });
    }
    Ok(())
}

/// Confirming a join, once the code proved the login: the link must still be usable (a use
/// is counted now: exactly `max_uses` confirmations succeed), the workgroup open to external
/// users (rule 1), the address let in, the link's creator still allowed to bring new people
/// into the workgroup (rule 3, 409 `inviter_no_longer_allowed`), the login free or an external
/// user's (rule 6), and a login with a network profile must give its password (401). A new
/// person needs a free seat (rule 4, 409 `user_limit_reached`): taken at once, or held while
/// the request waits for approval.
pub fn decide_join(ctx: &JoinContext<'_>, now: DateTime<Utc>) -> Result<JoinPlan, DomainError> {
    require_usable(ctx.link, now)?;
    still_open_to(ctx.link, ctx.settings, &ctx.workgroup, ctx.login)?;
    let creator = ctx.creator.ok_or(DomainError::InviterNoLongerAllowed)?;
    // An employee whose invitations wait for an administrator's approval
    // (`employees_with_approval`) shares links whose joins wait too.
    let release = may_invite_new_people(&creator, ctx.settings)
        .and_then(|release| {
            may_add_to_workgroup(
                &creator,
                ctx.workgroup.standing,
                ctx.workgroup.invite_policy,
            )
            .map(|()| release)
        })
        .map_err(|_| DomainError::InviterNoLongerAllowed)?;
    let joins_as = joins_as(ctx.login_state)?;
    if ctx.already_awaiting {
        return Err(DomainError::JoinRequestPending);
    }
    let profile = match decide_admin_profile(ctx.profile)? {
        AdminProfile::Create => JoinProfile::Create,
        AdminProfile::Reuse(id) => JoinProfile::Reuse(id),
    };
    if matches!(joins_as, JoinAs::Member { .. }) && profile == JoinProfile::Create {
        // An active user always has a profile: it appeared or went between the reads.
        return Err(DomainError::LoginTaken);
    }
    let awaiting = ctx.link.approval == JoinApproval::Required || release == Release::AfterApproval;
    let seats = match joins_as {
        JoinAs::Member { .. } => SeatChange::default(),
        JoinAs::NewUser => {
            ctx.seats.reserve(1)?;
            if awaiting {
                SeatChange::join_requested()
            } else {
                SeatChange::joined()
            }
        }
    };
    Ok(JoinPlan {
        joins_as,
        profile,
        awaiting,
        seats,
    })
}

/// What the storage knows of a join request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    pub status: JoinRequestStatus,
    /// Whether it holds a seat (it would bring a new person in).
    pub holds_seat: bool,
    /// The profile whose password the person gave, if the login had one then.
    pub proved_profile: Option<IdentityId>,
    /// Whether it carries a password for a new profile.
    pub has_new_password: bool,
}

/// Everything approving a request is decided on, as it is now.
#[derive(Debug, Clone, Copy)]
pub struct ApprovalContext<'a> {
    pub request: RequestFacts,
    pub link: &'a JoinLinkFacts,
    pub login: &'a Login,
    pub approver: &'a AccountUser,
    pub settings: &'a AccountSettings,
    /// The workgroup, with the approver's standing in it.
    pub workgroup: WorkgroupFacts,
    pub login_state: LoginState,
    /// The login's network profile now, if any.
    pub profile_now: Option<IdentityId>,
    pub seats: Seats,
}

/// Approving a waiting request: its owner, a moderator or an administrator who may bring new
/// people into the account (rule 3), while the workgroup takes external users (rule 1), the
/// address is let in, and the login is still free or an external user's (rule 6). A new
/// person's held seat becomes theirs; a request that holds none (the person was an external
/// user when they asked) needs a free one now (409 `user_limit_reached`). A profile that
/// appeared for the login since, other than the one the person proved, is never taken over
/// (409 `login_taken`).
pub fn decide_approval(
    ctx: &ApprovalContext<'_>,
    _now: DateTime<Utc>,
) -> Result<JoinPlan, DomainError> {
    require_awaiting(ctx.request)?;
    super::may_see_join_requests(ctx.approver, &ctx.workgroup)?;
    // Letting a new person in is inviting one: an employee whose invitations wait for an
    // administrator's approval leaves this one to an administrator too.
    if may_invite_new_people(ctx.approver, ctx.settings)? == Release::AfterApproval {
        return Err(DomainError::AdminRequired);
    }
    still_open_to(ctx.link, ctx.settings, &ctx.workgroup, ctx.login)?;
    let joins_as = joins_as(ctx.login_state)?;
    let request = ctx.request;
    let profile = match (request.proved_profile, ctx.profile_now) {
        (Some(proved), Some(now)) if proved == now => JoinProfile::Reuse(proved),
        (_, Some(_)) => return Err(DomainError::LoginTaken),
        (_, None) if request.has_new_password => JoinProfile::Create,
        (_, None) => return Err(DomainError::LoginTaken),
    };
    let seats = match (joins_as, request.holds_seat) {
        (JoinAs::NewUser, true) => SeatChange::join_approved(),
        (JoinAs::NewUser, false) => {
            ctx.seats.reserve(1)?;
            SeatChange::joined()
        }
        (JoinAs::Member { .. }, true) => SeatChange::join_released(),
        (JoinAs::Member { .. }, false) => SeatChange::default(),
    };
    Ok(JoinPlan {
        joins_as,
        profile,
        awaiting: false,
        seats,
    })
}

/// Rejecting a waiting request: nothing is created, and its seat is free again.
pub fn decide_rejection(
    request: RequestFacts,
    approver: &AccountUser,
    workgroup: &WorkgroupFacts,
) -> Result<SeatChange, DomainError> {
    require_awaiting(request)?;
    super::may_see_join_requests(approver, workgroup)?;
    Ok(if request.holds_seat {
        SeatChange::join_released()
    } else {
        SeatChange::default()
    })
}

fn require_awaiting(request: RequestFacts) -> Result<(), DomainError> {
    match request.status {
        JoinRequestStatus::AwaitingApproval => Ok(()),
        other => Err(DomainError::JoinRequestNotAwaiting(other)),
    }
}
