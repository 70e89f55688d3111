//! Two-step authentication (rule 13): a time-based one-time password (RFC 6238: SHA-1, six
//! digits, 30-second steps — what every authenticator app reads from an `otpauth://` URI),
//! computed by `totp-rs`, and ten single-use recovery codes.
//!
//! - A code is accepted for the step it belongs to, one step of clock skew either way, and
//!   only for a step later than the last one accepted ([`accepted_step`]): a code seen once,
//!   or an older one, is refused (no replay within its window).
//! - A profile's set-up is confirmed by a first code ([`decide_confirm`]); until then it is
//!   not on, and starting again replaces the secret.
//! - An account's [`RequireTwoFactor`] covers its administrators or everyone; a covered user
//!   without a second factor may only enroll ([`enrollment_only`]); an administrator cannot
//!   set a policy that covers them before they have one themselves ([`may_require`]).

use crate::enums::RequireTwoFactor;
use crate::error::{DomainError, FieldError};
use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, TOTP};

/// Digits of a code.
pub const DIGITS: usize = 6;
/// Seconds of a step.
pub const STEP_SECONDS: i64 = 30;
/// Steps of clock skew accepted either way.
pub const SKEW_STEPS: i64 = 1;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;
/// Recovery codes given at a set-up.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (shown as two groups of five: `xxxxx-xxxxx`).
pub const RECOVERY_CODE_CHARS: usize = 10;
/// The characters of recovery codes: lower-case letters and digits without those read alike
/// (`l`, `o`, `0`, `1`): 32 of them, so a code holds 50 bits.
pub const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
/// Seconds a login's challenge may be answered in.
pub const CHALLENGE_TTL_SECONDS: i64 = 300;
/// Wrong second factors a person may give in a row before the limit…
pub const FAILURE_BURST: u32 = 5;
/// …and then one more each this many seconds. A guesser (who must know the password to be
/// asked at all) gets one code a minute: three valid codes in a million give odds of about 1
/// in 230 a day, while each login of the person is told of every recovery code used and a
/// password reset (which kills the guesser's challenges) forgives the count. The owner waits a
/// minute at most once the guessing stops.
pub const FAILURE_INTERVAL_SECONDS: u64 = 60;
/// What authenticator apps show as the issuer of the codes.
pub const ISSUER: &str = "Extranet";

/// A profile's TOTP secret (its raw bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// A secret of `bytes`: at least 128 bits (RFC 4226).
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() >= 16).then_some(Self(bytes))
    }

    /// A secret as authenticator apps show it: RFC 4648 base32, padding optional.
    pub fn from_base32(text: &str) -> Option<Self> {
        let bytes = totp_rs::Secret::Encoded(text.trim().trim_end_matches('=').to_uppercase())
            .to_bytes()
            .ok()?;
        Self::from_bytes(bytes)
    }

    /// The secret in base32, without padding (typed by hand into an app, or kept sealed).
    pub fn base32(&self) -> String {
        self.totp("").get_secret_base32()
    }

    fn totp(&self, account: &str) -> TOTP {
        TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            // Skew is decided here, step by step ([`accepted_step`]), not by the crate.
            0,
            STEP_SECONDS.unsigned_abs(),
            self.0.clone(),
            Some(ISSUER.to_owned()),
            account.to_owned(),
        )
    }

    /// The code of step `step`.
    pub fn code_of_step(&self, step: i64) -> String {
        let time = step.max(0).unsigned_abs() * STEP_SECONDS.unsigned_abs();
        self.totp("").generate(time)
    }

    /// The code an authenticator app shows at `at`.
    pub fn code_at(&self, at: DateTime<Utc>) -> String {
        self.code_of_step(step_at(at))
    }

    /// The `otpauth://` URI an authenticator app reads (from a QR code, or pasted): issuer
    /// [`ISSUER`], labelled with the profile's login (a `:` in it, which the URI format
    /// reserves, becomes a space).
    pub fn otpauth_uri(&self, login: &str) -> String {
        self.totp(&login.replace(':', " ")).get_url()
    }
}

/// The step `at` falls in.
pub fn step_at(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// A code someone gives as their second factor: six digits from the authenticator app, or one
/// of their recovery codes (spaces and dashes ignored, any case).
#[derive(Clone, PartialEq, Eq)]
pub enum SecondFactorCode {
    Totp(String),
    Recovery(String),
}

impl std::fmt::Debug for SecondFactorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Totp(_) => "Totp(…)",
            Self::Recovery(_) => "Recovery(…)",
        })
    }
}

