//! The use cases floor, one module per family (a folder when a family has several): each
//! function opens its transaction, loads what the domain needs, lets the domain decide, writes
//! rows, messages, seat counters and the audit event, and commits. Use cases never call each
//! other; what two of them share goes down to `shared` or `tables`.

pub mod access_reminders;
pub mod access_reviews;
pub mod accounts;
pub mod api_tokens;
pub mod audit_log;
pub mod erasure;
pub mod identities;
pub mod invitations;
pub mod join_links;
pub mod login_changes;
pub mod membership;
pub mod messages;
pub mod metrics;
pub mod passwords;
pub mod personal_data;
pub mod rate_limits;
pub mod retention;
pub mod sessions;
pub mod sign_ups;
pub mod two_factor;
pub mod users;
pub mod webhooks;
pub mod workgroups;
