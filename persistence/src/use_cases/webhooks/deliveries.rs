//! The webhook delivery worker's side of the outbox: claim due deliveries (never more of one
//! webhook than it is already sending, so that a slow receiver holds up only itself; nothing
//! of a switched-off webhook but its pings, nothing of one whose owner no longer stands, which
//! is switched off instead), and record each attempt — and a webhook's failure streak, which
//! switches it off once it has lasted long enough.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, to_count, utc};
use crate::shared::webhook_switch_off::switch_off;
use crate::tables::outbox;
use crate::tables::outbox::deliveries::FailedAttempt;
use crate::tables::webhooks::{self, orphaned};
use chrono::{DateTime, Duration, Utc};
use domain::ids::{AccountId, WebhookId};
use domain::webhook::{failing, should_disable};
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

/// What a claim found: the deliveries to send now, and the webhooks due to be switched off
/// because whoever answers for them no longer stands (their deliveries were left as they were,
/// for [`switch_off_orphaned`]).
#[derive(Debug, Default)]
pub struct Claims {
    pub deliveries: Vec<Claimed>,
    pub orphaned: Vec<WebhookId>,
}

/// Claims up to `limit` due deliveries for `lease`, none of the webhooks in `busy` (those
/// already being sent to as much as they may be). A switched-off webhook is sent nothing but
/// pings (a delivery of one still pending is paused here); a webhook whose owner no longer
/// stands is named in [`Claims::orphaned`] instead.
pub fn claim(
    db: &Database,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
    busy: Vec<String>,
) -> Result<Claims, StoreError> {
    let at = now.naive_utc();
    db.write(move |conn| {
        let rows = outbox::deliveries::due(conn, at, busy, limit)?;
        if rows.is_empty() {
            return Ok(Claims::default());
        }
        let hook_ids: Vec<&String> = rows.iter().filter_map(|r| r.webhook_id.as_ref()).collect();
        let hooks = webhooks::by_ids(conn, hook_ids)?;
        let secrets = webhooks::secrets_of(conn, &hooks)?;
        let due_off = orphaned(conn, &hooks, now)?;
        let mut claims = Claims::default();
        let mut to_pause = Vec::new();
        for (hook, off) in hooks.iter().zip(&due_off) {
            if off.is_some() {
                claims.orphaned.push(parse_id(&hook.id)?);
            }
        }
        for row in rows {
            let Some(i) = hooks
                .iter()
                .position(|h| Some(&h.id) == row.webhook_id.as_ref())
            else {
                continue; // Deleted meanwhile: its deliveries go with it.
            };
            let (hook, ping) = (&hooks[i], row.event.as_deref() == Some("ping"));
            if !ping && !hook.active {
                to_pause.push(row.id);
                continue;
            }
            if !ping && due_off[i].is_some() {
                continue;
            }
            let secret = secrets
                .iter()
                .find(|(id, _)| *id == hook.id)
                .map(|(_, s)| s.clone())
                .unwrap_or_default();
            claims.deliveries.push(Claimed {
                id: parse_id(&row.id)?,
                webhook_id: parse_id(&hook.id)?,
                url: hook.url.clone(),
                sealed_secret: secret,
                event_id: row.event_id.unwrap_or_default(),
                event: row.event.unwrap_or_default(),
                body: row.payload,
                attempts: to_count(row.attempts),
            });
        }
        if !to_pause.is_empty() {
            outbox::deliveries::pause(conn, to_pause)?;
        }
        let ids: Vec<String> = claims.deliveries.iter().map(|d| d.id.to_string()).collect();
        if !ids.is_empty() {
            outbox::deliveries::lease(conn, ids, at + lease)?;
        }
        Ok(claims)
    })
}

/// Locks the account of `webhook` (as every webhook write does, first); `None` when the
/// webhook is gone.
fn lock_account_of(
    conn: &mut DbConnection,
    webhook: WebhookId,
) -> Result<Option<AccountId>, StoreError> {
    let Some(account) = webhooks::account_of(conn, webhook)? else {
        return Ok(None);
    };
    let account: AccountId = parse_id(&account)?;
    crate::shared::tx::lock_account(conn, account)?;
    Ok(Some(account))
}

/// Switches off a webhook whose owner no longer stands (a claim found it: its token expired),
/// under its account's lock, if that still holds; returns whether it did.
pub fn switch_off_orphaned(
    db: &Database,
    webhook: WebhookId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    db.write(move |conn| {
        let Some(account) = lock_account_of(conn, webhook)? else {
            return Ok(false);
        };
        let rows = webhooks::by_id(conn, webhook)?;
        match orphaned(conn, &rows, now)?.pop().flatten() {
            Some(off) => {
                switch_off(conn, account, webhook, &off, now)?;
                Ok(true)
            }
            None => Ok(false),
        }
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
/// deliveries are paused (given up past their lifetime), and the admins read why on the
/// webhook and in the audit log. A failed delivery of a webhook switched off meanwhile waits,
/// paused, rather than for its next attempt. Returns whether the webhook was switched off.
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
        match outcome {
            Outcome::Sent { status } => {
                // The webhook's row before the delivery's, in the order a change of the
                // webhook takes them (it pauses its deliveries after writing itself).
                webhooks::end_streak(conn, webhook)?;
                outbox::deliveries::mark_sent(conn, delivery, status, at)?;
                Ok(false)
            }
            Outcome::Failed {
                status,
                error,
                retry_at,
            } => {
                // The account's lock first, as every webhook write takes it, so that a
                // switch-off here never waits for a request that waits for this row.
                if lock_account_of(conn, webhook)?.is_none() {
                    return Ok(false);
                }
                // Read under the lock: a switch-off that committed meanwhile is seen.
                let active = webhooks::is_active(conn, webhook)?;
                let ping = outbox::deliveries::event_of(conn, delivery)?;
                let waits = active || ping.flatten().as_deref() == Some("ping");
                let failed = FailedAttempt {
                    status: match (retry_at.is_some(), waits) {
                        (false, _) => "failed",
                        (true, true) => "pending",
                        (true, false) => "paused",
                    },
                    next_attempt_at: retry_at.map_or(at, |r| r.naive_utc()),
                    response_status: status,
                    error: &error,
                    at,
                };
                outbox::deliveries::mark_failed(conn, delivery, &failed)?;
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
    let Some((account, active, since)) = webhooks::streak_of(conn, webhook)? else {
        return Ok(false);
    };
    let since = since.map_or(now, utc);
    if !active || !should_disable(Some(since), now, disable_after) {
        // The streak starts (or goes on: the first failure's time stays).
        webhooks::start_streak(conn, webhook, at)?;
        return Ok(false);
    }
    let off = failing(since, error, now);
    let account: AccountId = parse_id(&account)?;
    switch_off(conn, account, webhook, &off, now)?;
    Ok(true)
}
