//! Logging in: passwords, tokens, throttling, and a network profile's login change.

mod login;
mod login_change;
mod login_throttling;
mod sessions;
