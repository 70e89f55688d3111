//! Workgroups and projects: creating them, changing them, and who may do what (rules 1–3).

use crate::access::AccountUser;
use crate::enums::{InvitePolicy, Role, WorkgroupKind};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::ids::WorkgroupId;

/// A workgroup's name: trimmed, 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkgroupName(String);

impl WorkgroupName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new("", "required", "a workgroup needs a name"));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(
                "",
                "too_long",
                format!(
                    "a workgroup name has at most {} characters",
                    Self::MAX_CHARS
                ),
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new(
                "",
                "invalid_characters",
                "a workgroup name must not contain control characters",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A workgroup's description has at most this many characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// A description: at most [`MAX_DESCRIPTION_CHARS`] characters; empty means none.
pub fn parse_description(input: &str) -> Result<Option<String>, FieldError> {
    let s = input.trim();
    if s.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(FieldError::new(
            "",
            "too_long",
            format!("a description has at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

/// A new workgroup, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkgroup {
    pub name: WorkgroupName,
    pub kind: WorkgroupKind,
    pub description: Option<String>,
    pub allow_external: bool,
    pub invite_policy: InvitePolicy,
    /// The most days an external person's access may run in it (issue #30).
    pub max_external_access_days: Option<u32>,
}

/// The fields of a new workgroup as the client sent them.
#[derive(Debug, Clone, Copy)]
pub struct NewWorkgroupRequest<'a> {
    pub name: &'a str,
    pub kind: WorkgroupKind,
    pub description: Option<&'a str>,
    pub allow_external: Option<bool>,
    pub invite_policy: Option<InvitePolicy>,
    pub max_external_access_days: Option<i64>,
}

impl NewWorkgroup {
    /// Bitrix24's default policy is "all members may invite" (K).
    pub const DEFAULT_POLICY: InvitePolicy = InvitePolicy::Members;

    pub fn parse(req: NewWorkgroupRequest<'_>) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", WorkgroupName::parse(req.name));
        let description = req
            .description
            .and_then(|d| errors.check("description", parse_description(d)))
            .flatten();
        let max_days = req.max_external_access_days.and_then(|d| {
            errors.check(
                "max_external_access_days",
                crate::access_days::parse_days(d),
            )
        });
        errors.finish()?;
        let name = name.ok_or(DomainError::Unreachable("a name that parsed is missing"))?;
        Ok(Self {
            name,
            kind: req.kind,
            description,
            allow_external: req.allow_external.unwrap_or(false),
            invite_policy: req.invite_policy.unwrap_or(Self::DEFAULT_POLICY),
            max_external_access_days: max_days,
        })
    }

    /// Rule 1: a workgroup created inside an extranet invitation allows external users.
    pub fn for_extranet_invitation(name: WorkgroupName, kind: WorkgroupKind) -> Self {
        Self {
            name,
            kind,
            description: None,
            allow_external: true,
            invite_policy: Self::DEFAULT_POLICY,
            max_external_access_days: None,
        }
    }
}

/// Only employees create workgroups.
pub fn may_create_workgroup(actor: &AccountUser) -> Result<(), DomainError> {
    if actor.is_intranet() {
        Ok(())
    } else {
        Err(DomainError::IntranetUserRequired)
    }
}

/// What the storage knows of an existing workgroup and of the acting user's place in it:
/// what decisions about its members, and about invitations into it, are taken on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkgroupFacts {
    pub id: WorkgroupId,
    pub allow_external: bool,
    pub invite_policy: InvitePolicy,
    /// The most days an external person's access may run when brought into or kept in it
    /// (issue #30; `None`: no maximum).
    pub max_external_access_days: Option<u32>,
    /// The acting user's place in the workgroup (the inviter's, the adder's).
    pub standing: Standing,
}

/// What the caller is in a workgroup: its active role, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub role: Option<Role>,
}

/// Rule 3 (visibility): employees see every workgroup of the account; an external user sees
/// only those it is an active member of. What is not visible does not exist (404).
pub fn may_view_workgroup(actor: &AccountUser, standing: Standing) -> Result<(), DomainError> {
    if actor.is_intranet() || standing.role.is_some() {
        Ok(())
    } else {
        Err(DomainError::NotFound("workgroup"))
    }
}

/// Rule 2: owners, moderators and administrators change a workgroup.
pub fn may_edit_workgroup(actor: &AccountUser, standing: Standing) -> Result<(), DomainError> {
    may_view_workgroup(actor, standing)?;
    match standing.role {
        _ if actor.is_admin => Ok(()),
        Some(Role::Owner | Role::Moderator) => Ok(()),
        _ => Err(DomainError::WorkgroupModeratorRequired),
    }
}

/// Rule 3: who may bring people into a workgroup, per its invite policy (Bitrix24's A / E /
/// K); administrators always may. External members never bring in new people (that is
/// [`crate::invitation`]'s rule); this one is about the group.
pub fn may_add_to_workgroup(
    actor: &AccountUser,
    standing: Standing,
    policy: InvitePolicy,
) -> Result<(), DomainError> {
    may_view_workgroup(actor, standing)?;
    if actor.is_admin {
        return Ok(());
    }
    let allowed = match (policy, standing.role) {
        (_, None) => false,
        (InvitePolicy::Owner, Some(role)) => role == Role::Owner,
        (InvitePolicy::Moderators, Some(role)) => matches!(role, Role::Owner | Role::Moderator),
        (InvitePolicy::Members, Some(_)) => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(DomainError::WorkgroupPolicyForbids(policy))
    }
}

/// What keeps a workgroup extranet: its external members and pending external invitations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExternalPresence {
    pub external_members: u32,
    pub pending_external_invitations: u32,
}

/// Rule 2: "allow external users" cannot be switched off while external people are in the
/// group or invited to it.
pub fn may_switch_allow_external(
    currently: bool,
    wanted: bool,
    presence: ExternalPresence,
) -> Result<(), DomainError> {
    if currently
        && !wanted
        && (presence.external_members > 0 || presence.pending_external_invitations > 0)
    {
        return Err(DomainError::WorkgroupHasExternalMembers {
            members: presence.external_members,
            invitations: presence.pending_external_invitations,
        });
    }
    Ok(())
}

/// A requested change of a workgroup: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkgroupChange {
    pub name: Option<WorkgroupName>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub allow_external: Option<bool>,
    pub invite_policy: Option<InvitePolicy>,
    /// `Some(None)` takes the maximum away.
    pub max_external_access_days: Option<Option<u32>>,
}

