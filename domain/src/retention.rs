//! How long what the server keeps about people outlives its use (issue #32): message bodies
//! after they were sent or given up, webhook deliveries, ended sessions, dead API tokens,
//! decided join requests, the audit trail (and the access reviews, an audit record too). A
//! period of 0 days keeps forever. The defaults are an operator's: a month of messages and
//! deliveries to answer "did it go out, and what did it say?", a week of ended sessions to
//! trace a token seen in a log, a month of revoked or expired API tokens (an integrator asking
//! why theirs stopped sees it in the list), a month of decided join requests (the names and
//! logins of people who asked, kept while someone may still ask "who was that?"), and a bit
//! over a year of audit trail, which an annual review or audit reaches back over.

use crate::webhook::DELIVERY_LIFETIME_HOURS;
use chrono::{DateTime, Duration, Utc};

/// A retention period in whole days; 0 keeps forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepFor {
    days: u32,
}

impl KeepFor {
    pub const FOREVER: Self = Self { days: 0 };

    pub const fn days(days: u32) -> Self {
        Self { days }
    }

    /// The days, 0 for forever.
    pub const fn in_days(self) -> u32 {
        self.days
    }

    /// What happened before this instant has outlived the period at `now`; `None` keeps all.
    pub fn cutoff(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (self.days > 0).then(|| now - Duration::days(i64::from(self.days)))
    }
}

/// What is kept, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// A message's (email, SMS) body and recipient, after it was sent or given up: the row
    /// stays, as a tombstone with its status, channel, times and attempts.
    pub messages: KeepFor,
    /// A webhook's delivery, body and all, after it was delivered or given up.
    pub webhook_deliveries: KeepFor,
    /// A session, with its refresh tokens, after it ended or expired.
    pub sessions: KeepFor,
    /// An API token, after it was revoked or expired (the audit trail keeps its id).
    pub api_tokens: KeepFor,
    /// A join request, with the person's login and names, after it was approved, rejected
    /// or joined.
    pub join_requests: KeepFor,
    /// An audit event, after it was recorded; a closed access review, after it was applied
    /// or cancelled.
    pub audit_events: KeepFor,
}

impl Retention {
    pub const DEFAULT_MESSAGE_DAYS: u32 = 30;
    pub const DEFAULT_WEBHOOK_DELIVERY_DAYS: u32 = 30;
    pub const DEFAULT_SESSION_DAYS: u32 = 7;
    pub const DEFAULT_API_TOKEN_DAYS: u32 = 30;
    pub const DEFAULT_JOIN_REQUEST_DAYS: u32 = 30;
    pub const DEFAULT_AUDIT_DAYS: u32 = 400;

    pub const DEFAULT: Self = Self {
        messages: KeepFor::days(Self::DEFAULT_MESSAGE_DAYS),
        webhook_deliveries: KeepFor::days(Self::DEFAULT_WEBHOOK_DELIVERY_DAYS),
        sessions: KeepFor::days(Self::DEFAULT_SESSION_DAYS),
        api_tokens: KeepFor::days(Self::DEFAULT_API_TOKEN_DAYS),
        join_requests: KeepFor::days(Self::DEFAULT_JOIN_REQUEST_DAYS),
        audit_events: KeepFor::days(Self::DEFAULT_AUDIT_DAYS),
    };
}

impl Default for Retention {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A login change is kept this long after it was asked for, dead or not: its requests of the
/// last hour are what limits how often a profile may ask (`login_change`), so a dead one is
/// forgotten only once it no longer counts.
pub const LOGIN_CHANGE_KEPT_HOURS: i64 = 24;

/// A paused webhook delivery (its webhook switched off) made before this instant may go with
/// the delivered ones: it is older than the period (`cutoff`) and past the lifetime a delivery
/// waits for its webhook, so switching the webhook on again would give it up, never send it.
/// One made later is kept whatever the period: the worker may still send it. A pending
/// delivery is never removed: the worker sends it or gives it up within its retries, and it
/// then goes as a given-up one.
pub fn paused_delivery_cutoff(cutoff: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    cutoff.min(now - Duration::hours(DELIVERY_LIFETIME_HOURS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_period_cuts_off_its_days_before_now_and_zero_keeps_forever() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        assert_eq!(
            KeepFor::days(30).cutoff(now),
            Some(Utc.with_ymd_and_hms(2026, 11, 7, 12, 0, 0).unwrap())
        );
        assert_eq!(KeepFor::FOREVER.cutoff(now), None);
        assert_eq!(KeepFor::days(0), KeepFor::FOREVER);
    }

    #[test]
    fn a_paused_delivery_goes_only_once_it_could_never_be_sent() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        let lifetime = now - Duration::hours(DELIVERY_LIFETIME_HOURS);
        // A month's period: the period decides.
        let month = KeepFor::days(30).cutoff(now).unwrap();
        assert_eq!(paused_delivery_cutoff(month, now), month);
        // A day's period: a paused delivery of two days may still be sent when its webhook
        // is switched on again; it waits for the lifetime.
        let day = KeepFor::days(1).cutoff(now).unwrap();
        assert_eq!(paused_delivery_cutoff(day, now), lifetime);
        assert!(crate::webhook::outlived(lifetime, now));
        assert!(!crate::webhook::outlived(
            lifetime + Duration::seconds(1),
            now
        ));
    }
}
