//! Black-box tests: the real server, a fresh database, HTTP. The same tests run on SQLite and
//! (with `TEST_POSTGRES_URL`) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_ends;
mod access_reviews;
mod accounts;
mod auth;
mod contract;
mod erasure;
mod integrations;
mod invitations;
mod join_links;
mod locales;
mod operations;
mod personal_data;
mod retention;
mod seats;
mod security;
mod support;
mod users;
mod webhooks;
mod workgroups;
