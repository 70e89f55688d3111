//! Sign-up: a new account and its first administrator, created only once the login's owner
//! has proved it by the code sent to it. Until then the sign-up holds nothing: the login stays
//! free, and an unconfirmed sign-up expires. No answer tells whether the login already exists.

use crate::error::{DomainError, FieldError, FieldErrors};
use crate::ids::IdentityId;
use crate::login::Login;
use crate::names::{AccountName, PersonName};
use crate::password::Password;
use crate::plan::{Plan, Plans};
use chrono::{DateTime, Duration, Utc};

/// A confirmation code has this many digits.
pub const CODE_DIGITS: u32 = 6;
/// A code (and the sign-up waiting for it) lives this long.
pub const CODE_TTL_MINUTES: i64 = 15;

/// When a sign-up made now stops waiting for its code.
pub fn code_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(CODE_TTL_MINUTES)
}

/// A code as the person typed it: six digits (spaces and dashes between them are forgiven).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationCode(String);

impl ConfirmationCode {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() == CODE_DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(FieldError::new(
                "",
                "invalid_code",
                format!("a code has {CODE_DIGITS} digits"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The fields of a sign-up as the client sent them.
#[derive(Debug, Clone, Copy)]
pub struct SignUpRequest<'a> {
    pub account_name: &'a str,
    pub plan: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub password: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
}

/// A sign-up whose every field is valid.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub account_name: AccountName,
    pub plan: Plan,
    pub login: Login,
    pub password: Password,
    pub first_name: PersonName,
    pub last_name: PersonName,
}

impl SignUp {
    /// Checks every field, reporting all problems at once. The admin's fields live under
    /// `admin` in the request. `by_phone`: whether the server signs up by phone at all (its
    /// code goes by SMS, which strangers could make it send; an operator may keep sign-up to
    /// email).
    pub fn parse(
        req: SignUpRequest<'_>,
        plans: &Plans,
        by_phone: bool,
    ) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let account_name = errors.check("name", AccountName::parse(req.account_name));
        let plan = match req.plan {
            Some(p) => errors.check("plan", plans.choose(p).cloned()),
            None => Some(plans.default_plan().clone()),
        };
        let login = errors.check("admin", Login::from_email_or_phone(req.email, req.phone));
        let login = match login {
            Some(Login::Phone(_)) if !by_phone => {
                errors.push(FieldError::new(
                    "admin.phone",
                    "sign_up_by_phone_disabled",
                    "this server does not sign up by phone; give an email address instead",
                ));
                None
            }
            login => login,
        };
        let password = errors.check("admin.password", Password::parse(req.password));
        let first_name = errors.check("admin.first_name", PersonName::parse(req.first_name));
        let last_name = errors.check("admin.last_name", PersonName::parse(req.last_name));
        errors.finish()?;
        match (account_name, plan, login, password, first_name, last_name) {
            (
                Some(account_name),
                Some(plan),
                Some(login),
                Some(password),
                Some(first_name),
                Some(last_name),
            ) => Ok(Self {
                account_name,
                plan,
                login,
                password,
                first_name,
                last_name,
            }),
            _ => Err(DomainError::Unreachable(
                "a sign-up without field errors misses a field",
            )),
        }
    }
}

/// A network profile that already has the sign-up's login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExistingProfile {
    pub identity_id: IdentityId,
    /// Whether the password given matches the profile's.
    pub password_matches: bool,
}

/// Whose network profile the first administrator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminProfile {
    Create,
    Reuse(IdentityId),
}

/// A login belongs to one identity across the network (rule 6): a person who already has a
/// profile signs up a further account with that profile's own password, never a new one.
pub fn decide_admin_profile(
    existing: Option<ExistingProfile>,
) -> Result<AdminProfile, DomainError> {
    match existing {
        None => Ok(AdminProfile::Create),
        Some(p) if p.password_matches => Ok(AdminProfile::Reuse(p.identity_id)),
        Some(_) => Err(DomainError::InvalidCredentials),
    }
}

/// A sign-up waiting for its code, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingSignUp {
    pub expires_at: DateTime<Utc>,
    pub confirmed: bool,
    /// The login's profile whose password the sign-up gave, if it had one then.
    pub proved_profile: Option<IdentityId>,
    /// Whether the sign-up carries a password for a new profile.
    pub has_new_password: bool,
}

impl PendingSignUp {
    /// Whether a code may still confirm it: unused and unexpired. Wrong codes never make it
    /// dead (a stranger could cancel it so); they slow the guesser down
    /// (`code_attempts`).
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        !self.confirmed && self.expires_at > now
    }
}

