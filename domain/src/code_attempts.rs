//! Wrong codes slow a guesser down; they never cancel the code (rule 11).
//!
//! A code that proves a login (a sign-up's, a login change's, a password reset's) has
//! [`CODE_DIGITS`] digits and lives [`CODE_TTL_MINUTES`]. Each wrong code counts against the
//! login (or profile) it was tried for and against the client address it came from. A few are
//! free; after them each try waits twice as long as the last (429 with `Retry-After`), the
//! right code too — the answer tells nothing — and once the wait is over the owner's code
//! still works. Nobody can make a stranger's code useless by guessing wrong, and
//! [`most_guesses_within`] a code's life keeps a guesser's odds below 1 in 10⁴ (see the
//! tests). Failures are forgotten once a code's life has passed without one.

use crate::error::DomainError;
use crate::ids::IdentityId;
use crate::login::Login;
use crate::sign_up::{CODE_DIGITS, CODE_TTL_MINUTES};
use chrono::{DateTime, Duration, Utc};

/// How wrong codes are met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptPolicy {
    /// Wrong codes that cost nothing.
    pub free: u32,
    /// The wait after the first wrong code past the free ones; doubled after each further one.
    pub first_wait_seconds: i64,
    /// The longest wait.
    pub max_wait_seconds: i64,
    /// Failures are forgotten this long after the last one.
    pub forget_after_seconds: i64,
}

impl AttemptPolicy {
    /// For one login or profile: a person mistyping has room, a guesser does not.
    pub const PER_SUBJECT: Self = Self {
        free: 5,
        first_wait_seconds: 2,
        max_wait_seconds: CODE_TTL_MINUTES * 60,
        forget_after_seconds: CODE_TTL_MINUTES * 60,
    };
    /// For one client address, whatever logins it tries (an office behind one address has
    /// several people confirming).
    pub const PER_CLIENT: Self = Self {
        free: 10,
        first_wait_seconds: 2,
        max_wait_seconds: CODE_TTL_MINUTES * 60,
        forget_after_seconds: CODE_TTL_MINUTES * 60,
    };

    /// The failures that still count at `now`.
    fn counting(&self, a: Attempts, now: DateTime<Utc>) -> u32 {
        match a.last_failed_at {
            Some(last) if now < last + Duration::seconds(self.forget_after_seconds) => a.failures,
            _ => 0,
        }
    }

    /// The wait after `failures` wrong codes.
    pub fn wait_after(&self, failures: u32) -> Duration {
        if failures < self.free {
            return Duration::zero();
        }
        let doublings = (failures - self.free).min(40);
        let seconds = self
            .first_wait_seconds
            .saturating_mul(1i64 << doublings)
            .min(self.max_wait_seconds);
        Duration::seconds(seconds)
    }

    /// Until when a code may not be tried, if it is waiting now.
    pub fn waiting_until(&self, a: Attempts, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let failures = self.counting(a, now);
        let until = a.last_failed_at? + self.wait_after(failures);
        (failures >= self.free && now < until).then_some(until)
    }

    /// What one more wrong code at `now` makes of `a`.
    pub fn failed(&self, a: Attempts, now: DateTime<Utc>) -> Attempts {
        Attempts {
            failures: self.counting(a, now).saturating_add(1),
            last_failed_at: Some(now),
        }
    }
}

/// The wrong codes counted against one subject, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attempts {
    pub failures: u32,
    pub last_failed_at: Option<DateTime<Utc>>,
}

/// What a code proves, which decides what its attempts count against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    SignUp,
    LoginChange,
    PasswordReset,
    /// A login proved to join through a join link.
    JoinLink,
    /// A person's own erasure confirmed (rule 14).
    Erasure,
}

impl CodeKind {
    fn name(self) -> &'static str {
        match self {
            Self::SignUp => "sign-up",
            Self::LoginChange => "login-change",
            Self::PasswordReset => "password-reset",
            Self::JoinLink => "join-link",
            Self::Erasure => "erasure",
        }
    }
}

