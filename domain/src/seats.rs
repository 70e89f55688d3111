//! Seat accounting (rule 4): every active user, of either type, every pending invitation and
//! every join request awaiting approval that would bring a new person in holds one seat of the
//! plan's user limit.

use crate::error::DomainError;
pub use crate::error::Shortfall;
use crate::plan::UserLimit;
use serde::Serialize;

/// Who holds the account's seats right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Seats {
    pub limit: UserLimit,
    pub active_intranet: u32,
    pub active_extranet: u32,
    pub pending_invitations: u32,
    /// Join requests awaiting approval that hold a seat (issue #29).
    pub pending_join_requests: u32,
}

impl Seats {
    /// Seats held: active users of both types, pending invitations and join requests awaiting
    /// approval.
    pub fn used(&self) -> u32 {
        self.active_intranet
            .saturating_add(self.active_extranet)
            .saturating_add(self.pending_invitations)
            .saturating_add(self.pending_join_requests)
    }

    /// Free seats; `None` when the plan has no limit.
    pub fn available(&self) -> Option<u32> {
        self.limit
            .seats()
            .map(|limit| limit.saturating_sub(self.used()))
    }

    /// How many seats are short for `needed` more, if any.
    pub fn shortfall(&self, needed: u32) -> Option<Shortfall> {
        match self.available() {
            Some(available) if needed > available => Some(Shortfall { needed, available }),
            _ => None,
        }
    }

    /// Whether `needed` more seats fit; refused whole when they do not.
    pub fn reserve(&self, needed: u32) -> Result<(), DomainError> {
        match self.available() {
            Some(available) if needed > available => {
                Err(DomainError::UserLimitReached { needed, available })
            }
            _ => Ok(()),
        }
    }

    /// Whether the account may move to a plan with `limit`: only when the seats held fit.
    pub fn fit_under(&self, limit: UserLimit) -> Result<(), DomainError> {
        match limit {
            UserLimit::Seats(limit) if self.used() > limit => {
                Err(DomainError::UserLimitBelowUsage {
                    limit,
                    used: self.used(),
                })
            }
            _ => Ok(()),
        }
    }
}

/// Rule 4 as one conditional write checks it under concurrency: `needed` more seats may be
/// taken while the seats held are at most [`HeldCeiling::AtMost`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldCeiling {
    /// However many are held: no limit, or nothing is taken.
    Any,
    AtMost(u32),
    /// More are needed than the plan has at all.
    Never,
}

impl HeldCeiling {
    /// The most seats that may be held for `needed` more to fit under `limit`.
    pub fn before_taking(limit: UserLimit, needed: u32) -> Self {
        match limit {
            UserLimit::Seats(_) if needed == 0 => Self::Any,
            UserLimit::Unlimited => Self::Any,
            UserLimit::Seats(limit) => limit.checked_sub(needed).map_or(Self::Never, Self::AtMost),
        }
    }
}

/// Change of the account's seat counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeatChange {
    pub pending: i32,
    pub active_intranet: i32,
    pub active_extranet: i32,
    /// Join requests awaiting approval.
    pub join_requests: i32,
}

impl SeatChange {
    /// A join request of a new person waits for approval: it holds a seat meanwhile.
    pub fn join_requested() -> Self {
        Self {
            join_requests: 1,
            ..Self::default()
        }
    }

    /// A waiting join request's seat becomes the new external user's.
    pub fn join_approved() -> Self {
        Self {
            join_requests: -1,
            active_extranet: 1,
            ..Self::default()
        }
    }

    /// A waiting join request is rejected (or needs its seat no more): the seat is free.
    pub fn join_released() -> Self {
        Self {
            join_requests: -1,
            ..Self::default()
        }
    }

    /// A new person joins through a link without approval: a new external user.
    pub fn joined() -> Self {
        Self {
            active_extranet: 1,
            ..Self::default()
        }
    }

    /// `n` new pending invitations each take a seat (what a decided batch's `seats_needed`
    /// reserves).
    pub fn invited(n: u32) -> Self {
        Self {
            pending: i32::try_from(n).unwrap_or(i32::MAX),
            ..Self::default()
        }
    }

    /// `n` pending invitations past their expiry, marked expired by the sweep, free their
    /// seats (rule 7).
    pub fn expired(n: u32) -> Self {
        Self {
            pending: -i32::try_from(n).unwrap_or(i32::MAX),
            ..Self::default()
        }
    }
}

