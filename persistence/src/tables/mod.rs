//! The tables floor: one module per table of [`crate::base::schema`], named after it, with its
//! named row struct, the record it is read back as, its finders and its writes: every query
//! of the table, and nowhere else (`scripts/check-floors.py` refuses a module naming a table
//! not its own). A query that joins several tables lives with the table whose rows it
//! returns, and says in its doc comment which other table it reads (the script lists each
//! such pair). Table modules may use each other (a record built of a join names the other
//! table's record) and the base, nothing above.

pub mod access_review_items;
pub mod access_reviews;
pub mod account_seats;
pub mod accounts;
pub mod api_tokens;
pub mod audit_events;
pub mod code_attempts;
pub mod erasure_codes;
pub mod idempotency_keys;
pub mod identities;
pub mod invitations;
pub mod join_links;
pub mod join_requests;
pub mod login_changes;
pub mod memberships;
pub mod outbox;
pub mod password_resets;
pub mod rate_buckets;
pub mod recovery_codes;
pub mod refresh_tokens;
pub mod sending_counters;
pub mod sessions;
pub mod sign_ups;
pub mod two_factors;
pub mod users;
pub mod webhooks;
pub mod workgroups;
