//! Black-box tests: the real server, a fresh database, HTTP. The same tests run on SQLite and
//! (with `TEST_POSTGRES_URL`) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod api_tokens;
mod audit_log;
mod auth;
mod dead_tokens;
mod delivery_peers;
mod errors;
mod helpers;
mod idempotency;
mod invitation_batches;
mod invitation_lifecycle;
mod invitations;
mod limits;
mod login_change;
mod login_throttling;
mod mail_sink;
mod members;
mod membership_invitations;
mod openapi;
mod processes;
mod races;
mod roles;
mod schema;
mod searches;
mod seats;
mod seed_story;
mod sign_up_proof;
mod smtp_tls;
mod todays_rules;
mod transfers;
mod users;
mod workgroup_permissions;
mod workgroups;
