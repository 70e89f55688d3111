//! Access reviews (issue #30), started and applied. A review is started by an administrator or,
//! for a recurring one, by the system when the one before is applied: the row, one item per
//! external user in its scope, and the audit event. At its due instant it applies, from the
//! server's clock and under the account's lock: first in every write that counts seats
//! (`ledger::sweep_account`, after the ended access) and in the minute's upkeep — each
//! person's answer (or the review's `on_no_answer`) decided by
//! `domain::access_review::decide_item`: removed from the workgroup (`membership.removed`, no
//! actor), dismissed by the system when no workgroup is left (`access_ends::dismiss_by_system`).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::shared::access_ends::{dismiss_by_system, SystemDismissal};
use crate::shared::audit::{self, AuditEvent};
use crate::tables::{access_review_items, access_reviews, account_seats, memberships, users};
use crate::tables::{memberships::MembershipOf, workgroups::find_workgroup};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::access_end::Dismissal;
use domain::access_review::{
    decide_item, next_due, ItemFacts, NewReview, ReviewFacts, ReviewScope,
};
use domain::audit::AuditAction;
use domain::enums::{MembershipStatus, ReviewOutcome, UserStatus, UserType};
use domain::ids::{AccessReviewId, AccountId, UserId};
use serde_json::json;
use uuid::Uuid;

/// Starts a review of `account`: its row, an item per external user in its scope as of `now`,
/// and `access_review.created` — by `actor`, or by the system (`None`) following `previous`.
/// The caller holds the account's lock and has decided it may start.
pub(crate) fn start(
    conn: &mut DbConnection,
    account: AccountId,
    review: &NewReview,
    actor: Option<&AccountUser>,
    previous: Option<AccessReviewId>,
    now: DateTime<Utc>,
) -> Result<AccessReviewId, StoreError> {
    let id = AccessReviewId(Uuid::now_v7());
    access_reviews::insert_review(
        conn,
        id,
        account,
        review,
        actor.map(|a| a.user_id),
        previous,
        now,
    )?;
    let people = users::external_in_review_scope(conn, account, review.scope.workgroup(), now)?;
    access_review_items::insert_items(conn, id, &people)?;
    let details = json!({
        "workgroup_id": review.scope.workgroup().map(|g| g.key()),
        "due_at": review.due_at,
        "on_no_answer": review.on_no_answer.as_str(),
        "every_days": review.every_days,
        "previous_id": previous.map(|p| p.key()),
        "items": people.len(),
    });
    let event = match actor {
        Some(actor) => AuditEvent::by(
            actor,
            AuditAction::AccessReviewCreated,
            "access_review",
            id.key(),
            details,
            now,
        ),
        None => system_event(
            account,
            AuditAction::AccessReviewCreated,
            id.key(),
            details,
            now,
        ),
    };
    audit::record(conn, event)?;
    Ok(id)
}

fn system_event(
    account: AccountId,
    action: AuditAction,
    subject_id: String,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AuditEvent<'static> {
    AuditEvent::by_system(account, action, "access_review", subject_id, details, now)
}

/// Applies every review of the account due at `now`, earliest first; how many. Runs under
/// the account's lock.
pub(crate) fn apply_due(
    conn: &mut DbConnection,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let due = access_reviews::due_in(conn, account, now.naive_utc())?;
    for review in &due {
        apply(conn, account, review, now)?;
    }
    Ok(u32::try_from(due.len()).unwrap_or(u32::MAX))
}

/// What applying one review did, person by person.
#[derive(Default)]
struct Applied {
    kept: Vec<String>,
    removed: Vec<String>,
    dismissed: Vec<String>,
    unchanged: Vec<String>,
}

