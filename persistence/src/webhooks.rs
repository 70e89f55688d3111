//! Webhooks of an account: created, read, changed and deleted by its administrators (or their
//! tokens with `webhooks:write`), pinged, and their delivery log read and replayed. What the
//! delivery worker does with them is [`crate::webhook_deliveries`].

use crate::audit::{self, AuditEvent};
use crate::db::{Database, DbConnection};
use crate::error::StoreError;
use crate::events::{self, NewDelivery, Occurred};
use crate::idempotency::{IdempotencyKey, Idempotent};
use crate::keys::{parse_id, parse_word, to_count, utc, Key};
use crate::models::accounts::recount_webhooks;
use crate::page::{into_page, Page, PageRequest};
use crate::schema::{outbox, webhooks};
use crate::tx::{self, Sweep};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::AccountUser;
use domain::enums::DeliveryStatus;
use domain::ids::WebhookId;
use domain::webhook::{
    may_add_webhook, may_manage_webhooks, EventType, EventTypes, NewWebhook, WebhookChange,
};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// A webhook as its administrators see it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRecord {
    pub id: WebhookId,
    pub url: String,
    pub events: Vec<EventType>,
    pub active: bool,
    /// Since when every delivery failed (none succeeded since), if they do.
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Why the server switched it off.
    pub disabled_reason: Option<String>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A created webhook and its secret sealed by the HTTP layer, so that a replay of the same
/// `Idempotency-Key` shows the same secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub webhook: WebhookRecord,
    pub sealed_secret: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhooks)]