/// The fields of a workgroup PATCH as the client sent them.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkgroupChangeRequest<'a> {
    pub name: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub allow_external: Option<bool>,
    pub invite_policy: Option<InvitePolicy>,
    pub max_external_access_days: Option<Option<i64>>,
}

impl WorkgroupChange {
    pub fn parse(req: WorkgroupChangeRequest<'_>) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let name = req
            .name
            .and_then(|n| errors.check("name", WorkgroupName::parse(n)));
        let description = match req.description {
            None => None,
            Some(None) => Some(None),
            Some(Some(d)) => errors.check("description", parse_description(d)),
        };
        let field = "max_external_access_days";
        let max_days = match req.max_external_access_days {
            None => None,
            Some(None) => Some(None),
            Some(Some(d)) => errors
                .check(field, crate::access_days::parse_days(d))
                .map(Some),
        };
        errors.finish()?;
        Ok(Self {
            name,
            description,
            allow_external: req.allow_external,
            invite_policy: req.invite_policy,
            max_external_access_days: max_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::UserType;
    use crate::ids::{AccountId, IdentityId, UserId};
    use uuid::Uuid;

    fn user(user_type: UserType, is_admin: bool) -> AccountUser {
        AccountUser {
            token: None,
            identity_id: IdentityId(Uuid::from_u128(1)),
            account_id: AccountId(Uuid::from_u128(2)),
            user_id: UserId(Uuid::from_u128(3)),
            user_type,
            is_admin,
        }
    }

    fn standing(role: Option<Role>) -> Standing {
        Standing { role }
    }

    #[test]
    fn new_workgroups_default_to_members_may_invite_and_intranet_only() {
        let w = NewWorkgroup::parse(NewWorkgroupRequest {
            name: " Site redesign ",
            kind: WorkgroupKind::Project,
            description: Some(""),
            allow_external: None,
            invite_policy: None,
            max_external_access_days: None,
        })
        .unwrap();
        assert_eq!(w.name.as_str(), "Site redesign");
        assert_eq!(w.description, None);
        assert!(!w.allow_external);
        assert_eq!(w.invite_policy, InvitePolicy::Members);
        let inline = NewWorkgroup::for_extranet_invitation(w.name.clone(), WorkgroupKind::Group);
        assert!(inline.allow_external);
    }

    #[test]
    fn external_users_see_only_their_groups_and_create_none() {
        let ext = user(UserType::Extranet, false);
        assert_eq!(
            may_view_workgroup(&ext, standing(None)),
            Err(DomainError::NotFound("workgroup"))
        );
        assert!(may_view_workgroup(&ext, standing(Some(Role::Member))).is_ok());
        assert!(may_view_workgroup(&user(UserType::Intranet, false), standing(None)).is_ok());
        assert_eq!(
            may_create_workgroup(&ext),
            Err(DomainError::IntranetUserRequired)
        );
    }

    #[test]
    fn owners_moderators_and_admins_edit() {
        let emp = user(UserType::Intranet, false);
        assert!(may_edit_workgroup(&emp, standing(Some(Role::Owner))).is_ok());
        assert!(may_edit_workgroup(&emp, standing(Some(Role::Moderator))).is_ok());
        assert_eq!(
            may_edit_workgroup(&emp, standing(Some(Role::Member))),
            Err(DomainError::WorkgroupModeratorRequired)
        );
        assert!(may_edit_workgroup(&user(UserType::Intranet, true), standing(None)).is_ok());
    }

    #[test]
    fn invite_policy_decides_who_adds_people() {
        let emp = user(UserType::Intranet, false);
        let cases = [
            (InvitePolicy::Owner, Some(Role::Owner), true),
            (InvitePolicy::Owner, Some(Role::Moderator), false),
            (InvitePolicy::Moderators, Some(Role::Moderator), true),
            (InvitePolicy::Moderators, Some(Role::Member), false),
            (InvitePolicy::Members, Some(Role::Member), true),
            (InvitePolicy::Members, None, false),
        ];
        for (policy, role, allowed) in cases {
            assert_eq!(
                may_add_to_workgroup(&emp, standing(role), policy).is_ok(),
                allowed,
                "{policy:?} {role:?}"
            );
        }
        assert!(may_add_to_workgroup(
            &user(UserType::Intranet, true),
            standing(None),
            InvitePolicy::Owner
        )
        .is_ok());
    }

    #[test]
    fn allow_external_stays_on_while_external_people_remain() {
        let none = ExternalPresence::default();
        let members = ExternalPresence {
            external_members: 1,
            pending_external_invitations: 0,
        };
        let invited = ExternalPresence {
            external_members: 0,
            pending_external_invitations: 2,
        };
        assert!(may_switch_allow_external(true, false, none).is_ok());
        assert_eq!(
            may_switch_allow_external(true, false, members)
                .unwrap_err()
                .code(),
            "workgroup_has_external_members"
        );
        assert!(may_switch_allow_external(true, false, invited).is_err());
        assert!(may_switch_allow_external(false, true, members).is_ok());
        assert!(may_switch_allow_external(true, true, members).is_ok());
    }
}
