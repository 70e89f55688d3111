//! The outbox: messages are written in the transaction that causes them and leave only after
//! it commits. Workers claim due rows for a short lease (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so several processes share the work), send them, and mark them sent, or due
//! again later, or given up. Webhook deliveries are outbox rows too: [`deliveries`].

pub(crate) mod deliveries;
pub(crate) mod erasure;
pub(crate) mod kept;
pub(crate) mod retention;

use crate::base::db::{insert_rows, DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, to_count, Key, Literal};
use crate::base::schema::outbox;
use crate::tables::accounts::AccountRecord;
use crate::tables::invitations::InvitationRecord;
use crate::tables::workgroups::WorkgroupRecord;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::dsl::count_star;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use domain::enums::Channel;
use domain::ids::{AccountId, WebhookId};
use domain::locale::{self, Locale};
use domain::login::Login;
use domain::webhook::{outlived_reason, DELIVERY_LIFETIME_HOURS};
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
                "locale": locale::for_invitation(
                    self.invitation.locale,
                    self.inviter.account.settings.locale,
                ),
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
/// address or phone number) on `channel`, in `locale`.
pub(crate) fn membership_message(
    inviter: &Inviter<'_>,
    group: &WorkgroupRecord,
    channel: Channel,
    recipient: &str,
    locale: Locale,
) -> NewMessage {
    NewMessage {
        id: Uuid::now_v7(),
        account_id: Some(inviter.account.id),
        channel,
        recipient: recipient.to_owned(),
        payload: json!({
            "kind": "membership_invitation",
            "locale": locale,
            "account_name": inviter.account.name,
            "inviter_name": inviter.name,
            "workgroup_name": group.name,
            "workgroup_id": group.id.key(),
        }),
    }
}

/// The message carrying a sign-up's confirmation code (sealed for the worker), in `locale`.
pub(crate) fn sign_up_code_message(
    login: &Login,
    sealed_code: &str,
    expires_in_minutes: i64,
    locale: Locale,
) -> NewMessage {
    NewMessage {
        id: Uuid::now_v7(),
        account_id: None,
        channel: login.channel(),
        recipient: login.as_str().to_owned(),
        payload: json!({
            "kind": "sign_up_code",
            "locale": locale,
            "sealed_token": sealed_code,
            "expires_in_minutes": expires_in_minutes,
        }),
    }
}

