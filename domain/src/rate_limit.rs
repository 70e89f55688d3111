//! Rate limits (Security): a leaky bucket per client address on the public endpoints, like
//! Bitrix24's (2 requests a second, bursts of 50 by default), and per person for failed
//! password checks. A bucket is the generic cell rate algorithm: one instant, the *theoretical
//! arrival time* — when the bucket would be empty again — so it is counted exactly the same
//! wherever it is stored (a server's memory, or a row every server process sees).
//!
//! Failed passwords add a block to the bucket: once a person's failures overflow it, every
//! attempt is refused until the bucket lets one more through — the right password too, so
//! that the refusal tells nothing about the password.

use chrono::{DateTime, Duration, Utc};

/// `burst` events at once, then one per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub period: Duration,
    pub burst: u32,
}

impl Rate {
    /// `per_second` events a second (at least one), bursts of `burst` (at least one).
    pub fn per_second(per_second: u32, burst: u32) -> Self {
        Self::every(
            Duration::microseconds(1_000_000 / i64::from(per_second.max(1))),
            burst,
        )
    }

    /// One event per `period` (at least a millisecond), bursts of `burst` (at least one).
    pub fn every(period: Duration, burst: u32) -> Self {
        Self {
            period: period.max(Duration::milliseconds(1)),
            burst: burst.max(1),
        }
    }

    /// How far ahead of `now` a bucket may run and still take one more event.
    fn tolerance(&self) -> Duration {
        self.period * (self.burst - 1).min(1_000_000) as i32
    }

    /// One event at `now`: the bucket with it counted, or — the bucket being full — how long
    /// until it takes one more (the bucket unchanged).
    pub fn admit(&self, bucket: Bucket, now: DateTime<Utc>) -> Result<Bucket, Duration> {
        let start = bucket.tat.map_or(now, |tat| tat.max(now));
        let wait = start - self.tolerance() - now;
        if wait > Duration::zero() {
            return Err(wait);
        }
        Ok(Bucket {
            tat: Some(start + self.period),
            ..bucket
        })
    }

    /// A failed password check at `now`: counted; when the bucket overflows, the target is
    /// blocked until the bucket takes one more.
    pub fn failed(&self, bucket: Bucket, now: DateTime<Utc>) -> Bucket {
        match self.admit(bucket, now) {
            Ok(counted) => counted,
            Err(wait) => Bucket {
                blocked_until: Some(now + wait),
                ..bucket
            },
        }
    }
}

/// What a bucket remembers. The default is an empty bucket (never counted, or forgotten).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bucket {
    /// When the bucket is empty again (`None`: it is).
    pub tat: Option<DateTime<Utc>>,
    /// Until when every attempt is refused (failed passwords only).
    pub blocked_until: Option<DateTime<Utc>>,
}

impl Bucket {
    /// `Err(wait)` while the bucket's target is blocked.
    pub fn check_block(&self, now: DateTime<Utc>) -> Result<(), Duration> {
        match self.blocked_until {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// From when the bucket is as good as an empty one, and may be forgotten.
    pub fn forgettable_at(&self) -> Option<DateTime<Utc>> {
        match (self.tat, self.blocked_until) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp_millis(1_800_000_000_000 + ms).unwrap()
    }

    #[test]
    fn a_burst_passes_then_one_per_period() {
        let rate = Rate::per_second(2, 50);
        let mut bucket = Bucket::default();
        for _ in 0..50 {
            bucket = rate.admit(bucket, at(0)).unwrap();
        }
        // The 51st at once waits for half a second, and is not counted.
        assert_eq!(rate.admit(bucket, at(0)), Err(Duration::milliseconds(500)));
        assert_eq!(
            rate.admit(bucket, at(300)),
            Err(Duration::milliseconds(200))
        );
        bucket = rate.admit(bucket, at(500)).unwrap();
        assert!(rate.admit(bucket, at(500)).is_err());
        // Once drained, a full burst again.
        let mut later = bucket;
        for _ in 0..50 {
            later = rate.admit(later, at(60_000)).unwrap();
        }
        assert!(rate.admit(later, at(60_000)).is_err());
        assert!(later.forgettable_at().unwrap() <= at(60_000 + 25_000));
    }

    #[test]
    fn failures_past_the_burst_block_every_attempt_until_one_more_may_fail() {
        let rate = Rate::every(Duration::seconds(30), 3);
        let mut bucket = Bucket::default();
        for _ in 0..3 {
            assert!(bucket.check_block(at(0)).is_ok());
            bucket = rate.failed(bucket, at(0));
        }
        assert!(bucket.check_block(at(0)).is_ok());
        bucket = rate.failed(bucket, at(0));
        assert_eq!(bucket.check_block(at(0)), Err(Duration::seconds(30)));
        assert_eq!(bucket.check_block(at(10_000)), Err(Duration::seconds(20)));
        assert!(bucket.check_block(at(30_000)).is_ok());
        // One more failure then, and blocked again.
        bucket = rate.failed(bucket, at(30_000));
        assert!(bucket.check_block(at(30_000)).is_ok());
        bucket = rate.failed(bucket, at(30_000));
        assert!(bucket.check_block(at(30_000)).is_err());
        assert_eq!(bucket.forgettable_at(), Some(at(120_000)));
    }

    proptest! {
        /// Over any window of time no more than a burst plus one per period gets through, and
        /// a client that keeps to the rate is never refused.
        #[test]
        fn never_more_than_the_burst_plus_the_rate(
            gaps in proptest::collection::vec(0i64..2_000, 1..300),
            per_second in 1u32..10,
            burst in 1u32..60,
        ) {
            let rate = Rate::per_second(per_second, burst);
            let mut bucket = Bucket::default();
            let mut admitted = Vec::new();
            let mut t = 0;
            for gap in gaps {
                t += gap;
                if let Ok(next) = rate.admit(bucket, at(t)) {
                    bucket = next;
                    admitted.push(t);
                }
            }
            let period_ms = rate.period.num_milliseconds().max(1);
            for (i, start) in admitted.iter().enumerate() {
                for (j, end) in admitted.iter().enumerate().skip(i) {
                    let allowed = i64::from(burst) + (end - start) / period_ms;
                    prop_assert!((j - i + 1) as i64 <= allowed);
                }
            }
        }

        #[test]
        fn a_client_at_the_rate_always_passes(per_second in 1u32..10, burst in 1u32..5, n in 1usize..200) {
            let rate = Rate::per_second(per_second, burst);
            let mut bucket = Bucket::default();
            let step = rate.period.num_microseconds().unwrap_or(1_000_000);
            for i in 0..n {
                let now = at(0) + Duration::microseconds(step * i as i64);
                bucket = rate.admit(bucket, now).map_err(|w| TestCaseError::fail(format!("{w}")))?;
            }
        }
    }
}
