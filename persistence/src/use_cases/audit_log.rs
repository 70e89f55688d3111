//! Reading the audit log of an account (administrators): newest first, narrowed by action,
//! actor, target and time.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::{parse_opt_id, utc, Key};
use crate::base::page::{into_page, Page, PageRequest};
use crate::base::schema::audit_events;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::{may_read_audit, AccountUser};
use domain::ids::{ApiTokenId, IdentityId, UserId};
use uuid::Uuid;

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

/// A page of the account's audit log, newest first.
pub fn list(
    db: &Database,
    actor: &AccountUser,
    filter: &AuditFilter,
    page: PageRequest<Uuid>,
) -> Result<Page<AuditRecord, Uuid>, StoreError> {
    may_read_audit(actor)?;
    db.read(|conn| {
        let mut q = audit_events::table
            .filter(audit_events::account_id.eq(actor.account_id.key()))
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
        let rows = q
            .order(audit_events::id.desc())
            .limit(page.rows())
            .select(EventRow::as_select())
            .load(conn)?
            .into_iter()
            .map(EventRow::record)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(into_page(rows, page.limit, |e| e.id))
    })
}
