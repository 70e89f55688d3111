//! A profile's password: changed by its owner (who gives the current one), or reset with a
//! code sent to one of its logins (rules 9 and 11).
//!
//! - A **change** happens in a session that still stands, against the password that was
//!   checked: if another change or a reset slipped in between, it is refused
//!   ([`decide_password_change`]). Every *other* session ends ([`sessions_ended_by`]).
//! - A **reset** is asked for by anyone who names a login: the answer is the same whether or
//!   not the login is a profile's, and only a profile's login gets a code
//!   ([`decide_reset_request`]). Codes are six digits, live [`CODE_TTL_MINUTES`], are kept only
//!   as a keyed hash bound to the login they went to, and are single use. A new request never
//!   makes an earlier live code useless, and wrong codes never cancel one (they slow the
//!   guesser down: `code_attempts`), so a stranger cannot cancel the owner's reset. The right
//!   code spends every code of the profile and ends **every** session.
//! - Either way each login of the profile hears of it ([`notice_to`]), in words of ours only.

use crate::error::DomainError;
use crate::ids::{IdentityId, SessionId};
use crate::login::Login;
use crate::login_change::ProfileLogins;
use crate::session::{authorize_session, SessionEnd, SessionState};
use chrono::{DateTime, Duration, Utc};

/// A reset code lives as long as a sign-up's (the guess-odds bound of `code_attempts` is
/// made for that life).
pub const CODE_TTL_MINUTES: i64 = crate::sign_up::CODE_TTL_MINUTES;

/// When a code sent now stops working.
pub fn code_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(CODE_TTL_MINUTES)
}

/// What a reset request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetRequest {
    /// A code goes to the login, for this profile.
    SendCode(IdentityId),
    /// The login is nobody's: nothing is sent, and the answer is the same as if it were.
    Nothing,
}

/// A reset asked for `login`: a code when the login is a profile's, nothing otherwise. Both
/// count against the budgets of codes, so that even their refusals look alike.
pub fn decide_reset_request(profile: Option<IdentityId>) -> ResetRequest {
    profile.map_or(ResetRequest::Nothing, ResetRequest::SendCode)
}

/// A reset code as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingReset {
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

impl PendingReset {
    /// Whether it may still reset the password: unused and unexpired. Wrong codes and later
    /// requests never make it dead; the right code of any of the profile's resets does.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        !self.used && self.expires_at > now
    }
}

/// Confirming a reset: `matching` are the resets of the login's profile, sent to that login,
/// whose code is the one given (usually one; several live codes may be waiting, and any of
/// them will do). A live one resets the password; otherwise 422 `invalid_code`, whichever the
/// reason (no such profile, a wrong, used or expired code), so codes and logins cannot be
/// probed.
pub fn decide_password_reset_confirmation(
    matching: &[PendingReset],
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if matching.iter().any(|r| r.is_live(now)) {
        Ok(())
    } else {
        Err(DomainError::InvalidCode)
    }
}

/// Changing the password in session `current`: the session must still stand (a reset
/// meanwhile ended it), and the password must be the one that was checked (`unchanged`: a
/// change or reset committed since would otherwise be overwritten by someone who knew only
/// the old one).
pub fn decide_password_change(
    current: Option<SessionState>,
    unchanged: bool,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    authorize_session(current, now)?;
    if !unchanged {
        return Err(DomainError::WrongCurrentPassword);
    }
    Ok(())
}

/// How the password was replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordReplaced {
    /// By its owner, signed in, in this session.
    Changed { current: SessionId },
    /// With a code sent to a login.
    Reset,
}

impl PasswordReplaced {
    /// What the notice calls it (stored in the outbox message).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Changed { .. } => "changed",
            Self::Reset => "reset",
        }
    }
}

/// Rule 9: which sessions a new password ends, and why — a change ends every session but the
/// one it was made in; a reset ends them all (whoever had the old password is out).
pub fn sessions_ended_by(how: PasswordReplaced) -> (Option<SessionId>, SessionEnd) {
    match how {
        PasswordReplaced::Changed { current } => (Some(current), SessionEnd::PasswordChanged),
        PasswordReplaced::Reset => (None, SessionEnd::PasswordReset),
    }
}

