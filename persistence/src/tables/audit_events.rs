//! The `audit_events` table: who did what to whom, written by the audit trail
//! ([`crate::shared::audit`]) and read back as the account's log, newest first, narrowed by
//! action, actor, target and time.

use crate::base::db::{insert_rows, DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::keys::{parse_opt_id, utc, Key};
use crate::base::page::PageRequest;
use crate::base::schema::audit_events;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::audit::AuditAction;
use domain::ids::{AccountId, ApiTokenId, IdentityId, UserId};
use uuid::Uuid;

/// Who did what to whom.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub account_id: Option<AccountId>,
    pub actor_user_id: Option<UserId>,
    pub actor_identity_id: Option<IdentityId>,
    pub actor_token_id: Option<ApiTokenId>,
    pub action: AuditAction,
    pub subject_type: &'a str,
    pub subject_id: String,
    pub details: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl<'a> AuditEvent<'a> {
    /// What a user of the account did.
    pub(crate) fn by(
        actor: &domain::access::AccountUser,
        action: AuditAction,
        subject_type: &'a str,
        subject_id: String,
        details: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            account_id: Some(actor.account_id),
            actor_user_id: Some(actor.user_id),
            actor_identity_id: Some(actor.identity_id),
            actor_token_id: actor.token.map(|t| t.id),
            action,
            subject_type,
            subject_id,
            details,
            at,
        }
    }

    /// What the server did in the account on no one's behalf (`actor.kind: system`): an
    /// expiry, an end of access, a review applied, a webhook switched off.
    pub(crate) fn by_system(
        account: AccountId,
        action: AuditAction,
        subject_type: &'a str,
        subject_id: String,
        details: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            account_id: Some(account),
            actor_user_id: None,
            actor_identity_id: None,
            actor_token_id: None,
            action,
            subject_type,
            subject_id,
            details,
            at,
        }
    }
}

