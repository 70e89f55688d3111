//! Names people type: a person's first and last name, an account's name.

use crate::error::FieldError;
use serde::Serialize;

fn parse_text(input: &str, max: usize, what: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            "",
            "required",
            format!("{what} must not be empty"),
        ));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(
            "",
            "too_long",
            format!("{what} must have at most {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(
            "",
            "invalid_characters",
            format!("{what} must not contain control characters"),
        ));
    }
    Ok(s.to_owned())
}

/// A first or last name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_text(input, Self::MAX_CHARS, "a name").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An account's (company portal's) name: trimmed, 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AccountName(String);

impl AccountName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_text(input, Self::MAX_CHARS, "an account name").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Ann ").unwrap().as_str(), "Ann");
        assert_eq!(PersonName::parse("   ").unwrap_err().code, "required");
        assert_eq!(
            PersonName::parse(&"x".repeat(101)).unwrap_err().code,
            "too_long"
        );
        assert!(PersonName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse("a\u{0}b").unwrap_err().code,
            "invalid_characters"
        );
        assert_eq!(AccountName::parse("Acme Ltd").unwrap().as_str(), "Acme Ltd");
    }
}
