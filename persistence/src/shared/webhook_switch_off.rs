//! Switching a webhook off, written once for every use case that does it — a dismissal, an
//! administrator's flag taken, a token revoked (its orphans), the worker's failure streak, an
//! administrator's own switch: the row switched off, its waiting deliveries paused, the
//! account's count of active webhooks kept, and an audit event with no actor when the server
//! did it.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, Key};
use crate::shared::audit::{self, AuditEvent};
use crate::tables::accounts::recount_webhooks;
use crate::tables::outbox;
use crate::tables::webhooks::{active_owned, mark_switched_off, orphaned, Owned};
use chrono::{DateTime, Utc};
use domain::audit::AuditAction;
use domain::enums::SwitchOffCause;
use domain::ids::{AccountId, WebhookId};
use domain::webhook::SwitchOff;
use serde_json::json;

/// Switches off the account's active webhooks `owned` whose owner no longer stands (called by
/// the change that ended their standing — a dismissal, an administrator's flag taken, a token
/// revoked — in its transaction, under the account's lock).
pub(crate) fn switch_off_orphans(
    conn: &mut DbConnection,
    account: AccountId,
    owned: Owned,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rows = active_owned(conn, account, owned)?;
    let due = orphaned(conn, &rows, now)?;
    for (row, off) in rows.iter().zip(due) {
        if let Some(off) = off {
            switch_off(conn, account, parse_id(&row.id)?, &off, now)?;
        }
    }
    Ok(())
}

/// Switches a webhook off (the caller holds the account's lock): nothing more is queued for
/// it, its waiting deliveries are paused (given up when past their lifetime; its pings, which
/// only try the receiver, still go), and when the server did it, the audit trail says why with
/// no actor.
pub(crate) fn switch_off(
    conn: &mut DbConnection,
    account: AccountId,
    webhook: WebhookId,
    off: &SwitchOff,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    mark_switched_off(conn, webhook, off, now)?;
    outbox::pause_waiting(conn, webhook, now)?;
    recount_webhooks(conn, account)?;
    if off.cause != SwitchOffCause::SwitchedOff {
        audit::record(
            conn,
            AuditEvent::by_system(
                account,
                AuditAction::WebhookDisabled,
                "webhook",
                webhook.key(),
                json!({"cause": off.cause, "reason": off.reason, "at": off.at}),
                now,
            ),
        )?;
        tracing::warn!(webhook = %webhook, cause = %off.cause, reason = %off.reason, "webhook switched off");
    }
    Ok(())
}
