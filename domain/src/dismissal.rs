//! Rule 8: dismissal blocks access at once, keeps the data and frees the seat; reinstating
//! needs a free seat. Not yourself, not the last administrator.

use crate::access::{may_administer_account, AccountUser};
use crate::enums::{UserStatus, UserType};
use crate::error::DomainError;
use crate::ids::UserId;
use crate::seats::SeatChange;
use crate::seats::Seats;

/// The user being dismissed or reinstated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub user_id: UserId,
    pub user_type: UserType,
    pub status: UserStatus,
    pub is_admin: bool,
}

/// The seat an active user of this type holds.
pub fn seat_of(user_type: UserType, delta: i32) -> SeatChange {
    match user_type {
        UserType::Intranet => SeatChange {
            active_intranet: delta,
            ..SeatChange::default()
        },
        UserType::Extranet => SeatChange {
            active_extranet: delta,
            ..SeatChange::default()
        },
    }
}

/// Dismissing: administrators only, never oneself, never the last active administrator;
/// frees the user's seat.
pub fn decide_dismiss(
    actor: &AccountUser,
    subject: Option<Subject>,
    active_admins: u32,
) -> Result<SeatChange, DomainError> {
    may_administer_account(actor)?;
    let subject = subject.ok_or(DomainError::NotFound("user"))?;
    if subject.user_id == actor.user_id {
        return Err(DomainError::CannotDismissSelf);
    }
    if subject.status == UserStatus::Dismissed {
        return Err(DomainError::AlreadyDismissed);
    }
    if subject.is_admin && active_admins <= 1 {
        return Err(DomainError::LastAdmin);
    }
    Ok(seat_of(subject.user_type, -1))
}

/// Reinstating ("hire" in Bitrix24): administrators only, a dismissed user, and a free seat.
pub fn decide_reinstate(
    actor: &AccountUser,
    subject: Option<Subject>,
    seats: Seats,
) -> Result<SeatChange, DomainError> {
    may_administer_account(actor)?;
    let subject = subject.ok_or(DomainError::NotFound("user"))?;
    if subject.status != UserStatus::Dismissed {
        return Err(DomainError::NotDismissed);
    }
    seats.reserve(1)?;
    Ok(seat_of(subject.user_type, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, IdentityId};
    use crate::plan::UserLimit;
    use uuid::Uuid;

    fn admin() -> AccountUser {
        AccountUser {
            token: None,
            identity_id: IdentityId(Uuid::from_u128(1)),
            account_id: AccountId(Uuid::from_u128(2)),
            user_id: UserId(Uuid::from_u128(3)),
            user_type: UserType::Intranet,
            is_admin: true,
        }
    }

    fn subject(n: u128, user_type: UserType, status: UserStatus, is_admin: bool) -> Subject {
        Subject {
            user_id: UserId(Uuid::from_u128(n)),
            user_type,
            status,
            is_admin,
        }
    }

    #[test]
    fn dismissal_frees_the_seat_of_the_users_type() {
        let ext = subject(10, UserType::Extranet, UserStatus::Active, false);
        assert_eq!(
            decide_dismiss(&admin(), Some(ext), 1),
            Ok(SeatChange {
                active_extranet: -1,
                ..SeatChange::default()
            })
        );
        let emp = subject(11, UserType::Intranet, UserStatus::Active, true);
        assert_eq!(
            decide_dismiss(&admin(), Some(emp), 2).map(|c| c.active_intranet),
            Ok(-1)
        );
    }

    #[test]
    fn not_oneself_not_the_last_admin_not_twice_and_admins_only() {
        let me = subject(3, UserType::Intranet, UserStatus::Active, true);
        assert_eq!(
            decide_dismiss(&admin(), Some(me), 2),
            Err(DomainError::CannotDismissSelf)
        );
        let other_admin = subject(10, UserType::Intranet, UserStatus::Active, true);
        assert_eq!(
            decide_dismiss(&admin(), Some(other_admin), 1),
            Err(DomainError::LastAdmin)
        );
        let gone = subject(11, UserType::Intranet, UserStatus::Dismissed, false);
        assert_eq!(
            decide_dismiss(&admin(), Some(gone), 1),
            Err(DomainError::AlreadyDismissed)
        );
        let employee = AccountUser {
            is_admin: false,
            ..admin()
        };
        assert_eq!(
            decide_dismiss(&employee, Some(gone), 1),
            Err(DomainError::AdminRequired)
        );
        assert_eq!(
            decide_dismiss(&admin(), None, 1),
            Err(DomainError::NotFound("user"))
        );
    }

    #[test]
    fn reinstating_needs_a_free_seat() {
        let gone = subject(11, UserType::Extranet, UserStatus::Dismissed, false);
        let full = Seats {
            limit: UserLimit::Seats(2),
            active_intranet: 1,
            active_extranet: 0,
            pending_invitations: 1,
            pending_join_requests: 0,
        };
        assert_eq!(
            decide_reinstate(&admin(), Some(gone), full),
            Err(DomainError::UserLimitReached {
                needed: 1,
                available: 0
            })
        );
        let room = Seats {
            pending_invitations: 0,
            ..full
        };
        assert_eq!(
            decide_reinstate(&admin(), Some(gone), room).map(|c| c.active_extranet),
            Ok(1)
        );
        let active = Subject {
            status: UserStatus::Active,
            ..gone
        };
        assert_eq!(
            decide_reinstate(&admin(), Some(active), room),
            Err(DomainError::NotDismissed)
        );
    }
}
