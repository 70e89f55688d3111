//! Logging in: passwords, tokens, throttling, a network profile's login change, and changing or
//! resetting its password.

mod login;
mod login_change;
mod login_throttling;
mod password_change;
mod password_reset;
mod sessions;
pub mod two_factor;