/// Who hears that the password was replaced: every login of the profile (the email and the
/// phone), so that an owner who lost one of them to someone else still learns of it.
pub fn notice_to(logins: &ProfileLogins) -> Vec<Login> {
    [logins.email.as_deref(), logins.phone.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|l| Login::parse(l).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn live() -> PendingReset {
        PendingReset {
            expires_at: code_expiry(now()),
            used: false,
        }
    }

    #[test]
    fn only_a_profiles_login_gets_a_code() {
        let id = IdentityId(Uuid::from_u128(7));
        assert_eq!(decide_reset_request(Some(id)), ResetRequest::SendCode(id));
        assert_eq!(decide_reset_request(None), ResetRequest::Nothing);
        assert_eq!(code_expiry(now()) - now(), Duration::minutes(15));
    }

    #[test]
    fn any_live_code_of_the_login_resets_and_nothing_else_does() {
        assert_eq!(decide_password_reset_confirmation(&[live()], now()), Ok(()));
        let used = PendingReset {
            used: true,
            ..live()
        };
        let expired = PendingReset {
            expires_at: now(),
            ..live()
        };
        // An earlier code still works beside a later request's (a second request does not
        // cancel the first), whichever order they are found in.
        assert_eq!(
            decide_password_reset_confirmation(&[expired, used, live()], now()),
            Ok(())
        );
        for dead in [vec![], vec![used], vec![expired], vec![used, expired]] {
            assert_eq!(
                decide_password_reset_confirmation(&dead, now()),
                Err(DomainError::InvalidCode)
            );
        }
        // A code is good until its last second, not at it.
        let last = PendingReset {
            expires_at: now() + Duration::seconds(1),
            ..live()
        };
        assert!(last.is_live(now()) && !last.is_live(now() + Duration::seconds(1)));
    }

    #[test]
    fn a_change_needs_its_session_standing_and_the_password_it_checked() {
        let session = SessionState {
            opened_at: now(),
            expires_at: now() + Duration::days(1),
            ended_at: None,
        };
        assert_eq!(decide_password_change(Some(session), true, now()), Ok(()));
        let ended = SessionState {
            ended_at: Some(now()),
            ..session
        };
        assert_eq!(
            decide_password_change(Some(ended), true, now())
                .unwrap_err()
                .code(),
            "invalid_token"
        );
        assert_eq!(
            decide_password_change(None, true, now())
                .unwrap_err()
                .code(),
            "invalid_token"
        );
        assert_eq!(
            decide_password_change(Some(session), false, now()),
            Err(DomainError::WrongCurrentPassword)
        );
    }

    #[test]
    fn a_change_ends_the_other_sessions_and_a_reset_ends_them_all() {
        let current = SessionId(Uuid::from_u128(3));
        assert_eq!(
            sessions_ended_by(PasswordReplaced::Changed { current }),
            (Some(current), SessionEnd::PasswordChanged)
        );
        assert_eq!(
            sessions_ended_by(PasswordReplaced::Reset),
            (None, SessionEnd::PasswordReset)
        );
        assert_eq!(PasswordReplaced::Reset.as_str(), "reset");
        assert_eq!(PasswordReplaced::Changed { current }.as_str(), "changed");
    }

    #[test]
    fn every_login_of_the_profile_hears_of_it() {
        let both = ProfileLogins {
            email: Some("ada@acme.example".into()),
            phone: Some("+14155550101".into()),
        };
        let heard: Vec<String> = notice_to(&both)
            .iter()
            .map(|l| l.as_str().to_owned())
            .collect();
        assert_eq!(heard, ["ada@acme.example", "+14155550101"]);
        let phone_only = ProfileLogins {
            email: None,
            phone: Some("+14155550101".into()),
        };
        assert_eq!(notice_to(&phone_only).len(), 1);
        assert!(notice_to(&ProfileLogins::default()).is_empty());
    }
}