/// The longest text looked at as a code.
pub const CODE_MAX_CHARS: usize = 32;
/// What [`SecondFactorCode::parse`] takes, as a JSON Schema pattern: six digits, or ten
/// characters of [`RECOVERY_ALPHABET`] in either case, with spaces and dashes anywhere.
pub const CODE_PATTERN: &str = "^[ -]*(?:[0-9][ -]*){6}$|^[ -]*(?:[a-kmnp-zA-KMNP-Z2-9][ -]*){10}$";

impl SecondFactorCode {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let invalid = || {
            FieldError::new(
                "",
                "invalid_format",
                "the six digits the authenticator app shows, or a recovery code (xxxxx-xxxxx)",
            )
        };
        if text.chars().count() > CODE_MAX_CHARS {
            return Err(invalid());
        }
        let kept: String = text
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if kept.len() == DIGITS && kept.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Totp(kept));
        }
        if kept.len() == RECOVERY_CODE_CHARS && kept.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
        {
            return Ok(Self::Recovery(kept));
        }
        Err(invalid())
    }
}

/// A recovery code as shown: `xxxxx-xxxxx`.
pub fn shown_recovery_code(code: &str) -> String {
    let (head, tail) = code.split_at(code.len().min(RECOVERY_CODE_CHARS / 2));
    format!("{head}-{tail}")
}

/// Equal in a time that does not depend on where two codes differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The step a TOTP `code` is accepted for at `now`: one of `now`'s step and the one before and
/// after it whose code it is, and later than `last_used` (the step of the last code accepted).
/// A wrong code, one of a step further away, and one of a step at or before `last_used` (a
/// replay, or an older code) are [`DomainError::WrongSecondFactor`]. The caller records the
/// step as used, only if it is still later than the last one recorded (two requests with one
/// code: one wins).
pub fn accepted_step(
    secret: &TotpSecret,
    code: &str,
    now: DateTime<Utc>,
    last_used: Option<i64>,
) -> Result<i64, DomainError> {
    let current = step_at(now);
    (current - SKEW_STEPS..=current + SKEW_STEPS)
        .filter(|step| last_used.is_none_or(|last| *step > last))
        .find(|step| same(secret.code_of_step(*step).as_bytes(), code.as_bytes()))
        .ok_or(DomainError::WrongSecondFactor)
}

/// A profile's two-step state, as far as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoFactorState {
    /// A set-up was started and waits for its first code.
    Pending,
    /// On: logins ask for a second factor.
    Enabled,
}

/// Starting a set-up: not while one is on (switching devices is: off, then on again).
pub fn decide_start(state: Option<TwoFactorState>) -> Result<(), DomainError> {
    match state {
        Some(TwoFactorState::Enabled) => Err(DomainError::TwoFactorAlreadyEnabled),
        _ => Ok(()),
    }
}

/// Confirming a set-up with its first code: one must be waiting.
pub fn decide_confirm(state: Option<TwoFactorState>) -> Result<(), DomainError> {
    match state {
        Some(TwoFactorState::Pending) => Ok(()),
        Some(TwoFactorState::Enabled) => Err(DomainError::TwoFactorAlreadyEnabled),
        None => Err(DomainError::TwoFactorNotStarted),
    }
}

/// Switching two-step off (or using it to log in): it must be on.
pub fn require_enabled(state: Option<TwoFactorState>) -> Result<(), DomainError> {
    match state {
        Some(TwoFactorState::Enabled) => Ok(()),
        _ => Err(DomainError::TwoFactorNotEnabled),
    }
}

/// Whether the account's policy covers a user.
pub fn covers(policy: RequireTwoFactor, is_admin: bool) -> bool {
    match policy {
        RequireTwoFactor::None => false,
        RequireTwoFactor::Admins => is_admin,
        RequireTwoFactor::Everyone => true,
    }
}

/// Whether a session of a user may only enroll: the account's policy covers the user, and the
/// profile has no second factor on. Decided at every request, so that a policy set, or two-step
/// switched off, takes effect at once; and an API token is never restricted (it is the
/// integrator's credential: the `Caller` does not ask for it).
pub fn enrollment_only(policy: RequireTwoFactor, is_admin: bool, enabled: bool) -> bool {
    covers(policy, is_admin) && !enabled
}