struct WebhookRow {
    id: String,
    url: String,
    events: String,
    active: bool,
    failing_since: Option<NaiveDateTime>,
    disabled_at: Option<NaiveDateTime>,
    disabled_reason: Option<String>,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

pub(crate) fn events_of(words: &str) -> Result<EventTypes, StoreError> {
    EventTypes::from_words(words).ok_or_else(|| StoreError::Corrupt(format!("events {words:?}")))
}

impl WebhookRow {
    fn record(self) -> Result<WebhookRecord, StoreError> {
        Ok(WebhookRecord {
            id: parse_id(&self.id)?,
            url: self.url,
            events: events_of(&self.events)?.to_vec(),
            active: self.active,
            failing_since: self.failing_since.map(utc),
            disabled_at: self.disabled_at.map(utc),
            disabled_reason: self.disabled_reason,
            created_by: self.created_by,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// One delivery of an event to a webhook, as its log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub webhook_id: WebhookId,
    pub event_id: String,
    pub event: EventType,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// The receiver's last HTTP status, if it answered.
    pub response_status: Option<u16>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When the next attempt is due (pending deliveries only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct DeliveryRow {
    id: String,
    webhook_id: Option<String>,
    event_id: Option<String>,
    event: Option<String>,
    status: String,
    attempts: i32,
    response_status: Option<i32>,
    last_error: Option<String>,
    last_attempt_at: Option<NaiveDateTime>,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
}

impl DeliveryRow {
    fn record(self) -> Result<DeliveryRecord, StoreError> {
        let status = parse_word(&self.status, DeliveryStatus::parse)?;
        let missing = |what: &str| StoreError::Corrupt(format!("webhook delivery without {what}"));
        Ok(DeliveryRecord {
            id: parse_id(&self.id)?,
            webhook_id: parse_id(&self.webhook_id.ok_or_else(|| missing("webhook"))?)?,
            event_id: self.event_id.ok_or_else(|| missing("event id"))?,
            event: parse_word(
                &self.event.ok_or_else(|| missing("event"))?,
                EventType::parse,
            )?,
            status,
            attempts: to_count(self.attempts),
            response_status: self.response_status.and_then(|s| u16::try_from(s).ok()),
            last_error: self.last_error,
            last_attempt_at: self.last_attempt_at.map(utc),
            next_attempt_at: (status == DeliveryStatus::Pending).then(|| utc(self.next_attempt_at)),
            created_at: utc(self.created_at),
            sent_at: self.sent_at.map(utc),
        })
    }
}

fn find(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: WebhookId,
) -> Result<WebhookRecord, StoreError> {
    webhooks::table
        .filter(webhooks::id.eq(id.key()))
        .filter(webhooks::account_id.eq(actor.account_id.key()))
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DomainError::NotFound("webhook"))?
        .record()
}

fn count(conn: &mut DbConnection, actor: &AccountUser) -> Result<u32, StoreError> {
    let n: i64 = webhooks::table
        .filter(webhooks::account_id.eq(actor.account_id.key()))
        .count()
        .get_result(conn)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Creates a webhook; `sealed_secret` is its signing secret as the HTTP layer sealed it.
pub fn create(
    db: &Database,
    actor: AccountUser,
    new: NewWebhook,
    sealed_secret: String,
    key: Option<IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<Idempotent<CreatedWebhook>, StoreError> {
    may_manage_webhooks(&actor)?;
    tx::idempotent_in_account(
        db,
        actor,
        key,
        Sweep::No,
        now,
        move |conn| may_add_webhook(count(conn, &actor)?).map_err(Into::into),
        move |conn, ()| {
            let id = WebhookId(Uuid::now_v7());
            let at = now.naive_utc();
            diesel::insert_into(webhooks::table)
                .values((
                    webhooks::id.eq(id.key()),
                    webhooks::account_id.eq(actor.account_id.key()),
                    webhooks::url.eq(new.url.as_str()),
                    webhooks::events.eq(new.events.to_words()),
                    webhooks::secret.eq(&sealed_secret),
                    webhooks::active.eq(true),
                    webhooks::created_by.eq(Some(actor.user_id.key())),
                    webhooks::created_at.eq(at),
                    webhooks::updated_at.eq(at),
                ))
                .execute(conn)?;
            recount_webhooks(conn, actor.account_id)?;
            audit::record(
                conn,
                AuditEvent::by(
                    &actor,
                    "webhook.created",
                    "webhook",
                    id.key(),
                    json!({"url": new.url.as_str(), "events": new.events.to_vec()}),
                    now,
                ),
            )?;
            Ok(CreatedWebhook {
                webhook: find(conn, &actor, id)?,
                sealed_secret,
            })
        },
    )
}

/// One webhook of the caller's account.
pub fn get(db: &Database, actor: &AccountUser, id: WebhookId) -> Result<WebhookRecord, StoreError> {
    may_manage_webhooks(actor)?;
    db.read(|conn| find(conn, actor, id))
}

/// The account's webhooks, newest first.
pub fn list(
    db: &Database,
    actor: &AccountUser,
    page: PageRequest<WebhookId>,
) -> Result<Page<WebhookRecord, WebhookId>, StoreError> {
    may_manage_webhooks(actor)?;
    db.read(|conn| {
        let mut q = webhooks::table
            .filter(webhooks::account_id.eq(actor.account_id.key()))
            .into_boxed();
        if let Some(after) = page.after {
            q = q.filter(webhooks::id.lt(after.key()));
        }
        let rows = q
            .order(webhooks::id.desc())
            .limit(page.rows())
            .select(WebhookRow::as_select())
            .load(conn)?
            .into_iter()
            .map(WebhookRow::record)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(into_page(rows, page.limit, |w| w.id))
    })
}

/// The columns a change writes; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = webhooks)]
struct WebhookUpdate<'a> {
    url: Option<&'a str>,
    events: Option<String>,
    secret: Option<&'a str>,
    active: Option<bool>,
    failing_since: Option<Option<NaiveDateTime>>,
    disabled_at: Option<Option<NaiveDateTime>>,
    disabled_reason: Option<Option<&'a str>>,
    updated_at: NaiveDateTime,
}

/// Changes a webhook; `sealed_secret` is the new secret when the change has one. Switching it
/// on again forgets its failure streak and why it was switched off.
pub fn update(
    db: &Database,
    actor: &AccountUser,
    id: WebhookId,
    change: WebhookChange,
    sealed_secret: Option<String>,
    now: DateTime<Utc>,
) -> Result<WebhookRecord, StoreError> {
    may_manage_webhooks(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let before = find(conn, &actor, id)?;
        // Switching on again forgets the failure streak and why it was switched off.
        let cleared = (change.active == Some(true)).then_some(None);
        diesel::update(webhooks::table.find(id.key()))
            .set(&WebhookUpdate {
                url: change.url.as_ref().map(|u| u.as_str()),
                events: change.events.map(|e| e.to_words()),
                secret: sealed_secret.as_deref(),
                active: change.active,
                failing_since: cleared,
                disabled_at: cleared,
                disabled_reason: cleared.map(|_| None),
                updated_at: now.naive_utc(),
            })
            .execute(conn)?;
        let after = find(conn, &actor, id)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                "webhook.updated",
                "webhook",
                id.key(),
                json!({
                    "before": {"url": before.url, "events": before.events, "active": before.active},
                    "after": {"url": after.url, "events": after.events, "active": after.active},
                    "secret_changed": sealed_secret.is_some(),
                }),
                now,
            ),
        )?;
        Ok(after)
    })
}

/// Deletes a webhook and its delivery log; nothing more is sent to it.
pub fn delete(
    db: &Database,
    actor: &AccountUser,
    id: WebhookId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    may_manage_webhooks(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let gone = find(conn, &actor, id)?;
        diesel::delete(outbox::table.filter(outbox::webhook_id.eq(id.key()))).execute(conn)?;
        diesel::delete(webhooks::table.find(id.key())).execute(conn)?;
        recount_webhooks(conn, actor.account_id)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                "webhook.deleted",
                "webhook",
                id.key(),
                json!({"url": gone.url, "events": gone.events}),
                now,
            ),
        )?;
        Ok(())
    })
}

