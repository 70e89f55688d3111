//! Black-box tests: the real server, a fresh database, HTTP. The same tests run on SQLite and
//! (with `TEST_POSTGRES_URL`) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod auth;
mod delivery_peers;
mod errors;
mod helpers;
mod invitations;
mod mail_sink;
mod members;
mod openapi;
mod processes;
mod schema;
mod seats;
mod security;
mod users;
mod workgroups;
