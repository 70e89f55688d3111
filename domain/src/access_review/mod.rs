//! Access reviews (issue #30): an administrator asks the reviewers of a workgroup (its owner,
//! its moderators, the account's administrators) — or of the whole account (its administrators)
//! — whether each external user in it keeps their access, by a due instant. Until then the
//! reviewers answer `keep` or `remove`, and may change their answers; at it the answers apply,
//! the unanswered taking the review's `on_no_answer`: `remove` takes the person out of the
//! workgroup (out of every workgroup for an account-wide review), and one left in no workgroup
//! is dismissed by the system, giving its seat back. A review may recur every so many days.
//!
//! Everything here is pure: the storage applies a due review in the account's transaction,
//! first in every write that counts seats and in the minute's upkeep
//! (`persistence::shared::access_reviews::apply_due`), from the server's clock.

use crate::access::{may_administer_account, may_see_account_internals, AccountUser};
use crate::dismissal::seat_of;
use crate::enums::{ReviewDecision, ReviewOutcome, ReviewStatus, Role, UserStatus, UserType};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::ids::{AccessReviewId, UserId, WorkgroupId};
use crate::seats::SeatChange;
use crate::workgroup::Standing;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The furthest a review's due instant may lie ahead, in days.
pub const MAX_DUE_DAYS: u32 = 365;
/// The longest period of a recurring review, in days.
pub const MAX_EVERY_DAYS: u32 = 365;

/// Whom a review is about: the external members of one workgroup, or every external user of
/// the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewScope {
    Account,
    Workgroup(WorkgroupId),
}

impl ReviewScope {
    pub fn of(workgroup: Option<WorkgroupId>) -> Self {
        workgroup.map_or(Self::Account, Self::Workgroup)
    }

    pub fn workgroup(self) -> Option<WorkgroupId> {
        match self {
            Self::Account => None,
            Self::Workgroup(id) => Some(id),
        }
    }
}

/// A new review's fields as the client sent them.
#[derive(Debug, Clone, Copy)]
pub struct NewReviewRequest {
    pub workgroup_id: Option<WorkgroupId>,
    pub due_at: DateTime<Utc>,
    pub on_no_answer: ReviewDecision,
    pub every_days: Option<i64>,
}

/// A new review whose every field is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReview {
    pub scope: ReviewScope,
    pub due_at: DateTime<Utc>,
    pub on_no_answer: ReviewDecision,
    pub every_days: Option<u32>,
}

impl NewReview {
    /// Checks every field, reporting all problems at once: `due_at` later than now and at most
    /// [`MAX_DUE_DAYS`] ahead, `every_days` 1 to [`MAX_EVERY_DAYS`].
    pub fn parse(req: NewReviewRequest, now: DateTime<Utc>) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        if req.due_at <= now {
            errors.push(FieldError::new(
                "due_at",
                "not_in_the_future",
                "a review's due instant must be later than now",
            ));
        } else if req.due_at > now + Duration::days(i64::from(MAX_DUE_DAYS)) {
            errors.push(FieldError::new(
                "due_at",
                "out_of_range",
                format!("a review is due at most {MAX_DUE_DAYS} days from now"),
            ));
        }
        let every_days = match req.every_days {
            None => None,
            Some(n) => match u32::try_from(n) {
                Ok(n) if (1..=MAX_EVERY_DAYS).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new(
                        "every_days",
                        "out_of_range",
                        format!("a review recurs every 1 to {MAX_EVERY_DAYS} days"),
                    ));
                    None
                }
            },
        };
        errors.finish()?;
        Ok(Self {
            scope: ReviewScope::of(req.workgroup_id),
            due_at: req.due_at,
            on_no_answer: req.on_no_answer,
            every_days,
        })
    }
}

/// Starting a review: administrators only.
pub fn may_start_review(actor: &AccountUser) -> Result<(), DomainError> {
    may_administer_account(actor)
}

/// What a new review is decided on, past who starts it: whether its workgroup takes external
/// users (`None` for an account-wide review), and the open review of the same scope, if any.
pub fn decide_start(
    allow_external: Option<bool>,
    open_of_scope: Option<AccessReviewId>,
) -> Result<(), DomainError> {
    if allow_external == Some(false) {
        return Err(DomainError::WorkgroupNotExtranet);
    }
    if let Some(open) = open_of_scope {
        return Err(DomainError::ReviewAlreadyOpen(open));
    }
    Ok(())
}

/// Who reviews: employees only (external users are the reviewed: 403
/// `intranet_user_required`, for any review id alike); the account's administrators every
/// review; a workgroup's owner and moderators its reviews. A reviewer sees the review and its
/// items and answers for them; to anyone else the review is not visible, so it does not exist
/// (404), as its list does not show it.
pub fn may_review(
    actor: &AccountUser,
    scope: ReviewScope,
    standing: Standing,
) -> Result<(), DomainError> {
    may_see_account_internals(actor)?;
    if actor.is_admin {
        return Ok(());
    }
    match (scope, standing.role) {
        (ReviewScope::Workgroup(_), Some(Role::Owner | Role::Moderator)) => Ok(()),
        _ => Err(DomainError::NotFound("access review")),
    }
}

/// Which reviews a caller's list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListedReviews {
    /// An administrator's: every review of the account.
    All,
    /// Another employee's: the reviews of the workgroups this user owns or moderates.
    OfWorkgroupsModeratedBy(UserId),
}

/// The reviews a caller lists ([`may_review`] for each): employees only.
pub fn listed_reviews(actor: &AccountUser) -> Result<ListedReviews, DomainError> {
    may_see_account_internals(actor)?;
    Ok(if actor.is_admin {
        ListedReviews::All
    } else {
        ListedReviews::OfWorkgroupsModeratedBy(actor.user_id)
    })
}

