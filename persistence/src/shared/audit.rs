//! The audit trail: every state change writes one event in its own transaction, naming the
//! actor (the user, and the API token it acted through), and the request it came in (the
//! request id the HTTP layer set with [`crate::base::request::in_request`] around the use case).

use crate::base::db::{DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::request::current_request;
use crate::shared::events::{self, Occurred};
use crate::tables::audit_events;
pub use crate::tables::audit_events::AuditEvent;
use domain::webhook::EventType;
use uuid::Uuid;

pub(crate) fn record(conn: &mut DbConnection, event: AuditEvent<'_>) -> Result<(), StoreError> {
    record_all(conn, &[event])
}

/// Whether the events' account may have webhooks to tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Webhooks {
    /// Ask the webhooks table.
    Ask,
    /// The account row, read in this transaction, says it has none active (and a change of
    /// that since would make the transaction run again: `ledger::reserve_pending`).
    NoneActive,
}

/// Records events, in one statement.
pub(crate) fn record_all(
    conn: &mut DbConnection,
    events: &[AuditEvent<'_>],
) -> Result<(), StoreError> {
    record_all_to(conn, events, Webhooks::Ask)
}

/// As [`record_all`], knowing whether webhooks may hear of them.
pub(crate) fn record_all_to(
    conn: &mut DbConnection,
    events: &[AuditEvent<'_>],
    webhooks: Webhooks,
) -> Result<(), StoreError> {
    let mut writes = Writes::now(conn);
    let ids = write_all(&mut writes, events)?;
    writes.run()?;
    tell_webhooks(conn, &ids, events, webhooks)
}

/// Writes events through `writes` (chained with other inserts on PostgreSQL); returns their
/// ids, for [`tell_webhooks`] once they are written.
pub(crate) fn write_all(
    writes: &mut Writes<'_, '_>,
    events: &[AuditEvent<'_>],
) -> Result<Vec<String>, StoreError> {
    let request = current_request().map(|r| r.to_string());
    let ids: Vec<String> = events.iter().map(|_| Uuid::now_v7().to_string()).collect();
    audit_events::insert_all(writes, &ids, events, request)?;
    Ok(ids)
}

/// The written events (`ids`, as [`write_all`] returned them) that webhooks hear of become
/// their deliveries: an event of an account that maps to a webhook event, for each of its
/// webhooks that subscribed to it. (After the events and what they are about are written: a
/// delivery's body shows the resource as the API does, read back.)
pub(crate) fn tell_webhooks(
    conn: &mut DbConnection,
    ids: &[String],
    events: &[AuditEvent<'_>],
    webhooks: Webhooks,
) -> Result<(), StoreError> {
    if webhooks == Webhooks::NoneActive {
        return Ok(());
    }
    let occurred: Vec<Occurred<'_>> = ids
        .iter()
        .zip(events)
        .filter_map(|(id, e)| {
            Some(Occurred {
                id: id.clone(),
                event: EventType::for_action(e.action)?,
                account_id: e.account_id?,
                actor_user_id: e.actor_user_id,
                actor_token_id: e.actor_token_id,
                subject_type: e.subject_type,
                subject_id: &e.subject_id,
                details: &e.details,
                at: e.at,
            })
        })
        .collect();
    if let Some(at) = occurred.first().map(|o| o.at) {
        events::fan_out(conn, &occurred, at)?;
    }
    Ok(())
}