/// Confirming a sign-up: the code must be that of a live sign-up of the login (single use,
/// short-lived, its guessing slowed down by `code_attempts`: otherwise 422 `invalid_code`, whichever the reason, so codes
/// cannot be probed). The login's owner has then proved the login; rule 6 decides the profile:
/// an existing one is reused only when the sign-up gave its password, and a profile that
/// appeared since the sign-up (someone else proved the login first) is never taken over.
pub fn decide_sign_up_confirmation(
    matching: Option<PendingSignUp>,
    profile_now: Option<IdentityId>,
    now: DateTime<Utc>,
) -> Result<AdminProfile, DomainError> {
    let pending = matching
        .filter(|p| p.is_live(now))
        .ok_or(DomainError::InvalidCode)?;
    match (pending.proved_profile, profile_now) {
        (Some(proved), Some(now)) if proved == now => Ok(AdminProfile::Reuse(proved)),
        (_, Some(_)) => Err(DomainError::InvalidCredentials),
        (_, None) if pending.has_new_password => Ok(AdminProfile::Create),
        (_, None) => Err(DomainError::InvalidCredentials),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(
            ConfirmationCode::parse(" 123-456 ").unwrap().as_str(),
            "123456"
        );
        for bad in ["12345", "1234567", "12a456", ""] {
            assert_eq!(
                ConfirmationCode::parse(bad).unwrap_err().code,
                "invalid_code"
            );
        }
    }

    #[test]
    fn a_code_confirms_a_live_sign_up_once_and_never_takes_over_a_profile() {
        let now = Utc::now();
        let id = IdentityId(Uuid::from_u128(7));
        let other = IdentityId(Uuid::from_u128(8));
        let new = PendingSignUp {
            expires_at: code_expiry(now),
            confirmed: false,
            proved_profile: None,
            has_new_password: true,
        };
        assert_eq!(
            decide_sign_up_confirmation(Some(new), None, now),
            Ok(AdminProfile::Create)
        );
        for dead in [
            PendingSignUp {
                confirmed: true,
                ..new
            },
            PendingSignUp {
                expires_at: now,
                ..new
            },
        ] {
            assert_eq!(
                decide_sign_up_confirmation(Some(dead), None, now),
                Err(DomainError::InvalidCode)
            );
        }
        assert_eq!(
            decide_sign_up_confirmation(None, None, now),
            Err(DomainError::InvalidCode)
        );
        // A profile created since by someone else is not taken over.
        assert_eq!(
            decide_sign_up_confirmation(Some(new), Some(other), now),
            Err(DomainError::InvalidCredentials)
        );
        // The profile's own password was given: it gets one more account.
        let proved = PendingSignUp {
            proved_profile: Some(id),
            has_new_password: false,
            ..new
        };
        assert_eq!(
            decide_sign_up_confirmation(Some(proved), Some(id), now),
            Ok(AdminProfile::Reuse(id))
        );
        // A wrong password for an existing profile: the code proves the login, not the password.
        let unproved = PendingSignUp {
            has_new_password: false,
            ..new
        };
        assert_eq!(
            decide_sign_up_confirmation(Some(unproved), Some(id), now),
            Err(DomainError::InvalidCredentials)
        );
        assert_eq!(
            decide_sign_up_confirmation(Some(unproved), None, now),
            Err(DomainError::InvalidCredentials)
        );
    }

    fn request() -> SignUpRequest<'static> {
        SignUpRequest {
            account_name: "Acme",
            plan: Some("basic"),
            email: Some("admin@acme.example"),
            phone: None,
            password: "correct horse",
            first_name: "Ada",
            last_name: "Lovelace",
        }
    }

    #[test]
    fn a_valid_sign_up_parses() {
        let s = SignUp::parse(request(), &Plans::default(), true).unwrap();
        assert_eq!(s.plan.name, "basic");
        assert_eq!(s.login.as_str(), "admin@acme.example");
        let free = SignUp::parse(
            SignUpRequest {
                plan: None,
                ..request()
            },
            &Plans::default(),
            true,
        )
        .unwrap();
        assert_eq!(free.plan.name, "free");
        // By phone, unless the server keeps sign-up to email.
        let by_phone = SignUpRequest {
            email: None,
            phone: Some("+1 415 555 0101"),
            ..request()
        };
        assert!(SignUp::parse(by_phone, &Plans::default(), true).is_ok());
        let err = SignUp::parse(by_phone, &Plans::default(), false).unwrap_err();
        let named: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(named, [("admin.phone", "sign_up_by_phone_disabled")]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let err = SignUp::parse(
            SignUpRequest {
                account_name: "",
                plan: Some("gold"),
                email: Some("nope"),
                password: "short",
                first_name: " ",
                ..request()
            },
            &Plans::default(),
            true,
        )
        .unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "plan",
                "admin.email",
                "admin.password",
                "admin.first_name"
            ]
        );
    }

    #[test]
    fn an_existing_profile_must_prove_its_password() {
        let id = IdentityId(Uuid::from_u128(7));
        assert_eq!(decide_admin_profile(None), Ok(AdminProfile::Create));
        assert_eq!(
            decide_admin_profile(Some(ExistingProfile {
                identity_id: id,
                password_matches: true
            })),
            Ok(AdminProfile::Reuse(id))
        );
        assert_eq!(
            decide_admin_profile(Some(ExistingProfile {
                identity_id: id,
                password_matches: false
            })),
            Err(DomainError::InvalidCredentials)
        );
    }
}
