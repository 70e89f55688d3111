//! How long what the server keeps about people outlives its use (issue #32): message bodies
//! after they were sent or given up, webhook deliveries, ended sessions, the audit trail. A
//! period of 0 days keeps forever. The defaults are an operator's: a month of messages and
//! deliveries to answer "did it go out, and what did it say?", a week of ended sessions to
//! trace a token seen in a log, and a bit over a year of audit trail, which an annual review
//! or audit reaches back over.

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
    /// An audit event, after it was recorded.
    pub audit_events: KeepFor,
}

impl Retention {
    pub const DEFAULT_MESSAGE_DAYS: u32 = 30;
    pub const DEFAULT_WEBHOOK_DELIVERY_DAYS: u32 = 30;
    pub const DEFAULT_SESSION_DAYS: u32 = 7;
    pub const DEFAULT_AUDIT_DAYS: u32 = 400;

    pub const DEFAULT: Self = Self {
        messages: KeepFor::days(Self::DEFAULT_MESSAGE_DAYS),
        webhook_deliveries: KeepFor::days(Self::DEFAULT_WEBHOOK_DELIVERY_DAYS),
        sessions: KeepFor::days(Self::DEFAULT_SESSION_DAYS),
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
}
