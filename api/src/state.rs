//! What every request handler shares.

use crate::auth::Tokens;
use crate::clock::Clock;
use crate::passwords::Passwords;
use crate::rate_limit::{LoginFailures, PublicLimits};
use crate::secrets::TokenSealer;
use domain::plan::Plans;
use domain::sending::SendingQuotas;
use persistence::Database;
use std::sync::Arc;
use tokio::sync::Notify;

pub struct AppState {
    /// The time every handler goes by.
    pub clock: Clock,
    pub db: Database,
    pub plans: Plans,
    /// Sending quotas (messages per account and hour, per address and day).
    pub quotas: SendingQuotas,
    pub tokens: Tokens,
    pub passwords: Passwords,
    /// A pending invitation is resent at most once per this many seconds.
    pub resend_interval_seconds: u32,
    pub limits: PublicLimits,
    /// Failed password checks per login.
    pub login_failures: LoginFailures,
    pub sealer: Arc<TokenSealer>,
    /// Wakes the delivery worker when a request has committed messages.
    pub wakeup: Arc<Notify>,
}
