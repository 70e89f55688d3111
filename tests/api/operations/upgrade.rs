//! An upgrade with no downtime (issue #32, docs/MIGRATIONS.md): the previous release — main
//! before this checkout's migrations came, which `make test-upgrade` builds from history and
//! names in `EXTRANET_PREVIOUS_BINARY` — serves three processes on one PostgreSQL behind haproxy
//! under a steady invitation load; this binary's `extranet migrate` brings the schema forward
//! under them (an old process restarted then starts on the newer schema and serves); a rolling
//! restart then replaces them one at a time by processes of this binary,
//! so that for a while the old and the new serve side by side. No request fails, every
//! acknowledged invitation is there once, the seats are the recount, each message is sent
//! once; afterwards the old binary's `migrate --check` says the database is ahead of it (3)
//! and the new one's that it is at its schema (0). PostgreSQL only, like the other balancer
//! tests; without `EXTRANET_PREVIOUS_BINARY` the test says so and returns.

use super::backups::{extranet, extranet_of, Ran};
use super::balancer::{each_request_once, each_server_answered_since, sessions, usage};
use crate::support::balancer::{on_postgres, Cluster};
use crate::support::helpers::*;
use crate::support::load::{self, account_at, Load, Sent};
use crate::support::processes::binary;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The variable naming the previous release's `extranet` binary.
const PREVIOUS: &str = "EXTRANET_PREVIOUS_BINARY";

/// The previous release's binary, or `None` (said on stderr) when the variable is not set.
fn previous_binary(test: &str) -> Option<PathBuf> {
    match std::env::var_os(PREVIOUS) {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "{PREVIOUS}={}: no such file",
                path.display()
            );
            Some(path)
        }
        _ => {
            eprintln!(
                "{test}: skipped: {PREVIOUS} is not set (`make test-upgrade` builds the previous \
                 release, main before this checkout's migrations came, and runs it with it)"
            );
            None
        }
    }
}

/// The exit code of a `migrate --check`, the output said when it is not `expected`.
fn assert_check(ran: &Ran, expected: i32, which: &str) {
    assert_eq!(
        ran.code,
        Some(expected),
        "`migrate --check` of the {which} binary: {}{}",
        ran.stdout,
        ran.stderr
    );
}

/// Asserts the previous release's `migrate --check` exits `expected`, when it has one (it came
/// with issue #32: a release before it has none, and the figures say so).
async fn assert_old_check(old: &Path, url: &str, has_check: bool, expected: i32) {
    if has_check {
        assert_check(
            &extranet_of(old, url, &["migrate", "--check"]).await,
            expected,
            "old",
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_upgrade_under_load_with_the_previous_release_beside_the_new_one_fails_no_request() {
    let test = "an_upgrade_under_load_with_the_previous_release_beside_the_new_one";
    if !on_postgres(test) {
        return;
    }
    let Some(old) = previous_binary(test) else {
        return;
    };
    let new = binary();
    let started = Instant::now();
    // The previous release makes the schema its own (its `serve` migrates at start) and serves.
    let mut cluster = Cluster::start_of(&old, 3, &load::UNLIMITED).await;
    let url = cluster.database_url.clone();
    let has_check = extranet_of(&old, &url, &["migrate", "--help"])
        .await
        .stdout
        .contains("--check");
    assert_old_check(&old, &url, has_check, 0).await;
    let behind = extranet(&url, &["migrate", "--check"]).await;
    assert_check(&behind, 2, "new");
    let (token, group) = account_at(
        &cluster.address,
        &cluster.client,
        &cluster.mail,
        "ada@agency.example",
        "free",
    )
    .await;
    let load = Load::start_retrying(&cluster.address, &token, &group, 6);
    load.wait_for_created(30).await;

    // The new release's migrations, applied while the old processes serve.
    let migrating = Instant::now();
    let migrated = extranet(&url, &["migrate"]).await;
    let migrate_took = migrating.elapsed();
    assert_eq!(migrated.code, Some(0), "{}", migrated.stderr);
    // The old processes go on serving on the new schema; one of them restarted (as its
    // supervisor would after a crash) starts on it and serves beside the others.
    let created = load.created();
    load.wait_for_created(created + 30).await;
    cluster.restart_as(0, &old).await;
    let before = sessions(&cluster);
    let created = load.created();
    load.wait_for_created(created + 30).await;
    each_server_answered_since(&cluster, &before);
    assert_old_check(&old, &url, has_check, 3).await;
    assert_check(&extranet(&url, &["migrate", "--check"]).await, 0, "new");

    // The rolling restart: each old process replaced by a new one, the others serving.
    let mut exits = Vec::new();
    let mut side_by_side = Vec::new();
    for i in 0..3 {
        exits.push(cluster.restart_as(i, &new).await.as_millis());
        let before = sessions(&cluster);
        let created = load.created();
        load.wait_for_created(created + 30).await;
        if i < 2 {
            // Old and new processes both answered the load.
            each_server_answered_since(&cluster, &before);
            side_by_side.push(load.created() - created);
        }
    }
    let sent = load.finish().await;
    let loaded = started.elapsed();
    assert_old_check(&old, &url, has_check, 3).await;
    assert_check(&extranet(&url, &["migrate", "--check"]).await, 0, "new");

    let (logins, messages, ids) = each_request_once(&cluster, &token, &sent).await;
    let res = cluster
        .client
        .get(format!(
            "{}/v1/users?status=active&limit=200",
            cluster.address
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (status, users) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{users}");
    let invitations = load::all_invitations(&cluster.address, &cluster.client, &token).await;
    crate::invitations::approvals::assert_usage_is_the_recount(
        &usage(&cluster, &token).await,
        users["items"].as_array().unwrap(),
        &invitations,
    );
    let slowest = sent.iter().map(Sent::took).max().unwrap_or_default();
    let pending = behind.stdout.lines().next().unwrap_or_default().to_owned();
    let old_check = if has_check {
        "the old binary's `migrate --check` 0 before, 3 (ahead) after"
    } else {
        "the old binary has no `migrate --check` (older than issue #32)"
    };
    eprintln!(
        "balancer figures: upgrade under 6 clients for {} ms, the previous release's 3 processes \
         replaced one at a time behind haproxy ({pending}): `extranet migrate` {} ms while the old \
         ones served; {} requests, all 201 at the first attempt ({side_by_side:?} while old and \
         new served side by side), {} invitations, {messages} messages for {ids} ids (0 copies); \
         seats the recount; {old_check}, the new one's 0; SIGTERM to exit {exits:?} ms; slowest \
         request {} ms",
        loaded.as_millis(),
        migrate_took.as_millis(),
        sent.len(),
        logins.len(),
        slowest.as_millis()
    );
}
