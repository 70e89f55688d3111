//! What each row of a batch became, in request order: an invitation, a membership invitation,
//! or skipped with its problem — `already_invited` when the login's pending invitation goes to
//! the same place (`domain::invitation::already_invited`), so that a re-run is harmless.

use super::BatchRow;
use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::tables::invitations::{find_invitations, InvitationRecord};
use chrono::{DateTime, Utc};
use domain::error::FieldError;
use domain::ids::{AccountId, InvitationId};
use domain::invitation::{already_invited, Batch, Outcome};
use std::collections::HashMap;

/// The pending invitations skipped rows collide with (a batch that skips only).
pub(super) fn pending_of(
    conn: &mut DbConnection,
    account: AccountId,
    outcomes: &[Outcome],
    now: DateTime<Utc>,
) -> Result<HashMap<InvitationId, InvitationRecord>, StoreError> {
    let ids: Vec<InvitationId> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Skipped(e) => e.invitation_id,
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(find_invitations(conn, account, &ids, now)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

/// A skipped row: its problem, or the login's pending invitation when it is the row's own.
pub(super) fn skipped(
    batch: &Batch,
    problem: &FieldError,
    pending: &HashMap<InvitationId, InvitationRecord>,
) -> BatchRow {
    let own = problem
        .invitation_id
        .and_then(|id| pending.get(&id))
        .filter(|r| already_invited(batch, r.invitation_type, r.workgroup_id));
    match own {
        Some(record) => BatchRow::AlreadyInvited(Box::new(record.clone())),
        None => BatchRow::Skipped {
            code: problem.code.to_owned(),
            detail: problem.message.clone(),
            invitation_id: problem.invitation_id,
        },
    }
}

/// Every row of the request in its order: `made`, one per valid invitee, with the rows whose
/// fields were invalid (skipped with their first problem's code and all of their problems).
pub(super) fn in_request_order(batch: &Batch, made: Vec<BatchRow>) -> Vec<BatchRow> {
    let mut rows: Vec<(usize, BatchRow)> =
        batch.invitees.iter().map(|i| i.index).zip(made).collect();
    let mut invalid: Vec<(usize, Vec<&FieldError>)> = Vec::new();
    for e in &batch.invalid_rows {
        let row = e.row.unwrap_or_default();
        match invalid.iter_mut().find(|(r, _)| *r == row) {
            Some((_, problems)) => problems.push(e),
            None => invalid.push((row, vec![e])),
        }
    }
    rows.extend(invalid.into_iter().filter_map(|(row, problems)| {
        let first = problems.first()?;
        let detail = match problems.as_slice() {
            [one] => one.message.clone(),
            many => many
                .iter()
                .map(|e| match e.field.as_str() {
                    "" => e.message.clone(),
                    field => format!("`{field}`: {}", e.message),
                })
                .collect::<Vec<_>>()
                .join("; "),
        };
        Some((
            row,
            BatchRow::Skipped {
                code: first.code.to_owned(),
                detail,
                invitation_id: None,
            },
        ))
    }));
    rows.sort_by_key(|(row, _)| *row);
    rows.into_iter().map(|(_, r)| r).collect()
}
