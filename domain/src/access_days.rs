//! How many days access may run (issue #30): an account's default, a workgroup's maximum.
//! A leaf of its own, so that the settings that hold them need none of `access_end`'s rules.

use crate::error::FieldError;

/// The longest access (or default, or maximum) in days: ten years.
pub const MAX_ACCESS_DAYS: u32 = 3650;

/// A number of days of access (a default or a maximum): 1 to [`MAX_ACCESS_DAYS`] (the field
/// is named by the caller: `FieldErrors::check`).
pub fn parse_days(days: i64) -> Result<u32, FieldError> {
    u32::try_from(days)
        .ok()
        .filter(|d| (1..=MAX_ACCESS_DAYS).contains(d))
        .ok_or_else(|| {
            FieldError::new(
                "",
                "out_of_range",
                format!("1 to {MAX_ACCESS_DAYS} days, or null for none"),
            )
        })
}
