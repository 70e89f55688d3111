//! Logins: an email address or an E.164 phone number, normalised so that one person's login
//! compares equal however it was typed.

use crate::enums::Channel;
use crate::error::FieldError;
use serde::{Serialize, Serializer};
use std::fmt;

/// An email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_lowercase();
        let invalid = |why: &str| {
            Err(FieldError::new(
                "",
                "invalid_email",
                format!("`{}` is not a valid email address: {why}", input.trim()),
            ))
        };
        if s.is_empty() {
            return invalid("it is empty");
        }
        if s.len() > Self::MAX_LEN {
            return invalid("it is longer than 254 characters");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return invalid("it has no `@`");
        };
        if local.is_empty() || local.len() > 64 {
            return invalid("the part before `@` must have 1 to 64 characters");
        }
        let local_ok = local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        if !local_ok {
            return invalid("the part before `@` has characters an address cannot have");
        }
        if !is_domain_name(domain) {
            return invalid("the part after `@` is not a domain name");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`, which the account's `external_domains` rules look at.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// A DNS name with at least two labels and an alphabetic top-level label (`client.example`).
pub fn is_domain_name(s: &str) -> bool {
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
    labels.iter().all(label_ok) && tld_ok
}

/// What [`is_domain_name`] takes once trimmed of blanks and leading `@`s (as the account's
/// domain lists read their entries), as a JSON Schema pattern: labels of letters, digits and
/// inner hyphens, at most 63 characters each, and a top-level label of two or more letters.
/// The 253-character bound is the document's `maxLength`.
pub const DOMAIN_PATTERN: &str =
    r"^\s*@*([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\s*$";

/// What [`Phone::parse`] takes, as a regular expression (the same in ECMAScript's syntax,
/// which JSON Schema's `pattern` uses, and Rust's): `+` and 8 to 15 digits, the first not
/// zero, with spaces, dots, dashes and parentheses anywhere in between, and blanks around.
pub const PHONE_PATTERN: &str = r"^\s*[ ().-]*\+[ ().-]*[1-9](?:[ ().-]*[0-9]){7,14}[ ().-]*\s*$";

/// A phone number in E.164 form: `+`, then 8 to 15 digits, the first not zero. Spaces,
/// dots, dashes and parentheses typed between digits are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let trimmed = input.trim();
        let compact: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or("");
        let valid = !digits.is_empty()
            && (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        if valid {
            Ok(Self(compact))
        } else {
            Err(FieldError::new(
                "",
                "invalid_phone",
                format!(
                    "`{trimmed}` is not a phone number in E.164 form (`+` and 8 to 15 digits, e.g. +14155550101)"
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a person logs in with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Login {
    Email(Email),
    Phone(Phone),
}

impl Login {
    /// A login typed into one field: an address when it has `@`, else a phone number.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        if input.contains('@') {
            Email::parse(input).map(Self::Email)
        } else if input
            .trim_start_matches(|c: char| c.is_whitespace() || " ().-".contains(c))
            .starts_with('+')
        {
            // As a phone field takes it (`PHONE_PATTERN`): `(+1) 415…` too.
            Phone::parse(input).map(Self::Phone)
        } else {
            Err(FieldError::new(
                "",
                "invalid_login",
                "a login is an email address or a phone number in E.164 form (+14155550101)",
            ))
        }
    }

    /// A login from two optional fields of which exactly one must be given.
    pub fn from_email_or_phone(
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Self, FieldError> {
        match (email, phone) {
            (Some(email), None) => Email::parse(email)
                .map(Self::Email)
                .map_err(|e| e.under("email")),
            (None, Some(phone)) => Phone::parse(phone)
                .map(Self::Phone)
                .map_err(|e| e.under("phone")),
            (Some(_), Some(_)) => Err(FieldError::new(
                "",
                "email_or_phone",
                "give either `email` or `phone`, not both",
            )),
            (None, None) => Err(FieldError::new(
                "",
                "email_or_phone",
                "give an `email` or a `phone`",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Email(e) => e.as_str(),
            Self::Phone(p) => p.as_str(),
        }
    }

    /// How a message reaches this login: an address by email, a number by SMS.
    pub fn channel(&self) -> Channel {
        match self {
            Self::Email(_) => Channel::Email,
            Self::Phone(_) => Channel::Sms,
        }
    }

    pub fn email(&self) -> Option<&Email> {
        match self {
            Self::Email(e) => Some(e),
            Self::Phone(_) => None,
        }
    }

    pub fn phone(&self) -> Option<&Phone> {
        match self {
            Self::Phone(p) => Some(p),
            Self::Email(_) => None,
        }
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! serialize_as_str {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
serialize_as_str!(Email, Phone);

#[cfg(test)]
mod tests {
    use super::*;

    /// [`PHONE_PATTERN`] takes what [`Phone::parse`] takes, and refuses what it refuses.
    #[test]
    fn the_phone_pattern_takes_what_the_domain_takes() {
        let pattern = regex::Regex::new(PHONE_PATTERN).unwrap();
        for input in [
            "+14155550101",
            " +1 (415) 555-01.01 ",
            "(+44) 20 7946 0958",
            "+12345678",
            "+123456789012345",
            "\t+1-415-555-0101\t",
            "+0123456789",
            "+1234567",
            "+1234567890123456",
            "14155550101",
            "+1415555010a",
            "++14155550101",
            "+1 415 555 0101 x",
            "",
            "+",
        ] {
            assert_eq!(
                pattern.is_match(input),
                Phone::parse(input).is_ok(),
                "{input:?}"
            );
        }
    }

    #[test]
    fn emails_are_normalised() {
        let e = Email::parse("  Ann.Lee@Client.Example ").unwrap();
        assert_eq!(e.as_str(), "ann.lee@client.example");
        assert_eq!(e.domain(), "client.example");
    }

    #[test]
    fn bad_emails_are_refused() {
        for bad in [
            "",
            "ann",
            "@client.example",
            "ann@",
            "ann@client",
            "ann@client.c0m",
            "ann..lee@client.example",
            "ann@-client.example",
            "an n@client.example",
            "ann@client..example",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.code, "invalid_email", "{bad}");
        }
    }

    #[test]
    fn phones_are_e164() {
        assert_eq!(
            Phone::parse("+1 (415) 555-0101").unwrap().as_str(),
            "+14155550101"
        );
        for bad in [
            "14155550101",
            "+0123456789",
            "+1234567",
            "+1234567890123456",
            "+1415abc0101",
            "+",
        ] {
            assert_eq!(
                Phone::parse(bad).unwrap_err().code,
                "invalid_phone",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_login_is_an_email_or_a_phone() {
        assert!(matches!(Login::parse("a@b.example"), Ok(Login::Email(_))));
        assert!(matches!(
            Login::parse("+4915112345678"),
            Ok(Login::Phone(_))
        ));
        assert_eq!(Login::parse("ann").unwrap_err().code, "invalid_login");
        // One field takes a phone number as a phone field does (`PHONE_PATTERN`).
        for typed in [
            "(+1) 415 555 0101",
            " .+1-415-555-0101",
            "+1 (415) 555-0101",
        ] {
            assert_eq!(
                Login::parse(typed).unwrap(),
                Login::Phone(Phone::parse("+14155550101").unwrap()),
                "{typed}"
            );
        }
    }

    #[test]
    fn exactly_one_of_email_and_phone() {
        assert!(Login::from_email_or_phone(Some("a@b.example"), None).is_ok());
        assert!(Login::from_email_or_phone(None, Some("+14155550101")).is_ok());
        assert_eq!(
            Login::from_email_or_phone(Some("a@b.example"), Some("+14155550101"))
                .unwrap_err()
                .code,
            "email_or_phone"
        );
        assert_eq!(
            Login::from_email_or_phone(None, None).unwrap_err().code,
            "email_or_phone"
        );
        assert_eq!(
            Login::from_email_or_phone(Some("nope"), None)
                .unwrap_err()
                .field,
            "email"
        );
    }
}
