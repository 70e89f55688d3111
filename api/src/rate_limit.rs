//! Rate limits on the public endpoints (sign-up, login; accept and lookup later): a leaky
//! bucket per client address and endpoint, like Bitrix24's (2 requests/s, bursts of 50 by
//! default). Over the limit: 429 `rate_limited` with `Retry-After`.

use crate::problem::ApiError;
use actix_web::http::{header, StatusCode};
use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;

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
}

pub struct PublicLimits {
    limiter: DefaultKeyedRateLimiter<(Endpoint, IpAddr)>,
    clock: DefaultClock,
}

impl PublicLimits {
    /// `per_second` requests a second drain each bucket, which holds `burst`.
    pub fn new(per_second: u32, burst: u32) -> Self {
        let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one request from this client; 429 when its bucket is full.
    pub fn check(&self, endpoint: Endpoint, req: &HttpRequest) -> Result<(), ApiError> {
        let ip = req
            .peer_addr()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
        self.limiter
            .check_key(&(endpoint, ip))
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(self.clock.now());
                let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("too many requests from this address; retry in {seconds} s"),
                )
                .with_header(header::RETRY_AFTER, seconds.max(1).to_string())
            })
    }

    /// Forgets clients whose buckets have drained, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }
}
