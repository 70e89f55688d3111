//! Sign-up: a new account and its first administrator.

use crate::error::{DomainError, FieldErrors};
use crate::ids::IdentityId;
use crate::login::Login;
use crate::names::{AccountName, PersonName};
use crate::password::Password;
use crate::plan::{Plan, Plans};

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
    /// `admin` in the request.
    pub fn parse(req: SignUpRequest<'_>, plans: &Plans) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let account_name = errors.check("name", AccountName::parse(req.account_name));
        let plan = match req.plan {
            Some(p) => errors.check("plan", plans.choose(p).cloned()),
            None => Some(plans.default_plan().clone()),
        };
        let login = errors.check("admin", Login::from_email_or_phone(req.email, req.phone));
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
            _ => Err(DomainError::Invalid(Vec::new())),
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

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

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
        let s = SignUp::parse(request(), &Plans::default()).unwrap();
        assert_eq!(s.plan.name, "basic");
        assert_eq!(s.login.as_str(), "admin@acme.example");
        let free = SignUp::parse(
            SignUpRequest {
                plan: None,
                ..request()
            },
            &Plans::default(),
        )
        .unwrap();
        assert_eq!(free.plan.name, "free");
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