impl Seats {
    /// The counters after `change`, as the storage applies it (never below zero).
    pub fn after(self, change: SeatChange) -> Self {
        let add = |n: u32, d: i32| u32::try_from(i64::from(n) + i64::from(d)).unwrap_or(0);
        Self {
            active_intranet: add(self.active_intranet, change.active_intranet),
            active_extranet: add(self.active_extranet, change.active_extranet),
            pending_invitations: add(self.pending_invitations, change.pending),
            pending_join_requests: add(self.pending_join_requests, change.join_requests),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_ceiling_agrees_with_reserve() {
        assert_eq!(
            HeldCeiling::before_taking(UserLimit::Unlimited, 7),
            HeldCeiling::Any
        );
        // Taking none is allowed even over the limit (a batch of membership invitations only).
        assert_eq!(
            HeldCeiling::before_taking(UserLimit::Seats(5), 0),
            HeldCeiling::Any
        );
        assert_eq!(
            HeldCeiling::before_taking(UserLimit::Seats(5), 2),
            HeldCeiling::AtMost(3)
        );
        assert_eq!(
            HeldCeiling::before_taking(UserLimit::Seats(5), 6),
            HeldCeiling::Never
        );
    }

    proptest! {
        #[test]
        fn holding_at_most_the_ceiling_is_what_reserve_allows(
            limit in 0u32..50, used in 0u32..60, needed in 0u32..60,
        ) {
            let s = seats(UserLimit::Seats(limit), used, 0, 0);
            let fits = match HeldCeiling::before_taking(s.limit, needed) {
                HeldCeiling::Any => true,
                HeldCeiling::AtMost(most) => s.used() <= most,
                HeldCeiling::Never => false,
            };
            prop_assert_eq!(fits, s.reserve(needed).is_ok());
        }
    }

    fn seats(limit: UserLimit, intranet: u32, extranet: u32, pending: u32) -> Seats {
        Seats {
            limit,
            active_intranet: intranet,
            active_extranet: extranet,
            pending_invitations: pending,
            pending_join_requests: 0,
        }
    }

    #[test]
    fn basic_plan_after_sign_up_has_four_free_seats() {
        let s = seats(UserLimit::Seats(5), 1, 0, 0);
        assert_eq!(s.available(), Some(4));
        assert!(s.reserve(4).is_ok());
        assert_eq!(
            s.reserve(5),
            Err(DomainError::UserLimitReached {
                needed: 5,
                available: 4
            })
        );
    }

    #[test]
    fn unlimited_plans_have_no_available_count_and_always_fit() {
        let s = seats(UserLimit::Unlimited, 1_000, 1_000, 1_000);
        assert_eq!(s.available(), None);
        assert!(s.reserve(u32::MAX).is_ok());
    }

    #[test]
    fn downgrading_below_the_seats_held_is_refused() {
        let s = seats(UserLimit::Unlimited, 3, 2, 1);
        assert_eq!(
            s.fit_under(UserLimit::Seats(5)),
            Err(DomainError::UserLimitBelowUsage { limit: 5, used: 6 })
        );
        assert!(s.fit_under(UserLimit::Seats(6)).is_ok());
        assert!(s.fit_under(UserLimit::Unlimited).is_ok());
    }

    proptest! {
        #[test]
        fn reserve_fits_exactly_when_used_plus_needed_is_within_the_limit_or_nothing_is_needed(
            limit in 0u32..500, i in 0u32..200, e in 0u32..200, p in 0u32..200, needed in 0u32..300,
        ) {
            let s = seats(UserLimit::Seats(limit), i, e, p);
            // Needing nothing always fits, even on an account already over its limit.
            prop_assert_eq!(s.reserve(needed).is_ok(), needed == 0 || i + e + p + needed <= limit);
            if let Err(DomainError::UserLimitReached { needed: n, available }) = s.reserve(needed) {
                prop_assert_eq!(n, needed);
                prop_assert_eq!(available, limit.saturating_sub(i + e + p));
            }
        }

        #[test]
        fn available_plus_used_is_the_limit_while_within_it(
            limit in 1u32..500, i in 0u32..100, e in 0u32..100, p in 0u32..100,
        ) {
            let s = seats(UserLimit::Seats(limit), i, e, p);
            if s.used() <= limit {
                prop_assert_eq!(s.available().map(|a| a + s.used()), Some(limit));
            } else {
                prop_assert_eq!(s.available(), Some(0));
            }
        }

        /// Reserving batch after batch, as concurrent requests serialised by the database
        /// would, never holds more seats than the limit.
        #[test]
        fn a_sequence_of_reservations_never_oversubscribes(
            limit in 1u32..60, start in 0u32..10, batches in proptest::collection::vec(0u32..8, 0..40),
        ) {
            let mut s = seats(UserLimit::Seats(limit), start.min(limit), 0, 0);
            for needed in batches {
                if s.reserve(needed).is_ok() {
                    s.pending_invitations += needed;
                }
                prop_assert!(s.used() <= limit);
            }
        }
    }
}