fn find_delivery(
    conn: &mut DbConnection,
    webhook: WebhookId,
    id: Uuid,
) -> Result<DeliveryRecord, StoreError> {
    outbox::table
        .filter(outbox::id.eq(id.to_string()))
        .filter(outbox::webhook_id.eq(webhook.key()))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DomainError::NotFound("delivery"))?
        .record()
}

/// Sends the webhook a `ping` event now (whether or not it is switched on), to try it.
pub fn ping(
    db: &Database,
    actor: &AccountUser,
    id: WebhookId,
    now: DateTime<Utc>,
) -> Result<DeliveryRecord, StoreError> {
    may_manage_webhooks(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let hook = find(conn, &actor, id)?;
        let details = json!({"url": hook.url, "events": hook.events});
        let hook_id = id.key();
        let event = Occurred {
            id: Uuid::now_v7().to_string(),
            event: EventType::Ping,
            account_id: actor.account_id,
            actor_user_id: Some(actor.user_id),
            actor_token_id: actor.token.map(|t| t.id),
            subject_type: "webhook",
            subject_id: &hook_id,
            details: &details,
            at: now,
        };
        let url = hook.url;
        let delivery = NewDelivery {
            id: Uuid::now_v7(),
            account_id: actor.account_id,
            webhook_id: hook_id.clone(),
            url: url.clone(),
            event: EventType::Ping,
            event_id: event.id.clone(),
            body: event.body(Some(json!({"id": hook_id, "url": url}))),
        };
        let delivery_id = delivery.id;
        events::enqueue(conn, &[delivery], now)?;
        find_delivery(conn, id, delivery_id)
    })
}

/// A webhook's deliveries, newest first.
pub fn deliveries(
    db: &Database,
    actor: &AccountUser,
    id: WebhookId,
    page: PageRequest<Uuid>,
) -> Result<Page<DeliveryRecord, Uuid>, StoreError> {
    may_manage_webhooks(actor)?;
    db.read(|conn| {
        find(conn, actor, id)?;
        let mut q = outbox::table
            .filter(outbox::webhook_id.eq(id.key()))
            .into_boxed();
        if let Some(after) = page.after {
            q = q.filter(outbox::id.lt(after.to_string()));
        }
        let rows = q
            .order(outbox::id.desc())
            .limit(page.rows())
            .select(DeliveryRow::as_select())
            .load(conn)?
            .into_iter()
            .map(DeliveryRow::record)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(into_page(rows, page.limit, |d| d.id))
    })
}

/// Sends a delivery's event again, as a new delivery with the same event id and body (the
/// receiver can tell it is the same event). Any delivery may be redelivered: a failed one once
/// the receiver is fixed, a sent one to a receiver that lost it.
pub fn redeliver(
    db: &Database,
    actor: &AccountUser,
    webhook: WebhookId,
    delivery: Uuid,
    now: DateTime<Utc>,
) -> Result<DeliveryRecord, StoreError> {
    may_manage_webhooks(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let hook = find(conn, &actor, webhook)?;
        let original = find_delivery(conn, webhook, delivery)?;
        let body: String = outbox::table
            .find(delivery.to_string())
            .select(outbox::payload)
            .first(conn)?;
        let again = NewDelivery {
            id: Uuid::now_v7(),
            account_id: actor.account_id,
            webhook_id: webhook.key(),
            url: hook.url,
            event: original.event,
            event_id: original.event_id,
            body,
        };
        let id = again.id;
        events::enqueue(conn, &[again], now)?;
        find_delivery(conn, webhook, id)
    })
}
