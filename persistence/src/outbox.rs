//! The outbox: messages are written in the transaction that causes them and leave only after
//! it commits. Workers claim due rows for a short lease (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so several processes share the work), send them, and mark them sent, or due
//! again later, or given up.

use crate::audit::{self, AuditEvent};
use crate::db::{insert_rows, Database, DbConnection};
use crate::error::StoreError;
use crate::keys::{parse_id, parse_word, to_count, Key};
use crate::models::accounts::AccountRecord;
use crate::models::invitations::InvitationRecord;
use crate::models::workgroups::WorkgroupRecord;
use crate::schema::{invitations, outbox};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::audit::AuditAction;
use domain::enums::{Channel, DeliveryState};
use domain::ids::AccountId;
use domain::login::Login;
use serde_json::json;
use uuid::Uuid;

/// A message to send.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Its outbox row's id, known before it is written (an invitation names its message).
    pub id: Uuid,
    pub account_id: Option<AccountId>,
    pub channel: Channel,
    /// Email address or E.164 phone number.
    pub recipient: String,
    /// What the worker needs to write the message (JSON).
    pub payload: serde_json::Value,
}

/// Who an invitation's message comes from: the account, and the inviter by name.
pub(crate) struct Inviter<'a> {
    pub account: &'a AccountRecord,
    /// "First Last".
    pub name: &'a str,
}

/// The message inviting a new person, with the link's token sealed for the worker.
pub(crate) struct InvitationNotice<'a> {
    pub inviter: &'a Inviter<'a>,
    pub workgroup: Option<&'a WorkgroupRecord>,
    pub invitation: &'a InvitationRecord,
    pub login: &'a Login,
    pub sealed_token: &'a str,
    /// The outbox row the message becomes (the invitation's `message_id`).
    pub message_id: Uuid,
}

impl InvitationNotice<'_> {
    pub(crate) fn message(&self) -> NewMessage {
        NewMessage {
            id: self.message_id,
            account_id: Some(self.inviter.account.id),
            channel: self.login.channel(),
            recipient: self.login.as_str().to_owned(),
            payload: json!({
                "kind": "invitation",
                "invitation_id": self.invitation.id.key(),
                "sealed_token": self.sealed_token,
                "account_name": self.inviter.account.name,
                "inviter_name": self.inviter.name,
                "invitee_first_name": self.invitation.first_name,
                "workgroup_name": self.workgroup.map(|g| g.name.as_str()),
                "personal_message": self.invitation.message,
            }),
        }
    }
}

/// The notice of a membership invitation, sent to the invited user's `recipient` (email
/// address or phone number) on `channel`.
pub(crate) fn membership_message(
    inviter: &Inviter<'_>,
    group: &WorkgroupRecord,
    channel: Channel,
    recipient: &str,
) -> NewMessage {
    NewMessage {
        id: Uuid::now_v7(),
        account_id: Some(inviter.account.id),
        channel,
        recipient: recipient.to_owned(),
        payload: json!({
            "kind": "membership_invitation",
            "account_name": inviter.account.name,
            "inviter_name": inviter.name,
            "workgroup_name": group.name,
            "workgroup_id": group.id.key(),
        }),
    }
}

/// The message carrying a sign-up's confirmation code (sealed for the worker).
pub(crate) fn sign_up_code_message(
    login: &Login,
    sealed_code: &str,
    expires_in_minutes: i64,
) -> NewMessage {
    NewMessage {
        id: Uuid::now_v7(),
        account_id: None,
        channel: login.channel(),
        recipient: login.as_str().to_owned(),
        payload: json!({
            "kind": "sign_up_code",
            "sealed_token": sealed_code,
            "expires_in_minutes": expires_in_minutes,
        }),
    }
}

/// Drops a message that has not been sent, nor claimed for sending, yet: a resend replaced it
/// and its link is dead.
pub(crate) fn withdraw(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::delete(
        outbox::table
            .find(id)
            .filter(outbox::status.eq("pending"))
            .filter(
                outbox::locked_until
                    .is_null()
                    .or(outbox::locked_until.le(now.naive_utc())),
            ),
    )
    .execute(conn)?;
    Ok(())
}

