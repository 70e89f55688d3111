//! Access that ends (issue #30, rule 12): an external user's access may end at an instant, and
//! a membership too. The end is exact: from that instant on the user is no longer active — no
//! token of theirs works and their seat is free — whether or not the sweep has recorded the
//! dismissal yet ([`has_ended`], which every read of a user's standing and of the seat counters
//! applies). The sweep then records it as a dismissal by the system ([`decide_access_expiry`]).
//!
//! The account's `default_external_access_days` gives a new external user an end when the
//! inviter gives none; a workgroup's `max_external_access_days` bounds the end of every external
//! person brought into it or kept in it ([`check_end`]).

use crate::access::AccountUser;
use crate::dismissal::Subject;
use crate::enums::Role;
use crate::enums::{UserStatus, UserType};
use crate::error::{DomainError, FieldError};
use crate::membership::MemberFacts;
use crate::seats::SeatChange;
use crate::workgroup::{may_edit_workgroup, Standing};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use crate::access_days::{parse_days, MAX_ACCESS_DAYS};

pub mod reminders;

/// Why a user was dismissed by the system rather than by an administrator.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Dismissal {
    /// Their `access_expires_at` came.
    AccessExpired,
    /// An access review removed them from their last workgroup.
    AccessReview,
}

impl Dismissal {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Whether access ending at `end` has ended at `now` (the end itself is past it).
pub fn has_ended(end: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    end.is_some_and(|end| end <= now)
}

/// A user's status as of `now`: an active user whose access has ended is dismissed, whether or
/// not the sweep has recorded it.
pub fn status_at(status: UserStatus, end: Option<DateTime<Utc>>, now: DateTime<Utc>) -> UserStatus {
    if status == UserStatus::Active && has_ended(end, now) {
        UserStatus::Dismissed
    } else {
        status
    }
}

/// The most days any end set now may lie ahead: the smallest maximum of the workgroups the
/// person is brought into or kept in, if any has one.
pub fn strictest(maxima: impl IntoIterator<Item = Option<u32>>) -> Option<u32> {
    maxima.into_iter().flatten().min()
}

/// Checks an end date given for an external person's access (or membership) at `now`, under
/// the strictest workgroup maximum `max_days`: in the future, within the maximum, and present
/// when a maximum applies (an open-ended access would pass it). `field` names it in the
/// refusal.
pub fn check_end(
    field: &str,
    end: Option<DateTime<Utc>>,
    max_days: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    let Some(end) = end else {
        return match max_days {
            Some(max) => Err(FieldError::new(
                field,
                "required",
                format!(
                    "an end date is required: a workgroup of this person's allows external \
                     access of at most {max} days (its max_external_access_days)"
                ),
            )),
            None => Ok(None),
        };
    };
    if end <= now {
        return Err(FieldError::new(
            field,
            "not_in_the_future",
            "the end of access must be later than now",
        ));
    }
    let longest = i64::from(max_days.unwrap_or(MAX_ACCESS_DAYS));
    if end > now + Duration::days(longest) {
        return Err(match max_days {
            Some(max) => FieldError::new(
                field,
                "beyond_maximum",
                format!(
                    "at most {max} days from now: a workgroup of this person's allows external \
                     access of at most {max} days (its max_external_access_days)"
                ),
            ),
            None => FieldError::new(
                field,
                "out_of_range",
                format!("at most {MAX_ACCESS_DAYS} days from now"),
            ),
        });
    }
    Ok(Some(end))
}

/// The end a new external person's access gets when the inviter gave none: the account's
/// default, shortened to the strictest maximum, or the maximum alone; none when neither is set.
pub fn default_end(
    default_days: Option<u32>,
    max_days: Option<u32>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let days = match (default_days, max_days) {
        (Some(d), Some(m)) => d.min(m),
        (Some(d), None) => d,
        (None, Some(m)) => m,
        (None, None) => return None,
    };
    Some(now + Duration::days(i64::from(days)))
}

/// The end of a new external person's access: the one given (checked), else the default.
pub fn new_person_end(
    field: &str,
    given: Option<DateTime<Utc>>,
    default_days: Option<u32>,
    max_days: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    match given {
        Some(_) => check_end(field, given, max_days, now),
        None => Ok(default_end(default_days, max_days, now)),
    }
}

/// An administrator sets the end of an active external user's access (`PATCH /v1/users/{id}`):
/// later to extend it, earlier, or none (open-ended, unless a maximum applies). Employees'
/// access does not end: transferring one to the intranet clears it.
pub fn decide_access_change(
    subject: &Subject,
    end: Option<DateTime<Utc>>,
    max_days: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DomainError> {
    if subject.status != UserStatus::Active {
        return Err(DomainError::AlreadyDismissed);
    }
    if subject.user_type != UserType::Extranet {
        return Err(DomainError::invalid(
            "access_expires_at",
            "external_users_only",
            "only an external user's access ends; an employee's does not",
        ));
    }
    Ok(check_end("access_expires_at", end, max_days, now)?)
}

/// The end a reinstated external user's access gets: the one given (checked); else the one it
/// had when it is still ahead; else none — unless a maximum applies, when a new end is required.
pub fn reinstated_end(
    user_type: UserType,
    had: Option<DateTime<Utc>>,
    given: Option<DateTime<Utc>>,
    max_days: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DomainError> {
    if user_type != UserType::Extranet {
        return match given {
            Some(_) => Err(DomainError::invalid(
                "access_expires_at",
                "external_users_only",
                "only an external user's access ends; an employee's does not",
            )),
            None => Ok(None),
        };
    }
    match (given, had) {
        (Some(_), _) => Ok(check_end("access_expires_at", given, max_days, now)?),
        (None, Some(had)) if had > now => {
            Ok(check_end("access_expires_at", Some(had), max_days, now)?)
        }
        (None, _) => Ok(check_end("access_expires_at", None, max_days, now)?),
    }
}

/// The sweep records an ended access: an active user whose end has come is dismissed by the
/// system and gives its seat back. `None`: nothing to record (already dismissed, or not due).
pub fn decide_access_expiry(
    subject: &Subject,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<SeatChange> {
    if subject.status != UserStatus::Active || !has_ended(end, now) {
        return None;
    }
    Some(crate::dismissal::seat_of(subject.user_type, -1))
}

/// Accepting an invitation whose access has ended already is refused (410
/// `access_period_over`): the person would be dismissed the moment they joined.
pub fn require_access_ahead(
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if has_ended(end, now) {
        Err(DomainError::AccessPeriodOver)
    } else {
        Ok(())
    }
}

/// Sets or clears the end of a membership (`expires_at`; the workgroup's owner, moderators,
/// administrators): later than now; never the owner's — the workgroup would be left without
/// one (hand ownership over first).
pub fn decide_membership_end(
    actor: &AccountUser,
    standing: Standing,
    target: Option<MemberFacts>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DomainError> {
    may_edit_workgroup(actor, standing)?;
    let target = target.ok_or(DomainError::NotFound("member"))?;
    if target.role == Role::Owner && end.is_some() {
        return Err(DomainError::invalid(
            "expires_at",
            "owner_membership",
            "the owner's membership does not end: hand ownership over first",
        ));
    }
    Ok(check_end("expires_at", end, None, now)?)
}

/// The end given for a new membership, checked (none: it does not end).
pub fn check_membership_end(
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DomainError> {
    match end {
        Some(_) => Ok(check_end("expires_at", end, None, now)?),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests;
