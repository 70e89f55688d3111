//! Extranet's storage: diesel over SQLite (embedded default) or PostgreSQL, one code path.
//! Each use case is one function that opens its transaction, loads what the domain needs,
//! lets the domain decide, writes the rows and the audit event, and commits.

pub mod accounts;
pub mod audit;
pub mod db;
pub mod error;
pub mod idempotency;
pub mod identities;
pub mod invitations;
pub mod memberships;
pub mod outbox;
pub mod quotas;
pub mod records;
pub mod schema;
pub mod sign_ups;
pub mod users;
pub mod workgroups;

pub use db::{Backend, Database, DbConnection, PoolOptions};
pub use error::StoreError;
