//! Changing the login of a network profile (rule 5's second way out, rule 6): the new login is
//! proved by a code sent to it before it replaces the old one, which is then free in every
//! account (a user's login is its identity's: there is no copy to update). The old address is
//! told of the change. Codes are short-lived and single use, their guessing slowed down
//! (`code_attempts`); requests are rate limited per profile.

use crate::error::{DomainError, FieldError};
use crate::login::Login;
use chrono::{DateTime, Duration, Utc};

/// A code for a login change lives this long.
pub const CODE_TTL_MINUTES: i64 = 15;
/// Login changes a profile may ask for per hour (each sends a message to an address it names).
pub const MAX_REQUESTS_PER_HOUR: u32 = 3;

/// When a change asked for now stops waiting for its code.
pub fn code_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(CODE_TTL_MINUTES)
}

/// The new login, from `new_email` or `new_phone` (exactly one).
pub fn parse_new_login(
    new_email: Option<&str>,
    new_phone: Option<&str>,
) -> Result<Login, DomainError> {
    Login::from_email_or_phone(new_email, new_phone).map_err(|e| {
        let e = FieldError {
            field: e
                .field
                .replacen("email", "new_email", 1)
                .replacen("phone", "new_phone", 1),
            ..e
        };
        DomainError::Invalid(vec![e])
    })
}

/// A profile's logins now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileLogins {
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl ProfileLogins {
    /// The login of the new one's kind that it replaces, if the profile has one.
    pub fn replaced_by(&self, new: &Login) -> Option<&str> {
        match new {
            Login::Email(_) => self.email.as_deref(),
            Login::Phone(_) => self.phone.as_deref(),
        }
    }

    /// Where the notice of a change goes: the replaced login, or the profile's other one.
    pub fn notice_to(&self, new: &Login) -> Option<Login> {
        self.replaced_by(new)
            .or(self.email.as_deref())
            .or(self.phone.as_deref())
            .and_then(|l| Login::parse(l).ok())
    }
}

/// What the profile asked for lately: how many changes in the last hour, the oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentRequests {
    pub count: u32,
    pub oldest: Option<DateTime<Utc>>,
}

/// Asking for a change: not the login it already has; within the hourly rate; a login nobody
/// else holds (409 `login_taken`, without saying where).
pub fn decide_login_change_request(
    current: &ProfileLogins,
    new: &Login,
    taken: bool,
    recent: RecentRequests,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if current.replaced_by(new) == Some(new.as_str()) {
        return Err(DomainError::SameLogin);
    }
    if recent.count >= MAX_REQUESTS_PER_HOUR {
        let free_at = recent.oldest.unwrap_or(now) + Duration::hours(1);
        let wait = (free_at - now).num_seconds().max(1);
        return Err(DomainError::TooManyLoginChanges {
            retry_after_seconds: u32::try_from(wait).unwrap_or(u32::MAX),
        });
    }
    if taken {
        return Err(DomainError::LoginTaken);
    }
    Ok(())
}

/// A change waiting for its code, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingChange {
    pub expires_at: DateTime<Utc>,
    pub confirmed: bool,
}

impl PendingChange {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        !self.confirmed && self.expires_at > now
    }
}

/// Confirming: the code must be that of a live change of the profile (otherwise 422
/// `invalid_code`, whichever the reason), and the new login must still be free: someone may
/// have taken it since the code was sent.
pub fn decide_login_change_confirmation(
    matching: Option<PendingChange>,
    taken_now: bool,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    matching
        .filter(|p| p.is_live(now))
        .ok_or(DomainError::InvalidCode)?;
    if taken_now {
        return Err(DomainError::LoginTaken);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn profile() -> ProfileLogins {
        ProfileLogins {
            email: Some("old@corp.example".into()),
            phone: None,
        }
    }

    const NONE: RecentRequests = RecentRequests {
        count: 0,
        oldest: None,
    };

    #[test]
    fn the_new_login_is_one_email_or_one_phone() {
        let new = parse_new_login(Some(" New@Corp.example "), None).unwrap();
        assert_eq!(new.as_str(), "new@corp.example");
        let Err(DomainError::Invalid(errors)) = parse_new_login(None, Some("12")) else {
            panic!("accepted");
        };
        assert_eq!(errors[0].field, "new_phone");
        assert!(parse_new_login(Some("a@b.example"), Some("+14155550101")).is_err());
        assert!(parse_new_login(None, None).is_err());
    }

    #[test]
    fn a_change_asks_for_a_free_login_that_is_not_the_same_within_the_rate() {
        let new = Login::parse("new@corp.example").unwrap();
        let same = Login::parse("old@corp.example").unwrap();
        let p = profile();
        assert!(decide_login_change_request(&p, &new, false, NONE, now()).is_ok());
        let code = |r: Result<(), DomainError>| r.unwrap_err().code();
        assert_eq!(
            code(decide_login_change_request(&p, &same, false, NONE, now())),
            "same_login"
        );
        assert_eq!(
            code(decide_login_change_request(&p, &new, true, NONE, now())),
            "login_taken"
        );
        let busy = RecentRequests {
            count: MAX_REQUESTS_PER_HOUR,
            oldest: Some(now() - Duration::minutes(50)),
        };
        let Err(DomainError::TooManyLoginChanges {
            retry_after_seconds,
        }) = decide_login_change_request(&p, &new, false, busy, now())
        else {
            panic!("not limited");
        };
        assert_eq!(retry_after_seconds, 600);
    }

    #[test]
    fn the_old_address_or_the_other_login_hears_of_the_change() {
        let p = profile();
        let phone = Login::parse("+14155550101").unwrap();
        let email = Login::parse("new@corp.example").unwrap();
        assert_eq!(p.notice_to(&email).unwrap().as_str(), "old@corp.example");
        assert_eq!(p.notice_to(&phone).unwrap().as_str(), "old@corp.example");
        assert_eq!(p.replaced_by(&phone), None);
    }

    #[test]
    fn a_code_confirms_one_live_change_of_a_still_free_login() {
        let live = PendingChange {
            expires_at: now() + Duration::minutes(1),
            confirmed: false,
        };
        assert!(decide_login_change_confirmation(Some(live), false, now()).is_ok());
        let code = |r: Result<(), DomainError>| r.unwrap_err().code();
        assert_eq!(
            code(decide_login_change_confirmation(Some(live), true, now())),
            "login_taken"
        );
        for dead in [
            PendingChange {
                confirmed: true,
                ..live
            },
            PendingChange {
                expires_at: now(),
                ..live
            },
        ] {
            assert_eq!(
                code(decide_login_change_confirmation(Some(dead), false, now())),
                "invalid_code"
            );
        }
        assert_eq!(
            code(decide_login_change_confirmation(None, false, now())),
            "invalid_code"
        );
    }
}