/// What wrong codes count against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptCounter {
    /// A sign-up's login.
    Login(CodeKind, String),
    /// The profile whose login change it is.
    Profile(CodeKind, IdentityId),
    /// The client address the codes come from.
    Client(CodeKind, String),
}

impl AttemptCounter {
    /// The counters of a code tried for `login`'s sign-up from `client`.
    pub fn for_sign_up(login: &Login, client: &str) -> [Self; 2] {
        [
            Self::Login(CodeKind::SignUp, login.as_str().to_owned()),
            Self::Client(CodeKind::SignUp, client.to_owned()),
        ]
    }

    /// The counters of a code tried for `profile`'s login change from `client`.
    pub fn for_login_change(profile: IdentityId, client: &str) -> [Self; 2] {
        [
            Self::Profile(CodeKind::LoginChange, profile),
            Self::Client(CodeKind::LoginChange, client.to_owned()),
        ]
    }

    /// The counters of a code tried to confirm `profile`'s erasure from `client`.
    pub fn for_erasure(profile: IdentityId, client: &str) -> [Self; 2] {
        [
            Self::Profile(CodeKind::Erasure, profile),
            Self::Client(CodeKind::Erasure, client.to_owned()),
        ]
    }

    /// The counters of a code tried to reset the password of `login`'s profile from `client`.
    /// Counted per login as typed, whether or not it is a profile's (so that an unknown login
    /// is slowed down, and answered, exactly like a known one); a code works only for the
    /// login it was sent to, so each login's codes meet the bound of a sign-up's.
    pub fn for_password_reset(login: &Login, client: &str) -> [Self; 2] {
        [
            Self::Login(CodeKind::PasswordReset, login.as_str().to_owned()),
            Self::Client(CodeKind::PasswordReset, client.to_owned()),
        ]
    }

    /// The counters of a code tried to join through a link with `login` from `client`.
    pub fn for_join_link(login: &Login, client: &str) -> [Self; 2] {
        [
            Self::Login(CodeKind::JoinLink, login.as_str().to_owned()),
            Self::Client(CodeKind::JoinLink, client.to_owned()),
        ]
    }

    /// The name the storage counts it under.
    pub fn key(&self) -> String {
        match self {
            Self::Login(kind, login) => format!("{}:{login}", kind.name()),
            Self::Profile(kind, id) => format!("{}:{id}", kind.name()),
            Self::Client(kind, client) => format!("{}-from:{client}", kind.name()),
        }
    }

    pub fn policy(&self) -> AttemptPolicy {
        match self {
            Self::Login(..) | Self::Profile(..) => AttemptPolicy::PER_SUBJECT,
            Self::Client(..) => AttemptPolicy::PER_CLIENT,
        }
    }

    /// Whether the right code clears it: the login's or profile's own count, not the client
    /// address's (a guesser could clear theirs with codes of their own).
    pub fn cleared_by_success(&self) -> bool {
        !matches!(self, Self::Client(..))
    }
}

/// Whether a code may be tried now: 429 `rate_limited` while any counter waits, with the time
/// until the last of them is over.
pub fn may_try_code(
    counters: &[(AttemptCounter, Attempts)],
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let until = counters
        .iter()
        .filter_map(|(c, a)| c.policy().waiting_until(*a, now))
        .max();
    match until {
        None => Ok(()),
        Some(until) => {
            let millis = (until - now).num_milliseconds().max(1);
            let seconds = (millis + 999) / 1000;
            Err(DomainError::TooManyCodeAttempts {
                retry_after_seconds: u32::try_from(seconds).unwrap_or(u32::MAX),
            })
        }
    }
}

/// The most codes one subject can have tried within `window` under `policy`, trying each time
/// as soon as it may.
pub fn most_guesses_within(policy: AttemptPolicy, window: Duration) -> u32 {
    let start = DateTime::<Utc>::UNIX_EPOCH;
    let end = start + window;
    let (mut now, mut attempts, mut guesses) = (start, Attempts::default(), 0u32);
    while now < end {
        match policy.waiting_until(attempts, now) {
            Some(until) => now = until,
            None => {
                attempts = policy.failed(attempts, now);
                guesses += 1;
            }
        }
    }
    guesses
}

