//! The outbox's webhook deliveries (`channel = 'webhook'`): written when an event fans out or
//! a webhook is pinged, claimed by the webhook worker, their attempts recorded, and read as a
//! webhook's delivery log.

use crate::base::db::{insert_rows, DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::schema::outbox;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::ids::{AccountId, WebhookId};
use domain::webhook::EventType;
use uuid::Uuid;

/// One delivery to write.
pub(crate) struct NewDelivery {
    pub id: Uuid,
    pub account_id: AccountId,
    pub webhook_id: String,
    pub url: String,
    pub event: EventType,
    pub event_id: String,
    pub body: String,
}

/// Queues deliveries, in one statement; the webhook worker is woken once the transaction
/// commits.
pub(crate) fn enqueue(
    conn: &mut DbConnection,
    deliveries: &[NewDelivery],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    let row = |d: &NewDelivery| {
        (
            outbox::id.eq(d.id.to_string()),
            outbox::account_id.eq(Some(d.account_id.key())),
            outbox::channel.eq("webhook"),
            outbox::recipient.eq(d.url.clone()),
            outbox::payload.eq(d.body.clone()),
            outbox::webhook_id.eq(Some(d.webhook_id.clone())),
            outbox::event.eq(Some(d.event.as_str())),
            outbox::event_id.eq(Some(d.event_id.clone())),
            outbox::status.eq("pending"),
            outbox::next_attempt_at.eq(at),
            outbox::created_at.eq(at),
        )
    };
    insert_rows!(&mut Writes::now(conn), outbox::table, deliveries, row);
    crate::base::request::note_webhook_deliveries();
    Ok(())
}

/// A due delivery as a claim reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub(crate) struct ClaimRow {
    pub id: String,
    pub webhook_id: Option<String>,
    pub event_id: Option<String>,
    pub event: Option<String>,
    pub payload: String,
    pub attempts: i32,
}

/// Up to `limit` deliveries due at `at`, oldest due first, none of the webhooks in `busy`;
/// on PostgreSQL locked (`FOR UPDATE SKIP LOCKED`: rows another process claims are skipped).
pub(crate) fn due(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    busy: Vec<String>,
    limit: i64,
) -> Result<Vec<ClaimRow>, StoreError> {
    let due = outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(at))
        .filter(outbox::channel.eq("webhook"))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.le(at)),
        )
        .filter(diesel::dsl::not(outbox::webhook_id.eq_any(busy)))
        .order(outbox::next_attempt_at.asc())
        .limit(limit);
    Ok(match conn {
        DbConnection::Pg(pg) => due
            .select(ClaimRow::as_select())
            .for_update()
            .skip_locked()
            .load(pg)?,
        DbConnection::Sqlite(c) => due.select(ClaimRow::as_select()).load(c)?,
    })
}

/// Pauses claimed deliveries of a switched-off webhook.
pub(crate) fn pause(conn: &mut DbConnection, ids: Vec<String>) -> Result<(), StoreError> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set(outbox::status.eq("paused"))
        .execute(conn)?;
    Ok(())
}

/// Leases claimed deliveries until `until`: nobody else sends them meanwhile.
pub(crate) fn lease(
    conn: &mut DbConnection,
    ids: Vec<String>,
    until: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set(outbox::locked_until.eq(Some(until)))
        .execute(conn)?;
    Ok(())
}

/// Marks a delivery sent at `at`, with the receiver's HTTP `status`.
pub(crate) fn mark_sent(
    conn: &mut DbConnection,
    delivery: Uuid,
    status: u16,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(outbox::table.find(delivery.to_string()))
        .set((
            outbox::status.eq("sent"),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::sent_at.eq(Some(at)),
            outbox::last_attempt_at.eq(Some(at)),
            outbox::response_status.eq(Some(i32::from(status))),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The event of a delivery (`Some(None)` for one without), `None` when it is gone.
pub(crate) fn event_of(
    conn: &mut DbConnection,
    delivery: Uuid,
) -> Result<Option<Option<String>>, StoreError> {
    Ok(outbox::table
        .find(delivery.to_string())
        .select(outbox::event)
        .first(conn)
        .optional()?)
}

/// A failed attempt at a delivery, made at `at`.
pub(crate) struct FailedAttempt<'a> {
    /// What the delivery becomes: `pending` (due again at `next_attempt_at`), `paused` or
    /// `failed`.
    pub status: &'a str,
    pub next_attempt_at: NaiveDateTime,
    /// The receiver's HTTP status, if it answered.
    pub response_status: Option<u16>,
    pub error: &'a str,
    pub at: NaiveDateTime,
}

/// Marks a failed attempt at a delivery.
pub(crate) fn mark_failed(
    conn: &mut DbConnection,
    delivery: Uuid,
    failed: &FailedAttempt<'_>,
) -> Result<(), StoreError> {
    diesel::update(outbox::table.find(delivery.to_string()))
        .set((
            outbox::status.eq(failed.status),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(failed.next_attempt_at),
            outbox::last_attempt_at.eq(Some(failed.at)),
            outbox::response_status.eq(failed.response_status.map(i32::from)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(failed.error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes every delivery of a webhook (its log goes with it).
pub(crate) fn delete_all_of(conn: &mut DbConnection, webhook: WebhookId) -> Result<(), StoreError> {
    diesel::delete(outbox::table.filter(outbox::webhook_id.eq(webhook.key()))).execute(conn)?;
    Ok(())
}

/// A delivery as its webhook's log reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub(crate) struct DeliveryRow {
    pub id: String,
    pub webhook_id: Option<String>,
    pub event_id: Option<String>,
    pub event: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// One delivery of a webhook, if it is one of its.
pub(crate) fn delivery_of(
    conn: &mut DbConnection,
    webhook: WebhookId,
    id: Uuid,
) -> Result<Option<DeliveryRow>, StoreError> {
    Ok(outbox::table
        .filter(outbox::id.eq(id.to_string()))
        .filter(outbox::webhook_id.eq(webhook.key()))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?)
}

/// Up to `rows` deliveries of a webhook, newest first, those before `after` when given.
pub(crate) fn page_of(
    conn: &mut DbConnection,
    webhook: WebhookId,
    after: Option<Uuid>,
    rows: i64,
) -> Result<Vec<DeliveryRow>, StoreError> {
    let mut q = outbox::table
        .filter(outbox::webhook_id.eq(webhook.key()))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(outbox::id.lt(after.to_string()));
    }
    Ok(q.order(outbox::id.desc())
        .limit(rows)
        .select(DeliveryRow::as_select())
        .load(conn)?)
}

/// The body a delivery sends (a redelivery sends it again).
pub(crate) fn body_of(conn: &mut DbConnection, delivery: Uuid) -> Result<String, StoreError> {
    Ok(outbox::table
        .find(delivery.to_string())
        .select(outbox::payload)
        .first(conn)?)
}
