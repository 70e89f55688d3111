//! Webhooks of an account: created, read, changed and deleted by its administrators (or their
//! tokens with `webhooks:write`, subscribing only to events whose data they read), pinged, and
//! their delivery log read and replayed. Each is shown as it stands now (switched off when
//! whoever answers for it no longer could make it: `crate::tables::webhooks`). What the
//! delivery worker does with them is [`crate::use_cases::webhooks::deliveries`].

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, to_count, utc, Key};
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::events::Occurred;
use crate::shared::tx::{self, Sweep};
use crate::shared::webhook_switch_off::switch_off;
use crate::tables::accounts::recount_webhooks;
use crate::tables::idempotency_keys::{IdempotencyKey, Idempotent};
use crate::tables::outbox::deliveries::{DeliveryRow, NewDelivery};
use crate::tables::outbox::{self, resume_paused};
use crate::tables::webhooks::{
    self, as_they_stand, events_of, orphaned, NewWebhookRow, WebhookRow, WebhookUpdate,
};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::enums::DeliveryStatus;
use domain::ids::WebhookId;
use domain::webhook::owner::{switched_off_by, Stored};
use domain::webhook::{
    decide_change, delivery_status, may_add_webhook, may_manage_webhooks, may_redeliver,
    may_subscribe, outlived_reason, EventType, NewWebhook, Owner, WebhookChange,
};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

pub use crate::tables::webhooks::WebhookRecord;

/// A created webhook and its secret sealed by the HTTP layer, so that a replay of the same
/// `Idempotency-Key` shows the same secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub webhook: WebhookRecord,
    pub sealed_secret: String,
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

/// A delivery as its log shows it at `now` (a paused one past its lifetime given up).
fn delivery_record(row: DeliveryRow, now: DateTime<Utc>) -> Result<DeliveryRecord, StoreError> {
    let stored = parse_word(&row.status, DeliveryStatus::parse)?;
    let status = delivery_status(stored, utc(row.created_at), now);
    let last_error = if status == stored {
        row.last_error
    } else {
        Some(outlived_reason())
    };
    let missing = |what: &str| StoreError::Corrupt(format!("webhook delivery without {what}"));
    Ok(DeliveryRecord {
        id: parse_id(&row.id)?,
        webhook_id: parse_id(&row.webhook_id.ok_or_else(|| missing("webhook"))?)?,
        event_id: row.event_id.ok_or_else(|| missing("event id"))?,
        event: parse_word(
            &row.event.ok_or_else(|| missing("event"))?,
            EventType::parse,
        )?,
        status,
        attempts: to_count(row.attempts),
        response_status: row.response_status.and_then(|s| u16::try_from(s).ok()),
        last_error,
        last_attempt_at: row.last_attempt_at.map(utc),
        next_attempt_at: (status == DeliveryStatus::Pending).then(|| utc(row.next_attempt_at)),
        created_at: utc(row.created_at),
        sent_at: row.sent_at.map(utc),
    })
}

fn find_row(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: WebhookId,
) -> Result<WebhookRow, StoreError> {
    Ok(
        webhooks::in_account(conn, actor.account_id, id)?
            .ok_or(DomainError::NotFound("webhook"))?,
    )
}

/// One webhook of the caller's account, as it stands at `now`.
fn find(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: WebhookId,
    now: DateTime<Utc>,
) -> Result<WebhookRecord, StoreError> {
    let row = find_row(conn, actor, id)?;
    as_they_stand(conn, vec![row], now)?
        .pop()
        .ok_or_else(|| StoreError::Corrupt("a webhook read back as nothing".into()))
}

/// One webhook of the caller's account, as it stands once its owner's standing is written
/// down: a webhook due to be switched off (its token expired since) is switched off now, under
/// the account's lock, before a change applies to it.
fn settled(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: WebhookId,
    now: DateTime<Utc>,
) -> Result<WebhookRow, StoreError> {
    let row = find_row(conn, actor, id)?;
    if let Some(Some(off)) = orphaned(conn, std::slice::from_ref(&row), now)?.pop() {
        switch_off(conn, actor.account_id, id, &off, now)?;
        return find_row(conn, actor, id);
    }
    Ok(row)
}

fn count(conn: &mut DbConnection, actor: &AccountUser) -> Result<u32, StoreError> {
    let n = webhooks::count_in(conn, actor.account_id)?;
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
    may_subscribe(&actor, new.events)?;
    tx::idempotent_in_account(
        db,
        actor,
        key,
        Sweep::No,
        now,
        move |conn| may_add_webhook(count(conn, &actor)?).map_err(Into::into),
        move |conn, ()| {
            let id = WebhookId(Uuid::now_v7());
            let row = NewWebhookRow {
                id,
                account_id: actor.account_id,
                url: new.url.as_str(),
                events: new.events,
                sealed_secret: &sealed_secret,
                owner: Owner {
                    user_id: Some(actor.user_id),
                    token_id: actor.token.map(|t| t.id),
                },
            };
            webhooks::insert(conn, &row, now)?;
            recount_webhooks(conn, actor.account_id)?;
            audit::record(
                conn,
                AuditEvent::by(
                    &actor,
                    AuditAction::WebhookCreated,
                    "webhook",
                    id.key(),
                    json!({"url": new.url.as_str(), "events": new.events.to_vec()}),
                    now,
                ),
            )?;
            Ok(CreatedWebhook {
                webhook: find(conn, &actor, id, now)?,
                sealed_secret,
            })
        },
    )
}

