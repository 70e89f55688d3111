//! The delivery worker's side of the outbox (emails and text messages; webhook deliveries have
//! a worker of their own, `webhooks::deliveries`): claim due messages for a lease, and record
//! what became of each attempt — on the message, on the invitation it was for, and, for an
//! invitation's message given up, on the audit trail.

use crate::base::db::{Database, DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::keys::parse_id;
use crate::shared::audit::{self, AuditEvent};
use crate::tables::invitations::{mark_message_failed, mark_messages_sent};
use crate::tables::outbox::{self, Attempt, Claimed, Recorded};
use chrono::{DateTime, Duration, Utc};
use domain::audit::AuditAction;
use serde_json::json;
use uuid::Uuid;

/// Claims up to `limit` due messages for `lease`; nobody else sends them meanwhile.
pub fn claim_due(
    db: &Database,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    db.write_statement(move |conn| outbox::claim_due(conn, now, lease, limit))
}

/// A message given up: when it was an invitation's, its account hears of it
/// (`invitation.delivery_failed`, in the audit log and to webhooks), so that inviters learn an
/// address bounced without reading server logs.
fn given_up(
    conn: &mut DbConnection,
    id: Uuid,
    invitation: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some((Some(account), channel, recipient)) = outbox::addressed(conn, id)? else {
        return Ok(());
    };
    audit::record(
        conn,
        AuditEvent {
            account_id: Some(parse_id(&account)?),
            actor_user_id: None,
            actor_identity_id: None,
            actor_token_id: None,
            action: AuditAction::InvitationDeliveryFailed,
            subject_type: "invitation",
            subject_id: invitation.to_owned(),
            details: json!({
                "channel": channel,
                "login": recipient,
                "message_id": id.to_string(),
                "error": error,
            }),
            at: now,
        },
    )
}

/// The messages sent, and the invitations whose messages they were (with the messages again,
/// in the same order).
fn sent_of(outcomes: &[Recorded]) -> (Vec<String>, Vec<&str>, Vec<String>) {
    let sent = outcomes
        .iter()
        .filter(|r| matches!(r.attempt, Attempt::Sent))
        .map(|r| r.message.to_string())
        .collect();
    let (mut ids, mut messages) = (Vec::new(), Vec::new());
    for r in outcomes {
        if let (Some(invitation), Attempt::Sent) = (&r.invitation, &r.attempt) {
            ids.push(invitation.as_str());
            messages.push(r.message.to_string());
        }
    }
    (sent, ids, messages)
}

/// Copies what became of invitations' failed messages onto the invitations, each in its own
/// statement; returns the messages a resend replaced since they were claimed (their links are
/// dead: they are withdrawn rather than retried or reported).
fn record_failures(
    conn: &mut DbConnection,
    outcomes: &[Recorded],
) -> Result<Vec<Uuid>, StoreError> {
    let mut replaced = Vec::new();
    for r in outcomes {
        if let (Some(invitation), Attempt::Failed { error, retry_at }) = (&r.invitation, &r.attempt)
        {
            let attempts = r.attempts_before.saturating_add(1);
            if !mark_message_failed(conn, invitation, r.message, attempts, error, *retry_at)? {
                replaced.push(r.message);
            }
        }
    }
    Ok(replaced)
}

/// Records the outcomes of a round of attempts in one transaction.
pub fn record_attempts(
    db: &Database,
    outcomes: Vec<Recorded>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if outcomes.is_empty() {
        return Ok(());
    }
    // Every message sent (the common round): the messages and their invitations marked in one
    // statement on PostgreSQL (`Writes`), which needs no transaction around it.
    if outcomes.iter().all(|r| matches!(r.attempt, Attempt::Sent)) {
        return db.write_statement(move |conn| {
            let (sent, ids, messages) = sent_of(&outcomes);
            let mut writes = Writes::on(conn);
            outbox::mark_sent(&mut writes, &sent, now)?;
            mark_messages_sent(&mut writes, &ids, &messages)?;
            writes.run()
        });
    }
    db.write(move |conn| {
        let (sent, ids, messages) = sent_of(&outcomes);
        let mut writes = Writes::now(conn);
        outbox::mark_sent(&mut writes, &sent, now)?;
        mark_messages_sent(&mut writes, &ids, &messages)?;
        writes.run()?;
        let replaced = record_failures(conn, &outcomes)?;
        for Recorded {
            message: id,
            invitation,
            attempt,
            ..
        } in &outcomes
        {
            if replaced.contains(id) {
                outbox::withdraw_replaced(conn, *id)?;
                continue;
            }
            if let Attempt::Failed { error, retry_at } = attempt {
                if let (None, Some(invitation)) = (retry_at, invitation) {
                    given_up(conn, *id, invitation, error, now)?;
                }
                outbox::mark_failed(conn, *id, error, *retry_at, now)?;
            }
        }
        Ok(())
    })
}
