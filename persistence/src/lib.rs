//! Extranet's storage: diesel over SQLite (embedded default) or PostgreSQL, one code path.
//!
//! Three floors, each using only the ones below it:
//! - the base: connections and the writer (`db`), the schema, errors, the text of typed
//!   values (`keys`), pages, the audit trail, the outbox, sending quotas, idempotency keys,
//!   and what `/metrics` reads at each scrape (`metrics`);
//! - `models`: one module per table, with its named row struct, the record it is read back
//!   as, and its finders and writes; then the seat ledger (`ledger`), the account's write
//!   transaction (`tx`) and the one write of a membership invitation;
//! - use cases, one module per family: each function opens its transaction, loads what the
//!   domain needs, lets the domain decide, writes the rows and the audit event, and commits.
//!   Use cases never call each other.

pub mod accept;
pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod audit_log;
pub mod code_attempts;
pub mod db;
pub mod error;
mod event_resources;
pub mod events;
pub mod idempotency;
pub mod identities;
pub mod invite;
mod keys;
pub mod ledger;
pub mod lifecycle;
pub mod limits;
pub mod login_changes;
pub mod members;
mod membership_invitation;
pub mod metrics;
pub mod models;
pub mod outbox;
pub mod page;
pub mod quotas;
pub mod request;
pub mod schema;
pub mod sign_ups;
mod tx;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;
pub mod workgroup_invitations;
pub mod workgroups;

pub use db::{Backend, Database, DbConnection, PoolOptions};
pub use error::StoreError;
pub use limits::Limits;
