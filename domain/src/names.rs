//! Names people type: a person's first and last name, an account's name, a list's search.

use crate::error::{DomainError, FieldError};
use serde::Serialize;

/// What [`parse_text`] takes (names of people, accounts, workgroups, tokens), as a JSON
/// Schema pattern for the OpenAPI document: something besides blanks, and no control
/// characters (Unicode's `Cc`: U+0000 to U+001F and U+007F to U+009F).
pub const TEXT_PATTERN: &str =
    r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$";

pub(crate) fn parse_text(input: &str, max: usize, what: &str) -> Result<String, FieldError> {
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

/// At most this many characters in a list's search text (`q`).
pub const MAX_SEARCH_CHARS: usize = 200;

/// A list's search text (`q`): trimmed, at most [`MAX_SEARCH_CHARS`] characters; blank is no
/// search at all. A longer one is refused, not cut: nobody's name is that long, and a huge
/// pattern is only there to make the database work.
pub fn parse_search(q: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(DomainError::invalid(
            "q",
            "too_long",
            format!("a search has at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    Ok(Some(q.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`TEXT_PATTERN`] takes what [`parse_text`] takes, and refuses what it refuses.
    #[test]
    fn the_text_pattern_takes_what_a_name_takes() {
        let text = regex::Regex::new(TEXT_PATTERN).unwrap();
        for input in ["Ann", " Ann Lee ", "Zoë", "0", "a\u{a0}b", "\u{2003}x"] {
            assert!(text.is_match(input), "{input:?}");
            assert!(PersonName::parse(input).is_ok(), "{input:?}");
        }
        for input in [
            "", " ", "\t\n", "\u{3000}", "a\u{0}b", "a\u{7f}", "a\u{85}b", "a\nb",
        ] {
            assert!(!text.is_match(input), "{input:?}");
            assert!(PersonName::parse(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn a_search_is_trimmed_and_bounded() {
        assert_eq!(parse_search(None), Ok(None));
        assert_eq!(parse_search(Some("  ")), Ok(None));
        assert_eq!(parse_search(Some(" ann ")), Ok(Some("ann".into())));
        assert!(parse_search(Some(&"é".repeat(200))).is_ok());
        let err = parse_search(Some(&"a".repeat(201))).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "q");
        assert_eq!(err.field_errors()[0].code, "too_long");
    }

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
