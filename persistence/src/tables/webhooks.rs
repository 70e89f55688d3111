//! The `webhooks` table: its row, the record it is read back as — as it stands now: one whose
//! owner could no longer make it shows switched off, whether or not the switch-off is written
//! yet — and the facts of whoever answers for each.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_opt_id, parse_word, utc, Key};
use crate::base::schema::{users, webhooks};
use crate::tables::api_tokens::stored_tokens;
use crate::tables::users::StandingRow;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::api_token::StoredToken;
use domain::enums::SwitchOffCause;
use domain::ids::{AccountId, ApiTokenId, UserId, WebhookId};
use domain::webhook::{owner_stands, EventType, EventTypes, Owner, OwnerFacts, SwitchOff};
use serde::{Deserialize, Serialize};

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
    #[serde(default)]
    pub disabled_cause: Option<SwitchOffCause>,
    /// The user who answers for it: who made it, or took it over.
    pub created_by: Option<String>,
    /// The API token that was done through, if it was.
    #[serde(default)]
    pub created_by_token_id: Option<ApiTokenId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub(crate) struct WebhookRow {
    pub id: String,
    pub url: String,
    pub events: String,
    pub active: bool,
    failing_since: Option<NaiveDateTime>,
    disabled_at: Option<NaiveDateTime>,
    disabled_reason: Option<String>,
    disabled_cause: Option<String>,
    created_by: Option<String>,
    created_by_token_id: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

pub(crate) fn events_of(words: &str) -> Result<EventTypes, StoreError> {
    EventTypes::from_words(words).ok_or_else(|| StoreError::Corrupt(format!("events {words:?}")))
}

impl WebhookRow {
    /// Who answers for it.
    pub(crate) fn owner(&self) -> Result<Owner, StoreError> {
        Ok(Owner {
            user_id: parse_opt_id(self.created_by.as_deref())?,
            token_id: parse_opt_id(self.created_by_token_id.as_deref())?,
        })
    }

    /// The record, as it stands: switched off by `orphaned` when its owner no longer stands.
    pub(crate) fn record(self, orphaned: Option<&SwitchOff>) -> Result<WebhookRecord, StoreError> {
        let cause = self
            .disabled_cause
            .as_deref()
            .map(|c| parse_word(c, SwitchOffCause::parse))
            .transpose()?;
        let mut record = WebhookRecord {
            id: parse_id(&self.id)?,
            url: self.url,
            events: events_of(&self.events)?.to_vec(),
            active: self.active,
            failing_since: self.failing_since.map(utc),
            disabled_at: self.disabled_at.map(utc),
            disabled_reason: self.disabled_reason,
            disabled_cause: cause,
            created_by: self.created_by,
            created_by_token_id: parse_opt_id(self.created_by_token_id.as_deref())?,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        };
        if let (true, Some(off)) = (record.active, orphaned) {
            record.active = false;
            record.disabled_at = Some(off.at);
            record.disabled_reason = Some(off.reason.clone());
            record.disabled_cause = Some(off.cause);
        }
        Ok(record)
    }
}

/// What is known now of whoever answers for each of `owners`, in their order.
pub(crate) fn owner_facts(
    conn: &mut DbConnection,
    owners: &[Owner],
) -> Result<Vec<OwnerFacts>, StoreError> {
    let token_ids: Vec<String> = owners
        .iter()
        .filter_map(|o| o.token_id.map(|t| t.key()))
        .collect();
    let people: Vec<String> = owners
        .iter()
        .filter(|o| o.token_id.is_none())
        .filter_map(|o| o.user_id.map(|u| u.key()))
        .collect();
    let stored = stored_tokens(conn, token_ids)?;
    let standings: Vec<(String, StandingRow)> = if people.is_empty() {
        Vec::new()
    } else {
        users::table
            .filter(users::id.eq_any(people))
            .select((users::id, StandingRow::as_select()))
            .load(conn)?
    };
    let mut people = Vec::with_capacity(standings.len());
    for (id, row) in standings {
        people.push((parse_id::<UserId>(&id)?, row.standing()?));
    }
    Ok(owners
        .iter()
        .map(|o| match (o.token_id, o.user_id) {
            (Some(token), _) => OwnerFacts::Token(
                token,
                stored
                    .iter()
                    .find(|t: &&StoredToken| t.id == token)
                    .copied(),
            ),
            (None, Some(user)) => OwnerFacts::Person(
                user,
                people.iter().find(|(id, _)| *id == user).map(|(_, s)| *s),
            ),
            (None, None) => OwnerFacts::Unrecorded,
        })
        .collect())
}

/// For each of `rows`, in their order: the switch-off it is due, when it is on and whoever
/// answers for it no longer stands (a token expired since, a user dismissed before this was
/// written down).
pub(crate) fn orphaned(
    conn: &mut DbConnection,
    rows: &[WebhookRow],
    now: DateTime<Utc>,
) -> Result<Vec<Option<SwitchOff>>, StoreError> {
    let owners = rows
        .iter()
        .map(WebhookRow::owner)
        .collect::<Result<Vec<_>, _>>()?;
    let facts = owner_facts(conn, &owners)?;
    Ok(rows
        .iter()
        .zip(facts)
        .map(|(row, facts)| {
            if row.active {
                owner_stands(facts, now).err()
            } else {
                None
            }
        })
        .collect())
}

/// The records of `rows` as they stand at `now`.
pub(crate) fn as_they_stand(
    conn: &mut DbConnection,
    rows: Vec<WebhookRow>,
    now: DateTime<Utc>,
) -> Result<Vec<WebhookRecord>, StoreError> {
    let due = orphaned(conn, &rows, now)?;
    rows.into_iter()
        .zip(due)
        .map(|(row, off)| row.record(off.as_ref()))
        .collect()
}

/// Writes a webhook switched off by `off` ([`crate::shared::webhook_switch_off`] does the
/// rest of a switch-off).
pub(crate) fn mark_switched_off(
    conn: &mut DbConnection,
    webhook: WebhookId,
    off: &SwitchOff,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(webhooks::table.find(webhook.key()))
        .set((
            webhooks::active.eq(false),
            webhooks::disabled_at.eq(Some(off.at.naive_utc())),
            webhooks::disabled_reason.eq(Some(off.reason.as_str())),
            webhooks::disabled_cause.eq(Some(off.cause.as_str())),
            webhooks::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account's active webhooks `owned`.
pub(crate) fn active_owned(
    conn: &mut DbConnection,
    account: AccountId,
    owned: Owned,
) -> Result<Vec<WebhookRow>, StoreError> {
    let mut q = webhooks::table
        .filter(webhooks::account_id.eq(account.key()))
        .filter(webhooks::active.eq(true))
        .into_boxed();
    q = match owned {
        Owned::By(user) => q.filter(webhooks::created_by.eq(user.key())),
        Owned::Through(token) => q.filter(webhooks::created_by_token_id.eq(token.key())),
    };
    Ok(q.select(WebhookRow::as_select()).load(conn)?)
}

/// The webhooks a user answers for, or that were made through a token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owned {
    By(UserId),
    Through(ApiTokenId),
}
