//! The `access_review_items` table (issue #30): one external user of an access review, the
//! reviewer's answer, and what applying the review did.

use crate::base::db::{insert_rows, DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_opt_id, parse_word, to_count, utc, Key};
use crate::base::page::PageRequest;
use crate::base::schema::{access_review_items, identities, users};
use crate::tables::users::{UserRecord, UserRow};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::enums::{ReviewDecision, ReviewOutcome};
use domain::ids::{AccessReviewId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How far a review's answers are: of `total` people, `kept` and `removed` answered so,
/// `unanswered` not (they take the review's `on_no_answer` when it applies).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub total: u32,
    pub kept: u32,
    pub removed: u32,
    pub unanswered: u32,
}

/// One person of a review, with the user it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    pub review_id: AccessReviewId,
    pub decision: Option<ReviewDecision>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub outcome: Option<ReviewOutcome>,
    pub user: UserRecord,
}

/// An [`ItemRecord`] as stored: the item joined with its user and the user's identity.
#[derive(Queryable, Selectable)]
#[diesel(table_name = access_review_items)]
struct ItemRow {
    review_id: String,
    decision: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    outcome: Option<String>,
    #[diesel(embed)]
    user: UserRow,
}

impl TryFrom<ItemRow> for ItemRecord {
    type Error = StoreError;

    fn try_from(r: ItemRow) -> Result<Self, StoreError> {
        Ok(Self {
            review_id: parse_id(&r.review_id)?,
            decision: r
                .decision
                .map(|d| parse_word(&d, ReviewDecision::parse))
                .transpose()?,
            decided_by: parse_opt_id(r.decided_by.as_deref())?,
            decided_at: r.decided_at.map(utc),
            outcome: r
                .outcome
                .map(|o| parse_word(&o, ReviewOutcome::parse))
                .transpose()?,
            user: UserRecord::try_from(r.user)?,
        })
    }
}

/// At most this many items are written by one statement (two parameters each).
const ROWS_PER_STATEMENT: usize = 500;

/// Writes one unanswered item per user of a new review.
pub(crate) fn insert_items(
    conn: &mut DbConnection,
    review: AccessReviewId,
    people: &[UserId],
) -> Result<(), StoreError> {
    let review = review.key();
    for chunk in people.chunks(ROWS_PER_STATEMENT) {
        let mut writes = Writes::now(conn);
        insert_rows!(
            &mut writes,
            access_review_items::table,
            chunk,
            |u: &UserId| (
                access_review_items::review_id.eq(review.clone()),
                access_review_items::user_id.eq(u.key()),
            )
        );
        writes.run()?;
    }
    Ok(())
}

/// The users of a review's items with their answers, in the order of their ids.
pub(crate) fn answers_of(
    conn: &mut DbConnection,
    review: AccessReviewId,
) -> Result<Vec<(UserId, Option<ReviewDecision>)>, StoreError> {
    let rows: Vec<(String, Option<String>)> = access_review_items::table
        .filter(access_review_items::review_id.eq(review.key()))
        .order(access_review_items::user_id.asc())
        .select((access_review_items::user_id, access_review_items::decision))
        .load(conn)?;
    rows.into_iter()
        .map(|(user, decision)| {
            Ok((
                parse_id(&user)?,
                decision
                    .map(|d| parse_word(&d, ReviewDecision::parse))
                    .transpose()?,
            ))
        })
        .collect()
}

fn items_of(review: AccessReviewId) -> access_review_items::BoxedQuery<'static, Backend> {
    access_review_items::table
        .filter(access_review_items::review_id.eq(review.key()))
        .into_boxed()
}

type Backend = <DbConnection as Connection>::Backend;

/// The item of `user` in the review, if the review is about them (joins `users` and
/// `identities` for the user as the API shows it).
pub(crate) fn find_item(
    conn: &mut DbConnection,
    review: AccessReviewId,
    user: UserId,
) -> Result<Option<ItemRecord>, StoreError> {
    access_review_items::table
        .inner_join(users::table.inner_join(identities::table))
        .filter(access_review_items::review_id.eq(review.key()))
        .filter(access_review_items::user_id.eq(user.key()))
        .select(ItemRow::as_select())
        .first(conn)
        .optional()?
        .map(ItemRecord::try_from)
        .transpose()
}

/// Whether the review is about `user`.
pub(crate) fn has_item(
    conn: &mut DbConnection,
    review: AccessReviewId,
    user: UserId,
) -> Result<bool, StoreError> {
    Ok(items_of(review)
        .filter(access_review_items::user_id.eq(user.key()))
        .select(access_review_items::user_id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// A page of a review's items, by user id, newest first (joins `users` and `identities`).
pub(crate) fn page_of(
    conn: &mut DbConnection,
    review: AccessReviewId,
    page: &PageRequest<UserId>,
) -> Result<Vec<ItemRecord>, StoreError> {
    let mut q = access_review_items::table
        .inner_join(users::table.inner_join(identities::table))
        .filter(access_review_items::review_id.eq(review.key()))
        .into_boxed();
    if let Some(after) = page.after {
        q = q.filter(access_review_items::user_id.lt(after.key()));
    }
    q.order(access_review_items::user_id.desc())
        .limit(page.rows())
        .select(ItemRow::as_select())
        .load::<ItemRow>(conn)?
        .into_iter()
        .map(ItemRecord::try_from)
        .collect()
}

/// Writes a reviewer's answer.
pub(crate) fn set_decision(
    conn: &mut DbConnection,
    review: AccessReviewId,
    user: UserId,
    decision: ReviewDecision,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(access_review_items::table.find((review.key(), user.key())))
        .set((
            access_review_items::decision.eq(decision.as_str()),
            access_review_items::decided_by.eq(by.key()),
            access_review_items::decided_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes what applying the review did to `user`.
pub(crate) fn set_outcome(
    conn: &mut DbConnection,
    review: AccessReviewId,
    user: UserId,
    outcome: ReviewOutcome,
) -> Result<(), StoreError> {
    diesel::update(access_review_items::table.find((review.key(), user.key())))
        .set(access_review_items::outcome.eq(outcome.as_str()))
        .execute(conn)?;
    Ok(())
}

/// The progress of each review of `reviews` (ids as stored), in one statement.
pub(crate) fn progress_of(
    conn: &mut DbConnection,
    reviews: &[String],
) -> Result<HashMap<String, Progress>, StoreError> {
    if reviews.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, Option<String>, i64)> = access_review_items::table
        .filter(access_review_items::review_id.eq_any(reviews))
        .group_by((
            access_review_items::review_id,
            access_review_items::decision,
        ))
        .select((
            access_review_items::review_id,
            access_review_items::decision,
            count_star(),
        ))
        .load(conn)?;
    let mut progress: HashMap<String, Progress> = HashMap::new();
    for (review, decision, n) in rows {
        let n = to_count(n);
        let p = progress.entry(review).or_default();
        p.total += n;
        match decision
            .map(|d| parse_word(&d, ReviewDecision::parse))
            .transpose()?
        {
            Some(ReviewDecision::Keep) => p.kept += n,
            Some(ReviewDecision::Remove) => p.removed += n,
            None => p.unanswered += n,
        }
    }
    Ok(progress)
}

/// Deletes the items of the reviews `ids` (stored ids), which are going.
pub(crate) fn delete_items_of(conn: &mut DbConnection, ids: &[String]) -> Result<(), StoreError> {
    diesel::delete(access_review_items::table.filter(access_review_items::review_id.eq_any(ids)))
        .execute(conn)?;
    Ok(())
}
