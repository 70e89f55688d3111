//! The webhook delivery worker's side of the outbox: claim due deliveries (never more of one
//! webhook than it is already sending, so that a slow receiver holds up only itself), and
//! record each attempt — and a webhook's failure streak, which switches it off once it has
//! lasted long enough.

use crate::audit::{self, AuditEvent};
use crate::db::{Database, DbConnection};
use crate::error::StoreError;
use crate::keys::{parse_id, to_count, utc, Key};
use crate::models::accounts::recount_webhooks;
use crate::schema::{outbox, webhooks};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::ids::{AccountId, WebhookId};
use domain::webhook::{disabled_reason, should_disable};
use serde_json::json;
use uuid::Uuid;

/// A delivery claimed for sending, with where and how to sign it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub webhook_id: WebhookId,
    /// The webhook's URL now (a changed URL applies to deliveries still pending).
    pub url: String,
    /// The webhook's secret, as the HTTP layer sealed it.
    pub sealed_secret: String,
    pub event_id: String,
    pub event: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct ClaimRow {
    id: String,
    webhook_id: Option<String>,
    event_id: Option<String>,
    event: Option<String>,
    payload: String,
    attempts: i32,
}

/// Claims up to `limit` due deliveries for `lease`, none of the webhooks in `busy` (those
/// already being sent to as much as they may be).
pub fn claim(
    db: &Database,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
    busy: Vec<String>,
) -> Result<Vec<Claimed>, StoreError> {
    let at = now.naive_utc();
    db.write(move |conn| {
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
        let rows: Vec<ClaimRow> = match conn {
            DbConnection::Pg(pg) => due
                .select(ClaimRow::as_select())
                .for_update()
                .skip_locked()
                .load(pg)?,
            DbConnection::Sqlite(c) => due.select(ClaimRow::as_select()).load(c)?,
        };
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
        diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
            .set(outbox::locked_until.eq(Some(at + lease)))
            .execute(conn)?;
        let hook_ids: Vec<&String> = rows.iter().filter_map(|r| r.webhook_id.as_ref()).collect();
        let hooks: Vec<(String, String, String)> = webhooks::table
            .filter(webhooks::id.eq_any(hook_ids))
            .select((webhooks::id, webhooks::url, webhooks::secret))
            .load(conn)?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(hook) = hooks.iter().find(|h| Some(&h.0) == row.webhook_id.as_ref()) else {
                continue; // Deleted meanwhile: its deliveries go with it.
            };
            claimed.push(Claimed {
                id: parse_id(&row.id)?,
                webhook_id: parse_id(&hook.0)?,
                url: hook.1.clone(),
                sealed_secret: hook.2.clone(),
                event_id: row.event_id.unwrap_or_default(),
                event: row.event.unwrap_or_default(),
                body: row.payload,
                attempts: to_count(row.attempts),
            });
        }
        Ok(claimed)
    })
}

/// What became of one attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Sent { status: u16 },
    /// No answer, or not 2xx: due again at `retry_at`, or given up when `None`.
    Failed {
        status: Option<u16>,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

/// Records an attempt. A success ends the webhook's failure streak; a failure starts or
/// extends it, and a streak of `disable_after` switches the webhook off: its waiting
/// deliveries are given up, and the admins read why on the webhook and in the audit log.
/// Returns whether the webhook was switched off.
pub fn record(
    db: &Database,
    delivery: Uuid,
    webhook: WebhookId,
    outcome: Outcome,
    now: DateTime<Utc>,
    disable_after: Duration,
) -> Result<bool, StoreError> {
    let at = now.naive_utc();
    db.write(move |conn| {
        let row = outbox::table.find(delivery.to_string());
        let hook = webhooks::table.find(webhook.key());
        match outcome {
            Outcome::Sent { status } => {
                diesel::update(row)
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
                diesel::update(hook.filter(webhooks::failing_since.is_not_null()))
                    .set(webhooks::failing_since.eq(None::<NaiveDateTime>))
                    .execute(conn)?;
                Ok(false)
            }
            Outcome::Failed {
                status,
                error,
                retry_at,
            } => {
                diesel::update(row)
                    .set((
                        outbox::status.eq(if retry_at.is_some() {
                            "pending"
                        } else {
                            "failed"
                        }),
                        outbox::attempts.eq(outbox::attempts + 1),
                        outbox::next_attempt_at.eq(retry_at.map_or(at, |r| r.naive_utc())),
                        outbox::last_attempt_at.eq(Some(at)),
                        outbox::response_status.eq(status.map(i32::from)),
                        outbox::locked_until.eq(None::<NaiveDateTime>),
                        outbox::last_error.eq(Some(error.as_str())),
                    ))
                    .execute(conn)?;
                streak(conn, webhook, &error, now, disable_after)
            }
        }
    })
}

/// Starts or extends a webhook's failure streak; switches it off when the streak is long.
fn streak(
    conn: &mut DbConnection,
    webhook: WebhookId,
    error: &str,
    now: DateTime<Utc>,
    disable_after: Duration,
) -> Result<bool, StoreError> {
    let at = now.naive_utc();
    let hook = || webhooks::table.find(webhook.key());
    let found: Option<(String, bool, Option<NaiveDateTime>)> = hook()
        .select((
            webhooks::account_id,
            webhooks::active,
            webhooks::failing_since,
        ))
        .first(conn)
        .optional()?;
    let Some((account, active, since)) = found else {
        return Ok(false);
    };
    let since = since.map_or(now, utc);
    if !active || !should_disable(Some(since), now, disable_after) {
        // The streak starts (or goes on: the first failure's time stays).
        diesel::update(hook().filter(webhooks::failing_since.is_null()))
            .set(webhooks::failing_since.eq(Some(at)))
            .execute(conn)?;
        return Ok(false);
    }
    let why = disabled_reason(since, error);
    // The account's count of active webhooks is kept under its lock, like every webhook write
    // (taken before the webhook's row, in the order those writes take them).
    let account: AccountId = parse_id(&account)?;
    crate::tx::lock_account(conn, account)?;
    diesel::update(hook())
        .set((
            webhooks::active.eq(false),
            webhooks::disabled_at.eq(Some(at)),
            webhooks::disabled_reason.eq(Some(why.as_str())),
            webhooks::updated_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(
        outbox::table
            .filter(outbox::webhook_id.eq(webhook.key()))
            .filter(outbox::status.eq("pending")),
    )
    .set((
        outbox::status.eq("failed"),
        outbox::last_error.eq(Some("not sent: the webhook was switched off")),
    ))
    .execute(conn)?;
    recount_webhooks(conn, account)?;
    audit::record(
        conn,
        AuditEvent {
            account_id: Some(account),
            actor_user_id: None,
            actor_identity_id: None,
            actor_token_id: None,
            action: "webhook.disabled",
            subject_type: "webhook",
            subject_id: webhook.key(),
            details: json!({"reason": why}),
            at: now,
        },
    )?;
    tracing::warn!(webhook = %webhook, reason = %why, "webhook switched off");
    Ok(true)
}
