//! What `/metrics` reads from the database at scrape time: the outbox's backlog and failures
//! by channel, and the accounts, the seats they hold and the seats their plans allow, by plan.
//! Two grouped queries, each cheap however large the database grows: the outbox's through
//! the partial index of its unsent messages (`outbox_unsent`, which the sent ones leave), the
//! accounts' over the accounts table alone (one row per account; the seat counters are on it).

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::parse_word;
use crate::tables::accounts::held_by_plan;
use crate::tables::outbox::unsent_counts;
use domain::enums::Channel;
use domain::plan::Plans;

/// The outbox of one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelBacklog {
    pub channel: Channel,
    /// Messages waiting to be sent (first tries and retries).
    pub pending: u64,
    /// Messages given up.
    pub failed: u64,
}

/// The accounts on one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSeats {
    pub plan: String,
    pub accounts: u64,
    /// Seats held, by the accounts' counters: active users of both types and pending
    /// invitations (those past their expiry until the sweep, at most a minute later, marks
    /// them; the usage endpoint discounts them at once).
    pub used: u64,
    /// The plan's user limit times its accounts; `None` when the plan has no limit.
    pub limit: Option<u64>,
}

/// What a scrape reads.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Every channel, in `Channel::ALL`'s order, zero when it has no message.
    pub outbox: Vec<ChannelBacklog>,
    /// Every plan that has accounts or is configured, by name.
    pub plans: Vec<PlanSeats>,
}

/// Reads the outbox's and the accounts' figures; `plans` gives each plan's user limit.
pub fn snapshot(db: &Database, plans: &Plans) -> Result<Snapshot, StoreError> {
    db.read(|conn| {
        let unsent = unsent_counts(conn)?;
        let mut outbox: Vec<ChannelBacklog> = Channel::ALL
            .iter()
            .map(|&channel| ChannelBacklog {
                channel,
                pending: 0,
                failed: 0,
            })
            .collect();
        for (status, channel, n) in unsent {
            let channel = parse_word(&channel, Channel::parse)?;
            let n = u64::try_from(n).unwrap_or(0);
            if let Some(row) = outbox.iter_mut().find(|r| r.channel == channel) {
                match status.as_str() {
                    "pending" => row.pending += n,
                    "failed" => row.failed += n,
                    _ => {}
                }
            }
        }
        let held = held_by_plan(conn)?;
        let mut by_plan: Vec<PlanSeats> = plans
            .all()
            .iter()
            .map(|p| PlanSeats {
                plan: p.name.clone(),
                accounts: 0,
                used: 0,
                limit: None,
            })
            .collect();
        for (plan, accounts, used) in held {
            let (accounts, used) = (
                u64::try_from(accounts).unwrap_or(0),
                u64::try_from(used.unwrap_or(0)).unwrap_or(0),
            );
            match by_plan.iter_mut().find(|p| p.plan == plan) {
                Some(row) => {
                    row.accounts = accounts;
                    row.used = used;
                }
                // A plan no longer configured: its accounts still hold seats.
                None => by_plan.push(PlanSeats {
                    plan,
                    accounts,
                    used,
                    limit: None,
                }),
            }
        }
        for row in &mut by_plan {
            row.limit = plans
                .limit_of(&row.plan)
                .seats()
                .map(|seats| u64::from(seats).saturating_mul(row.accounts));
        }
        by_plan.sort_by(|a, b| a.plan.cmp(&b.plan));
        Ok(Snapshot {
            outbox,
            plans: by_plan,
        })
    })
}
