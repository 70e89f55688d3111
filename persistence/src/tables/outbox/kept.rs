//! The messages a person's export lists (issue #32): those sent, or waiting, to one of the
//! person's logins whose body the retention has not erased yet (an erased message's recipient
//! is empty, so it is not found by one).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_opt_id, parse_word, utc, Key, Literal};
use crate::base::schema::outbox;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::enums::Channel;
use domain::ids::{AccountId, MessageId};

/// What of a message the body keeps that is a secret: the sealed token or code it carries (a
/// link or a code that still works).
pub const SECRET_KEYS: &[&str] = &["sealed_token"];

/// A message to one of the person's logins, as stored (less its secrets).
#[derive(Debug, Clone, PartialEq)]
pub struct KeptMessage {
    pub id: MessageId,
    pub account_id: Option<AccountId>,
    pub channel: Channel,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The stored body (what the message is written from), without [`SECRET_KEYS`].
    pub body: serde_json::Value,
}

type KeptRow = (
    String,
    Option<String>,
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The messages to one of `recipients`, in `account` when given, newest first, at most
/// `limit` (read through: an index on the recipient would cost every message's write, for a
/// rare export — BENCHMARKS.md, 2026-12-07 latest).
pub(crate) fn kept_for(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    recipients: &[String],
    limit: i64,
) -> Result<Vec<KeptMessage>, StoreError> {
    let mut query = outbox::table
        .filter(outbox::channel.ne(Literal::word("webhook")))
        .filter(outbox::recipient.eq_any(recipients.to_vec()))
        .into_boxed();
    if let Some(account) = account {
        query = query.filter(outbox::account_id.eq(account.key()));
    }
    let rows: Vec<KeptRow> = query
        .order(outbox::id.desc())
        .limit(limit)
        .select((
            outbox::id,
            outbox::account_id,
            outbox::channel,
            outbox::status,
            outbox::payload,
            outbox::created_at,
            outbox::sent_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, account, channel, status, payload, created, sent)| {
            let mut body: serde_json::Value = serde_json::from_str(&payload)
                .map_err(|e| StoreError::Corrupt(format!("a message's payload: {e}")))?;
            if let Some(fields) = body.as_object_mut() {
                for key in SECRET_KEYS {
                    fields.remove(*key);
                }
            }
            Ok(KeptMessage {
                id: parse_id(&id)?,
                account_id: parse_opt_id(account.as_deref())?,
                channel: parse_word(&channel, Channel::parse)?,
                status,
                created_at: utc(created),
                sent_at: sent.map(utc),
                body,
            })
        })
        .collect()
}