/// The message carrying the code that proves a login asking to join through a join link
/// (sealed for the worker), in `locale`: nothing of the link, the account or the asker.
pub(crate) fn join_code_message(
    login: &Login,
    sealed_code: &str,
    expires_in_minutes: i64,
    locale: Locale,
) -> NewMessage {
    NewMessage {
        id: Uuid::now_v7(),
        account_id: None,
        channel: login.channel(),
        recipient: login.as_str().to_owned(),
        payload: json!({
            "kind": "join_code",
            "locale": locale,
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

/// Drops a message the worker held when a resend replaced it: its attempt failed, and its
/// link is dead, so it is neither retried nor reported.
pub(crate) fn withdraw_replaced(conn: &mut DbConnection, id: Uuid) -> Result<(), StoreError> {
    diesel::delete(outbox::table.find(id.to_string())).execute(conn)?;
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
    let mut writes = Writes::now(conn);
    enqueue_all_into(&mut writes, messages, now)?;
    writes.run()
}

/// As [`enqueue_all`], through `writes` (chained with other inserts on PostgreSQL).
pub(crate) fn enqueue_all_into(
    writes: &mut Writes<'_, '_>,
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
    insert_rows!(writes, outbox::table, messages, row);
    if !messages.is_empty() {
        crate::base::request::note_messages();
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

/// Claims up to `limit` due messages for `lease`; nobody else sends them meanwhile. Webhook
/// deliveries have a worker of their own. On PostgreSQL one statement (`UPDATE … WHERE id IN
/// (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …`), which needs no transaction around it; on
/// SQLite the one writer reads and marks them in its transaction.
pub(crate) fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let at = now.naive_utc();
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
        DbConnection::Pg(pg) => {
            let mut rows = Claim {
                until: at + lease,
                at,
                limit,
            }
            .load::<ClaimRow>(pg)?;
            rows.sort_by(|a, b| a.id.cmp(&b.id));
            rows
        }
        // The one writer: nobody else claims meanwhile.
        DbConnection::Sqlite(c) => {
            let rows = due.select(ClaimRow::as_select()).load(c)?;
            if !rows.is_empty() {
                let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
                diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
                    .set(outbox::locked_until.eq(Some(at + lease)))
                    .execute(c)?;
            }
            rows
        }
    };
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
}

/// PostgreSQL's claim, one statement with SQL of its own (diesel writes no `UPDATE` whose
/// target is filtered by a locking subquery): the due messages nobody holds, leased until
/// `until`.
struct Claim {
    until: NaiveDateTime,
    at: NaiveDateTime,
    limit: i64,
}

impl QueryId for Claim {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Claim {
    type SqlType = (Text, Text, Text, Text, Integer);
}

impl QueryFragment<Pg> for Claim {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("UPDATE outbox SET locked_until = ");
        out.push_bind_param::<Timestamp, _>(&self.until)?;
        out.push_sql(
            " WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' \
             AND channel <> 'webhook' AND next_attempt_at <= ",
        );
        out.push_bind_param::<Timestamp, _>(&self.at)?;
        out.push_sql(" AND (locked_until IS NULL OR locked_until <= ");
        out.push_bind_param::<Timestamp, _>(&self.at)?;
        out.push_sql(") ORDER BY next_attempt_at LIMIT ");
        out.push_bind_param::<BigInt, _>(&self.limit)?;
        out.push_sql(
            " FOR UPDATE SKIP LOCKED) RETURNING id, channel, recipient, payload, attempts",
        );
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for Claim {}

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

/// The account, channel and recipient of a message, if it is still there.
pub(crate) fn addressed(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<Option<(Option<String>, String, String)>, StoreError> {
    Ok(outbox::table
        .find(id.to_string())
        .select((outbox::account_id, outbox::channel, outbox::recipient))
        .first(conn)
        .optional()?)
}

/// Marks messages sent, in one statement; once sent, the sealed token has no business staying
/// anywhere, so the database drops it from the payload.
pub(crate) fn mark_sent<'a>(
    writes: &mut Writes<'_, 'a>,
    sent: &'a [String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if sent.is_empty() {
        return Ok(());
    }
    let rows = outbox::table.filter(outbox::id.eq_any(sent));
    let done = (
        outbox::status.eq("sent"),
        outbox::sent_at.eq(Some(now.naive_utc())),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(None::<String>),
    );
    let pg_payload = outbox::payload.eq(diesel::dsl::sql::<diesel::sql_types::Text>(
        "(payload::jsonb - 'sealed_token')::text",
    ));
    match writes {
        Writes::Chained(chain) => chain.push(diesel::update(rows).set((done, pg_payload))),
        Writes::Now(conn) => match &mut **conn {
            DbConnection::Sqlite(c) => {
                diesel::update(rows)
                    .set((
                        done,
                        outbox::payload.eq(json_remove(outbox::payload, "$.sealed_token")),
                    ))
                    .execute(c)?;
            }
            DbConnection::Pg(c) => {
                diesel::update(rows).set((done, pg_payload)).execute(c)?;
            }
        },
    }
    Ok(())
}

/// Marks a failed attempt: due again at `retry_at`, or given up when `None`.
pub(crate) fn mark_failed(
    conn: &mut DbConnection,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    diesel::update(outbox::table.find(id.to_string()))
        .set((
            outbox::status.eq(status),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(retry_at.map_or(now.naive_utc(), |r| r.naive_utc())),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Pauses a webhook's waiting deliveries (it was switched off): those past their lifetime are
/// given up with the reason; its pings, which only try the receiver, still go.
pub(crate) fn pause_waiting(
    conn: &mut DbConnection,
    webhook: WebhookId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let waiting = || {
        outbox::table
            .filter(outbox::webhook_id.eq(webhook.key()))
            .filter(outbox::status.eq(Literal::word("pending")))
            .filter(outbox::event.ne("ping"))
    };
    let outlived_since = now.naive_utc() - Duration::hours(DELIVERY_LIFETIME_HOURS);
    diesel::update(waiting().filter(outbox::created_at.le(outlived_since)))
        .set((
            outbox::status.eq("failed"),
            outbox::last_error.eq(Some(outlived_reason())),
            outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    diesel::update(waiting())
        .set((
            outbox::status.eq("paused"),
            outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A webhook switched on again: its paused deliveries are due now, but those past their
/// lifetime, which are given up with the reason.
pub(crate) fn resume_paused(
    conn: &mut DbConnection,
    webhook: WebhookId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    let paused = || {
        outbox::table
            .filter(outbox::webhook_id.eq(webhook.key()))
            .filter(outbox::status.eq(Literal::word("paused")))
    };
    let outlived_since = at - Duration::hours(DELIVERY_LIFETIME_HOURS);
    diesel::update(paused().filter(outbox::created_at.le(outlived_since)))
        .set((
            outbox::status.eq("failed"),
            outbox::last_error.eq(Some(outlived_reason())),
        ))
        .execute(conn)?;
    let due = diesel::update(paused())
        .set((outbox::status.eq("pending"), outbox::next_attempt_at.eq(at)))
        .execute(conn)?;
    if due > 0 {
        crate::base::request::note_webhook_deliveries();
    }
    Ok(())
}

/// The unsent messages (and deliveries) counted by status and channel: `(status, channel,
/// count)`. The condition is the partial index `outbox_unsent`'s, word for word, so that both
/// planners use it.
pub(crate) fn unsent_counts(
    conn: &mut DbConnection,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    Ok(outbox::table
        .filter(outbox::status.ne(Literal::word("sent")))
        .group_by((outbox::status, outbox::channel))
        .select((outbox::status, outbox::channel, count_star()))
        .load(conn)?)
}
