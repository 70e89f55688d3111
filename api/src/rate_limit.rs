//! Rate limits. On the public endpoints (sign-up and its confirmation, login, refresh, the
//! accept page's lookup, accept and decline, a password reset and its confirmation): a leaky bucket per client address and endpoint, like
//! Bitrix24's (2 requests/s, bursts of 50 by default). On failed password checks: a bucket per
//! person (network profile), whichever of its logins or whichever endpoint the password was
//! tried through, and one per login that matches nobody, so that credential stuffing from
//! many addresses still meets a limit. Over either: 429 `rate_limited` with `Retry-After`.
//! `domain::rate_limit` counts; `persistence::rate_limits` keeps the buckets — in the database
//! on PostgreSQL, so that every server process behind a balancer counts one limit, and in
//! this process's memory on SQLite, whose file one process owns.
//!
//! Behind a reverse proxy every request comes from the proxy: `EXTRANET_TRUSTED_PROXIES` names
//! the proxies (CIDRs) whose `X-Forwarded-For` is believed. The client is then the right-most
//! address of that header that is not a trusted proxy; from anyone else the header is ignored,
//! so it cannot be forged to get a fresh bucket.

use crate::clock::Clock;
use crate::problem::ApiError;
use actix_web::http::{header, StatusCode};
use actix_web::HttpRequest;
use chrono::Duration;
use domain::ids::IdentityId;
use domain::login::Login;
use domain::rate_limit::Rate;
use ipnet::IpNet;
use persistence::rate_limits::Buckets;
use persistence::StoreError;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

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
    /// Looking a join link up.
    JoinLookup,
    /// Asking for a join link's code.
    JoinRequest,
    /// Confirming a join with its code.
    JoinConfirm,
    /// Answering a login's challenge with a second factor.
    SecondFactor,
}

impl Endpoint {
    /// The endpoint's part of its buckets' keys.
    fn key(self) -> &'static str {
        match self {
            Self::SignUp => "sign-up",
            Self::Confirm => "confirm",
            Self::Login => "login",
            Self::Lookup => "lookup",
            Self::Accept => "accept",
            Self::Refresh => "refresh",
            Self::PasswordReset => "password-reset",
            Self::PasswordResetConfirm => "password-reset-confirm",
            Self::JoinLookup => "join-lookup",
            Self::JoinRequest => "join-request",
            Self::JoinConfirm => "join-confirm",
            Self::SecondFactor => "second-factor",
        }
    }
}

fn too_many(wait: Duration, detail: &str) -> ApiError {
    let millis = wait.num_milliseconds().max(0);
    let seconds = (millis / 1000 + i64::from(millis % 1000 > 0)).max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("{detail}; retry in {seconds} s"),
    )
    .with_header(header::RETRY_AFTER, seconds.to_string())
}

/// Runs `count` on the buckets: at once when they are in memory, on a blocking thread when
/// they are in the database.
async fn counted<T, F>(buckets: &Arc<Buckets>, count: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Buckets) -> Result<T, StoreError> + Send + 'static,
{
    if buckets.is_shared() {
        let buckets = buckets.clone();
        Ok(crate::blocking::run(move || count(&buckets)).await??)
    } else {
        Ok(count(buckets)?)
    }
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
    rate: Rate,
    buckets: Arc<Buckets>,
    clock: Clock,
    trusted_proxies: Vec<IpNet>,
}

impl PublicLimits {
    /// `per_second` requests a second drain each bucket, which holds `burst`.
    pub fn new(
        per_second: u32,
        burst: u32,
        trusted_proxies: Vec<IpNet>,
        buckets: Arc<Buckets>,
        clock: Clock,
    ) -> Self {
        Self {
            rate: Rate::per_second(per_second, burst),
            buckets,
            clock,
            trusted_proxies,
        }
    }

    /// The address `req` comes from, as the limits see it (behind a trusted proxy, from
    /// `X-Forwarded-For`).
    pub fn client(&self, req: &HttpRequest) -> IpAddr {
        client_address(req, &self.trusted_proxies)
    }

    /// Counts one request from this client; 429 when its bucket is full.
    pub async fn check(&self, endpoint: Endpoint, req: &HttpRequest) -> Result<(), ApiError> {
        let key = format!("public:{}:{}", endpoint.key(), self.client(req));
        let (rate, now) = (self.rate, self.clock.now());
        counted(&self.buckets, move |b| b.admit(&key, rate, now))
            .await?
            .map_err(|wait| too_many(wait, "too many requests from this address"))
    }

    /// Where every limit's buckets are kept (the upkeep sweeps them).
    pub fn buckets(&self) -> Arc<Buckets> {
        self.buckets.clone()
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
    /// A profile's second factor (rule 13): wrong codes are counted apart from wrong
    /// passwords, in their own limiter (`AppState::second_factor_failures`).
    SecondFactor(IdentityId),
}

impl PasswordTarget {
    fn key(&self) -> String {
        match self {
            Self::Profile(id) => format!("password:profile:{}", id.0),
            Self::UnknownLogin(login) => format!("password:login:{}", login.as_str()),
            Self::SecondFactor(id) => format!("second-factor:profile:{}", id.0),
        }
    }
}

/// Failed password checks per [`PasswordTarget`]. After `burst` failures a target may fail
/// once per `interval` more; once over, every attempt on it is refused until then — the right
/// password too, so that the limit tells nothing about the password.
pub struct LoginFailures {
    rate: Rate,
    buckets: Arc<Buckets>,
    clock: Clock,
}

impl LoginFailures {
    pub fn new(
        burst: u32,
        interval: std::time::Duration,
        buckets: Arc<Buckets>,
        clock: Clock,
    ) -> Self {
        let period = Duration::from_std(interval).unwrap_or(Duration::seconds(30));
        Self {
            rate: Rate::every(period, burst),
            buckets,
            clock,
        }
    }

    /// 429 while `target` has failed too often.
    pub async fn check(&self, target: &PasswordTarget) -> Result<(), ApiError> {
        let (key, now) = (target.key(), self.clock.now());
        counted(&self.buckets, move |b| b.check_block(&key, now))
            .await?
            .map_err(|wait| too_many(wait, "too many failed attempts for this login"))
    }

    /// Counts a failed password check against `target`.
    pub async fn failed(&self, target: &PasswordTarget) -> Result<(), ApiError> {
        let (key, rate, now) = (target.key(), self.rate, self.clock.now());
        counted(&self.buckets, move |b| b.failed(&key, rate, now)).await
    }

    /// Forgets `target`'s failures, in every server process: its owner proved who they are
    /// another way (a password reset with the code sent to their login), so whoever was
    /// guessing must not keep them out. Its block ends and it counts from an empty bucket.
    pub async fn forgive(&self, target: &PasswordTarget) -> Result<(), ApiError> {
        let key = target.key();
        counted(&self.buckets, move |b| b.forgive(&key)).await
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
}
