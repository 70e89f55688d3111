//! Webhooks: signed deliveries to a real receiver, every event, owners, pausing, several processes, where they may not go (SSRF).

mod events;
mod owners;
mod pausing;
mod processes;
mod receiving;
mod ssrf;
