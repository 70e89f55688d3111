//! The `access_reviews` table (issue #30): a review of the external users of a workgroup or of
//! the account, open until its due instant, then applied (or cancelled before). Its items are
//! `access_review_items`'; a review is read with their progress.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_opt_id, parse_word, to_count, utc, Key, Literal};
use crate::base::page::PageRequest;
use crate::base::schema::{access_reviews, memberships};
use crate::tables::access_review_items::{delete_items_of, progress_of, Progress};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access_review::{ListedReviews, NewReview, ReviewFacts, ReviewScope};
use domain::enums::{MembershipStatus, ReviewDecision, ReviewStatus, Role};
use domain::ids::{AccessReviewId, AccountId, UserId, WorkgroupId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A review as the API shows it, with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub id: AccessReviewId,
    /// `None`: every external user of the account.
    pub workgroup_id: Option<WorkgroupId>,
    pub due_at: DateTime<Utc>,
    pub on_no_answer: ReviewDecision,
    pub every_days: Option<u32>,
    pub status: ReviewStatus,
    /// `None`: started by the system, as the next of a recurring review.
    pub created_by: Option<UserId>,
    /// The recurring review this one follows.
    pub previous_id: Option<AccessReviewId>,
    pub created_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub progress: Progress,
}

impl ReviewRecord {
    pub fn facts(&self) -> ReviewFacts {
        ReviewFacts {
            id: self.id,
            scope: ReviewScope::of(self.workgroup_id),
            status: self.status,
            due_at: self.due_at,
            on_no_answer: self.on_no_answer,
            every_days: self.every_days,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = access_reviews)]
struct ReviewRow {
    id: String,
    workgroup_id: Option<String>,
    due_at: NaiveDateTime,
    on_no_answer: String,
    every_days: Option<i32>,
    status: String,
    created_by: Option<String>,
    previous_id: Option<String>,
    created_at: NaiveDateTime,
    applied_at: Option<NaiveDateTime>,
    cancelled_at: Option<NaiveDateTime>,
}

impl ReviewRow {
    fn record(self, progress: Progress) -> Result<ReviewRecord, StoreError> {
        Ok(ReviewRecord {
            id: parse_id(&self.id)?,
            workgroup_id: parse_opt_id(self.workgroup_id.as_deref())?,
            due_at: utc(self.due_at),
            on_no_answer: parse_word(&self.on_no_answer, ReviewDecision::parse)?,
            every_days: self.every_days.map(to_count),
            status: parse_word(&self.status, ReviewStatus::parse)?,
            created_by: parse_opt_id(self.created_by.as_deref())?,
            previous_id: parse_opt_id(self.previous_id.as_deref())?,
            created_at: utc(self.created_at),
            applied_at: self.applied_at.map(utc),
            cancelled_at: self.cancelled_at.map(utc),
            progress,
        })
    }
}

/// Reads rows with their progress (one query for every row's).
fn with_progress(
    conn: &mut DbConnection,
    rows: Vec<ReviewRow>,
) -> Result<Vec<ReviewRecord>, StoreError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut progress = progress_of(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let p = progress.remove(&r.id).unwrap_or_default();
            r.record(p)
        })
        .collect()
}