/// Writes `events` with their `ids`, and the request they were made for, in one statement.
pub(crate) fn insert_all(
    writes: &mut Writes<'_, '_>,
    ids: &[String],
    events: &[AuditEvent<'_>],
    request: Option<String>,
) -> Result<(), StoreError> {
    let rows: Vec<(&String, &AuditEvent<'_>)> = ids.iter().zip(events).collect();
    let row = |(id, event): &(&String, &AuditEvent<'_>)| {
        (
            audit_events::id.eq((*id).clone()),
            audit_events::account_id.eq(event.account_id.map(|a| a.key())),
            audit_events::actor_user_id.eq(event.actor_user_id.map(|u| u.key())),
            audit_events::actor_identity_id.eq(event.actor_identity_id.map(|i| i.key())),
            audit_events::action.eq(event.action.as_str()),
            audit_events::subject_type.eq(event.subject_type.to_owned()),
            audit_events::subject_id.eq(event.subject_id.clone()),
            audit_events::details.eq(event.details.to_string()),
            audit_events::created_at.eq(event.at.naive_utc()),
            audit_events::actor_token_id.eq(event.actor_token_id.map(|t| t.key())),
            audit_events::request_id.eq(request.clone()),
        )
    };
    insert_rows!(writes, audit_events::table, rows.as_slice(), row);
    Ok(())
}

/// One event as the log shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: Uuid,
    pub action: String,
    pub actor_user_id: Option<UserId>,
    pub actor_identity_id: Option<IdentityId>,
    pub actor_token_id: Option<ApiTokenId>,
    pub target_type: String,
    pub target_id: String,
    pub details: serde_json::Value,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What the log may be narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    /// A user or an API token that acted.
    pub actor_id: Option<Uuid>,
    pub target_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl AuditFilter {
    /// Whether a page may read far more rows than it shows: every filter but the target's
    /// (which has its index) is checked row by row, newest first.
    pub fn scans(&self) -> bool {
        self.target_id.is_none()
            && (self.action.is_some()
                || self.actor_id.is_some()
                || self.since.is_some()
                || self.until.is_some())
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events)]
struct EventRow {
    id: String,
    action: String,
    actor_user_id: Option<String>,
    actor_identity_id: Option<String>,
    actor_token_id: Option<String>,
    subject_type: String,
    subject_id: String,
    details: String,
    request_id: Option<String>,
    created_at: NaiveDateTime,
}

impl EventRow {
    fn record(self) -> Result<AuditRecord, StoreError> {
        Ok(AuditRecord {
            id: Uuid::parse_str(&self.id)
                .map_err(|_| StoreError::Corrupt(format!("an audit event id {:?}", self.id)))?,
            action: self.action,
            actor_user_id: parse_opt_id(self.actor_user_id.as_deref())?,
            actor_identity_id: parse_opt_id(self.actor_identity_id.as_deref())?,
            actor_token_id: parse_opt_id(self.actor_token_id.as_deref())?,
            target_type: self.subject_type,
            target_id: self.subject_id,
            details: serde_json::from_str(&self.details)
                .map_err(|e| StoreError::Corrupt(format!("audit details: {e}")))?,
            request_id: self.request_id,
            created_at: utc(self.created_at),
        })
    }
}

/// A page of the account's audit log, newest first (one row past the page).
pub(crate) fn page_of(
    conn: &mut DbConnection,
    account: AccountId,
    filter: &AuditFilter,
    page: &PageRequest<Uuid>,
) -> Result<Vec<AuditRecord>, StoreError> {
    let mut q = audit_events::table
        .filter(audit_events::account_id.eq(account.key()))
        .into_boxed();
    if let Some(action) = &filter.action {
        q = q.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(actor_id) = filter.actor_id {
        let id = actor_id.to_string();
        q = q.filter(
            audit_events::actor_user_id
                .eq(id.clone())
                .or(audit_events::actor_token_id.eq(id)),
        );
    }
    if let Some(target) = &filter.target_id {
        q = q.filter(audit_events::subject_id.eq(target.clone()));
    }
    if let Some(since) = filter.since {
        q = q.filter(audit_events::created_at.ge(since.naive_utc()));
    }
    if let Some(until) = filter.until {
        q = q.filter(audit_events::created_at.lt(until.naive_utc()));
    }
    if let Some(after) = page.after {
        q = q.filter(audit_events::id.lt(after.to_string()));
    }
    q.order(audit_events::id.desc())
        .limit(page.rows())
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(EventRow::record)
        .collect()
}

/// Deletes up to `limit` events recorded before `cutoff`, oldest first; returns how many.
pub(crate) fn delete_older(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let old = || audit_events::table.filter(audit_events::created_at.lt(cutoff.naive_utc()));
    let ids: Vec<String> = old()
        .order(audit_events::created_at.asc())
        .select(audit_events::id)
        .limit(limit)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(old().filter(audit_events::id.eq_any(ids))).execute(conn)?)
}

/// The events that may hold traces of a person (rule 14), in `account` or everywhere (`None`):
/// acted by or about one of `ids` (the person's users and profile, their invitations and join
/// requests), or whose details hold one of `patterns` (`LIKE` patterns). Their ids and details.
pub(crate) fn with_traces(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    ids: &[String],
    patterns: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut query = audit_events::table
        .filter(
            crate::base::page::like_any!(audit_events::table, audit_events::details, patterns)
                .or(audit_events::subject_id.eq_any(ids))
                .or(audit_events::actor_user_id.eq_any(ids))
                .or(audit_events::actor_identity_id.eq_any(ids)),
        )
        .select((audit_events::id, audit_events::details))
        .into_boxed();
    if let Some(account) = account {
        query = query.filter(audit_events::account_id.eq(account.key()));
    }
    Ok(query.load(conn)?)
}

/// Writes an event's details, scrubbed of a person (rule 14).
pub(crate) fn set_details(
    conn: &mut DbConnection,
    id: &str,
    details: &str,
) -> Result<(), StoreError> {
    diesel::update(audit_events::table.find(id))
        .set(audit_events::details.eq(details))
        .execute(conn)?;
    Ok(())
}

/// An event of a person's export (issue #32), with the account it was recorded in.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountEvent {
    pub account_id: Option<AccountId>,
    pub event: AuditRecord,
}

/// The events where the person is the actor (`identity`: every event a user acts in names its
/// profile too) or the target (one of `users`, each in its account), in `account` when given,
/// newest first, at most `limit` (by `audit_events_subject`; the events the person acted in
/// are read through: an index on the actor would cost every write of the trail, for a rare
/// export — BENCHMARKS.md, 2026-12-07 latest).
pub(crate) fn of_person(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    identity: IdentityId,
    users: &[(AccountId, UserId)],
    limit: i64,
) -> Result<Vec<AccountEvent>, StoreError> {
    let mut acted = audit_events::table
        .filter(audit_events::actor_identity_id.eq(identity.key()))
        .into_boxed();
    if let Some(account) = account {
        acted = acted.filter(audit_events::account_id.eq(account.key()));
    }
    let acted: Vec<(EventRow, Option<String>)> = acted
        .order(audit_events::id.desc())
        .limit(limit)
        .select((EventRow::as_select(), audit_events::account_id))
        .load(conn)?;
    let accounts: Vec<String> = users.iter().map(|(a, _)| a.key()).collect();
    let targets: Vec<String> = users.iter().map(|(_, u)| u.key()).collect();
    let targeted: Vec<(EventRow, Option<String>)> = audit_events::table
        .filter(audit_events::account_id.eq_any(accounts))
        .filter(audit_events::subject_id.eq_any(targets))
        .order(audit_events::id.desc())
        .limit(limit)
        .select((EventRow::as_select(), audit_events::account_id))
        .load(conn)?;
    let mut rows: Vec<(EventRow, Option<String>)> = acted.into_iter().chain(targeted).collect();
    rows.sort_by(|a, b| b.0.id.cmp(&a.0.id));
    rows.dedup_by(|a, b| a.0.id == b.0.id);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    rows.into_iter()
        .map(|(row, account)| {
            Ok(AccountEvent {
                account_id: parse_opt_id(account.as_deref())?,
                event: row.record()?,
            })
        })
        .collect()
}