/// An administrator setting the account's policy: not one that covers them before they have a
/// second factor themselves (their own session would be shut in the same instant).
pub fn may_require(
    policy: RequireTwoFactor,
    setter_is_admin: bool,
    setter_enabled: bool,
) -> Result<(), DomainError> {
    if enrollment_only(policy, setter_is_admin, setter_enabled) {
        Err(DomainError::TwoFactorFirst)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).single().unwrap()
    }

    /// RFC 6238's test secret (SHA-1) and its published codes, last six digits.
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec()).unwrap()
    }

    #[test]
    fn codes_are_rfc_6238s() {
        let s = rfc_secret();
        assert_eq!(s.code_at(at(59)), "287082");
        assert_eq!(s.code_at(at(1_111_111_109)), "081804");
        assert_eq!(s.code_at(at(1_234_567_890)), "005924");
        assert_eq!(s.code_at(at(2_000_000_000)), "279037");
        assert_eq!(TotpSecret::from_base32(&s.base32()), Some(s));
    }

    #[test]
    fn a_secret_has_at_least_128_bits() {
        assert!(TotpSecret::from_bytes(vec![7; 15]).is_none());
        assert!(TotpSecret::from_base32("not base32!").is_none());
    }

    #[test]
    fn one_step_of_skew_either_way_and_no_further() {
        let s = rfc_secret();
        let now = at(1_000_000_020);
        let step = step_at(now);
        for offset in [-1, 0, 1] {
            let code = s.code_of_step(step + offset);
            assert_eq!(accepted_step(&s, &code, now, None), Ok(step + offset));
        }
        for offset in [-2, 2] {
            let code = s.code_of_step(step + offset);
            assert_eq!(
                accepted_step(&s, &code, now, None),
                Err(DomainError::WrongSecondFactor)
            );
        }
    }

    #[test]
    fn a_code_is_accepted_once_and_never_an_older_one() {
        let s = rfc_secret();
        let now = at(1_000_000_020);
        let step = step_at(now);
        let code = s.code_of_step(step);
        assert_eq!(
            accepted_step(&s, &code, now, Some(step)),
            Err(DomainError::WrongSecondFactor)
        );
        let before = s.code_of_step(step - 1);
        assert_eq!(
            accepted_step(&s, &before, now, Some(step)),
            Err(DomainError::WrongSecondFactor)
        );
        let after = s.code_of_step(step + 1);
        assert_eq!(accepted_step(&s, &after, now, Some(step)), Ok(step + 1));
    }

    #[test]
    fn codes_parse_as_totp_or_recovery() {
        assert_eq!(
            SecondFactorCode::parse(" 123 456 "),
            Ok(SecondFactorCode::Totp("123456".into()))
        );
        assert_eq!(
            SecondFactorCode::parse("ABCDE-fghjk"),
            Ok(SecondFactorCode::Recovery("abcdefghjk".into()))
        );
        for bad in ["12345", "1234567", "abcde-fghjl", "", &"9".repeat(40)] {
            assert!(SecondFactorCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(shown_recovery_code("abcdefghjk"), "abcde-fghjk");
        // The pattern the document shows says the same as the parser.
        let pattern = regex::Regex::new(CODE_PATTERN).unwrap();
        for text in [
            "123456",
            " 12 34-56 ",
            "abcde-fghjk",
            "ABCDEFGHJK",
            "12345",
            "1234567",
            "abcde-fghjl",
            "abcde\tfghjk",
            "",
            "ab",
            "0000000000",
            "2345678923",
        ] {
            assert_eq!(
                pattern.is_match(text),
                SecondFactorCode::parse(text).is_ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_uri_is_what_apps_read() {
        let uri = rfc_secret().otpauth_uri("ada@acme.example");
        assert!(uri.starts_with("otpauth://totp/Extranet:ada%40acme.example?secret="));
        assert!(uri.contains("issuer=Extranet"));
    }

    #[test]
    fn set_up_states() {
        use TwoFactorState::*;
        assert!(decide_start(None).is_ok());
        assert!(decide_start(Some(Pending)).is_ok());
        assert_eq!(
            decide_start(Some(Enabled)),
            Err(DomainError::TwoFactorAlreadyEnabled)
        );
        assert_eq!(decide_confirm(None), Err(DomainError::TwoFactorNotStarted));
        assert!(decide_confirm(Some(Pending)).is_ok());
        assert_eq!(
            require_enabled(Some(Pending)),
            Err(DomainError::TwoFactorNotEnabled)
        );
    }

    #[test]
    fn the_policy_covers_whom_it_says() {
        use RequireTwoFactor::*;
        assert!(!enrollment_only(None, true, false));
        assert!(enrollment_only(Admins, true, false));
        assert!(!enrollment_only(Admins, false, false));
        assert!(!enrollment_only(Admins, true, true));
        assert!(enrollment_only(Everyone, false, false));
        assert_eq!(
            may_require(Admins, true, false),
            Err(DomainError::TwoFactorFirst)
        );
        assert!(may_require(Admins, true, true).is_ok());
        assert!(may_require(None, true, false).is_ok());
    }
}
