//! Extranet's storage: diesel over SQLite (embedded default) or PostgreSQL, one code path.
//!
//! Four floors, one folder each; a module uses only its own floor and those below it
//! (`scripts/check-floors.py`, run by `make lint`, says so):
//! - [`base`]: connections and the writer, the schema, the error, the text of typed values,
//!   pages, the request a use case runs for — nothing that knows a table's rows;
//! - [`tables`]: one module per table, named after it: its row struct, the record it is read
//!   back as, its finders and its writes — every query of the table, and the only module that
//!   names it (a join lives with the table whose rows it returns; the few that read another
//!   table are listed, with their reasons, in `scripts/check-floors.py`, which refuses any
//!   other module naming a table);
//! - [`shared`]: the writes several use cases make alike — the account's write transaction,
//!   the seat ledger, the audit trail and its webhook events, a membership invitation;
//! - [`use_cases`]: one module per family (grouped in folders: `invitations`, `membership`,
//!   `webhooks`), each a transaction that loads, lets the domain decide, writes and commits,
//!   through the tables' finders and writes: no query of its own. Use cases never use each
//!   other.
//!
//! The paths callers know (`persistence::invite`, `persistence::models::users`, …) are kept
//! below as names of the modules where they now live.

pub mod base;
pub mod shared;
pub mod tables;
pub mod use_cases;

pub use base::db::{Backend, Database, DbConnection, Migrated, PoolOptions};
pub use base::error::StoreError;
pub use base::limits::Limits;

pub use base::{db, error, limits, operations, page, request, schema};
pub use shared::{audit, events, ledger};
pub use tables::code_attempts;
pub use tables::idempotency_keys as idempotency;
pub use tables::sending_counters as quotas;
pub use use_cases::invitations::{accept, approval, batch as invite, lifecycle};
pub use use_cases::join_links;
pub use use_cases::membership::{members, workgroup_invitations};
pub use use_cases::webhooks::{deliveries as webhook_deliveries, manage as webhooks};
pub use use_cases::{
    access_reminders, access_reviews, accounts, api_tokens, audit_log, erasure, identities,
    login_changes, metrics, passwords, personal_data, rate_limits, retention, sessions, sign_ups,
    two_factor, users, workgroups,
};

/// The outbox's messages and the delivery worker's use case, under the name callers know.
pub mod outbox {
    pub use crate::tables::outbox::{Attempt, Claimed, Recorded};
    pub use crate::use_cases::messages::{claim_due, record_attempts};
}

/// The table modules under the name callers know them by.
pub mod models {
    pub use crate::tables::{
        access_review_items, access_reviews, accounts, identities, invitations, memberships,
        sessions, users, webhooks, workgroups,
    };
}
