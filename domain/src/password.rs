//! The password policy for network profiles.

use crate::error::FieldError;

/// A password that meets the policy: 8 to 128 characters, not all of one kind of character
/// repeated. Hashing (Argon2id) is the HTTP layer's job; the domain only decides what is
/// acceptable.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;
    /// "Not one character repeated", as a JSON Schema (ECMA-262) pattern, for the OpenAPI
    /// document: [`Password::parse`] is what decides.
    pub const PATTERN: &'static str = r"^(?!([\s\S])\1*$)";

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            return Err(FieldError::new(
                "",
                "password_too_short",
                format!("a password needs at least {} characters", Self::MIN_CHARS),
            ));
        }
        if n > Self::MAX_CHARS {
            return Err(FieldError::new(
                "",
                "password_too_long",
                format!("a password has at most {} characters", Self::MAX_CHARS),
            ));
        }
        let mut chars = input.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(FieldError::new(
                "",
                "password_too_weak",
                "a password must not be one character repeated",
            ));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(Password::parse("correct horse").is_ok());
        assert_eq!(
            Password::parse("short").unwrap_err().code,
            "password_too_short"
        );
        assert_eq!(
            Password::parse("aaaaaaaaaa").unwrap_err().code,
            "password_too_weak"
        );
        assert_eq!(
            Password::parse(&"ab".repeat(65)).unwrap_err().code,
            "password_too_long"
        );
        assert_eq!(
            format!("{:?}", Password::parse("secret-pass").unwrap()),
            "Password(***)"
        );
    }
}
