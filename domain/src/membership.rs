//! Membership of workgroups (rules 2–3): adding existing users by the group's invite policy,
//! membership invitations and their answers, roles, removal, and who sees which members.

use crate::access::AccountUser;
use crate::enums::{MembershipStatus, Role, UserStatus, UserType};
use crate::error::{DomainError, FieldError};
use crate::ids::UserId;
use crate::workgroup::{may_add_to_workgroup, may_view_workgroup, Standing, WorkgroupFacts};

/// A user of the account, as far as joining a workgroup goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserFacts {
    pub user_id: UserId,
    pub user_type: UserType,
    pub status: UserStatus,
}

/// A user's membership of one workgroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberFacts {
    pub user: UserFacts,
    pub role: Role,
    pub status: MembershipStatus,
}

/// The role a person is added with: `member` unless said otherwise; never `owner`, which is
/// handed over by changing an active member's role.
pub fn parse_new_member_role(role: Option<Role>) -> Result<Role, DomainError> {
    match role.unwrap_or(Role::Member) {
        Role::Owner => Err(DomainError::Invalid(vec![FieldError::new(
            "role",
            "owner_by_transfer_only",
            "a workgroup has one owner; make an active member the owner by changing their role",
        )])),
        role => Ok(role),
    }
}

/// How someone added to a workgroup joins it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joining {
    /// A membership invitation the user accepts or declines.
    Invited,
    /// At once: a caller adding itself (an administrator joining a group) has nothing to accept.
    Active,
}

impl Joining {
    pub fn status(self) -> MembershipStatus {
        match self {
            Self::Invited => MembershipStatus::Invited,
            Self::Active => MembershipStatus::Active,
        }
    }
}

/// Whether the workgroup's owner, a moderator or an administrator is acting.
fn manages_members(actor: &AccountUser, standing: Standing) -> bool {
    actor.is_admin || matches!(standing.role, Some(Role::Owner | Role::Moderator))
}

/// Rule 3, existing users into a group: the group's invite policy decides who may add (admins
/// always may); a caller only picks users it can see (`candidate` is `None` for a user that
/// does not exist or is not visible to it: 404, as for anything unseen); external users only
/// join extranet groups; moderators are appointed by those who manage members.
pub fn may_add_member(
    actor: &AccountUser,
    group: WorkgroupFacts,
    candidate: Option<UserFacts>,
    candidate_membership: Option<MembershipStatus>,
    role: Role,
) -> Result<Joining, DomainError> {
    let standing = group.standing;
    may_add_to_workgroup(actor, standing, group.invite_policy)?;
    let candidate = candidate.ok_or(DomainError::NotFound("user"))?;
    if role != Role::Member && !manages_members(actor, standing) {
        return Err(DomainError::WorkgroupModeratorRequired);
    }
    if candidate.status == UserStatus::Dismissed {
        return Err(DomainError::UserIsDismissed);
    }
    if candidate.user_type == UserType::Extranet && !group.allow_external {
        return Err(DomainError::WorkgroupNotExtranet);
    }
    match candidate_membership {
        Some(MembershipStatus::Active) => Err(DomainError::AlreadyMember),
        Some(MembershipStatus::Invited) => Err(DomainError::MembershipInvitationPending),
        None if candidate.user_id == actor.user_id => Ok(Joining::Active),
        None => Ok(Joining::Invited),
    }
}

/// Which memberships a caller sees in a workgroup it may view: employees see active members
/// and pending invitations; an external user sees active members only, because the people
/// invited do not share the group with it yet (rule 3).
pub fn sees_invited_members(actor: &AccountUser) -> bool {
    actor.is_intranet()
}

/// One membership as the caller may see it: `None` when it does not exist or is hidden.
pub fn visible_member(actor: &AccountUser, member: Option<MemberFacts>) -> Option<MemberFacts> {
    member.filter(|m| {
        m.status == MembershipStatus::Active
            || sees_invited_members(actor)
            || m.user.user_id == actor.user_id
    })
}

/// What a role change writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    /// Nothing: the member already has that role.
    Unchanged,
    /// The member's role becomes the one asked for.
    Set(Role),
    /// The member becomes the owner; the previous owner stays on as a moderator.
    HandOver { previous_owner: Option<UserId> },
}

