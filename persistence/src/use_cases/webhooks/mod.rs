//! Webhooks: managed by the account's administrators (`manage`), and delivered by the webhook
//! worker (`deliveries`).

pub mod deliveries;
pub mod manage;
