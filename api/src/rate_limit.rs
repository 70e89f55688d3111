//! Rate limits. On the public endpoints (sign-up and its confirmation, login, refresh, the
//! accept page's lookup, accept and decline, a password reset and its confirmation): a leaky bucket per client address and endpoint, like
//! Bitrix24's (2 requests/s, bursts of 50 by default). On failed password checks: a bucket per
//! person (network profile), whichever of its logins or whichever endpoint the password was
//! tried through, and one per login that matches nobody, so that credential stuffing from
//! many addresses still meets a limit. Over either: 429 `rate_limited` with `Retry-After`.
//!
//! Behind a reverse proxy every request comes from the proxy: `EXTRANET_TRUSTED_PROXIES` names
//! the proxies (CIDRs) whose `X-Forwarded-For` is believed. The client is then the right-most
//! address of that header that is not a trusted proxy; from anyone else the header is ignored,
//! so it cannot be forged to get a fresh bucket.

use crate::problem::ApiError;
use actix_web::http::{header, StatusCode};
use actix_web::HttpRequest;
use domain::ids::IdentityId;
use domain::login::Login;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The public endpoints, each with its own buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    SignUp,
    /// Confirming a sign-up with its code.
    Confirm,
    Login,
    Lookup,
    /// Accepting and declining.
    Accept,
    /// Exchanging a refresh token.
    Refresh,
    /// Asking for a password reset code.
    PasswordReset,
    /// Resetting a password with its code.
    PasswordResetConfirm,
}

fn too_many(wait: Duration, detail: &str) -> ApiError {
    let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("{detail}; retry in {seconds} s"),
    )
    .with_header(header::RETRY_AFTER, seconds.to_string())
}

fn quota(per_second: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

/// Parses `EXTRANET_TRUSTED_PROXIES`: addresses or CIDRs, separated by commas or spaces.
pub fn parse_trusted_proxies(spec: &str) -> Result<Vec<IpNet>, String> {
    spec.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("EXTRANET_TRUSTED_PROXIES: `{s}` is not an address or CIDR"))
        })
        .collect()
}

/// The client a request comes from: its peer, or behind a trusted proxy the right-most
/// untrusted address of `X-Forwarded-For`.
pub fn client_address(req: &HttpRequest, trusted: &[IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .copied()
        // Only proxies in the chain: the left-most one is as close to the client as it gets.
        .or_else(|| forwarded.first().copied())
        .unwrap_or(peer)
}

pub struct PublicLimits {
    limiter: DefaultKeyedRateLimiter<(Endpoint, IpAddr)>,
    clock: DefaultClock,
    trusted_proxies: Vec<IpNet>,
}

impl PublicLimits {
    /// `per_second` requests a second drain each bucket, which holds `burst`.
    pub fn new(per_second: u32, burst: u32, trusted_proxies: Vec<IpNet>) -> Self {
        Self {
            limiter: RateLimiter::keyed(quota(per_second, burst)),
            clock: DefaultClock::default(),
            trusted_proxies,
        }
    }

    /// The address `req` comes from, as the limits see it (behind a trusted proxy, from
    /// `X-Forwarded-For`).
    pub fn client(&self, req: &HttpRequest) -> IpAddr {
        client_address(req, &self.trusted_proxies)
    }

    /// Counts one request from this client; 429 when its bucket is full.
    pub fn check(&self, endpoint: Endpoint, req: &HttpRequest) -> Result<(), ApiError> {
        let ip = client_address(req, &self.trusted_proxies);
        self.limiter
            .check_key(&(endpoint, ip))
            .map_err(|not_until| {
                too_many(
                    not_until.wait_time_from(self.clock.now()),
                    "too many requests from this address",
                )
            })
    }

    /// Forgets clients whose buckets have drained, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }
}

/// What a password is tried against, and so whose failures it counts with: a network profile
/// (the person: by any of its logins, on the accept page, or to change a login), or a login
/// that matches no profile, which has a count of its own so that unknown logins are throttled
/// — and answered — like known ones. A profile is counted by its id, never by the text of a
/// login, so that its count follows the person whichever login they are tried by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PasswordTarget {
    Profile(IdentityId),
    UnknownLogin(Login),
}

/// Failed password checks per [`PasswordTarget`]. After `burst` failures a target may fail
/// once per `interval` more; once over, every attempt on it is refused until then — the right
/// password too, so that the limit tells nothing about the password. Counted per server process.
pub struct LoginFailures {
    limiter: DefaultKeyedRateLimiter<(PasswordTarget, u64)>,
    clock: DefaultClock,
    blocked: Mutex<HashMap<PasswordTarget, Instant>>,
    /// The targets forgiven lately ([`LoginFailures::forgive`]): each counts in a fresh bucket
    /// of its own generation, since the limiter cannot empty one key's bucket.
    forgiven: Mutex<HashMap<PasswordTarget, Forgiven>>,
    /// How long a bucket takes to drain from full: past it, an old generation's bucket is as
    /// good as a new one.
    drains_in: Duration,
}

