//! When a failed delivery is tried again: one schedule for messages (email, SMS) and webhooks
//! alike — a wait that doubles from a base after each failed attempt, capped, of which a part
//! may be random so that deliveries failing together do not come back together; given up after
//! a number of attempts.

use chrono::Duration;

/// A retry schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failed attempt.
    pub base: Duration,
    /// The longest wait between two attempts.
    pub cap: Duration,
    /// The delivery is given up after this many failed attempts.
    pub attempts: u32,
}

impl Backoff {
    /// How long to wait after `attempts` failed attempts: `base`, doubling each time, at most
    /// `cap`, of which half is waited for sure and the other half as `jitter` (0..1) says (1:
    /// the whole wait); `None` once the delivery is given up.
    pub fn after(&self, attempts: u32, jitter: f64) -> Option<Duration> {
        if attempts >= self.attempts {
            return None;
        }
        let doubled = self
            .base
            .num_milliseconds()
            .max(1)
            .saturating_mul(1i64 << attempts.saturating_sub(1).min(30));
        let full = doubled.min(self.cap.num_milliseconds());
        let jitter = jitter.clamp(0.0, 1.0);
        // Equal jitter: half of the wait for sure, the other half at random.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let wait = full / 2 + ((full / 2) as f64 * jitter) as i64;
        Some(Duration::milliseconds(wait.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_within_the_cap_and_ends() {
        let backoff = Backoff {
            base: Duration::seconds(30),
            cap: Duration::hours(6),
            attempts: 12,
        };
        assert_eq!(backoff.after(1, 0.0), Some(Duration::seconds(15)));
        assert_eq!(backoff.after(1, 1.0), Some(Duration::seconds(30)));
        assert_eq!(backoff.after(2, 1.0), Some(Duration::seconds(60)));
        assert_eq!(backoff.after(3, 0.5), Some(Duration::seconds(90)));
        assert_eq!(backoff.after(11, 1.0), Some(Duration::hours(6)));
        assert_eq!(backoff.after(12, 0.3), None);
        // Jitter spreads deliveries that failed together.
        assert_ne!(backoff.after(4, 0.1), backoff.after(4, 0.9));
    }
}
