//! Who may send an invitation: rule 3 for new people, rule 1 and the group's invite policy for
//! its workgroup, and the account's domain rules.

use super::facts::WorkgroupFacts;
use crate::access::AccountUser;
use crate::account::AccountSettings;
use crate::enums::{UserType, WhoCanInvite};
use crate::error::DomainError;
use crate::login::Login;
use crate::workgroup::may_add_to_workgroup;

/// When an invitation of a new person goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// At once.
    Now,
    /// Once an administrator approves it (`who_can_invite: employees_with_approval`, an
    /// employee's): until then it holds its seat and its login, and nothing is sent.
    AfterApproval,
}

/// Rule 3, new people: external users never invite; employees only when the account lets them,
/// and with `employees_with_approval` their invitations wait for an administrator's approval.
/// Administrators' invitations are never held.
pub fn may_invite_new_people(
    inviter: &AccountUser,
    settings: &AccountSettings,
) -> Result<Release, DomainError> {
    if !inviter.is_intranet() {
        return Err(DomainError::ExtranetUserCannotInvite);
    }
    match settings.who_can_invite {
        _ if inviter.is_admin => Ok(Release::Now),
        WhoCanInvite::Employees => Ok(Release::Now),
        WhoCanInvite::EmployeesWithApproval => Ok(Release::AfterApproval),
        WhoCanInvite::Admins => Err(DomainError::AdminRequired),
    }
}

/// Rules 1 and 3 and the account's domain rules for `sender` sending one invitation, as they
/// stand now. Resending checks them for the one who resends, accepting for whoever sent the
/// invitation last: settings, policies and rights may all have changed since it was sent.
/// `workgroup` is the invitation's workgroup, with the sender's standing in it. Says whether
/// what the sender sends now goes out at once or waits for an approval (rule 3).
pub fn may_send_invitation(
    sender: &AccountUser,
    settings: &AccountSettings,
    invitation_type: UserType,
    login: &Login,
    workgroup: Option<WorkgroupFacts>,
) -> Result<Release, DomainError> {
    if let Some(group) = workgroup {
        if invitation_type == UserType::Extranet && !group.allow_external {
            return Err(DomainError::WorkgroupNotExtranet);
        }
    }
    if let Some(domain) = excluded_domain(settings, invitation_type, login) {
        return Err(DomainError::DomainNotAllowed { domain });
    }
    let release = may_invite_new_people(sender, settings)?;
    if let Some(group) = workgroup {
        may_add_to_workgroup(sender, group.standing, group.invite_policy)?;
    }
    Ok(release)
}

/// The email domain of an external invitee that the account's domain rules rule out, if any.
/// Phone invitees have no domain, and employees are not subject to the rules.
pub(crate) fn excluded_domain(
    settings: &AccountSettings,
    invitation_type: UserType,
    login: &Login,
) -> Option<String> {
    let email = login
        .email()
        .filter(|_| invitation_type == UserType::Extranet)?;
    (!settings.external_domains.permits(email.domain())).then(|| email.domain().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invitation::facts::examples::user;

    #[test]
    fn who_may_invite_new_people() {
        let admins_only = AccountSettings::default();
        let employees = AccountSettings {
            who_can_invite: WhoCanInvite::Employees,
            ..AccountSettings::default()
        };
        let with_approval = AccountSettings {
            who_can_invite: WhoCanInvite::EmployeesWithApproval,
            ..AccountSettings::default()
        };
        let (admin, employee) = (
            user(UserType::Intranet, true),
            user(UserType::Intranet, false),
        );
        assert_eq!(
            may_invite_new_people(&admin, &admins_only),
            Ok(Release::Now)
        );
        assert_eq!(
            may_invite_new_people(&employee, &admins_only),
            Err(DomainError::AdminRequired)
        );
        assert_eq!(
            may_invite_new_people(&employee, &employees),
            Ok(Release::Now)
        );
        assert_eq!(
            may_invite_new_people(&user(UserType::Extranet, false), &employees),
            Err(DomainError::ExtranetUserCannotInvite)
        );
        // With approvals: an employee's invitations wait, an administrator's never do, and
        // external users still never invite.
        assert_eq!(
            may_invite_new_people(&employee, &with_approval),
            Ok(Release::AfterApproval)
        );
        assert_eq!(
            may_invite_new_people(&admin, &with_approval),
            Ok(Release::Now)
        );
        assert_eq!(
            may_invite_new_people(&user(UserType::Extranet, false), &with_approval),
            Err(DomainError::ExtranetUserCannotInvite)
        );
    }
}