pub(crate) fn enqueue(
    conn: &mut DbConnection,
    message: &NewMessage,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    enqueue_all(conn, std::slice::from_ref(message), now)
}

/// Queues messages, in one statement; the delivery worker is woken once the transaction
/// commits ([`crate::Database::on_messages`]).
pub(crate) fn enqueue_all(
    conn: &mut DbConnection,
    messages: &[NewMessage],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    let row = |message: &NewMessage| {
        (
            outbox::id.eq(message.id.to_string()),
            outbox::account_id.eq(message.account_id.map(|a| a.key())),
            outbox::channel.eq(message.channel.as_str()),
            outbox::recipient.eq(message.recipient.clone()),
            outbox::payload.eq(message.payload.to_string()),
            outbox::status.eq("pending"),
            outbox::next_attempt_at.eq(at),
            outbox::created_at.eq(at),
        )
    };
    insert_rows!(conn, outbox::table, messages, row);
    if !messages.is_empty() {
        crate::request::note_messages();
    }
    Ok(())
}

/// A claimed message.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub channel: Channel,
    pub recipient: String,
    pub payload: serde_json::Value,
    /// Failed attempts so far.
    pub attempts: u32,
}

impl Claimed {
    /// The invitation this message invites to, if it is an invitation's.
    pub fn invitation_id(&self) -> Option<&str> {
        let p = &self.payload;
        (p.get("kind").and_then(serde_json::Value::as_str) == Some("invitation"))
            .then(|| p.get("invitation_id").and_then(serde_json::Value::as_str))
            .flatten()
    }
}

/// One attempt's outcome, with the invitation whose message it was (if it was one).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub message: Uuid,
    pub invitation: Option<String>,
    /// Failed attempts before this one.
    pub attempts_before: u32,
    pub attempt: Attempt,
}

