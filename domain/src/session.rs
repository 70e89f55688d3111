//! Rule 9, sessions: a login (an accept, a sign-up's confirmation) opens a session of the
//! profile, acting in one account or on the profile alone. The session holds a refresh token
//! that is exchanged for a new pair at each refresh (rotation); a refresh token presented again
//! after it was exchanged has been copied, so the whole session ends (reuse detection, as the
//! OAuth 2.0 Security BCP asks of public clients). Access tokens name their session and die
//! with it, before their own expiry.
//!
//! A session lives [`SessionPolicy::idle_seconds`] past its last refresh (sliding), and never
//! longer than [`SessionPolicy::max_seconds`] after it opened: then its owner logs in again.

use crate::enums::UserStatus;
use crate::error::DomainError;
use crate::ids::{AccountId, UserId};
use chrono::{DateTime, Duration, Utc};

/// How long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused (not refreshed) this long ends.
    pub idle_seconds: i64,
    /// No session outlives its opening by more than this.
    pub max_seconds: i64,
}

impl SessionPolicy {
    /// 30 days since the last refresh, 90 days at most.
    pub const DEFAULT: Self = Self {
        idle_seconds: 30 * 24 * 3600,
        max_seconds: 90 * 24 * 3600,
    };

    /// When a session opened at `opened_at` and used (opened or refreshed) at `now` ends if it
    /// is not refreshed again.
    pub fn expires_at(&self, opened_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        (now + Duration::seconds(self.idle_seconds))
            .min(opened_at + Duration::seconds(self.max_seconds))
    }
}

/// Why a session ended (stored as its snake_case name).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum SessionEnd {
    /// Its owner logged out.
    LoggedOut,
    /// Its owner ended it from another session (`DELETE /v1/me/sessions…`).
    Revoked,
    /// A refresh token of it was presented after it had been exchanged.
    RefreshTokenReused,
    /// The profile's password was changed in another session.
    PasswordChanged,
    /// The profile's password was reset with a code.
    PasswordReset,
    /// Its user was dismissed from the account it acts in.
    Dismissed,
    /// More than [`MAX_LIVE_SESSIONS`] were open: the least recently used gave way.
    Crowded,
    /// Two-step authentication was switched on in another session of the profile.
    TwoFactorEnabled,
}

impl SessionEnd {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The most sessions a profile keeps open; a new login ends the least recently used one past
/// it, so that a script logging in in a loop cannot grow the list (or the table) without end.
pub const MAX_LIVE_SESSIONS: usize = 100;

/// A session as stored, as far as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionState {
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl SessionState {
    /// Whether the session still stands at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_none() && now < self.expires_at
    }
}

/// An access token acts only while its session stands: a token of a session that ended (by
/// logout, revocation, a password change or reset, reuse of its refresh token) or expired is
/// refused at its next request, whatever its own expiry says.
pub fn authorize_session(
    session: Option<SessionState>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    match session {
        Some(s) if s.is_live(now) => Ok(()),
        Some(_) => Err(DomainError::TokenNoLongerValid(
            "the session has ended; log in again",
        )),
        None => Err(DomainError::TokenNoLongerValid(
            "the token names no session",
        )),
    }
}

/// What the refresh token presented is, among those the session was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    /// The session's current refresh token.
    Current,
    /// One the session exchanged already.
    Exchanged,
}

/// What a refresh does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// A new pair; the presented refresh token is dead from now on, and the session lives
    /// until `expires_at` unless refreshed again.
    Rotate { expires_at: DateTime<Utc> },
    /// The token was exchanged before: someone holds a copy. The session ends now (if it has
    /// not already) and the answer is [`DomainError::RefreshTokenReused`].
    EndForReuse,
}

