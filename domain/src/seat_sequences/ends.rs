//! The model's ends of access (issue #30): an administrator sets, moves or clears a user's
//! end (`access_end::decide_access_change`), and the sweep every seat-counting write runs
//! first records each end that has come (`access_end::decide_access_expiry`).

use super::Account;
use crate::access_end::{decide_access_change, decide_access_expiry};
use crate::enums::UserStatus;
use chrono::Duration;
use proptest::prelude::*;

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