/// Roles are changed by the owner, moderators and administrators. The owner is never demoted
/// directly: ownership is handed over by making another active employee the owner, which
/// only the owner or an administrator may do; the previous owner becomes a moderator.
pub fn decide_role_change(
    actor: &AccountUser,
    standing: Standing,
    member: Option<MemberFacts>,
    current_owner: Option<UserId>,
    wanted: Role,
) -> Result<RoleChange, DomainError> {
    may_view_workgroup(actor, standing)?;
    let member = visible_member(actor, member).ok_or(DomainError::NotFound("member"))?;
    if !manages_members(actor, standing) {
        return Err(DomainError::WorkgroupModeratorRequired);
    }
    if member.role == wanted {
        return Ok(RoleChange::Unchanged);
    }
    if member.role == Role::Owner {
        return Err(DomainError::OwnerMustBeReplaced);
    }
    if wanted != Role::Owner {
        return Ok(RoleChange::Set(wanted));
    }
    if !(actor.is_admin || standing.role == Some(Role::Owner)) {
        return Err(DomainError::WorkgroupOwnerRequired);
    }
    if member.status != MembershipStatus::Active || member.user.status != UserStatus::Active {
        return Err(DomainError::NewOwnerNotActive);
    }
    if member.user.user_type != UserType::Intranet {
        return Err(DomainError::OwnerMustBeEmployee);
    }
    Ok(RoleChange::HandOver {
        previous_owner: current_owner,
    })
}

/// What a removal is, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// An active member was removed by someone who manages members.
    Removed,
    /// A member left of its own accord.
    Left,
    /// A pending membership invitation was withdrawn.
    InvitationWithdrawn,
}

/// Members are removed by the owner, moderators and administrators, and anyone may leave; the
/// owner cannot go before handing ownership over.
pub fn decide_removal(
    actor: &AccountUser,
    standing: Standing,
    member: Option<MemberFacts>,
) -> Result<Removal, DomainError> {
    may_view_workgroup(actor, standing)?;
    let member = visible_member(actor, member).ok_or(DomainError::NotFound("member"))?;
    // Who may act is decided before what the member is: a caller who may remove nobody is
    // told so, not that this member happens to be the owner.
    let leaving = member.user.user_id == actor.user_id;
    if !leaving && !manages_members(actor, standing) {
        return Err(DomainError::WorkgroupModeratorRequired);
    }
    if member.role == Role::Owner {
        return Err(DomainError::OwnerMustBeReplaced);
    }
    Ok(match (member.status, leaving) {
        (MembershipStatus::Invited, _) => Removal::InvitationWithdrawn,
        (MembershipStatus::Active, true) => Removal::Left,
        (MembershipStatus::Active, false) => Removal::Removed,
    })
}

