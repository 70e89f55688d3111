//! Webhook events: an audit event that a webhook of its account subscribed to becomes one
//! delivery per such webhook, written in the same transaction as the change itself — so a
//! rolled-back request tells nobody, and a committed one is never lost. The event's id is the
//! audit event's, and the body is written once: every attempt and redelivery sends the same.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::shared::event_resources::resource;
use crate::tables::outbox::deliveries::NewDelivery;
use crate::tables::{outbox, webhooks};
use chrono::{DateTime, SecondsFormat, Utc};
use domain::ids::{AccountId, ApiTokenId, UserId};
use domain::webhook::{EventType, EventTypes};
use serde_json::{json, Value};
use uuid::Uuid;

/// One thing that happened, as a webhook is told about it.
#[derive(Debug, Clone)]
pub struct Occurred<'a> {
    /// The event's id (the audit event's).
    pub id: String,
    pub event: EventType,
    pub account_id: AccountId,
    pub actor_user_id: Option<UserId>,
    pub actor_token_id: Option<ApiTokenId>,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub details: &'a Value,
    pub at: DateTime<Utc>,
}

impl Occurred<'_> {
    /// The body every delivery of the event sends: its id, type, time, account, who did it,
    /// the resource it is about under the resource's name (`resource`, as the API shows it,
    /// or its id alone), and what changed (`change`: the audit event's details).
    pub fn body(&self, resource: Option<Value>) -> String {
        let resource = resource.unwrap_or_else(|| json!({"id": self.subject_id}));
        json!({
            "id": self.id,
            "type": self.event.as_str(),
            "created_at": self.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "account_id": self.account_id.key(),
            "actor": self.actor_user_id.map(|u| json!({
                "user_id": u.key(),
                "api_token_id": self.actor_token_id.map(|t| t.key()),
            })),
            "data": { self.subject_type: resource, "change": self.details },
        })
        .to_string()
    }
}

/// Writes a delivery of each event to every active webhook of its account that subscribed to
/// it. One query for the account's webhooks; nothing more when it has none.
pub(crate) fn fan_out(
    conn: &mut DbConnection,
    events: &[Occurred<'_>],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(first) = events.first() else {
        return Ok(());
    };
    let mut deliveries = Vec::new();
    let mut accounts: Vec<AccountId> = vec![first.account_id];
    for e in events {
        if !accounts.contains(&e.account_id) {
            accounts.push(e.account_id);
        }
    }
    for account in accounts {
        let hooks = webhooks::subscribers_of(conn, account)?;
        if hooks.is_empty() {
            continue;
        }
        let hooks = hooks
            .into_iter()
            .map(|(id, url, words)| {
                EventTypes::from_words(&words)
                    .map(|subscribed| (id, url, subscribed))
                    .ok_or_else(|| StoreError::Corrupt(format!("webhook events {words:?}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for e in events.iter().filter(|e| e.account_id == account) {
            let mut body: Option<String> = None;
            for (id, url, subscribed) in &hooks {
                if !subscribed.contains(e.event) {
                    continue;
                }
                let body = match &body {
                    Some(b) => b.clone(),
                    None => {
                        let resource = resource(conn, e.subject_type, e.subject_id, now)?;
                        body.insert(e.body(resource)).clone()
                    }
                };
                deliveries.push(NewDelivery {
                    id: Uuid::now_v7(),
                    account_id: account,
                    webhook_id: id.clone(),
                    url: url.clone(),
                    event: e.event,
                    event_id: e.id.clone(),
                    body,
                });
            }
        }
    }
    if deliveries.is_empty() {
        return Ok(());
    }
    outbox::deliveries::enqueue(conn, &deliveries, now)
}
