//! What every request handler shares.

use crate::auth::Tokens;
use crate::passwords::Passwords;
use crate::rate_limit::PublicLimits;
use domain::plan::Plans;
use persistence::Database;

pub struct AppState {
    pub db: Database,
    pub plans: Plans,
    pub tokens: Tokens,
    pub passwords: Passwords,
    pub limits: PublicLimits,
}