/// What the storage knows of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewFacts {
    pub id: AccessReviewId,
    pub scope: ReviewScope,
    pub status: ReviewStatus,
    pub due_at: DateTime<Utc>,
    pub on_no_answer: ReviewDecision,
    pub every_days: Option<u32>,
}

impl ReviewFacts {
    /// Whether its answers apply now: open, and its due instant has come.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.status == ReviewStatus::Open && self.due_at <= now
    }
}

/// A review takes and changes answers while it is open and until its due instant, exactly
/// (409 `review_closed` from then on, whether or not it has been applied yet).
pub fn require_open(review: &ReviewFacts, now: DateTime<Utc>) -> Result<(), DomainError> {
    match review.status {
        ReviewStatus::Applied => Err(DomainError::ReviewClosed("it has been applied")),
        ReviewStatus::Cancelled => Err(DomainError::ReviewClosed("it was cancelled")),
        ReviewStatus::Open if review.due_at <= now => {
            Err(DomainError::ReviewClosed("its due instant has come"))
        }
        ReviewStatus::Open => Ok(()),
    }
}

/// A reviewer answers for one person of the review: a reviewer ([`may_review`]), of an open
/// review ([`require_open`]), about someone it is about (404 otherwise).
pub fn decide_answer(
    actor: &AccountUser,
    review: &ReviewFacts,
    standing: Standing,
    in_review: bool,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    may_review(actor, review.scope, standing)?;
    require_open(review, now)?;
    if !in_review {
        return Err(DomainError::NotFound("access review item"));
    }
    Ok(())
}

/// What cancelling does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// The review is cancelled now: nothing of it applies, and it does not recur.
    Now,
    /// It was cancelled already: nothing changes.
    Already,
}

/// Cancelling a review: administrators (a workgroup's owner or moderator sees it, and is
/// refused: 403 `admin_required`), while it is open and before its due instant.
pub fn decide_cancel(
    actor: &AccountUser,
    review: &ReviewFacts,
    standing: Standing,
    now: DateTime<Utc>,
) -> Result<Cancel, DomainError> {
    may_review(actor, review.scope, standing)?;
    may_administer_account(actor)?;
    if review.status == ReviewStatus::Cancelled {
        return Ok(Cancel::Already);
    }
    require_open(review, now)?;
    Ok(Cancel::Now)
}

/// One person of a due review, as things stand when it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    pub decision: Option<ReviewDecision>,
    pub user_type: UserType,
    /// Its status as of now (an ended access is dismissed already).
    pub status: UserStatus,
    /// Its memberships (active or invited) the review covers: of its workgroup (0 or 1), or
    /// every one for an account-wide review.
    pub in_scope: u32,
    /// Its active memberships the review does not cover.
    pub active_elsewhere: u32,
}

/// What applying a review does to one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemApplication {
    pub outcome: ReviewOutcome,
    /// The person's memberships in the review's scope are removed.
    pub leaves: bool,
    /// The person is dismissed by the system, giving this seat back.
    pub dismissal: Option<SeatChange>,
}

impl ItemApplication {
    const UNCHANGED: Self = Self {
        outcome: ReviewOutcome::Unchanged,
        leaves: false,
        dismissal: None,
    };
}

/// The answer that applies: the reviewer's, else the review's `on_no_answer`.
pub fn answer_of(decision: Option<ReviewDecision>, on_no_answer: ReviewDecision) -> ReviewDecision {
    decision.unwrap_or(on_no_answer)
}

/// Applies a due review's answer to one person: `keep` keeps; `remove` takes the person out
/// of the review's workgroup — and dismisses one left in no active workgroup — or, for an
/// account-wide review, out of every workgroup and dismisses. Someone no longer in the
/// review's scope (not an active external user any more, or no longer in its workgroup) is
/// left as they are.
pub fn decide_item(review: &ReviewFacts, item: &ItemFacts) -> ItemApplication {
    if item.status != UserStatus::Active || item.user_type != UserType::Extranet {
        return ItemApplication::UNCHANGED;
    }
    let account_wide = review.scope == ReviewScope::Account;
    if !account_wide && item.in_scope == 0 {
        return ItemApplication::UNCHANGED;
    }
    match answer_of(item.decision, review.on_no_answer) {
        ReviewDecision::Keep => ItemApplication {
            outcome: ReviewOutcome::Kept,
            leaves: false,
            dismissal: None,
        },
        ReviewDecision::Remove if account_wide || item.active_elsewhere == 0 => ItemApplication {
            outcome: ReviewOutcome::Dismissed,
            leaves: true,
            dismissal: Some(seat_of(UserType::Extranet, -1)),
        },
        ReviewDecision::Remove => ItemApplication {
            outcome: ReviewOutcome::Removed,
            leaves: true,
            dismissal: None,
        },
    }
}

/// The due instant of the review that follows an applied recurring one: its own plus its
/// period, as many periods as it takes to be later than `now` (missed ones are not made up);
/// none when it does not recur, or its workgroup no longer takes external users
/// (`allow_external`, `None` for an account-wide review).
pub fn next_due(
    review: &ReviewFacts,
    allow_external: Option<bool>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let every = Duration::days(i64::from(review.every_days?));
    if allow_external == Some(false) {
        return None;
    }
    let mut due = review.due_at + every;
    if due <= now {
        let behind = (now - due).num_seconds() / every.num_seconds() + 1;
        due += every * i32::try_from(behind).ok()?;
    }
    Some(due)
}

#[cfg(test)]
mod tests;
