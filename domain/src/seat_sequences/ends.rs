//! The model's ends of access (issue #30): an administrator sets, moves or clears a user's
//! end (`access_end::decide_access_change`), and the sweep every seat-counting write runs
//! first records each end that has come (`access_end::decide_access_expiry`).

use super::Account;
use crate::access_end::{decide_access_change, decide_access_expiry};
use crate::access_review::{decide_item, ItemFacts, ReviewFacts, ReviewScope};
use crate::enums::UserStatus;
use crate::enums::{ReviewDecision, ReviewStatus};
use crate::ids::{AccessReviewId, WorkgroupId};
use chrono::Duration;
use proptest::prelude::*;
use uuid::Uuid;

/// An end of access some minutes ahead — soon, within a step or two, or days away — or none.
pub(super) fn ends_in() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(1)),
        1 => Just(Some(3)),
        1 => Just(Some(3 * 24 * 60)),
    ]
}

impl Account {
    pub(super) fn set_end(&mut self, user: usize, minutes: Option<i64>) {
        let subject = self.subject(user);
        let end = minutes.map(|m| self.now + Duration::minutes(m));
        if let Ok(end) = decide_access_change(&subject, end, None, self.now) {
            self.person(subject.user_id).access_expires_at = end;
        }
    }

    /// A due access review applies to one user (every external user of the model is a member
    /// of its one workgroup, and of no other).
    pub(super) fn review(&mut self, user: usize, remove: bool, account_wide: bool) {
        let decision = if remove {
            ReviewDecision::Remove
        } else {
            ReviewDecision::Keep
        };
        let review = ReviewFacts {
            id: AccessReviewId(Uuid::from_u128(6)),
            scope: ReviewScope::of((!account_wide).then_some(WorkgroupId(Uuid::from_u128(4)))),
            status: ReviewStatus::Open,
            due_at: self.now,
            on_no_answer: ReviewDecision::Keep,
            every_days: None,
        };
        let subject = self.subject(user);
        let item = ItemFacts {
            decision: Some(decision),
            user_type: subject.user_type,
            status: subject.status,
            in_scope: 1,
            active_elsewhere: 0,
        };
        if let Some(change) = decide_item(&review, &item).dismissal {
            self.person(subject.user_id).status = UserStatus::Dismissed;
            self.apply(change);
        }
    }

    /// Every active user whose access has ended is dismissed by the system, its seat given back.
    pub(super) fn end_access(&mut self) {
        let now = self.now;
        let ended: Vec<usize> = (0..self.users.len())
            .filter(|&i| {
                let u = &self.users[i];
                u.status == UserStatus::Active && u.access_expires_at.is_some_and(|e| e <= now)
            })
            .collect();
        for i in ended {
            let subject = self.subject(i);
            let end = self.users[i].access_expires_at;
            if let Some(change) = decide_access_expiry(&subject, end, now) {
                self.users[i].status = UserStatus::Dismissed;
                self.apply(change);
            }
        }
    }
}
