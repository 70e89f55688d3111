//! Who is acting, and what they may do with the account and its users.

use crate::enums::{UserStatus, UserType};
use crate::error::DomainError;
use crate::ids::{AccountId, IdentityId, UserId};
use chrono::{DateTime, Utc};

/// A user acting inside an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountUser {
    pub identity_id: IdentityId,
    pub account_id: AccountId,
    pub user_id: UserId,
    pub user_type: UserType,
    pub is_admin: bool,
    /// The API token the user acts through, if any: its scopes bound what the request may
    /// do, on top of the user's own rights.
    pub token: Option<crate::scope::TokenGrant>,
}

impl AccountUser {
    /// A user with the rights its row records, whether or not it is acting now (the sender of
    /// an invitation is judged this way when the invitation is accepted). Only employees
    /// administer an account, whatever a row might say.
    pub fn as_recorded(
        identity_id: IdentityId,
        account_id: AccountId,
        user_id: UserId,
        user_type: UserType,
        is_admin: bool,
    ) -> Self {
        Self {
            identity_id,
            account_id,
            user_id,
            user_type,
            is_admin: is_admin && user_type == UserType::Intranet,
            token: None,
        }
    }

    pub fn is_intranet(&self) -> bool {
        self.user_type == UserType::Intranet
    }

    /// What of people's data this caller reads wherever it appears (an API token: what its
    /// scopes grant).
    pub fn disclosure(&self) -> crate::scope::Disclosure {
        crate::scope::Disclosure::of(self.token)
    }
}

/// The caller of a request, as its verified token and a fresh look at the user row say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A network-profile token: acts on the identity only, in no account.
    Identity(IdentityId),
    /// An account token: acts as a user of one account.
    User(AccountUser),
}

impl Actor {
    pub fn identity_id(&self) -> IdentityId {
        match self {
            Self::Identity(id) => *id,
            Self::User(u) => u.identity_id,
        }
    }

    /// The account user behind the token; a network-profile token cannot act in an account.
    pub fn in_account(&self) -> Result<&AccountUser, DomainError> {
        match self {
            Self::User(u) => Ok(u),
            Self::Identity(_) => Err(DomainError::AccountTokenRequired),
        }
    }
}

/// The state of the user row behind an account token, read on every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserStanding {
    pub identity_id: IdentityId,
    pub status: UserStatus,
    pub user_type: UserType,
    pub is_admin: bool,
    /// When the user was last dismissed, if ever (it stays set after reinstatement).
    pub dismissed_at: Option<DateTime<Utc>>,
    /// When an external user's access ends, if it does (issue #30).
    pub access_expires_at: Option<DateTime<Utc>>,
}

impl UserStanding {
    /// The standing as of `now`: a user whose access has ended (its end at or before `now`,
    /// as `access_end::has_ended` says) is dismissed at its end, whether or not the sweep has
    /// recorded it.
    pub fn as_of(self, now: DateTime<Utc>) -> Self {
        match self.access_expires_at {
            Some(end) if self.status == UserStatus::Active && end <= now => Self {
                status: UserStatus::Dismissed,
                dismissed_at: Some(end),
                ..self
            },
            _ => self,
        }
    }
}

/// Rule 8: a token acts only while its user is active, so dismissal blocks access at once;
/// and a token issued before the last dismissal stays dead after a reinstatement (JWT times
/// are whole seconds, so one issued in the second of the dismissal counts as before it).
/// The user's type and admin flag come from the row, not from the token, so a transfer or a
/// change of rights takes effect at once as well.
pub fn authorize_user(
    token_identity: IdentityId,
    issued_at: i64,
    account_id: AccountId,
    user_id: UserId,
    standing: Option<UserStanding>,
) -> Result<AccountUser, DomainError> {
    let standing = standing.ok_or(DomainError::TokenNoLongerValid("the user no longer exists"))?;
    if standing.identity_id != token_identity {
        return Err(DomainError::TokenNoLongerValid(
            "the user belongs to another profile",
        ));
    }
    if standing.status == UserStatus::Dismissed {
        return Err(DomainError::TokenNoLongerValid(
            "the user has been dismissed",
        ));
    }
    if standing
        .dismissed_at
        .is_some_and(|at| issued_at <= at.timestamp())
    {
        return Err(DomainError::TokenNoLongerValid(
            "the token was issued before the user was dismissed; log in again",
        ));
    }
    Ok(AccountUser::as_recorded(
        standing.identity_id,
        account_id,
        user_id,
        standing.user_type,
        standing.is_admin,
    ))
}

/// Changing the account's settings or plan: administrators only.
pub fn may_administer_account(user: &AccountUser) -> Result<(), DomainError> {
    if user.is_admin {
        Ok(())
    } else {
        Err(DomainError::AdminRequired)
    }
}