/// Only the invited user answers its membership invitation, and only while it is pending; an
/// external user joins only while the group still allows external users.
pub fn decide_membership_answer(
    invitee: &AccountUser,
    membership: Option<MembershipStatus>,
    allow_external: bool,
    accept: bool,
) -> Result<(), DomainError> {
    if membership != Some(MembershipStatus::Invited) {
        return Err(DomainError::NotFound("workgroup invitation"));
    }
    if accept && !invitee.is_intranet() && !allow_external {
        return Err(DomainError::WorkgroupNotExtranet);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::InvitePolicy;
    use crate::ids::{AccountId, IdentityId};
    use uuid::Uuid;

    fn actor(user_type: UserType, is_admin: bool) -> AccountUser {
        AccountUser {
            token: None,
            identity_id: IdentityId(Uuid::from_u128(1)),
            account_id: AccountId(Uuid::from_u128(2)),
            user_id: UserId(Uuid::from_u128(3)),
            user_type,
            is_admin,
        }
    }

    fn someone(n: u128, user_type: UserType) -> UserFacts {
        UserFacts {
            user_id: UserId(Uuid::from_u128(n)),
            user_type,
            status: UserStatus::Active,
        }
    }

    fn member(user: UserFacts, role: Role, status: MembershipStatus) -> MemberFacts {
        MemberFacts { user, role, status }
    }

    fn standing(role: Option<Role>) -> Standing {
        Standing { role }
    }

    const EXTRANET: WorkgroupFacts = WorkgroupFacts {
        id: crate::ids::WorkgroupId(uuid::Uuid::nil()),
        allow_external: true,
        invite_policy: InvitePolicy::Members,
        max_external_access_days: None,
        standing: Standing { role: None },
    };

    #[test]
    fn new_members_join_as_members_or_moderators_never_as_owners() {
        assert_eq!(parse_new_member_role(None), Ok(Role::Member));
        assert_eq!(
            parse_new_member_role(Some(Role::Moderator)),
            Ok(Role::Moderator)
        );
        let err = parse_new_member_role(Some(Role::Owner)).unwrap_err();
        assert_eq!(err.field_errors()[0].code, "owner_by_transfer_only");
    }

    #[test]
    fn adding_follows_the_invite_policy_and_the_rules_of_who_joins_what() {
        let emp = actor(UserType::Intranet, false);
        let ext = someone(10, UserType::Extranet);
        let add = |standing, group, candidate, membership, role| {
            may_add_member(
                &emp,
                WorkgroupFacts { standing, ..group },
                candidate,
                membership,
                role,
            )
        };
        let member_standing = standing(Some(Role::Member));
        assert_eq!(
            add(member_standing, EXTRANET, Some(ext), None, Role::Member),
            Ok(Joining::Invited)
        );
        let moderators_only = WorkgroupFacts {
            invite_policy: InvitePolicy::Moderators,
            max_external_access_days: None,
            ..EXTRANET
        };
        assert_eq!(
            add(
                member_standing,
                moderators_only,
                Some(ext),
                None,
                Role::Member
            ),
            Err(DomainError::WorkgroupPolicyForbids(
                InvitePolicy::Moderators
            ))
        );
        // A plain member may add, but not appoint moderators.
        assert_eq!(
            add(member_standing, EXTRANET, Some(ext), None, Role::Moderator),
            Err(DomainError::WorkgroupModeratorRequired)
        );
        assert_eq!(
            add(
                standing(Some(Role::Owner)),
                EXTRANET,
                Some(ext),
                None,
                Role::Moderator
            ),
            Ok(Joining::Invited)
        );
        assert_eq!(
            add(member_standing, EXTRANET, None, None, Role::Member),
            Err(DomainError::NotFound("user"))
        );
        let intranet_only = WorkgroupFacts {
            allow_external: false,
            ..EXTRANET
        };
        assert_eq!(
            add(
                member_standing,
                intranet_only,
                Some(ext),
                None,
                Role::Member
            ),
            Err(DomainError::WorkgroupNotExtranet)
        );
        let dismissed = UserFacts {
            status: UserStatus::Dismissed,
            ..someone(11, UserType::Intranet)
        };
        assert_eq!(
            add(
                member_standing,
                EXTRANET,
                Some(dismissed),
                None,
                Role::Member
            ),
            Err(DomainError::UserIsDismissed)
        );
        assert_eq!(
            add(
                member_standing,
                EXTRANET,
                Some(ext),
                Some(MembershipStatus::Active),
                Role::Member
            ),
            Err(DomainError::AlreadyMember)
        );
        assert_eq!(
            add(
                member_standing,
                EXTRANET,
                Some(ext),
                Some(MembershipStatus::Invited),
                Role::Member
            ),
            Err(DomainError::MembershipInvitationPending)
        );
    }

    #[test]
    fn external_users_add_only_to_groups_they_see_and_admins_join_at_once() {
        let ext_actor = actor(UserType::Extranet, false);
        let emp = someone(10, UserType::Intranet);
        assert_eq!(
            may_add_member(&ext_actor, EXTRANET, Some(emp), None, Role::Member),
            Err(DomainError::NotFound("workgroup"))
        );
        let admin = actor(UserType::Intranet, true);
        let me = UserFacts {
            user_id: admin.user_id,
            ..emp
        };
        let owner_only = WorkgroupFacts {
            invite_policy: InvitePolicy::Owner,
            max_external_access_days: None,
            ..EXTRANET
        };
        assert_eq!(
            may_add_member(&admin, owner_only, Some(me), None, Role::Member),
            Ok(Joining::Active)
        );
    }

    #[test]
    fn external_users_see_active_members_and_themselves_only() {
        let ext_actor = actor(UserType::Extranet, false);
        let invited = member(
            someone(10, UserType::Intranet),
            Role::Member,
            MembershipStatus::Invited,
        );
        assert_eq!(visible_member(&ext_actor, Some(invited)), None);
        let mine = member(
            UserFacts {
                user_id: ext_actor.user_id,
                ..someone(0, UserType::Extranet)
            },
            Role::Member,
            MembershipStatus::Invited,
        );
        assert!(visible_member(&ext_actor, Some(mine)).is_some());
        let emp = actor(UserType::Intranet, false);
        assert!(visible_member(&emp, Some(invited)).is_some());
    }

    #[test]
    fn roles_change_by_those_who_manage_members_and_the_owner_hands_over() {
        let emp = actor(UserType::Intranet, false);
        let owner_id = UserId(Uuid::from_u128(99));
        let plain = member(
            someone(10, UserType::Intranet),
            Role::Member,
            MembershipStatus::Active,
        );
        let change =
            |standing, m, role| decide_role_change(&emp, standing, Some(m), Some(owner_id), role);
        assert_eq!(
            change(standing(Some(Role::Member)), plain, Role::Moderator),
            Err(DomainError::WorkgroupModeratorRequired)
        );
        assert_eq!(
            change(standing(Some(Role::Moderator)), plain, Role::Moderator),
            Ok(RoleChange::Set(Role::Moderator))
        );
        assert_eq!(
            change(standing(Some(Role::Moderator)), plain, Role::Member),
            Ok(RoleChange::Unchanged)
        );
        // Only the owner (or an admin) hands ownership over.
        assert_eq!(
            change(standing(Some(Role::Moderator)), plain, Role::Owner),
            Err(DomainError::WorkgroupOwnerRequired)
        );
        assert_eq!(
            change(standing(Some(Role::Owner)), plain, Role::Owner),
            Ok(RoleChange::HandOver {
                previous_owner: Some(owner_id)
            })
        );
        let owner = member(
            UserFacts {
                user_id: owner_id,
                ..someone(0, UserType::Intranet)
            },
            Role::Owner,
            MembershipStatus::Active,
        );
        assert_eq!(
            change(standing(Some(Role::Moderator)), owner, Role::Member),
            Err(DomainError::OwnerMustBeReplaced)
        );
        let external = member(
            someone(11, UserType::Extranet),
            Role::Member,
            MembershipStatus::Active,
        );
        assert_eq!(
            change(standing(Some(Role::Owner)), external, Role::Owner),
            Err(DomainError::OwnerMustBeEmployee)
        );
        let invited = member(
            someone(12, UserType::Intranet),
            Role::Member,
            MembershipStatus::Invited,
        );
        assert_eq!(
            change(standing(Some(Role::Owner)), invited, Role::Owner),
            Err(DomainError::NewOwnerNotActive)
        );
        assert_eq!(
            decide_role_change(&emp, standing(Some(Role::Owner)), None, None, Role::Member),
            Err(DomainError::NotFound("member"))
        );
    }

    #[test]
    fn members_are_removed_by_managers_leave_on_their_own_and_owners_stay() {
        let emp = actor(UserType::Intranet, false);
        let plain = member(
            someone(10, UserType::Intranet),
            Role::Member,
            MembershipStatus::Active,
        );
        assert_eq!(
            decide_removal(&emp, standing(Some(Role::Member)), Some(plain)),
            Err(DomainError::WorkgroupModeratorRequired)
        );
        assert_eq!(
            decide_removal(&emp, standing(Some(Role::Moderator)), Some(plain)),
            Ok(Removal::Removed)
        );
        let me = member(
            UserFacts {
                user_id: emp.user_id,
                ..someone(0, UserType::Intranet)
            },
            Role::Member,
            MembershipStatus::Active,
        );
        assert_eq!(
            decide_removal(&emp, standing(Some(Role::Member)), Some(me)),
            Ok(Removal::Left)
        );
        let owner = Some(MemberFacts {
            role: Role::Owner,
            ..me
        });
        assert_eq!(
            decide_removal(&emp, standing(Some(Role::Owner)), owner),
            Err(DomainError::OwnerMustBeReplaced)
        );
        // Someone who may remove nobody is refused as such, whoever the member is.
        let someone_elses_group = Some(MemberFacts {
            role: Role::Owner,
            ..plain
        });
        for role in [None, Some(Role::Member)] {
            assert_eq!(
                decide_removal(&emp, standing(role), someone_elses_group),
                Err(DomainError::WorkgroupModeratorRequired)
            );
        }
        assert_eq!(
            decide_removal(&emp, standing(Some(Role::Moderator)), someone_elses_group),
            Err(DomainError::OwnerMustBeReplaced)
        );
        let invited = Some(MemberFacts {
            status: MembershipStatus::Invited,
            ..plain
        });
        assert_eq!(
            decide_removal(&actor(UserType::Intranet, true), standing(None), invited),
            Ok(Removal::InvitationWithdrawn)
        );
    }

    #[test]
    fn only_pending_membership_invitations_are_answered() {
        let ext = actor(UserType::Extranet, false);
        assert!(
            decide_membership_answer(&ext, Some(MembershipStatus::Invited), true, true).is_ok()
        );
        assert_eq!(
            decide_membership_answer(&ext, Some(MembershipStatus::Active), true, true),
            Err(DomainError::NotFound("workgroup invitation"))
        );
        assert_eq!(
            decide_membership_answer(&ext, None, true, false),
            Err(DomainError::NotFound("workgroup invitation"))
        );
        assert_eq!(
            decide_membership_answer(&ext, Some(MembershipStatus::Invited), false, true),
            Err(DomainError::WorkgroupNotExtranet)
        );
        assert!(
            decide_membership_answer(&ext, Some(MembershipStatus::Invited), false, false).is_ok()
        );
    }
}
