//! Webhooks: signed deliveries to a real receiver, every event, owners, pausing, several processes, where they may not go (SSRF), README's signature checks run as written.

mod events;
mod owners;
mod pausing;
mod processes;
mod readme_signatures;
mod receiving;
mod signature_check;
mod ssrf;
