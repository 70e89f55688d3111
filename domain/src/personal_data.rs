//! A person's data, exported (issue #32; GDPR art. 15 and 20): who may export whose, how
//! much of each list, and what is never exported.

use crate::access::{may_administer_account, AccountUser};
use crate::enums::{ExportSection, WithheldData};
use crate::DomainError;

/// The most items of each list of an export, newest first: an export's memory stays bounded
/// however long a person's history is; a list cut there is named in the export's `truncated`.
pub const SECTION_CAP: usize = 10_000;

/// What an export always says it leaves out.
pub const WITHHELD: &[WithheldData] = WithheldData::ALL;

/// An account's administrator exports what the account holds about one of its users (any of
/// them, dismissed ones too, and themselves); nobody else does. A person exports their own
/// profile through the network profile.
pub fn may_export_user(actor: &AccountUser) -> Result<(), DomainError> {
    may_administer_account(actor)
}

/// The first [`SECTION_CAP`] of `items` (newest first), `section` named in `truncated` when
/// there were more.
pub fn capped<T>(
    mut items: Vec<T>,
    section: ExportSection,
    truncated: &mut Vec<ExportSection>,
) -> Vec<T> {
    if items.len() > SECTION_CAP {
        items.truncate(SECTION_CAP);
        truncated.push(section);
    }
    items
}

/// How many rows to read of a list: one past the cap, to tell a cut list from a full one.
pub fn rows_to_read() -> i64 {
    SECTION_CAP as i64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_past_the_cap_is_cut_and_named() {
        let mut truncated = Vec::new();
        let full = capped(vec![0; SECTION_CAP], ExportSection::Users, &mut truncated);
        assert_eq!(full.len(), SECTION_CAP);
        assert!(truncated.is_empty());
        let cut = capped(
            vec![0; SECTION_CAP + 1],
            ExportSection::Messages,
            &mut truncated,
        );
        assert_eq!(cut.len(), SECTION_CAP);
        assert_eq!(truncated, [ExportSection::Messages]);
        assert_eq!(rows_to_read(), SECTION_CAP as i64 + 1);
    }

    #[test]
    fn every_secret_is_said_to_be_withheld() {
        let words: Vec<&str> = WITHHELD.iter().map(|w| w.as_str()).collect();
        assert!(words.contains(&"password_hash"));
        assert!(words.contains(&"two_factor_secret"));
        assert!(words.contains(&"recovery_code_hashes"));
        assert!(words.contains(&"token_and_code_hashes"));
    }
}
