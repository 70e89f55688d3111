//! The account's write transaction, written once: lock the account (its writes are serialised,
//! across server processes too), sweep its overdue invitations when the write counts seats,
//! and, for creating writes with an `Idempotency-Key`, authorise first, then replay the
//! caller's stored outcome or run the work and store its outcome under the key.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::shared::ledger::sweep_account;
use crate::tables::account_seats;
pub(crate) use crate::tables::account_seats::{
    lock as lock_account, lock_of_identity as lock_accounts_of,
};
use crate::tables::idempotency_keys::{self, IdempotencyKey, Idempotent};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::ids::AccountId;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Whether a write first expires the account's overdue invitations: every write that counts
/// seats does, so that the counters it decides on are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sweep {
    First,
    No,
}

/// What a batch decided on without the account's lock changed: an existing workgroup's
/// settings, or who is an active member of it in which role (`WorkgroupFacts`). Each write
/// that changes them says so, under the account's lock (`account_seats::bump`), so that a
/// batch decided before reserves no seats and runs again, locked. (A new workgroup, and a
/// membership only asked for, change nothing a batch decided on.)
pub(crate) fn workgroup_changed(
    conn: &mut DbConnection,
    account: AccountId,
) -> Result<(), StoreError> {
    account_seats::bump(conn, &[account])
}

/// Runs `work` in a write transaction of `account`: locked, and swept when it counts seats.
pub(crate) fn in_account<T, F>(
    db: &Database,
    account: AccountId,
    sweep: Sweep,
    now: DateTime<Utc>,
    work: F,
) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
{
    db.write(move |conn| {
        lock_account(conn, account)?;
        if sweep == Sweep::First {
            sweep_account(conn, account, now)?;
        }
        work(conn)
    })
}

/// A creating write of the actor's account with an optional `Idempotency-Key`: `authorize`
/// runs first and decides whether the caller may do this at all (a caller who may not never
/// sees a stored answer); then the caller's outcome stored under the key is replayed, or
/// `work` runs with what `authorize` found and its outcome is stored under the key.
pub(crate) fn idempotent_in_account<A, T, Auth, Work>(
    db: &Database,
    actor: AccountUser,
    key: Option<IdempotencyKey>,
    sweep: Sweep,
    now: DateTime<Utc>,
    authorize: Auth,
    work: Work,
) -> Result<Idempotent<T>, StoreError>
where
    T: Serialize + DeserializeOwned + Send + 'static,
    Auth: FnOnce(&mut DbConnection) -> Result<A, StoreError> + Send + 'static,
    Work: FnOnce(&mut DbConnection, A) -> Result<T, StoreError> + Send + 'static,
{
    in_account(db, actor.account_id, sweep, now, move |conn| {
        let allowed = authorize(conn)?;
        let caller = idempotency_keys::caller_of(&actor);
        if let Some(key) = &key {
            if let Some(outcome) = idempotency_keys::replay(conn, &caller, key)? {
                return Ok(Idempotent {
                    outcome,
                    replayed: true,
                });
            }
        }
        let outcome = work(conn, allowed)?;
        if let Some(key) = &key {
            idempotency_keys::remember(conn, &caller, key, &outcome, now)?;
        }
        Ok(Idempotent {
            outcome,
            replayed: false,
        })
    })
}
