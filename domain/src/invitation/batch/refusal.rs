//! A batch's refusal, every problem of every row in one answer (`on_conflict: refuse`), and what
//! a batch that skips makes of a login's pending invitation.

use super::{Batch, Target};
use crate::enums::UserType;
pub use crate::enums::{BatchDelivery, OnConflict};
use crate::error::{DomainError, FieldError};
use crate::ids::WorkgroupId;
use crate::seats::Shortfall;

/// Refuses a batch for every problem found, at once, or lets it through:
/// - invalid rows only: `Invalid` (422 `validation_failed`);
/// - conflicts only: `InviteeConflicts` (409, the rows' code, `batch_refused` when they
///   disagree);
/// - the seats only: `UserLimitReached` (409, `needed` and `available`);
/// - several kinds: `BatchRefused` (422 when a field is invalid, else 409), every row's problem
///   in row order, the rows the seats do not reach (`invited` past the `available` first ones)
///   named `user_limit_reached` — the rows to leave out for the rest to fit.
pub(super) fn refuse(
    invalid: Vec<FieldError>,
    conflicts: Vec<FieldError>,
    shortfall: Option<Shortfall>,
    invited: &[usize],
) -> Result<(), DomainError> {
    let kinds = [
        !invalid.is_empty(),
        !conflicts.is_empty(),
        shortfall.is_some(),
    ];
    match kinds {
        [false, false, false] => Ok(()),
        [true, false, false] => Err(DomainError::Invalid(in_row_order(invalid))),
        [false, true, false] => Err(DomainError::InviteeConflicts(in_row_order(conflicts))),
        [false, false, true] => Err(shortfall.map_or(
            DomainError::Unreachable("a shortfall was found"),
            |Shortfall { needed, available }| DomainError::UserLimitReached { needed, available },
        )),
        _ => {
            let unseated = shortfall.map_or(&[][..], |s| {
                invited
                    .get(usize::try_from(s.available).unwrap_or(usize::MAX)..)
                    .unwrap_or(&[])
            });
            let seat_errors = shortfall.into_iter().flat_map(|s| {
                unseated.iter().map(move |&row| {
                    FieldError::new(
                        "",
                        "user_limit_reached",
                        format!(
                            "no seat is left for this row: the valid rows need {} seat(s), {} are free",
                            s.needed, s.available
                        ),
                    )
                    .in_row(row)
                })
            });
            let mut errors: Vec<FieldError> = invalid.to_vec();
            errors.extend(conflicts);
            errors.extend(seat_errors);
            Err(DomainError::BatchRefused {
                errors: in_row_order(errors),
                invalid: !invalid.is_empty(),
                seats: shortfall,
            })
        }
    }
}

/// Problems sorted by their row (a stable sort: a row's problems keep their order).
fn in_row_order(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.sort_by_key(|e| e.row);
    errors
}

/// Whether a login's pending invitation is the row's own, made before: the same kind of
/// invitation into the same place (the same workgroup, or the account alone). A re-run of a
/// batch that skips finds its rows so, and answers them `already_invited`.
pub fn already_invited(
    batch: &Batch,
    pending_type: UserType,
    pending_workgroup: Option<WorkgroupId>,
) -> bool {
    let place = match &batch.target {
        Target::Existing(id) => Some(*id),
        Target::Account => None,
        Target::New(_) => return false,
    };
    pending_type == batch.invitation_type && pending_workgroup == place
}
