//! The seat ledger: every active user and every pending invitation holds a seat of the plan's
//! user limit. The account row keeps the counters; each write that changes who holds a seat
//! changes them in its own transaction, under the account's lock (see `tx`), so they are exact
//! under any concurrency. Pending invitations past their expiry free their seats (rule 7): the
//! sweep marks them, and reads that count seats discount the ones not swept yet.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{to_count, Key};
use crate::base::schema::{accounts, invitations};
use crate::shared::audit::{self, AuditEvent};
use crate::tables::accounts::{account_by_id, external_domains_columns, AccountRecord};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::audit::AuditAction;
use domain::enums::InvitationStatus;
use domain::ids::AccountId;
use domain::plan::UserLimit;
use domain::seats::{HeldCeiling, SeatChange};
use serde_json::json;

/// Applies a decided change of the account's seat counters.
pub(crate) fn change_seats(
    conn: &mut DbConnection,
    account: AccountId,
    change: SeatChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if change == SeatChange::default() {
        return Ok(());
    }
    diesel::update(accounts::table.find(account.key()))
        .set((
            accounts::pending_invitations.eq(accounts::pending_invitations + change.pending),
            accounts::active_intranet.eq(accounts::active_intranet + change.active_intranet),
            accounts::active_extranet.eq(accounts::active_extranet + change.active_extranet),
            accounts::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Reserves `n` seats for new pending invitations in one conditional statement, late in the
/// transaction that decided on `decided_on` (read without the account's lock): it takes the
/// account row's lock, and succeeds only while the seats still fit under `limit`, the plan
/// and settings are still the ones decided on, and none of the account's people took a new
/// login since (`logins_version`). `false`: something moved meanwhile; the caller runs the
/// write again with the account locked from the start.
pub(crate) fn reserve_pending(
    conn: &mut DbConnection,
    decided_on: &AccountRecord,
    limit: UserLimit,
    n: u32,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let (mode, domains) = external_domains_columns(&decided_on.settings.external_domains);
    let settings = &decided_on.settings;
    let unchanged = accounts::table
        .find(decided_on.id.key())
        .filter(accounts::plan.eq(&decided_on.plan))
        .filter(accounts::who_can_invite.eq(settings.who_can_invite.as_str()))
        .filter(accounts::external_domains_mode.eq(mode))
        .filter(accounts::external_domains.eq(&domains))
        .filter(
            accounts::invitation_ttl_hours
                .eq(i32::try_from(settings.invitation_ttl_hours).unwrap_or(i32::MAX)),
        )
        // The batch told webhooks or not by this count (`audit::Webhooks`).
        .filter(
            accounts::active_webhooks
                .eq(i32::try_from(decided_on.active_webhooks).unwrap_or(i32::MAX)),
        )
        // Nobody of the account took a new login since the batch read its invitees' logins.
        .filter(
            accounts::logins_version
                .eq(i32::try_from(decided_on.logins_version).unwrap_or(i32::MAX)),
        );
    let take = (
        accounts::pending_invitations
            .eq(accounts::pending_invitations + SeatChange::invited(n).pending),
        accounts::updated_at.eq(now.naive_utc()),
    );
    let updated = match HeldCeiling::before_taking(limit, n) {
        HeldCeiling::Any => diesel::update(unchanged).set(take).execute(conn)?,
        HeldCeiling::AtMost(most) => diesel::update(
            unchanged.filter(
                (accounts::active_intranet
                    + accounts::active_extranet
                    + accounts::pending_invitations)
                    .le(i32::try_from(most).unwrap_or(i32::MAX)),
            ),
        )
        .set(take)
        .execute(conn)?,
        HeldCeiling::Never => 0,
    };
    Ok(updated == 1)
}

/// Rule 7: pending invitations past their expiry become `expired` and free their seats.
/// Runs at the start of every write that counts seats, so counters are exact when decided on.
pub(crate) fn sweep_account(
    conn: &mut DbConnection,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let at = now.naive_utc();
    let overdue: Vec<String> = invitations::table
        .filter(invitations::account_id.eq(account.key()))
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.le(at))
        .select(invitations::id)
        .load(conn)?;
    if overdue.is_empty() {
        return Ok(0);
    }
    diesel::update(invitations::table.filter(invitations::id.eq_any(&overdue)))
        .set((
            invitations::status.eq(InvitationStatus::Expired.as_str()),
            invitations::closed_at.eq(Some(at)),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)?;
    let n = u32::try_from(overdue.len()).unwrap_or(u32::MAX);
    change_seats(conn, account, SeatChange::expired(n), now)?;
    for id in overdue {
        audit::record(
            conn,
            AuditEvent {
                actor_token_id: None,
                account_id: Some(account),
                actor_user_id: None,
                actor_identity_id: None,
                action: AuditAction::InvitationExpired,
                subject_type: "invitation",
                subject_id: id,
                details: json!({}),
                at: now,
            },
        )?;
    }
    Ok(n)
}

/// The account with its seat counters as of `now`: pending invitations past their expiry hold
/// no seat, whether or not the sweep has marked them yet.
pub(crate) fn account_now(
    conn: &mut DbConnection,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<AccountRecord, StoreError> {
    let mut record = account_by_id(conn, account)?;
    let overdue: i64 = invitations::table
        .filter(invitations::account_id.eq(account.key()))
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.le(now.naive_utc()))
        .count()
        .get_result(conn)?;
    record.pending_invitations = record.pending_invitations.saturating_sub(to_count(overdue));
    Ok(record)
}

/// The accounts that hold pending invitations past their expiry.
pub(crate) fn accounts_with_overdue(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Vec<AccountId>, StoreError> {
    let ids: Vec<String> = invitations::table
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.le(now.naive_utc()))
        .select(invitations::account_id)
        .distinct()
        .load(conn)?;
    ids.iter()
        .map(|id| crate::base::keys::parse_id(id))
        .collect()
}