/// Writes a new open review of `account`, started by `creator` (`None`: the system), following
/// `previous` when it recurs.
pub(crate) fn insert_review(
    conn: &mut DbConnection,
    id: AccessReviewId,
    account: AccountId,
    review: &NewReview,
    creator: Option<UserId>,
    previous: Option<AccessReviewId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(access_reviews::table)
        .values((
            access_reviews::id.eq(id.key()),
            access_reviews::account_id.eq(account.key()),
            access_reviews::workgroup_id.eq(review.scope.workgroup().map(|g| g.key())),
            access_reviews::due_at.eq(review.due_at.naive_utc()),
            access_reviews::on_no_answer.eq(review.on_no_answer.as_str()),
            access_reviews::every_days.eq(review
                .every_days
                .map(|d| i32::try_from(d).unwrap_or(i32::MAX))),
            access_reviews::status.eq(ReviewStatus::Open.as_str()),
            access_reviews::created_by.eq(creator.map(|c| c.key())),
            access_reviews::previous_id.eq(previous.map(|p| p.key())),
            access_reviews::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The review `id` of `account`, with its progress.
pub(crate) fn find_review(
    conn: &mut DbConnection,
    account: AccountId,
    id: AccessReviewId,
) -> Result<Option<ReviewRecord>, StoreError> {
    let row = access_reviews::table
        .find(id.key())
        .filter(access_reviews::account_id.eq(account.key()))
        .select(ReviewRow::as_select())
        .first(conn)
        .optional()?;
    Ok(with_progress(conn, row.into_iter().collect())?.pop())
}

/// The open review of `scope` in `account`, if there is one.
pub(crate) fn open_of_scope(
    conn: &mut DbConnection,
    account: AccountId,
    scope: ReviewScope,
) -> Result<Option<AccessReviewId>, StoreError> {
    let mut q = access_reviews::table
        .filter(access_reviews::account_id.eq(account.key()))
        .filter(access_reviews::status.eq(Literal::word(ReviewStatus::Open.as_str())))
        .into_boxed();
    q = match scope.workgroup() {
        Some(group) => q.filter(access_reviews::workgroup_id.eq(group.key())),
        None => q.filter(access_reviews::workgroup_id.is_null()),
    };
    q.select(access_reviews::id)
        .first::<String>(conn)
        .optional()?
        .map(|id| parse_id(&id))
        .transpose()
}

/// The account's open reviews due at or before `at`, earliest first (`access_reviews_due`).
pub(crate) fn due_in(
    conn: &mut DbConnection,
    account: AccountId,
    at: NaiveDateTime,
) -> Result<Vec<ReviewFacts>, StoreError> {
    let rows = access_reviews::table
        .filter(access_reviews::account_id.eq(account.key()))
        .filter(access_reviews::status.eq(Literal::word(ReviewStatus::Open.as_str())))
        .filter(access_reviews::due_at.le(at))
        .order((access_reviews::due_at.asc(), access_reviews::id.asc()))
        .select(ReviewRow::as_select())
        .load::<ReviewRow>(conn)?;
    rows.into_iter()
        .map(|r| r.record(Progress::default()).map(|r| r.facts()))
        .collect()
}

/// The accounts (ids as stored) with an open review due at or before `at`.
pub(crate) fn accounts_with_due(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    Ok(access_reviews::table
        .filter(access_reviews::status.eq(Literal::word(ReviewStatus::Open.as_str())))
        .filter(access_reviews::due_at.le(at))
        .select(access_reviews::account_id)
        .distinct()
        .load(conn)?)
}

/// Marks an open review applied at `now`.
pub(crate) fn set_applied(
    conn: &mut DbConnection,
    id: AccessReviewId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(access_reviews::table.find(id.key()))
        .filter(access_reviews::status.eq(ReviewStatus::Open.as_str()))
        .set((
            access_reviews::status.eq(ReviewStatus::Applied.as_str()),
            access_reviews::applied_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks an open review cancelled at `now`.
pub(crate) fn set_cancelled(
    conn: &mut DbConnection,
    id: AccessReviewId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(access_reviews::table.find(id.key()))
        .filter(access_reviews::status.eq(ReviewStatus::Open.as_str()))
        .set((
            access_reviews::status.eq(ReviewStatus::Cancelled.as_str()),
            access_reviews::cancelled_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A page of the account's reviews the caller lists, newest first (ids are time-ordered): all,
/// or those of the workgroups a user owns or moderates (reads `memberships` in a subquery).
pub(crate) fn page_of(
    conn: &mut DbConnection,
    account: AccountId,
    listed: ListedReviews,
    page: &PageRequest<AccessReviewId>,
) -> Result<Vec<ReviewRecord>, StoreError> {
    let mut q = access_reviews::table
        .filter(access_reviews::account_id.eq(account.key()))
        .into_boxed();
    if let ListedReviews::OfWorkgroupsModeratedBy(user) = listed {
        let moderated = memberships::table
            .filter(memberships::user_id.eq(user.key()))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .filter(memberships::role.eq_any([Role::Owner.as_str(), Role::Moderator.as_str()]))
            .select(memberships::workgroup_id.nullable());
        q = q.filter(access_reviews::workgroup_id.eq_any(moderated));
    }
    if let Some(after) = page.after {
        q = q.filter(access_reviews::id.lt(after.key()));
    }
    let rows = q
        .order(access_reviews::id.desc())
        .limit(page.rows())
        .select(ReviewRow::as_select())
        .load::<ReviewRow>(conn)?;
    with_progress(conn, rows)
}

/// The review as the API shows it (`GET /v1/access-reviews/{id}`), for its webhook events.
pub(crate) fn event_resource(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<Value>, StoreError> {
    let row = access_reviews::table
        .find(id)
        .select(ReviewRow::as_select())
        .first(conn)
        .optional()?;
    with_progress(conn, row.into_iter().collect())?
        .pop()
        .map(|r| serde_json::to_value(r).map_err(|e| StoreError::Corrupt(e.to_string())))
        .transpose()
}

/// Deletes up to `limit` reviews applied or cancelled before `cutoff` (the audit trail's
/// period: a review is an audit record), with their items (a batch of the retention sweep);
/// returns how many reviews. A review that followed one of them no longer names it.
pub(crate) fn delete_closed(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let cutoff = cutoff.naive_utc();
    let closed = || {
        access_reviews::table.filter(
            access_reviews::status
                .eq(ReviewStatus::Applied.as_str())
                .and(access_reviews::applied_at.lt(cutoff))
                .or(access_reviews::status
                    .eq(ReviewStatus::Cancelled.as_str())
                    .and(access_reviews::cancelled_at.lt(cutoff))),
        )
    };
    let ids: Vec<String> = closed()
        .select(access_reviews::id)
        .limit(limit)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    delete_items_of(conn, &ids)?;
    diesel::update(access_reviews::table.filter(access_reviews::previous_id.eq_any(&ids)))
        .set(access_reviews::previous_id.eq(None::<String>))
        .execute(conn)?;
    Ok(diesel::delete(closed().filter(access_reviews::id.eq_any(&ids))).execute(conn)?)
}