/// A forgiven target's generation, and when it last counted (forgiven, or a failure since).
#[derive(Debug, Clone, Copy)]
struct Forgiven {
    generation: u64,
    touched: Instant,
}

/// Generations of forgiven targets, never reused.
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl LoginFailures {
    pub fn new(burst: u32, interval: Duration) -> Self {
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(interval.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            blocked: Mutex::new(HashMap::new()),
            forgiven: Mutex::new(HashMap::new()),
            drains_in: interval.saturating_mul(burst.get()),
        }
    }

    fn blocked(&self) -> std::sync::MutexGuard<'_, HashMap<PasswordTarget, Instant>> {
        self.blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn forgiven(&self) -> std::sync::MutexGuard<'_, HashMap<PasswordTarget, Forgiven>> {
        self.forgiven
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// 429 while `target` has failed too often.
    pub fn check(&self, target: &PasswordTarget) -> Result<(), ApiError> {
        let now = Instant::now();
        match self.blocked().get(target) {
            Some(until) if *until > now => Err(too_many(
                *until - now,
                "too many failed attempts for this login",
            )),
            _ => Ok(()),
        }
    }

    /// Counts a failed password check against `target`.
    pub fn failed(&self, target: &PasswordTarget) {
        let generation = match self.forgiven().get_mut(target) {
            Some(f) => {
                f.touched = Instant::now();
                f.generation
            }
            None => 0,
        };
        if let Err(not_until) = self.limiter.check_key(&(target.clone(), generation)) {
            let wait = not_until.wait_time_from(self.clock.now());
            self.blocked().insert(target.clone(), Instant::now() + wait);
        }
    }

    /// Forgets `target`'s failures: its owner proved who they are another way (a password
    /// reset with the code sent to their login), so whoever was guessing must not keep them
    /// out. Its block ends and it counts from an empty bucket again.
    pub fn forgive(&self, target: &PasswordTarget) {
        self.blocked().remove(target);
        let generation = GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.forgiven().insert(
            target.clone(),
            Forgiven {
                generation,
                touched: Instant::now(),
            },
        );
    }

    /// Forgets targets whose buckets have drained and whose blocks have ended, and forgiven
    /// targets whose every bucket has drained since (their next failure may count from
    /// generation 0 again: that bucket is as empty by now).
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        let now = Instant::now();
        self.blocked().retain(|_, until| *until > now);
        let drains_in = self.drains_in;
        self.forgiven()
            .retain(|_, f| now.saturating_duration_since(f.touched) <= drains_in);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted = parse_trusted_proxies("10.0.0.0/8, 192.168.1.1").unwrap();
        let behind = TestRequest::default()
            .peer_addr("10.1.2.3:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "198.51.100.7, 203.0.113.9, 10.0.0.5"))
            .to_http_request();
        assert_eq!(
            client_address(&behind, &trusted),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // From anyone else the header is a forgery, and ignored.
        let direct = TestRequest::default()
            .peer_addr("203.0.113.50:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "198.51.100.7"))
            .to_http_request();
        assert_eq!(
            client_address(&direct, &trusted),
            "203.0.113.50".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_address(&behind, &[]),
            "10.1.2.3".parse::<IpAddr>().unwrap()
        );
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("").unwrap().is_empty());
    }

    #[test]
    fn a_target_that_failed_too_often_is_refused_even_with_the_right_password() {
        let failures = LoginFailures::new(3, Duration::from_secs(60));
        let ann = PasswordTarget::Profile(IdentityId(uuid::Uuid::from_u128(1)));
        for _ in 0..3 {
            assert!(failures.check(&ann).is_ok());
            failures.failed(&ann);
        }
        assert!(failures.check(&ann).is_ok());
        failures.failed(&ann);
        let refused = failures.check(&ann).unwrap_err();
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        // Another person, and a login that matches nobody, have counts of their own.
        let bo = PasswordTarget::Profile(IdentityId(uuid::Uuid::from_u128(2)));
        assert!(failures.check(&bo).is_ok());
        let unknown = PasswordTarget::UnknownLogin(Login::parse("ann@client.example").unwrap());
        assert!(failures.check(&unknown).is_ok());
    }

    #[test]
    fn a_forgiven_target_starts_over_with_an_empty_bucket() {
        let failures = LoginFailures::new(3, Duration::from_secs(60));
        let ann = PasswordTarget::Profile(IdentityId(uuid::Uuid::from_u128(1)));
        for _ in 0..4 {
            failures.failed(&ann);
        }
        assert!(failures.check(&ann).is_err());
        failures.forgive(&ann);
        assert!(failures.check(&ann).is_ok());
        // Three more failures are free again, as for anyone; the fourth blocks.
        for _ in 0..3 {
            failures.failed(&ann);
            assert!(failures.check(&ann).is_ok());
        }
        failures.failed(&ann);
        assert!(failures.check(&ann).is_err());
        // Forgetting idle targets keeps a forgiven one whose bucket has not drained.
        failures.forget_idle();
        assert!(failures.check(&ann).is_err());
    }
}
