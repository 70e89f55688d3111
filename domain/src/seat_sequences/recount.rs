//! Who holds a seat, counted from the model: what the counters must equal after every step.

use super::Account;
use crate::enums::{JoinRequestStatus, UserStatus, UserType};
use crate::seats::Seats;

impl Account {
    /// Who holds a seat, counted from the model.
    pub(super) fn recount(&self) -> Seats {
        let active = |t| {
            let n = self
                .users
                .iter()
                .filter(|u| u.status == UserStatus::Active && u.user_type == t)
                .count();
            u32::try_from(n).unwrap()
        };
        let pending = self
            .invitations
            .iter()
            .filter(|i| i.facts.status.holds_seat())
            .count();
        let waiting = self
            .joins
            .iter()
            .filter(|j| j.facts.status == JoinRequestStatus::AwaitingApproval && j.facts.holds_seat)
            .count();
        Seats {
            limit: self.counters.limit,
            active_intranet: active(UserType::Intranet),
            active_extranet: active(UserType::Extranet),
            pending_invitations: u32::try_from(pending).unwrap(),
            pending_join_requests: u32::try_from(waiting).unwrap(),
        }
    }
}
