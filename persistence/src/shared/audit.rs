//! The audit trail: every state change writes one event in its own transaction, naming the
//! actor (the user, and the API token it acted through), and the request it came in (the
//! request id the HTTP layer set with [`crate::base::request::in_request`] around the use case).

use crate::base::db::{insert_rows, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::request::current_request;
use crate::base::schema::audit_events;
use crate::shared::events::{self, Occurred};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::audit::AuditAction;
use domain::ids::{AccountId, ApiTokenId, IdentityId, UserId};
use domain::webhook::EventType;
use uuid::Uuid;

/// Who did what to whom.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub account_id: Option<AccountId>,
    pub actor_user_id: Option<UserId>,
    pub actor_identity_id: Option<IdentityId>,
    pub actor_token_id: Option<ApiTokenId>,
    pub action: AuditAction,
    pub subject_type: &'a str,
    pub subject_id: String,
    pub details: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl<'a> AuditEvent<'a> {
    /// What a user of the account did.
    pub(crate) fn by(
        actor: &domain::access::AccountUser,
        action: AuditAction,
        subject_type: &'a str,
        subject_id: String,
        details: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            account_id: Some(actor.account_id),
            actor_user_id: Some(actor.user_id),
            actor_identity_id: Some(actor.identity_id),
            actor_token_id: actor.token.map(|t| t.id),
            action,
            subject_type,
            subject_id,
            details,
            at,
        }
    }
}

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
    let request = current_request().map(|r| r.to_string());
    let ids: Vec<String> = events.iter().map(|_| Uuid::now_v7().to_string()).collect();
    let rows: Vec<(&String, &AuditEvent<'_>)> = ids.iter().zip(events).collect();
    let row = |(id, event): &(&String, &AuditEvent<'_>)| {
        (
            audit_events::id.eq((*id).clone()),
            audit_events::account_id.eq(event.account_id.map(|a| a.key())),
            audit_events::actor_user_id.eq(event.actor_user_id.map(|u| u.key())),
            audit_events::actor_identity_id.eq(event.actor_identity_id.map(|i| i.key())),
            audit_events::action.eq(event.action.as_str()),
            audit_events::subject_type.eq(event.subject_type.to_owned()),
            audit_events::subject_id.eq(event.subject_id.clone()),
            audit_events::details.eq(event.details.to_string()),
            audit_events::created_at.eq(event.at.naive_utc()),
            audit_events::actor_token_id.eq(event.actor_token_id.map(|t| t.key())),
            audit_events::request_id.eq(request.clone()),
        )
    };
    insert_rows!(conn, audit_events::table, rows.as_slice(), row);
    if webhooks == Webhooks::NoneActive {
        return Ok(());
    }
    // What webhooks hear of: the events of an account that map to a webhook event.
    let occurred: Vec<Occurred<'_>> = rows
        .iter()
        .filter_map(|(id, e)| {
            Some(Occurred {
                id: (*id).clone(),
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
