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

/// One webhook of an account, if it is one of its.
pub(crate) fn in_account(
    conn: &mut DbConnection,
    account: AccountId,
    id: WebhookId,
) -> Result<Option<WebhookRow>, StoreError> {
    Ok(webhooks::table
        .filter(webhooks::id.eq(id.key()))
        .filter(webhooks::account_id.eq(account.key()))
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()?)
}

/// How many webhooks an account has, switched on or off.
pub(crate) fn count_in(conn: &mut DbConnection, account: AccountId) -> Result<i64, StoreError> {
    Ok(webhooks::table
        .filter(webhooks::account_id.eq(account.key()))
        .count()
        .get_result(conn)?)
}

/// Up to `rows` webhooks of an account, newest first, those before `after` when given.
pub(crate) fn page_in(
    conn: &mut DbConnection,
    account: AccountId,
    after: Option<WebhookId>,
    rows: i64,
) -> Result<Vec<WebhookRow>, StoreError> {
    let mut q = webhooks::table
        .filter(webhooks::account_id.eq(account.key()))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(webhooks::id.lt(after.key()));
    }
    Ok(q.order(webhooks::id.desc())
        .limit(rows)
        .select(WebhookRow::as_select())
        .load(conn)?)
}

/// A webhook to write, switched on, answered for by `owner`.
pub(crate) struct NewWebhookRow<'a> {
    pub id: WebhookId,
    pub account_id: AccountId,
    pub url: &'a str,
    pub events: EventTypes,
    /// Its signing secret, as the HTTP layer sealed it.
    pub sealed_secret: &'a str,
    pub owner: Owner,
}

/// Writes a new webhook.
pub(crate) fn insert(
    conn: &mut DbConnection,
    new: &NewWebhookRow<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::id.eq(new.id.key()),
            webhooks::account_id.eq(new.account_id.key()),
            webhooks::url.eq(new.url),
            webhooks::events.eq(new.events.to_words()),
            webhooks::secret.eq(new.sealed_secret),
            webhooks::active.eq(true),
            webhooks::created_by.eq(new.owner.user_id.map(|u| u.key())),
            webhooks::created_by_token_id.eq(new.owner.token_id.map(|t| t.key())),
            webhooks::created_at.eq(at),
            webhooks::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The columns a change writes; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = webhooks)]
pub(crate) struct WebhookUpdate<'a> {
    pub url: Option<&'a str>,
    pub events: Option<String>,
    pub secret: Option<&'a str>,
    pub active: Option<bool>,
    pub failing_since: Option<Option<NaiveDateTime>>,
    pub disabled_at: Option<Option<NaiveDateTime>>,
    pub disabled_reason: Option<Option<&'a str>>,
    pub disabled_cause: Option<Option<&'a str>>,
    pub created_by: Option<Option<String>>,
    pub created_by_token_id: Option<Option<String>>,
    pub updated_at: NaiveDateTime,
}

/// Writes a change of a webhook.
pub(crate) fn update(
    conn: &mut DbConnection,
    id: WebhookId,
    change: &WebhookUpdate<'_>,
) -> Result<(), StoreError> {
    diesel::update(webhooks::table.find(id.key()))
        .set(change)
        .execute(conn)?;
    Ok(())
}

/// Deletes a webhook (its deliveries first: [`crate::tables::outbox::deliveries::delete_all_of`]).
pub(crate) fn delete(conn: &mut DbConnection, id: WebhookId) -> Result<(), StoreError> {
    diesel::delete(webhooks::table.find(id.key())).execute(conn)?;
    Ok(())
}

/// The active webhooks of an account, each as `(id, url, events)`: those an event of it may
/// be delivered to.
pub(crate) fn subscribers_of(
    conn: &mut DbConnection,
    account: AccountId,
) -> Result<Vec<(String, String, String)>, StoreError> {
    Ok(webhooks::table
        .filter(webhooks::account_id.eq(account.key()))
        .filter(webhooks::active.eq(true))
        .select((webhooks::id, webhooks::url, webhooks::events))
        .load(conn)?)
}

/// The webhooks of `ids` that are still there.
pub(crate) fn by_ids(
    conn: &mut DbConnection,
    ids: Vec<&String>,
) -> Result<Vec<WebhookRow>, StoreError> {
    Ok(webhooks::table
        .filter(webhooks::id.eq_any(ids))
        .select(WebhookRow::as_select())
        .load(conn)?)
}

/// The sealed signing secrets of `rows`, each as `(id, secret)`.
pub(crate) fn secrets_of(
    conn: &mut DbConnection,
    rows: &[WebhookRow],
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(webhooks::table
        .filter(webhooks::id.eq_any(rows.iter().map(|h| &h.id)))
        .select((webhooks::id, webhooks::secret))
        .load(conn)?)
}

/// The account of a webhook, `None` when it is gone.
pub(crate) fn account_of(
    conn: &mut DbConnection,
    webhook: WebhookId,
) -> Result<Option<String>, StoreError> {
    Ok(webhooks::table
        .find(webhook.key())
        .select(webhooks::account_id)
        .first(conn)
        .optional()?)
}

/// A webhook's row, none when it is gone.
pub(crate) fn by_id(
    conn: &mut DbConnection,
    webhook: WebhookId,
) -> Result<Vec<WebhookRow>, StoreError> {
    Ok(webhooks::table
        .find(webhook.key())
        .select(WebhookRow::as_select())
        .load(conn)?)
}

/// Whether a webhook is switched on (an error when it is gone).
pub(crate) fn is_active(conn: &mut DbConnection, webhook: WebhookId) -> Result<bool, StoreError> {
    Ok(webhooks::table
        .find(webhook.key())
        .select(webhooks::active)
        .first(conn)?)
}

/// Ends a webhook's failure streak (a delivery succeeded), when it has one.
pub(crate) fn end_streak(conn: &mut DbConnection, webhook: WebhookId) -> Result<(), StoreError> {
    diesel::update(
        webhooks::table
            .find(webhook.key())
            .filter(webhooks::failing_since.is_not_null()),
    )
    .set(webhooks::failing_since.eq(None::<NaiveDateTime>))
    .execute(conn)?;
    Ok(())
}

/// A webhook's account, whether it is on, and since when its deliveries fail; `None` when it
/// is gone.
pub(crate) fn streak_of(
    conn: &mut DbConnection,
    webhook: WebhookId,
) -> Result<Option<(String, bool, Option<NaiveDateTime>)>, StoreError> {
    Ok(webhooks::table
        .find(webhook.key())
        .select((
            webhooks::account_id,
            webhooks::active,
            webhooks::failing_since,
        ))
        .first(conn)
        .optional()?)
}

/// Starts a webhook's failure streak at `at`, unless it has one already (the first failure's
/// time stays).
pub(crate) fn start_streak(
    conn: &mut DbConnection,
    webhook: WebhookId,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(
        webhooks::table
            .find(webhook.key())
            .filter(webhooks::failing_since.is_null()),
    )
    .set(webhooks::failing_since.eq(Some(at)))
    .execute(conn)?;
    Ok(())
}
