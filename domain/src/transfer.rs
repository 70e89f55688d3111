//! Rule 5, transitions between the user types, and the one other thing an administrator
//! changes on a user: the administrator flag.
//!
//! extranet → intranet: an administrator transfers an external user, who keeps memberships,
//! roles and the seat (the seat only changes column). intranet → extranet does not exist: a
//! user's type is never written by a client. The ways out are named in every refusal: dismiss
//! the employee and invite them as an external user with another login, or the person changes
//! the login of their network profile, which frees the old one.

use crate::access::{may_administer_account, AccountUser};
pub use crate::dismissal::Subject;
use crate::enums::{UserStatus, UserType};
use crate::error::DomainError;
use crate::seats::SeatChange;

/// Transfer to intranet ("Transfer to intranet" in Bitrix24): administrators only; an active
/// external user; the seat moves from `active_extranet` to `active_intranet`.
pub fn decide_transfer_to_intranet(
    actor: &AccountUser,
    subject: Option<Subject>,
) -> Result<SeatChange, DomainError> {
    may_administer_account(actor)?;
    let subject = subject.ok_or(DomainError::NotFound("user"))?;
    if subject.user_type != UserType::Extranet {
        return Err(DomainError::NotExtranetUser);
    }
    if subject.status == UserStatus::Dismissed {
        return Err(DomainError::UserIsDismissed);
    }
    Ok(SeatChange {
        active_extranet: -1,
        active_intranet: 1,
        ..SeatChange::default()
    })
}

/// A client asking to write a user's type, whatever the value: refused, naming the ways.
pub fn refuse_type_change() -> DomainError {
    DomainError::UserTypeNotWritable
}

/// The other way round: refused, naming the ways.
pub fn refuse_transfer_to_extranet() -> DomainError {
    DomainError::TransferToExtranetImpossible
}

/// Making a user an administrator or no longer one: administrators only; only active
/// employees are administrators; the last active administrator stays one. Returns whether
/// anything changes.
pub fn decide_admin_change(
    actor: &AccountUser,
    subject: Option<Subject>,
    is_admin: bool,
    active_admins: u32,
) -> Result<bool, DomainError> {
    may_administer_account(actor)?;
    let subject = subject.ok_or(DomainError::NotFound("user"))?;
    if subject.is_admin == is_admin {
        return Ok(false);
    }
    if is_admin && (subject.user_type != UserType::Intranet || subject.status != UserStatus::Active)
    {
        return Err(DomainError::AdminMustBeEmployee);
    }
    if !is_admin && subject.status == UserStatus::Active && active_admins <= 1 {
        return Err(DomainError::LastAdmin);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, IdentityId, UserId};
    use uuid::Uuid;

    fn actor(is_admin: bool) -> AccountUser {
        AccountUser::as_recorded(
            IdentityId(Uuid::from_u128(1)),
            AccountId(Uuid::from_u128(2)),
            UserId(Uuid::from_u128(3)),
            UserType::Intranet,
            is_admin,
        )
    }

    fn subject(user_type: UserType, status: UserStatus, is_admin: bool) -> Option<Subject> {
        Some(Subject {
            user_id: UserId(Uuid::from_u128(9)),
            user_type,
            status,
            is_admin,
        })
    }

    #[test]
    fn an_active_external_user_moves_its_seat_to_the_intranet() {
        let change = decide_transfer_to_intranet(
            &actor(true),
            subject(UserType::Extranet, UserStatus::Active, false),
        )
        .unwrap();
        assert_eq!((change.active_extranet, change.active_intranet), (-1, 1));
        assert_eq!(change.pending, 0);
    }

    #[test]
    fn only_admins_transfer_only_active_external_users() {
        let ext = subject(UserType::Extranet, UserStatus::Active, false);
        let code = |r: Result<SeatChange, DomainError>| r.unwrap_err().code();
        assert_eq!(
            code(decide_transfer_to_intranet(&actor(false), ext)),
            "admin_required"
        );
        assert_eq!(
            code(decide_transfer_to_intranet(
                &actor(true),
                subject(UserType::Intranet, UserStatus::Active, false)
            )),
            "not_extranet_user"
        );
        assert_eq!(
            code(decide_transfer_to_intranet(
                &actor(true),
                subject(UserType::Extranet, UserStatus::Dismissed, false)
            )),
            "user_is_dismissed"
        );
        assert_eq!(
            code(decide_transfer_to_intranet(&actor(true), None)),
            "not_found"
        );
    }

    #[test]
    fn every_refusal_of_the_way_back_names_both_ways_out() {
        for e in [
            refuse_type_change(),
            refuse_transfer_to_extranet(),
            DomainError::NotExtranetUser,
        ] {
            let detail = e.to_string().to_lowercase();
            assert!(detail.contains("dismiss"), "{detail}");
            assert!(detail.contains("login-change"), "{detail}");
        }
        assert!(refuse_type_change()
            .to_string()
            .contains("transfer-to-intranet"));
    }

    #[test]
    fn admins_are_active_employees_and_the_last_one_stays() {
        let employee = subject(UserType::Intranet, UserStatus::Active, false);
        assert_eq!(
            decide_admin_change(&actor(true), employee, true, 1),
            Ok(true)
        );
        assert_eq!(
            decide_admin_change(&actor(true), employee, false, 1),
            Ok(false)
        );
        for not_employee in [
            subject(UserType::Extranet, UserStatus::Active, false),
            subject(UserType::Intranet, UserStatus::Dismissed, false),
        ] {
            assert_eq!(
                decide_admin_change(&actor(true), not_employee, true, 1)
                    .unwrap_err()
                    .code(),
                "admin_must_be_employee"
            );
        }
        let admin = subject(UserType::Intranet, UserStatus::Active, true);
        assert_eq!(
            decide_admin_change(&actor(true), admin, false, 1)
                .unwrap_err()
                .code(),
            "last_admin"
        );
        assert_eq!(decide_admin_change(&actor(true), admin, false, 2), Ok(true));
        assert_eq!(
            decide_admin_change(&actor(false), employee, true, 2)
                .unwrap_err()
                .code(),
            "admin_required"
        );
    }
}
