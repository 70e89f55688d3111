//! Access reviews (issue #30): started by administrators, read and answered by their reviewers
//! (a workgroup's owner and moderators, the account's administrators), cancelled before they
//! are due. Applying a due review is the sweep's (`shared::access_reviews::apply_due`).

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::access_reviews::start;
use crate::shared::audit::{self, AuditEvent};
use crate::shared::tx::{self, Sweep};
use crate::tables::access_review_items::{self as items, ItemRecord};
use crate::tables::access_reviews::{self as reviews, ReviewRecord};
use crate::tables::idempotency_keys::{IdempotencyKey, Idempotent};
use crate::tables::memberships::standing;
use crate::tables::workgroups::workgroup_in;
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::access_review::{
    decide_answer, decide_cancel, decide_start, listed_reviews, may_review, may_start_review,
    Cancel, NewReview, ReviewScope,
};
use domain::audit::AuditAction;
use domain::enums::ReviewDecision;
use domain::ids::{AccessReviewId, UserId};
use domain::workgroup::Standing;
use domain::DomainError;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The most items a new review's answer carries; the rest are read in pages.
pub const ITEMS_IN_ANSWER: u32 = 200;

/// A review just started, with its first items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartedReview {
    pub review: ReviewRecord,
    pub items: Vec<ItemRecord>,
    /// Where `GET …/items` goes on, when there are more.
    pub next_after: Option<UserId>,
}

/// Starts a review (administrators): of a workgroup that takes external users, or of the
/// account; one open review per scope.
pub fn create(
    db: &Database,
    actor: AccountUser,
    review: NewReview,
    key: Option<IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<Idempotent<StartedReview>, StoreError> {
    tx::idempotent_in_account(
        db,
        actor,
        key,
        Sweep::First,
        now,
        move |_| Ok(may_start_review(&actor)?),
        move |conn, ()| {
            let account = actor.account_id;
            let allow_external = match review.scope {
                ReviewScope::Account => None,
                ReviewScope::Workgroup(group) => {
                    Some(workgroup_in(conn, account, group, "workgroup")?.allow_external)
                }
            };
            let open = reviews::open_of_scope(conn, account, review.scope)?;
            decide_start(allow_external, open)?;
            let id = start(conn, account, &review, Some(&actor), None, now)?;
            let record = reviews::find_review(conn, account, id)?
                .ok_or(DomainError::Unreachable("a review just written is gone"))?;
            let first = PageRequest {
                after: None,
                limit: ITEMS_IN_ANSWER,
            };
            let page = items_page(conn, id, first, now)?;
            Ok(StartedReview {
                review: record,
                items: page.items,
                next_after: page.next_after,
            })
        },
    )
}

/// The reviews the caller reviews, newest first.
pub fn list(
    db: &Database,
    actor: &AccountUser,
    page: PageRequest<AccessReviewId>,
) -> Result<Page<ReviewRecord, AccessReviewId>, StoreError> {
    db.read(|conn| {
        let listed = listed_reviews(actor)?;
        let rows = reviews::page_of(conn, actor.account_id, listed, &page)?;
        Ok(into_page(rows, page.limit, |r| r.id))
    })
}

/// The review and the caller's standing in its workgroup, if the caller reviews it: external
/// users are refused before anything is looked up; a review of another account is unknown.
fn reviewed_by(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: AccessReviewId,
) -> Result<(ReviewRecord, Standing), StoreError> {
    listed_reviews(actor)?;
    let review = reviews::find_review(conn, actor.account_id, id)?
        .ok_or(DomainError::NotFound("access review"))?;
    let standing = match review.workgroup_id {
        Some(group) => standing(conn, group, actor.user_id)?,
        None => Standing { role: None },
    };
    may_review(actor, review.facts().scope, standing)?;
    Ok((review, standing))
}

/// One review with its progress, for its reviewers.
pub fn get(
    db: &Database,
    actor: &AccountUser,
    id: AccessReviewId,
) -> Result<ReviewRecord, StoreError> {
    db.read(|conn| Ok(reviewed_by(conn, actor, id)?.0))
}

fn items_page(
    conn: &mut DbConnection,
    id: AccessReviewId,
    page: PageRequest<UserId>,
    now: DateTime<Utc>,
) -> Result<Page<ItemRecord, UserId>, StoreError> {
    let rows = items::page_of(conn, id, &page)?
        .into_iter()
        .map(|mut item| {
            item.user = item.user.as_of(now);
            item
        })
        .collect();
    Ok(into_page(rows, page.limit, |i| i.user.id))
}

/// A page of a review's items (the people it is about), for its reviewers.
pub fn list_items(
    db: &Database,
    actor: &AccountUser,
    id: AccessReviewId,
    page: PageRequest<UserId>,
    now: DateTime<Utc>,
) -> Result<Page<ItemRecord, UserId>, StoreError> {
    db.read(|conn| {
        reviewed_by(conn, actor, id)?;
        items_page(conn, id, page, now)
    })
}

/// A reviewer answers `keep` or `remove` for one person, until the review's due instant.
pub fn decide(
    db: &Database,
    actor: AccountUser,
    id: AccessReviewId,
    user: UserId,
    decision: ReviewDecision,
    now: DateTime<Utc>,
) -> Result<ItemRecord, StoreError> {
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let (review, standing) = reviewed_by(conn, &actor, id)?;
        let in_review = items::has_item(conn, id, user)?;
        decide_answer(&actor, &review.facts(), standing, in_review, now)?;
        items::set_decision(conn, id, user, decision, actor.user_id, now)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::AccessReviewDecided,
                "access_review",
                id.key(),
                json!({"user_id": user.key(), "decision": decision.as_str()}),
                now,
            ),
        )?;
        let mut item = items::find_item(conn, id, user)?
            .ok_or(DomainError::Unreachable("an answered item is gone"))?;
        item.user = item.user.as_of(now);
        Ok(item)
    })
}

/// Cancels an open review before its due instant (administrators): nothing of it applies and
/// it does not recur. Cancelling a cancelled review changes nothing.
pub fn cancel(
    db: &Database,
    actor: AccountUser,
    id: AccessReviewId,
    now: DateTime<Utc>,
) -> Result<ReviewRecord, StoreError> {
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let (review, standing) = reviewed_by(conn, &actor, id)?;
        if decide_cancel(&actor, &review.facts(), standing, now)? == Cancel::Now {
            reviews::set_cancelled(conn, id, now)?;
            audit::record(
                conn,
                AuditEvent::by(
                    &actor,
                    AuditAction::AccessReviewCancelled,
                    "access_review",
                    id.key(),
                    json!({"workgroup_id": review.workgroup_id.map(|g| g.key())}),
                    now,
                ),
            )?;
        }
        reviews::find_review(conn, actor.account_id, id)?
            .ok_or(DomainError::Unreachable("a cancelled review is gone").into())
    })
}
