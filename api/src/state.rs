//! What every request handler shares.

use crate::clock::Clock;
use crate::passwords::Passwords;
use crate::problem::ApiError;
use crate::rate_limit::{LoginFailures, PublicLimits};
use crate::secrets::TokenSealer;
use crate::tokens::Tokens;
use persistence::{Database, Limits, StoreError};
use std::sync::Arc;
use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore};

pub struct AppState {
    /// The time every handler goes by.
    pub clock: Clock,
    pub db: Database,
    /// Permits for the reads that may scan (`reads::read`).
    pub scans: Scans,
    /// Plans, sending quotas and the resend interval, as configured.
    pub account_limits: Arc<Limits>,
    pub tokens: Tokens,
    /// How long sessions last (rule 9).
    pub sessions: domain::session::SessionPolicy,
    pub passwords: Passwords,
    pub limits: PublicLimits,
    /// Failed password checks per person (or per login that matches nobody).
    pub login_failures: LoginFailures,
    /// Wrong second factors per person (rule 13): `domain::two_factor::FAILURE_BURST`, then one
    /// more each `FAILURE_INTERVAL_SECONDS`.
    pub second_factor_failures: LoginFailures,
    pub sealer: Arc<TokenSealer>,
    pub webhooks: crate::config::WebhookSettings,
    /// Whether accounts may be signed up by phone (`EXTRANET_SIGNUP_SMS`).
    pub signup_sms: bool,
    /// The frontend's address (`EXTRANET_APP_URL`), where the pages send people next.
    pub app_url: Option<String>,
    /// This service's address as people reach it (`EXTRANET_PUBLIC_URL`): its links start so.
    pub public_url: String,
    /// Checks webhook URLs where they resolve to.
    pub resolver: crate::delivery::webhooks::GuardedResolver,
    /// What `/metrics` shows.
    pub metrics: crate::metrics::Metrics,
    /// The development inbox, when the development tools are served (`crate::dev`).
    pub dev: Option<Arc<crate::dev::DevInbox>>,
    /// One readiness check at a time (see `routes::health::readyz`).
    pub readiness: tokio::sync::Mutex<()>,
    /// What the upkeep's retention sweep removes (issue #32).
    pub retention: persistence::retention::Sweep,
}

impl AppState {
    /// Runs a write — a use case, which opens its own transaction — on a blocking thread
    /// within the current request (its id reaches the audit events), off the event loop; its
    /// refusal or the store's failure is the answer. Reads go through `crate::reads::read`.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        Ok(crate::blocking::run(move || work(&db)).await??)
    }
}

/// The reads that may scan, at most this many at once (waiting without a thread meanwhile).
#[derive(Clone)]
pub struct Scans(Arc<Semaphore>);

impl Scans {
    /// A quarter of the reader connections (at least one): the rest stay for everything else.
    pub fn for_pool(connections: u32) -> Self {
        let permits = usize::try_from(connections / 4).unwrap_or(1).max(1);
        Self(Arc::new(Semaphore::new(permits)))
    }

    /// Waits (without a thread) for a permit to scan; it is given back when dropped.
    pub async fn permit(&self) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.0.clone().acquire_owned().await
    }
}