fn apply(
    conn: &mut DbConnection,
    account: AccountId,
    review: &ReviewFacts,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut applied = Applied::default();
    for (user, decision) in access_review_items::answers_of(conn, review.id)? {
        let outcome = apply_to(conn, account, review, user, decision, now)?;
        access_review_items::set_outcome(conn, review.id, user, outcome)?;
        let list = match outcome {
            ReviewOutcome::Kept => &mut applied.kept,
            ReviewOutcome::Removed => &mut applied.removed,
            ReviewOutcome::Dismissed => &mut applied.dismissed,
            ReviewOutcome::Unchanged => &mut applied.unchanged,
        };
        list.push(user.key());
    }
    access_reviews::set_applied(conn, review.id, now)?;
    if !applied.removed.is_empty() || !applied.dismissed.is_empty() {
        // Who is an active member, and who is active at all, is what a batch decides on.
        account_seats::bump(conn, &[account])?;
    }
    audit::record(
        conn,
        system_event(
            account,
            AuditAction::AccessReviewApplied,
            review.id.key(),
            json!({
                "workgroup_id": review.scope.workgroup().map(|g| g.key()),
                "due_at": review.due_at,
                "on_no_answer": review.on_no_answer.as_str(),
                "kept": applied.kept,
                "removed": applied.removed,
                "dismissed": applied.dismissed,
                "unchanged": applied.unchanged,
            }),
            now,
        ),
    )?;
    recur(conn, account, review, now)
}

/// Applies the answer for one person; what it did.
fn apply_to(
    conn: &mut DbConnection,
    account: AccountId,
    review: &ReviewFacts,
    user: UserId,
    decision: Option<domain::enums::ReviewDecision>,
    now: DateTime<Utc>,
) -> Result<ReviewOutcome, StoreError> {
    let Some(standing) = users::standing_of(conn, account, user)? else {
        return Ok(ReviewOutcome::Unchanged);
    };
    let standing = standing.as_of(now);
    let memberships = memberships::memberships_of_user(conn, user)?;
    let covered = |m: &MembershipOf| match review.scope {
        ReviewScope::Account => true,
        ReviewScope::Workgroup(group) => m.workgroup_id == group,
    };
    let (in_scope, elsewhere): (Vec<MembershipOf>, Vec<MembershipOf>) =
        memberships.into_iter().partition(|m| covered(m));
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let item = ItemFacts {
        decision,
        user_type: standing.user_type,
        status: standing.status,
        in_scope: count(in_scope.len()),
        active_elsewhere: count(
            elsewhere
                .iter()
                .filter(|m| m.status == MembershipStatus::Active)
                .count(),
        ),
    };
    let applied = decide_item(review, &item);
    if applied.leaves {
        for m in &in_scope {
            memberships::delete_membership(conn, m.workgroup_id, user)?;
            audit::record(
                conn,
                AuditEvent::by_system(
                    account,
                    AuditAction::MembershipRemoved,
                    "workgroup",
                    m.workgroup_id.key(),
                    json!({
                        "user_id": user.key(),
                        "role": m.role.as_str(),
                        "by": "access_review",
                        "access_review_id": review.id.key(),
                    }),
                    now,
                ),
            )?;
        }
    }
    if let Some(seats) = applied.dismissal {
        debug_assert!(standing.status == UserStatus::Active);
        dismiss_by_system(
            conn,
            account,
            &SystemDismissal {
                user_id: user,
                user_type: UserType::Extranet,
                at: now,
                why: Some(Dismissal::AccessReview),
                seats,
            },
            now,
        )?;
    }
    Ok(applied.outcome)
}

/// Starts the next review of a recurring one just applied, unless its workgroup no longer
/// takes external users.
fn recur(
    conn: &mut DbConnection,
    account: AccountId,
    review: &ReviewFacts,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if review.every_days.is_none() {
        return Ok(());
    }
    let allow_external = match review.scope {
        ReviewScope::Account => None,
        ReviewScope::Workgroup(group) => {
            Some(find_workgroup(conn, account, group)?.is_some_and(|g| g.allow_external))
        }
    };
    let Some(due_at) = next_due(review, allow_external, now) else {
        return Ok(());
    };
    let next = NewReview {
        scope: review.scope,
        due_at,
        on_no_answer: review.on_no_answer,
        every_days: review.every_days,
    };
    start(conn, account, &next, None, Some(review.id), now)?;
    Ok(())
}