/// Decides a refresh. `found` is the presented token's place in its session and the session,
/// or `None` when the token is no session's. Whether the user may still act in the account is
/// decided apart ([`crate::access::authorize_user`], with the session's opening as the token's
/// issue).
pub fn decide_refresh(
    found: Option<(Presented, SessionState)>,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Refresh, DomainError> {
    let Some((presented, session)) = found else {
        return Err(DomainError::InvalidRefreshToken(
            "the refresh token is not valid",
        ));
    };
    match presented {
        Presented::Exchanged => Ok(Refresh::EndForReuse),
        Presented::Current if session.is_live(now) => Ok(Refresh::Rotate {
            expires_at: policy.expires_at(session.opened_at, now),
        }),
        Presented::Current => Err(DomainError::InvalidRefreshToken(
            "the session has ended; log in again",
        )),
    }
}

/// How many of a profile's live sessions, the most recently used, stay open when one more
/// opens: the others give way ([`SessionEnd::Crowded`]), so that at most
/// [`MAX_LIVE_SESSIONS`] are open.
pub const fn kept_when_one_opens() -> usize {
    MAX_LIVE_SESSIONS - 1
}

/// What a login without `account_id` opens a session as: the user of the one account the
/// profile is an active user of, if there is exactly one; otherwise the profile alone (its
/// owner picks an account and logs in again with `account_id`).
pub fn acting_without_account(
    users: &[(AccountId, UserId, UserStatus)],
) -> Option<(AccountId, UserId)> {
    let mut active = users
        .iter()
        .filter(|(_, _, status)| *status == UserStatus::Active);
    match (active.next(), active.next()) {
        (Some((account, user, _)), None) => Some((*account, *user)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + seconds, 0).unwrap()
    }

    const DAY: i64 = 24 * 3600;

    fn live(opened: i64, expires: i64) -> SessionState {
        SessionState {
            opened_at: t(opened),
            expires_at: t(expires),
            ended_at: None,
        }
    }

    #[test]
    fn a_refresh_slides_the_end_but_never_past_the_maximum() {
        let p = SessionPolicy::DEFAULT;
        assert_eq!(p.expires_at(t(0), t(0)), t(30 * DAY));
        assert_eq!(p.expires_at(t(0), t(10 * DAY)), t(40 * DAY));
        assert_eq!(p.expires_at(t(0), t(80 * DAY)), t(90 * DAY));
    }

    #[test]
    fn the_current_token_rotates_while_the_session_lives() {
        let p = SessionPolicy::DEFAULT;
        let s = live(0, 30 * DAY);
        assert_eq!(
            decide_refresh(Some((Presented::Current, s)), &p, t(DAY)),
            Ok(Refresh::Rotate {
                expires_at: t(31 * DAY)
            })
        );
        // At its end, not after it.
        let e = decide_refresh(Some((Presented::Current, s)), &p, t(30 * DAY)).unwrap_err();
        assert_eq!(e.code(), "invalid_refresh_token");
        let ended = SessionState {
            ended_at: Some(t(5)),
            ..s
        };
        let e = decide_refresh(Some((Presented::Current, ended)), &p, t(6)).unwrap_err();
        assert_eq!(e.code(), "invalid_refresh_token");
    }

    #[test]
    fn an_exchanged_token_ends_the_session_live_or_not() {
        let p = SessionPolicy::DEFAULT;
        let s = live(0, 30 * DAY);
        for at in [t(1), t(31 * DAY)] {
            assert_eq!(
                decide_refresh(Some((Presented::Exchanged, s)), &p, at),
                Ok(Refresh::EndForReuse)
            );
        }
        assert_eq!(
            DomainError::RefreshTokenReused.code(),
            "refresh_token_reused"
        );
        assert_eq!(
            DomainError::RefreshTokenReused.kind(),
            crate::ErrorKind::Unauthenticated
        );
    }

    #[test]
    fn an_unknown_token_is_refused() {
        let e = decide_refresh(None, &SessionPolicy::DEFAULT, t(0)).unwrap_err();
        assert_eq!(e.code(), "invalid_refresh_token");
        assert_eq!(e.kind(), crate::ErrorKind::Unauthenticated);
    }

    #[test]
    fn an_access_token_dies_with_its_session() {
        let s = live(0, 10);
        assert!(authorize_session(Some(s), t(9)).is_ok());
        assert_eq!(
            authorize_session(Some(s), t(10)).unwrap_err().code(),
            "invalid_token"
        );
        let ended = SessionState {
            ended_at: Some(t(3)),
            ..s
        };
        assert!(authorize_session(Some(ended), t(4)).is_err());
        assert!(authorize_session(None, t(0)).is_err());
    }

    #[test]
    fn a_new_session_leaves_at_most_the_most_open() {
        assert_eq!(kept_when_one_opens() + 1, MAX_LIVE_SESSIONS);
    }

    #[test]
    fn a_login_without_an_account_acts_in_the_only_active_one() {
        use uuid::Uuid;
        let a = |n: u128| {
            (
                AccountId(Uuid::from_u128(n)),
                UserId(Uuid::from_u128(n + 100)),
            )
        };
        let with = |n: u128, s: UserStatus| (a(n).0, a(n).1, s);
        assert_eq!(acting_without_account(&[]), None);
        assert_eq!(
            acting_without_account(&[with(1, UserStatus::Active)]),
            Some(a(1))
        );
        assert_eq!(
            acting_without_account(&[with(1, UserStatus::Dismissed), with(2, UserStatus::Active)]),
            Some(a(2))
        );
        assert_eq!(
            acting_without_account(&[with(1, UserStatus::Dismissed)]),
            None
        );
        assert_eq!(
            acting_without_account(&[with(1, UserStatus::Active), with(2, UserStatus::Active)]),
            None
        );
    }

    #[test]
    fn every_end_has_a_stored_name() {
        use strum::VariantArray;
        for end in SessionEnd::VARIANTS {
            assert_eq!(end.as_str().parse::<SessionEnd>(), Ok(*end));
        }
        assert_eq!(
            SessionEnd::RefreshTokenReused.as_str(),
            "refresh_token_reused"
        );
    }
}