/// One webhook of the caller's account, as it stands at `now`.
pub fn get(
    db: &Database,
    actor: &AccountUser,
    id: WebhookId,
    now: DateTime<Utc>,
) -> Result<WebhookRecord, StoreError> {
    may_manage_webhooks(actor)?;
    db.read(|conn| find(conn, actor, id, now))
}

/// The account's webhooks, newest first, as they stand at `now`.
pub fn list(
    db: &Database,
    actor: &AccountUser,
    page: PageRequest<WebhookId>,
    now: DateTime<Utc>,
) -> Result<Page<WebhookRecord, WebhookId>, StoreError> {
    may_manage_webhooks(actor)?;
    db.read(|conn| {
        let rows = webhooks::page_in(conn, actor.account_id, page.after, page.rows())?;
        let rows = as_they_stand(conn, rows, now)?;
        Ok(into_page(rows, page.limit, |w| w.id))
    })
}

/// Changes a webhook; `sealed_secret` is the new secret when the change has one. Pointing it
/// elsewhere, changing its events or switching it on again takes it over (`domain::webhook::
/// owner`). Switching it on again forgets its failure streak and why it was switched off, and
/// its paused deliveries are due again; switching it off pauses its waiting deliveries.
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
        let row = settled(conn, &actor, id, now)?;
        let stored = Stored {
            active: row.active,
            events: events_of(&row.events)?,
            owner: row.owner()?,
        };
        let before = row.record(None)?;
        let plan = decide_change(&actor, stored, &change)?;
        // Switching on (or `active: true` again) forgets the failure streak and why it was off.
        let cleared = (change.active == Some(true)).then_some(None);
        let owner = (plan.owner != stored.owner).then_some(plan.owner);
        let update = WebhookUpdate {
            url: change.url.as_ref().map(|u| u.as_str()),
            events: change.events.map(|e| e.to_words()),
            secret: sealed_secret.as_deref(),
            active: (plan.switch == Some(true)).then_some(true),
            failing_since: cleared,
            disabled_at: cleared,
            disabled_reason: cleared.map(|_| None),
            disabled_cause: cleared.map(|_| None),
            created_by: owner.map(|o: Owner| o.user_id.map(|u| u.key())),
            created_by_token_id: owner.map(|o| o.token_id.map(|t| t.key())),
            updated_at: now.naive_utc(),
        };
        webhooks::update(conn, id, &update)?;
        match plan.switch {
            Some(true) => {
                resume_paused(conn, id, now)?;
                recount_webhooks(conn, actor.account_id)?;
            }
            Some(false) => switch_off(
                conn,
                actor.account_id,
                id,
                &switched_off_by(&actor, now),
                now,
            )?,
            None => {}
        }
        let after = find(conn, &actor, id, now)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::WebhookUpdated,
                "webhook",
                id.key(),
                json!({
                    "before": {"url": before.url, "events": before.events, "active": before.active,
                               "created_by": before.created_by,
                               "created_by_token_id": before.created_by_token_id},
                    "after": {"url": after.url, "events": after.events, "active": after.active,
                              "created_by": after.created_by,
                              "created_by_token_id": after.created_by_token_id},
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
        let gone = find(conn, &actor, id, now)?;
        outbox::deliveries::delete_all_of(conn, id)?;
        webhooks::delete(conn, id)?;
        recount_webhooks(conn, actor.account_id)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::WebhookDeleted,
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
    now: DateTime<Utc>,
) -> Result<DeliveryRecord, StoreError> {
    let row = outbox::deliveries::delivery_of(conn, webhook, id)?
        .ok_or(DomainError::NotFound("delivery"))?;
    delivery_record(row, now)
}

/// Sends the webhook a `ping` event now, whether or not it is switched on: the way to try a
/// receiver before switching a webhook on again (a ping carries nothing of the account's).
pub fn ping(
    db: &Database,
    actor: &AccountUser,
    id: WebhookId,
    now: DateTime<Utc>,
) -> Result<DeliveryRecord, StoreError> {
    may_manage_webhooks(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let hook = find(conn, &actor, id, now)?;
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
        outbox::deliveries::enqueue(conn, &[delivery], now)?;
        find_delivery(conn, id, delivery_id, now)
    })
}

/// A webhook's deliveries, newest first, as they stand at `now`.
pub fn deliveries(
    db: &Database,
    actor: &AccountUser,
    id: WebhookId,
    page: PageRequest<Uuid>,
    now: DateTime<Utc>,
) -> Result<Page<DeliveryRecord, Uuid>, StoreError> {
    may_manage_webhooks(actor)?;
    db.read(|conn| {
        find_row(conn, actor, id)?;
        let rows = outbox::deliveries::page_of(conn, id, page.after, page.rows())?
            .into_iter()
            .map(|d| delivery_record(d, now))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(into_page(rows, page.limit, |d| d.id))
    })
}

/// Sends a delivery's event again, as a new delivery with the same event id and body (the
/// receiver can tell it is the same event). Any delivery may be redelivered — a failed one once
/// the receiver is fixed, a sent one to a receiver that lost it — while the webhook is on.
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
        let hook = find(conn, &actor, webhook, now)?;
        let original = find_delivery(conn, webhook, delivery, now)?;
        may_redeliver(hook.active)?;
        let body = outbox::deliveries::body_of(conn, delivery)?;
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
        outbox::deliveries::enqueue(conn, &[again], now)?;
        find_delivery(conn, webhook, id, now)
    })
}
