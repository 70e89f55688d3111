//! The seat ledger: every active user and every pending invitation holds a seat of the plan's
//! user limit. The account's seat row (`account_seats`) keeps the counters; each write that changes who holds a seat
//! changes them in its own transaction, under the account's lock (see `tx`), so they are exact
//! under any concurrency. Pending invitations past their expiry free their seats (rule 7): the
//! sweep marks them, and reads that count seats discount the ones not swept yet.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::to_count;
use crate::shared::audit::{self, AuditEvent};
use crate::shared::{access_ends, access_reviews};
use crate::tables::account_seats::{self, Reservation};
use crate::tables::accounts::{account_by_id, AccountRecord};
use crate::tables::sending_counters::{self, Counted};
use crate::tables::{access_reviews as reviews, invitations, memberships, users};
use chrono::{DateTime, Utc};
use domain::audit::AuditAction;
use domain::ids::AccountId;
use domain::plan::UserLimit;
use domain::seats::SeatChange;
use domain::sending::{Sending, SendingQuotas};
use serde_json::json;

/// Rule 7: pending invitations past their expiry become `expired` and free their seats.
/// Runs at the start of every write that counts seats, so counters are exact when decided on.
pub(crate) fn sweep_account(
    conn: &mut DbConnection,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let at = now.naive_utc();
    // Ended access and memberships (issue #30) are recorded alike, then due access reviews
    // applied (on the users as the ended access left them).
    access_ends::sweep_ended(conn, account, now)?;
    access_reviews::apply_due(conn, account, now)?;
    let overdue = invitations::overdue_in(conn, account, at)?;
    if overdue.is_empty() {
        return Ok(0);
    }
    invitations::mark_expired(conn, &overdue, at)?;
    let n = u32::try_from(overdue.len()).unwrap_or(u32::MAX);
    change_seats(conn, account, SeatChange::expired(n))?;
    for id in overdue {
        audit::record(
            conn,
            AuditEvent::by_system(
                account,
                AuditAction::InvitationExpired,
                "invitation",
                id,
                json!({}),
                now,
            ),
        )?;
    }
    Ok(n)
}

/// Applies a decided change of the account's seat counters (under its lock).
pub(crate) fn change_seats(
    conn: &mut DbConnection,
    account: AccountId,
    change: SeatChange,
) -> Result<(), StoreError> {
    account_seats::change(conn, account, change)
}

/// Reserves `n` seats for new pending invitations decided on `decided_on`, without its lock
/// (`account_seats::reserve_pending`): `false` when they no longer fit, or anything it was
/// decided on changed since.
pub(crate) fn reserve_pending(
    conn: &mut DbConnection,
    decided_on: &AccountRecord,
    limit: UserLimit,
    n: u32,
) -> Result<bool, StoreError> {
    account_seats::reserve_pending(conn, decided_on.id, decided_on.version, limit, n)
}

/// Reserves `n` seats for new pending invitations decided on `decided_on`
/// ([`reserve_pending`]) and counts their `messages` against the sending quotas, for the caller
/// to judge ([`Counted::judge`]) — in this order, as every write takes the account row before
/// the counters. On PostgreSQL both are one statement: the account's lock is held from it to
/// the commit, and every round trip inside it is one more that every other invitation of the
/// account waits for. `None`: the seats, plan or settings moved; nothing was reserved or counted.
pub(crate) fn reserve_and_count(
    conn: &mut DbConnection,
    decided_on: &AccountRecord,
    limit: UserLimit,
    n: u32,
    messages: &[Sending<'_>],
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<Option<Counted>, StoreError> {
    let account = Some(decided_on.id);
    if let DbConnection::Pg(pg) = conn {
        let Some(reservation) = Reservation::of(decided_on.id, decided_on.version, limit, n, true)
        else {
            return Ok(None);
        };
        return sending_counters::count_after(pg, reservation, account, messages, quotas, now);
    }
    if !reserve_pending(conn, decided_on, limit, n)? {
        return Ok(None);
    }
    Ok(Some(sending_counters::count(
        conn, account, messages, quotas, now,
    )?))
}

/// The account with its seat counters as of `now`: pending invitations past their expiry
/// and users whose access has ended hold no seat, whether or not the sweep has recorded them
/// yet.
pub(crate) fn account_now(
    conn: &mut DbConnection,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<AccountRecord, StoreError> {
    let mut record = account_by_id(conn, account)?;
    let at = now.naive_utc();
    let overdue = invitations::count_overdue_in(conn, account, at)?;
    record.pending_invitations = record.pending_invitations.saturating_sub(to_count(overdue));
    let (intranet, extranet) = users::count_ended_access_in(conn, account, at)?;
    record.active_intranet = record.active_intranet.saturating_sub(to_count(intranet));
    record.active_extranet = record.active_extranet.saturating_sub(to_count(extranet));
    Ok(record)
}

/// The accounts that hold pending invitations past their expiry, users or memberships whose
/// end has come, not yet recorded, or an access review due and not applied.
pub(crate) fn accounts_with_overdue(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Vec<AccountId>, StoreError> {
    let at = now.naive_utc();
    let mut ids = invitations::accounts_with_overdue(conn, at)?;
    ids.extend(users::accounts_with_ended_access(conn, at)?);
    ids.extend(memberships::accounts_with_ended(conn, at)?);
    ids.extend(reviews::accounts_with_due(conn, at)?);
    ids.sort();
    ids.dedup();
    ids.iter()
        .map(|id| crate::base::keys::parse_id(id))
        .collect()
}
