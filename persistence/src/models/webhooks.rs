//! The `webhooks` table: its row, the record it is read back as — as it stands now: one whose
//! owner could no longer make it shows switched off, whether or not the switch-off is written
//! yet — the facts of whoever answers for each, and the writes use cases share: switching one
//! off (its waiting deliveries paused, the account's count of active webhooks kept, an audit
//! event with no actor) and resuming the deliveries of one switched on again.

use crate::audit::{self, AuditEvent};
use crate::db::DbConnection;
use crate::error::StoreError;
use crate::keys::{parse_id, parse_opt_id, parse_word, utc, Key, Literal};
use crate::models::accounts::recount_webhooks;
use crate::models::users::StandingRow;
use crate::schema::{api_tokens, outbox, users, webhooks};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::api_token::{Scopes, StoredToken};
use domain::audit::AuditAction;
use domain::enums::SwitchOffCause;
use domain::ids::{AccountId, ApiTokenId, UserId, WebhookId};
use domain::webhook::{
    outlived_reason, owner_stands, EventType, EventTypes, Owner, OwnerFacts, SwitchOff,
    DELIVERY_LIFETIME_HOURS,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

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
    let tokens: Vec<(TokenRow, StandingRow)> = if token_ids.is_empty() {
        Vec::new()
    } else {
        api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::id.eq_any(token_ids))
            .select((TokenRow::as_select(), StandingRow::as_select()))
            .load(conn)?
    };
    let mut stored = Vec::with_capacity(tokens.len());
    for (row, creator) in tokens {
        stored.push(row.stored(creator)?);
    }
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

/// What a webhook's owner check reads of an API token.
#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: String,
    account_id: String,
    user_id: String,
    scopes: String,
    expires_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

impl TokenRow {
    fn stored(self, creator: StandingRow) -> Result<StoredToken, StoreError> {
        let creator = creator.standing()?;
        Ok(StoredToken {
            id: parse_id(&self.id)?,
            account_id: parse_id(&self.account_id)?,
            user_id: parse_id(&self.user_id)?,
            identity_id: creator.identity_id,
            scopes: Scopes::from_words(&self.scopes)
                .ok_or_else(|| StoreError::Corrupt(format!("scopes {:?}", self.scopes)))?,
            created_at: utc(self.created_at),
            expires_at: self.expires_at.map(utc),
            revoked: self.revoked_at.is_some(),
            creator: Some(creator),
        })
    }
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

/// The webhooks a user answers for, or that were made through a token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owned {
    By(UserId),
    Through(ApiTokenId),
}

/// Switches off the account's active webhooks `owned` whose owner no longer stands (called by
/// the change that ended their standing — a dismissal, an administrator's flag taken, a token
/// revoked — in its transaction, under the account's lock).
pub(crate) fn switch_off_orphans(
    conn: &mut DbConnection,
    account: AccountId,
    owned: Owned,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut q = webhooks::table
        .filter(webhooks::account_id.eq(account.key()))
        .filter(webhooks::active.eq(true))
        .into_boxed();
    q = match owned {
        Owned::By(user) => q.filter(webhooks::created_by.eq(user.key())),
        Owned::Through(token) => q.filter(webhooks::created_by_token_id.eq(token.key())),
    };
    let rows: Vec<WebhookRow> = q.select(WebhookRow::as_select()).load(conn)?;
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
    let at = now.naive_utc();
    diesel::update(webhooks::table.find(webhook.key()))
        .set((
            webhooks::active.eq(false),
            webhooks::disabled_at.eq(Some(off.at.naive_utc())),
            webhooks::disabled_reason.eq(Some(off.reason.as_str())),
            webhooks::disabled_cause.eq(Some(off.cause.as_str())),
            webhooks::updated_at.eq(at),
        ))
        .execute(conn)?;
    let waiting = || {
        outbox::table
            .filter(outbox::webhook_id.eq(webhook.key()))
            .filter(outbox::status.eq(Literal::word("pending")))
            .filter(outbox::event.ne("ping"))
    };
    let outlived_since = at - Duration::hours(DELIVERY_LIFETIME_HOURS);
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
    recount_webhooks(conn, account)?;
    if off.cause != SwitchOffCause::SwitchedOff {
        audit::record(
            conn,
            AuditEvent {
                account_id: Some(account),
                actor_user_id: None,
                actor_identity_id: None,
                actor_token_id: None,
                action: AuditAction::WebhookDisabled,
                subject_type: "webhook",
                subject_id: webhook.key(),
                details: json!({"cause": off.cause, "reason": off.reason, "at": off.at}),
                at: now,
            },
        )?;
        tracing::warn!(webhook = %webhook, cause = %off.cause, reason = %off.reason, "webhook switched off");
    }
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
        crate::request::note_webhook_deliveries();
    }
    Ok(())
}
