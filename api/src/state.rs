//! What every request handler shares.

use crate::auth::Tokens;
use crate::passwords::Passwords;
use domain::plan::Plans;
use persistence::Database;

pub struct AppState {
    pub db: Database,
    pub plans: Plans,
    pub tokens: Tokens,
    pub passwords: Passwords,
}