/// A guesser's odds against one login over a code's life: every guess may hit any of the codes
/// alive at once (`live_codes`: each sign-up has its own).
pub fn odds_over_a_codes_life(policy: AttemptPolicy, live_codes: u32) -> f64 {
    let guesses = most_guesses_within(policy, Duration::minutes(CODE_TTL_MINUTES));
    f64::from(guesses) * f64::from(live_codes) / 10f64.powi(i32::try_from(CODE_DIGITS).unwrap_or(6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sending::CodeBudgets;
    use chrono::TimeZone;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0).unwrap() + Duration::seconds(s)
    }

    #[test]
    fn a_few_wrong_codes_are_free_then_each_waits_twice_as_long() {
        let p = AttemptPolicy::PER_SUBJECT;
        let mut a = Attempts::default();
        for _ in 0..p.free {
            assert_eq!(p.waiting_until(a, at(0)), None);
            a = p.failed(a, at(0));
        }
        assert_eq!(p.waiting_until(a, at(0)), Some(at(2)));
        assert_eq!(p.waiting_until(a, at(2)), None);
        a = p.failed(a, at(2));
        assert_eq!(p.waiting_until(a, at(2)), Some(at(6)));
        a = p.failed(a, at(6));
        assert_eq!(p.waiting_until(a, at(6)), Some(at(14)));
        // Never longer than a code's life.
        assert_eq!(p.wait_after(100), Duration::seconds(p.max_wait_seconds));
        // Forgotten once a code's life passed without a failure.
        let later = at(14 + p.forget_after_seconds);
        assert_eq!(p.failed(a, later).failures, 1);
    }

    #[test]
    fn the_longest_wait_of_all_counters_is_the_answer() {
        let login = Login::parse("ann@client.example").unwrap();
        let [by_login, by_client] = AttemptCounter::for_sign_up(&login, "198.51.100.7");
        assert_eq!(by_login.key(), "sign-up:ann@client.example");
        assert_eq!(by_client.key(), "sign-up-from:198.51.100.7");
        assert!(by_login.cleared_by_success() && !by_client.cleared_by_success());
        let waiting = Attempts {
            failures: AttemptPolicy::PER_SUBJECT.free + 2,
            last_failed_at: Some(at(0)),
        };
        assert!(may_try_code(&[(by_client.clone(), waiting)], at(0)).is_ok());
        let Err(DomainError::TooManyCodeAttempts {
            retry_after_seconds,
        }) = may_try_code(
            &[(by_login, waiting), (by_client, Attempts::default())],
            at(1),
        )
        else {
            panic!("expected a wait")
        };
        assert_eq!(retry_after_seconds, 7);
    }

    #[test]
    fn reset_codes_count_apart_from_sign_up_codes_of_the_same_login() {
        let login = Login::parse("ann@client.example").unwrap();
        let [by_login, by_client] = AttemptCounter::for_password_reset(&login, "198.51.100.7");
        assert_eq!(by_login.key(), "password-reset:ann@client.example");
        assert_eq!(by_client.key(), "password-reset-from:198.51.100.7");
        assert!(by_login.cleared_by_success() && !by_client.cleared_by_success());
        assert_eq!(by_login.policy(), AttemptPolicy::PER_SUBJECT);
        let [sign_up, _] = AttemptCounter::for_sign_up(&login, "198.51.100.7");
        assert_ne!(sign_up.key(), by_login.key());
    }

    #[test]
    fn a_guessers_odds_over_a_codes_life_stay_below_one_in_ten_thousand() {
        // A login holds at most twice its hourly budget of live codes (a budget's worth at
        // the end of one hour and another at the start of the next, within one code's life).
        let live = 2 * CodeBudgets::DEFAULT_PER_RECIPIENT_HOUR;
        let guesses = most_guesses_within(
            AttemptPolicy::PER_SUBJECT,
            Duration::minutes(CODE_TTL_MINUTES),
        );
        assert_eq!(guesses, 13);
        let odds = odds_over_a_codes_life(AttemptPolicy::PER_SUBJECT, live);
        assert!(odds < 1e-4, "{odds}");
    }
}
