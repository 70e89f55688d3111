//! What the tests stand on, apart from the tests: the server on port 0 and a client for it
//! (`helpers`), what its answers say (`answers`), real delivery peers (an SMTP server, an SMS gateway, a webhook receiver), the
//! binary as separate processes and a steady load for them, and requests several features
//! share.

pub mod answers;
pub mod balancer;
pub mod delivery_peers;
pub mod drain;
pub mod helpers;
pub mod load;
pub mod mail_sink;
pub mod metrics;
pub mod processes;
pub mod requests;
pub mod traces;
pub mod webhook_receiver;
pub mod webhooks;
