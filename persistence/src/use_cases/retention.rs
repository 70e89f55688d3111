//! Retention (issue #32): what outlived its period is erased or deleted by the upkeep, in
//! batches — each batch a few statements over at most a batch of rows, in a short transaction
//! of its own, so that the SQLite writer is never held for long and requests' writes go
//! between batches — until nothing is left or the run's budget is spent (the next run goes on
//! where it stopped).
//! `domain::retention` says how long each thing is kept; the counters of sending quotas and of
//! wrong codes go once no policy reads them any more.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::tables::outbox::retention as outbox;
use crate::tables::{
    access_reviews, api_tokens, audit_events, code_attempts, erasure_codes, idempotency_keys,
    join_requests, login_changes, password_resets, refresh_tokens, sending_counters, sessions,
    sign_ups,
};
use chrono::{DateTime, Duration, Utc};
use domain::retention::{paused_delivery_cutoff, Retention, LOGIN_CHANGE_KEPT_HOURS};
use std::time::Instant;

/// How the sweep runs.
#[derive(Debug, Clone, Copy)]
pub struct Sweep {
    pub retention: Retention,
    /// Rows per statement.
    pub batch: i64,
    /// How long one run may go on; once spent, what is left waits for the next run.
    pub budget: std::time::Duration,
}

impl Sweep {
    pub const DEFAULT_BATCH: u32 = 500;
    pub const DEFAULT_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);
}

/// What the sweep removes, in the order it goes; `/metrics` counts each by its name (`what`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A message's body and recipient (the row stays, a tombstone).
    MessageBodies,
    /// Delivered or given up, or paused past any chance of being sent.
    WebhookDeliveries,
    IdempotencyKeys,
    SignUps,
    PasswordResets,
    /// Unconfirmed, their code dead.
    JoinRequests,
    /// Approved, rejected or joined, with the person's login and names.
    DecidedJoinRequests,
    LoginChanges,
    /// A person's erasure codes, expired (rule 14).
    ErasureCodes,
    /// Sending quotas' counters of windows long ended.
    SendingCounters,
    /// Wrong codes' counters long forgotten.
    CodeAttempts,
    /// A session, with its refresh tokens.
    Sessions,
    /// Revoked or expired.
    ApiTokens,
    /// Applied or cancelled, with their items.
    AccessReviews,
    AuditEvents,
}

impl Kind {
    pub const ALL: [Self; 15] = [
        Self::MessageBodies,
        Self::WebhookDeliveries,
        Self::IdempotencyKeys,
        Self::SignUps,
        Self::PasswordResets,
        Self::JoinRequests,
        Self::DecidedJoinRequests,
        Self::LoginChanges,
        Self::ErasureCodes,
        Self::SendingCounters,
        Self::CodeAttempts,
        Self::Sessions,
        Self::ApiTokens,
        Self::AccessReviews,
        Self::AuditEvents,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MessageBodies => "message_bodies",
            Self::WebhookDeliveries => "webhook_deliveries",
            Self::IdempotencyKeys => "idempotency_keys",
            Self::SignUps => "sign_ups",
            Self::PasswordResets => "password_resets",
            Self::JoinRequests => "join_requests",
            Self::DecidedJoinRequests => "decided_join_requests",
            Self::LoginChanges => "login_changes",
            Self::ErasureCodes => "erasure_codes",
            Self::SendingCounters => "sending_counters",
            Self::CodeAttempts => "code_attempts",
            Self::Sessions => "sessions",
            Self::ApiTokens => "api_tokens",
            Self::AccessReviews => "access_reviews",
            Self::AuditEvents => "audit_events",
        }
    }

    /// Rows before this instant have outlived their period; `None`: kept forever. Dead codes,
    /// idempotency keys and counters have periods of their own, counted from `now` by their
    /// tables. A closed access review is an audit record: it goes with the audit trail.
    fn cutoff(self, r: &Retention, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::MessageBodies => r.messages.cutoff(now),
            Self::WebhookDeliveries => r.webhook_deliveries.cutoff(now),
            Self::DecidedJoinRequests => r.join_requests.cutoff(now),
            Self::Sessions => r.sessions.cutoff(now),
            Self::ApiTokens => r.api_tokens.cutoff(now),
            Self::AccessReviews | Self::AuditEvents => r.audit_events.cutoff(now),
            Self::IdempotencyKeys
            | Self::SignUps
            | Self::PasswordResets
            | Self::JoinRequests
            | Self::LoginChanges
            | Self::ErasureCodes
            | Self::SendingCounters
            | Self::CodeAttempts => Some(now),
        }
    }

    /// Removes up to `limit` rows of this kind; returns how many.
    fn remove(
        self,
        conn: &mut DbConnection,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<usize, StoreError> {
        match self {
            Self::MessageBodies => outbox::erase_messages(conn, cutoff, limit),
            Self::WebhookDeliveries => {
                let paused = paused_delivery_cutoff(cutoff, now);
                outbox::delete_deliveries(conn, cutoff, paused, limit)
            }
            Self::IdempotencyKeys => idempotency_keys::delete_old(conn, now, limit),
            Self::SignUps => sign_ups::delete_dead(conn, now, limit),
            Self::PasswordResets => password_resets::delete_dead(conn, now, limit),
            Self::JoinRequests => join_requests::delete_dead(conn, now, limit),
            Self::DecidedJoinRequests => join_requests::delete_decided(conn, cutoff, limit),
            Self::LoginChanges => {
                let asked_before = now - Duration::hours(LOGIN_CHANGE_KEPT_HOURS);
                login_changes::delete_dead(conn, now, asked_before, limit)
            }
            Self::ErasureCodes => erasure_codes::delete_expired(conn, now, limit),
            Self::SendingCounters => sending_counters::delete_old(conn, now, limit),
            Self::CodeAttempts => code_attempts::delete_old(conn, now, limit),
            Self::Sessions => {
                let ended = sessions::ended_before(conn, cutoff, limit)?;
                refresh_tokens::delete_of_sessions(conn, &ended)?;
                sessions::delete_ended(conn, &ended, cutoff)
            }
            Self::ApiTokens => api_tokens::delete_dead(conn, cutoff, limit),
            Self::AccessReviews => access_reviews::delete_closed(conn, cutoff, limit),
            Self::AuditEvents => audit_events::delete_older(conn, cutoff, limit),
        }
    }
}

/// What one run erased or deleted, by kind ([`Kind::ALL`]'s order), and whether it went
/// through (`false`: the budget ran out first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Swept {
    pub counts: [usize; Kind::ALL.len()],
    pub finished: bool,
}

impl Swept {
    /// `(kind, how many)` for each kind.
    pub fn by_kind(&self) -> impl Iterator<Item = (Kind, usize)> + '_ {
        Kind::ALL.into_iter().zip(self.counts.iter().copied())
    }

    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// Runs the sweep once at `now`.
pub fn sweep(db: &Database, how: &Sweep, now: DateTime<Utc>) -> Result<Swept, StoreError> {
    let deadline = Instant::now() + how.budget;
    let limit = how.batch.max(1);
    let mut swept = Swept::default();
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        let Some(cutoff) = kind.cutoff(&how.retention, now) else {
            continue;
        };
        loop {
            if Instant::now() >= deadline {
                return Ok(swept);
            }
            let n = db.write(move |conn| kind.remove(conn, cutoff, now, limit))?;
            swept.counts[i] += n;
            if i64::try_from(n).unwrap_or(i64::MAX) < limit {
                break;
            }
        }
    }
    swept.finished = true;
    Ok(swept)
}
