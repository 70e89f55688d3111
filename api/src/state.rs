//! What every request handler shares.

use crate::clock::Clock;
use crate::passwords::Passwords;
use crate::rate_limit::{LoginFailures, PublicLimits};
use crate::secrets::TokenSealer;
use crate::tokens::Tokens;
use persistence::{Database, Limits};
use std::sync::Arc;
use tokio::sync::Notify;

pub struct AppState {
    /// The time every handler goes by.
    pub clock: Clock,
    pub db: Database,
    /// Plans, sending quotas and the resend interval, as configured.
    pub account_limits: Limits,
    pub tokens: Tokens,
    pub passwords: Passwords,
    pub limits: PublicLimits,
    /// Failed password checks per login.
    pub login_failures: LoginFailures,
    pub sealer: Arc<TokenSealer>,
    /// Wakes the delivery worker when a request has committed messages.
    pub wakeup: Arc<Notify>,
}