/// Seeing the account's usage (and invitations, audit): employees only; external users never.
pub fn may_see_account_internals(user: &AccountUser) -> Result<(), DomainError> {
    if user.is_intranet() {
        Ok(())
    } else {
        Err(DomainError::IntranetUserRequired)
    }
}

/// Reading the audit log: administrators (and tokens they made with `audit:read`).
pub fn may_read_audit(user: &AccountUser) -> Result<(), DomainError> {
    may_administer_account(user)
}

/// Which users a caller may see (rule 3): employees see every user of the account; an
/// external user sees itself and the users who share an active workgroup with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserVisibility {
    Everyone,
    SharedWorkgroups { viewer: UserId },
}

pub fn visible_users(user: &AccountUser) -> UserVisibility {
    match user.user_type {
        UserType::Intranet => UserVisibility::Everyone,
        UserType::Extranet => UserVisibility::SharedWorkgroups {
            viewer: user.user_id,
        },
    }
}

/// Logging into an account: the password was right; a dismissed user still may not act.
pub fn may_log_in(status: UserStatus) -> Result<(), DomainError> {
    match status {
        UserStatus::Active => Ok(()),
        UserStatus::Dismissed => Err(DomainError::UserDismissed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const NOW: i64 = 1_800_000_000;

    fn ids() -> (IdentityId, AccountId, UserId) {
        (
            IdentityId(Uuid::from_u128(1)),
            AccountId(Uuid::from_u128(2)),
            UserId(Uuid::from_u128(3)),
        )
    }

    fn standing(status: UserStatus, user_type: UserType, is_admin: bool) -> UserStanding {
        UserStanding {
            identity_id: ids().0,
            status,
            user_type,
            is_admin,
            dismissed_at: None,
            access_expires_at: None,
        }
    }

    #[test]
    fn a_token_acts_only_while_its_user_is_active() {
        let (i, a, u) = ids();
        let ok = authorize_user(
            i,
            NOW,
            a,
            u,
            Some(standing(UserStatus::Active, UserType::Intranet, true)),
        );
        assert!(ok.unwrap().is_admin);
        let dismissed = authorize_user(
            i,
            NOW,
            a,
            u,
            Some(standing(UserStatus::Dismissed, UserType::Intranet, true)),
        );
        assert_eq!(dismissed.unwrap_err().code(), "invalid_token");
        assert_eq!(
            authorize_user(i, NOW, a, u, None).unwrap_err().code(),
            "invalid_token"
        );
        let other = authorize_user(
            IdentityId(Uuid::from_u128(9)),
            NOW,
            a,
            u,
            Some(standing(UserStatus::Active, UserType::Intranet, false)),
        );
        assert!(other.is_err());
    }

    #[test]
    fn tokens_issued_before_the_last_dismissal_stay_dead_after_reinstatement() {
        let (i, a, u) = ids();
        let dismissed_at = DateTime::from_timestamp(NOW, 500_000_000);
        let reinstated = UserStanding {
            dismissed_at,
            ..standing(UserStatus::Active, UserType::Intranet, false)
        };
        for issued in [NOW - 60, NOW] {
            assert_eq!(
                authorize_user(i, issued, a, u, Some(reinstated))
                    .unwrap_err()
                    .code(),
                "invalid_token"
            );
        }
        assert!(authorize_user(i, NOW + 1, a, u, Some(reinstated)).is_ok());
    }

    #[test]
    fn external_users_are_never_admins_and_see_no_internals() {
        let (i, a, u) = ids();
        let ext = authorize_user(
            i,
            NOW,
            a,
            u,
            Some(standing(UserStatus::Active, UserType::Extranet, true)),
        )
        .unwrap();
        assert!(!ext.is_admin);
        assert_eq!(
            may_administer_account(&ext),
            Err(DomainError::AdminRequired)
        );
        assert_eq!(
            may_see_account_internals(&ext),
            Err(DomainError::IntranetUserRequired)
        );
        assert_eq!(
            visible_users(&ext),
            UserVisibility::SharedWorkgroups { viewer: u }
        );
    }

    #[test]
    fn employees_see_everyone_and_admins_administer() {
        let (i, a, u) = ids();
        let emp = authorize_user(
            i,
            NOW,
            a,
            u,
            Some(standing(UserStatus::Active, UserType::Intranet, false)),
        )
        .unwrap();
        assert_eq!(visible_users(&emp), UserVisibility::Everyone);
        assert!(may_see_account_internals(&emp).is_ok());
        assert_eq!(
            may_administer_account(&emp),
            Err(DomainError::AdminRequired)
        );
    }

    #[test]
    fn network_tokens_do_not_act_in_accounts() {
        let actor = Actor::Identity(ids().0);
        assert_eq!(actor.in_account(), Err(DomainError::AccountTokenRequired));
        assert_eq!(
            may_log_in(UserStatus::Dismissed),
            Err(DomainError::UserDismissed)
        );
    }
}