diesel::define_sql_function!(fn json_remove(json: diesel::sql_types::Text, path: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct ClaimRow {
    id: String,
    channel: String,
    recipient: String,
    payload: String,
    attempts: i32,
}

/// Claims up to `limit` due messages for `lease`; nobody else sends them meanwhile.
pub fn claim_due(
    db: &Database,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let at = now.naive_utc();
    db.write(move |conn| {
        // Webhook deliveries have a worker of their own (`webhook_deliveries`).
        let due = outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::next_attempt_at.le(at))
            .filter(outbox::channel.ne("webhook"))
            .filter(
                outbox::locked_until
                    .is_null()
                    .or(outbox::locked_until.le(at)),
            )
            .order(outbox::next_attempt_at.asc())
            .limit(limit);
        let rows: Vec<ClaimRow> = match conn {
            // Rows another process holds are skipped, not waited for.
            DbConnection::Pg(pg) => due
                .select(ClaimRow::as_select())
                .for_update()
                .skip_locked()
                .load(pg)?,
            // The one writer: nobody else claims meanwhile.
            DbConnection::Sqlite(c) => due.select(ClaimRow::as_select()).load(c)?,
        };
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
        diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
            .set(outbox::locked_until.eq(Some(at + lease)))
            .execute(conn)?;
        rows.into_iter()
            .map(|row| {
                Ok(Claimed {
                    id: parse_id(&row.id)?,
                    channel: parse_word(&row.channel, Channel::parse)?,
                    recipient: row.recipient,
                    payload: serde_json::from_str(&row.payload)
                        .map_err(|e| StoreError::Corrupt(format!("outbox payload: {e}")))?,
                    attempts: to_count(row.attempts),
                })
            })
            .collect()
    })
}

/// What became of one attempt.
#[derive(Debug, Clone)]
pub enum Attempt {
    /// Sent; its sealed token is removed from the stored payload.
    Sent,
    /// Failed; due again at `retry_at`, or given up when `None`.
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
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
    let found: Option<(Option<String>, String, String)> = outbox::table
        .find(id.to_string())
        .select((outbox::account_id, outbox::channel, outbox::recipient))
        .first(conn)
        .optional()?;
    let Some((Some(account), channel, recipient)) = found else {
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

/// Copies what became of invitations' messages onto the invitations (unless a resend replaced
/// the message since): the messages sent in one statement, each failure in its own.
fn record_on_invitations(conn: &mut DbConnection, outcomes: &[Recorded]) -> Result<(), StoreError> {
    let (mut ids, mut messages) = (Vec::new(), Vec::new());
    for r in outcomes {
        if let (Some(invitation), Attempt::Sent) = (&r.invitation, &r.attempt) {
            ids.push(invitation.as_str());
            messages.push(r.message.to_string());
        }
    }
    if !ids.is_empty() {
        diesel::update(
            invitations::table
                .filter(invitations::id.eq_any(&ids))
                .filter(invitations::message_id.eq_any(&messages)),
        )
        .set((
            invitations::delivery_state.eq(DeliveryState::Sent.as_str()),
            invitations::delivery_attempts.eq(invitations::delivery_attempts + 1),
            invitations::delivery_error.eq(None::<String>),
            invitations::delivery_next_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    }
    for r in outcomes {
        let (Some(invitation), Attempt::Failed { error, retry_at }) = (&r.invitation, &r.attempt)
        else {
            continue;
        };
        let state = if retry_at.is_some() {
            DeliveryState::Queued
        } else {
            DeliveryState::Failed
        };
        let attempts = i32::try_from(r.attempts_before.saturating_add(1)).unwrap_or(i32::MAX);
        diesel::update(
            invitations::table
                .find(invitation)
                .filter(invitations::message_id.eq(r.message.to_string())),
        )
        .set((
            invitations::delivery_state.eq(state.as_str()),
            invitations::delivery_attempts.eq(attempts),
            invitations::delivery_error.eq(Some(error.as_str())),
            invitations::delivery_next_at.eq(retry_at.map(|t| t.naive_utc())),
        ))
        .execute(conn)?;
    }
    Ok(())
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
    let at = now.naive_utc();
    db.write(move |conn| {
        // Everything sent in one statement; once sent, the sealed token has no business
        // staying anywhere, so the database drops it from the payload.
        let sent: Vec<String> = outcomes
            .iter()
            .filter(|r| matches!(r.attempt, Attempt::Sent))
            .map(|r| r.message.to_string())
            .collect();
        if !sent.is_empty() {
            let rows = outbox::table.filter(outbox::id.eq_any(&sent));
            let done = (
                outbox::status.eq("sent"),
                outbox::sent_at.eq(Some(at)),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(None::<String>),
            );
            match conn {
                DbConnection::Sqlite(c) => diesel::update(rows)
                    .set((
                        done,
                        outbox::payload.eq(json_remove(outbox::payload, "$.sealed_token")),
                    ))
                    .execute(c)?,
                DbConnection::Pg(c) => diesel::update(rows)
                    .set((
                        done,
                        outbox::payload.eq(diesel::dsl::sql::<diesel::sql_types::Text>(
                            "(payload::jsonb - 'sealed_token')::text",
                        )),
                    ))
                    .execute(c)?,
            };
        }
        record_on_invitations(conn, &outcomes)?;
        for Recorded {
            message: id,
            invitation,
            attempt: outcome,
            ..
        } in &outcomes
        {
            let row = outbox::table.find(id.to_string());
            match outcome {
                Attempt::Sent => {}
                Attempt::Failed { error, retry_at } => {
                    let status = if retry_at.is_some() {
                        "pending"
                    } else {
                        if let Some(invitation) = invitation {
                            given_up(conn, *id, invitation, error, now)?;
                        }
                        "failed"
                    };
                    diesel::update(row)
                        .set((
                            outbox::status.eq(status),
                            outbox::attempts.eq(outbox::attempts + 1),
                            outbox::next_attempt_at.eq(retry_at.map_or(at, |r| r.naive_utc())),
                            outbox::locked_until.eq(None::<NaiveDateTime>),
                            outbox::last_error.eq(Some(error.as_str())),
                        ))
                        .execute(conn)?;
                }
            }
        }
        Ok(())
    })
}
