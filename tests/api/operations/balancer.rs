//! Three `extranet serve` processes on one PostgreSQL behind haproxy (issue #27): the limits
//! that protect people hold whichever process answers; a rolling restart under load fails no
//! request, loses nothing and sends every message once; a SIGKILL under load loses no 201 and
//! leaves every message delivered; seats and sending quotas stay exact. On SQLite (one process
//! owns a file) each test says so and returns. The figures are printed (`--nocapture`) as
//! `balancer figures:` lines.

use crate::support::balancer::{on_postgres, Cluster};
use crate::support::helpers::*;
use crate::support::load::{self, account_at, wait_until_all_sent, Load, Sent};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How many requests each server of the cluster was sent so far, by haproxy's count.
pub(super) fn sessions(cluster: &Cluster) -> Vec<u64> {
    cluster.stats().iter().map(|s| s.sessions).collect()
}

/// Asserts that every server was sent requests since `before`.
pub(super) fn each_server_answered_since(cluster: &Cluster, before: &[u64]) {
    let now = sessions(cluster);
    assert!(
        now.iter().zip(before).all(|(n, b)| n > b),
        "not every process answered: requests per server {before:?} → {now:?}"
    );
}

/// A request to a public endpoint as from `client` (an address haproxy's trusted peer names):
/// an accept page's lookup of a token nobody has, 404 unless limited.
async fn lookup_from(cluster: &Cluster, client: &str) -> StatusCode {
    cluster
        .client
        .post(format!("{}/v1/invitations/lookup", cluster.address))
        .header("x-forwarded-for", client)
        .json(&json!({"token": "nobody-has-this-token-nobody-has-this-token"}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_public_rate_limit_holds_across_three_processes_behind_haproxy() {
    if !on_postgres("the_public_rate_limit_holds_across_three_processes_behind_haproxy") {
        return;
    }
    const BURST: usize = 5;
    let cluster = Cluster::start(
        3,
        &[
            ("EXTRANET_PUBLIC_BURST", "5"),
            ("EXTRANET_PUBLIC_RATE_PER_SECOND", "1"),
        ],
    )
    .await;
    let before = sessions(&cluster);
    // Round robin spreads one address's requests over the three: the burst is the address's,
    // not each process's.
    for i in 0..BURST {
        let status = lookup_from(&cluster, "203.0.113.7").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "request {}", i + 1);
    }
    let res = cluster
        .client
        .post(format!("{}/v1/invitations/lookup", cluster.address))
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({"token": "nobody-has-this-token-nobody-has-this-token"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Whichever process answers next.
    for i in 0..6 {
        let status = lookup_from(&cluster, "203.0.113.7").await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "request {}",
            BURST + 2 + i
        );
    }
    each_server_answered_since(&cluster, &before);
    // Another address has its own bucket.
    assert_eq!(
        lookup_from(&cluster, "203.0.113.8").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_logins_are_limited_across_three_processes_behind_haproxy() {
    if !on_postgres("failed_logins_are_limited_across_three_processes_behind_haproxy") {
        return;
    }
    const BURST: usize = 3;
    let cluster = Cluster::start(
        3,
        &[
            ("EXTRANET_LOGIN_FAILURE_BURST", "3"),
            // No failure is forgiven while the test runs, however slow the machine.
            ("EXTRANET_LOGIN_FAILURE_INTERVAL_SECONDS", "3600"),
        ],
    )
    .await;
    account_at(
        &cluster.address,
        &cluster.client,
        &cluster.mail,
        "ada@agency.example",
        "free",
    )
    .await;
    let attempt = |n: usize, password: &'static str| {
        let (client, url) = (
            cluster.client.clone(),
            format!("{}/v1/auth/login", cluster.address),
        );
        async move {
            // Credential stuffing: every guess from another address, so that no address's own
            // limit is met — only the person's.
            let res = client
                .post(url)
                .header("x-forwarded-for", format!("198.51.100.{n}"))
                .json(&json!({"login": "ada@agency.example", "password": password}))
                .send()
                .await
                .unwrap();
            json_of(res).await
        }
    };
    let before = sessions(&cluster);
    // Wrong passwords until the first refusal: the person's burst (and the one too many), not
    // three processes' worth.
    let mut failed = 0;
    let throttled = loop {
        let (status, body) = attempt(failed, "guess!!!1").await;
        match status {
            StatusCode::UNAUTHORIZED => {
                assert_refused(status, &body, status, "invalid_credentials");
                failed += 1;
                assert!(
                    failed <= BURST + 1,
                    "{failed} failed logins were answered 401: the limit is per process"
                );
            }
            _ => break (status, body),
        }
    };
    assert_refused(
        throttled.0,
        &throttled.1,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
    // Whichever process answers, even the right password waits.
    for n in 0..6 {
        let (status, body) = attempt(100 + n, PASSWORD).await;
        assert_refused(status, &body, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    }
    each_server_answered_since(&cluster, &before);
    eprintln!(
        "balancer figures: failed logins through haproxy to 3 processes: {failed} answered 401, \
         then 429 on every process (burst {BURST})"
    );
}

/// Requests that got something other than 201 in the end.
pub(super) fn not_created(sent: &[Sent]) -> Vec<&Sent> {
    sent.iter()
        .filter(|s| s.status() != Some(StatusCode::CREATED))
        .collect()
}

/// Through a restart: no request failed, none had to be sent again, each made its invitation
/// once, and each invitation's message went once. The logins, and the messages and the ids
/// they carry.
pub(super) async fn each_request_once(
    cluster: &Cluster,
    token: &str,
    sent: &[Sent],
) -> (BTreeSet<String>, usize, usize) {
    let failed = not_created(sent);
    assert!(failed.is_empty(), "requests failed: {failed:?}");
    let retried: Vec<&Sent> = sent.iter().filter(|s| s.attempts > 1).collect();
    assert!(
        retried.is_empty(),
        "requests failed that the client had to send again: {retried:?}"
    );
    let logins = one_invitation_per_request(cluster, token, sent).await;
    wait_until_all_sent(&cluster.address, &cluster.client, token).await;
    // Exactly once: one message per invitation, no copy.
    let (messages, ids) = load::one_id_per_invitation(&cluster.sms, &cluster.mail, &logins);
    assert_eq!(
        (messages, ids),
        (logins.len(), logins.len()),
        "a message was sent twice"
    );
    (logins, messages, ids)
}

/// Every request's invitation is there, once: the account's invitations (through haproxy) are
/// exactly the requests', and each 201 names its own. Returns the logins.
pub(super) async fn one_invitation_per_request(
    cluster: &Cluster,
    token: &str,
    sent: &[Sent],
) -> BTreeSet<String> {
    let all = load::all_invitations(&cluster.address, &cluster.client, token).await;
    let logins: BTreeSet<String> = all.iter().map(load::login_of).collect();
    assert_eq!(all.len(), logins.len(), "a login was invited twice");
    let requested: BTreeSet<String> = sent.iter().map(|s| s.login.clone()).collect();
    assert_eq!(requested.len(), sent.len());
    assert_eq!(
        logins, requested,
        "the invitations are not the requests' (lost or extra)"
    );
    let by_id: BTreeSet<(String, String)> = all
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_owned(), load::login_of(i)))
        .collect();
    for s in sent {
        let id = s.invitation().unwrap();
        assert!(
            by_id.contains(&(id.clone(), s.login.clone())),
            "invitation {id} got 201 and is not there"
        );
    }
    logins
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_under_load_through_haproxy_fails_no_request_and_sends_each_message_once()
{
    if !on_postgres("a_rolling_restart_under_load_through_haproxy") {
        return;
    }
    let mut cluster = Cluster::start(3, &load::UNLIMITED).await;
    let (token, group) = account_at(
        &cluster.address,
        &cluster.client,
        &cluster.mail,
        "ada@agency.example",
        "free",
    )
    .await;
    let started = Instant::now();
    let load = Load::start_retrying(&cluster.address, &token, &group, 6);
    load.wait_for_created(30).await;
    let mut exits = Vec::new();
    for i in 0..3 {
        exits.push(cluster.restart(i).await.as_millis());
        // The new process serves its share before the next one stops.
        let created = load.created();
        load.wait_for_created(created + 30).await;
    }
    let sent = load.finish().await;
    let loaded = started.elapsed();

    let (logins, messages, ids) = each_request_once(&cluster, &token, &sent).await;
    let slowest = sent.iter().map(Sent::took).max().unwrap_or_default();
    eprintln!(
        "balancer figures: rolling restart of 3 processes behind haproxy under 6 clients for {} ms: \
         {} requests, all 201 at the first attempt, {} invitations, {messages} messages for {ids} \
         ids (0 copies); SIGTERM to exit {exits:?} ms; slowest request {} ms",
        loaded.as_millis(),
        sent.len(),
        logins.len(),
        slowest.as_millis()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigkill_under_load_through_haproxy_keeps_every_201_and_delivers_every_message() {
    if !on_postgres("a_sigkill_under_load_through_haproxy") {
        return;
    }
    let mut cluster = Cluster::start(3, &load::UNLIMITED).await;
    let (token, group) = account_at(
        &cluster.address,
        &cluster.client,
        &cluster.mail,
        "ada@agency.example",
        "free",
    )
    .await;
    let load = Load::start_retrying(&cluster.address, &token, &group, 8);
    load.wait_for_created(60).await;
    cluster.kill(1).await;
    let killed_at = load.so_far().len();
    // haproxy routes around it: the other two take the load.
    let created = load.created();
    load.wait_for_created(created + 60).await;
    let sent = load.finish().await;

    // Requests in flight on the killed process were sent again with their key (by haproxy or
    // by the client): each ended with its invitation.
    let failed = not_created(&sent);
    assert!(failed.is_empty(), "requests failed: {failed:?}");
    let logins = one_invitation_per_request(&cluster, &token, &sent).await;
    // Every message of every invitation delivered, at least once, each under one id (a message
    // in the killed process's hands goes out again once its lease ran out, with its id).
    wait_until_all_sent(&cluster.address, &cluster.client, &token).await;
    let (messages, ids) = load::one_id_per_invitation(&cluster.sms, &cluster.mail, &logins);
    let retried = sent.iter().filter(|s| s.attempts > 1).count();
    let replayed = sent.iter().filter(|s| s.replayed).count();
    eprintln!(
        "balancer figures: SIGKILL of 1 of 3 processes behind haproxy under 8 clients: {} requests \
         ({killed_at} before haproxy saw it down), all 201 in the end ({retried} sent again by the \
         client, {replayed} answered by a replay), {} invitations, {messages} messages for {ids} \
         ids ({} copies, same id and content)",
        sent.len(),
        logins.len(),
        messages - ids
    );
}

/// Waits, when the top of the hour is less than a minute away, until it has passed: the test
/// counts messages in this hour's window.
async fn not_at_the_end_of_an_hour() {
    use chrono::Timelike;
    let last_minute = || chrono::Utc::now().minute() == 59;
    let deadline = Instant::now() + Duration::from_secs(120);
    while last_minute() {
        assert!(Instant::now() < deadline, "the hour never turned");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `n` single invitations at once through haproxy, the `i`th to `invitee(i)`; each answer's
/// status and problem code.
async fn invite_at_once(
    cluster: &Cluster,
    token: &str,
    group: &str,
    n: usize,
    invitee: fn(usize) -> Value,
) -> Vec<(StatusCode, String)> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (client, url) = (
                cluster.client.clone(),
                format!("{}/v1/invitations", cluster.address),
            );
            let body = json!({"type": "extranet", "workgroup_id": group, "invitees": [invitee(i)]});
            let token = token.to_owned();
            tokio::spawn(async move {
                let res = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let (status, body) = json_of(res).await;
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

/// The account's usage, through haproxy.
pub(super) async fn usage(cluster: &Cluster, token: &str) -> Value {
    let res = cluster
        .client
        .get(format!("{}/v1/account/usage", cluster.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn seats_and_sending_quotas_are_exact_through_haproxy() {
    if !on_postgres("seats_and_sending_quotas_are_exact_through_haproxy") {
        return;
    }
    not_at_the_end_of_an_hour().await;
    let cluster = Cluster::start(
        3,
        &[
            ("EXTRANET_PLANS", "free=0,basic=5"),
            ("EXTRANET_QUOTA_SMS_PER_HOUR", "7"),
        ],
    )
    .await;
    let before = sessions(&cluster);
    let count = |answers: &[(StatusCode, String)], status: StatusCode, code: &str| {
        answers
            .iter()
            .filter(|(s, c)| *s == status && c == code)
            .count()
    };

    // Seats: a plan of 5 (the admin holds one), 40 invitations at once over three processes.
    let (basic, group) = account_at(
        &cluster.address,
        &cluster.client,
        &cluster.mail,
        "ada@agency.example",
        "basic",
    )
    .await;
    let free = usage(&cluster, &basic).await["available"].as_u64().unwrap() as usize;
    let answers = invite_at_once(&cluster, &basic, &group, 40, |i| {
        json!({"email": format!("p{i}@client.example"), "first_name": "Pe", "last_name": "Ople"})
    })
    .await;
    let created = count(&answers, StatusCode::CREATED, "");
    let refused = count(&answers, StatusCode::CONFLICT, "user_limit_reached");
    assert_eq!((created, refused), (free, 40 - free), "{answers:?}");
    let used = usage(&cluster, &basic).await;
    let pending = load::all_invitations(&cluster.address, &cluster.client, &basic).await;
    assert_eq!(
        (&used["pending_invitations"], &used["available"]),
        (&json!(pending.len()), &json!(0)),
        "the counters are not the recount: {used}"
    );
    assert_eq!(pending.len(), free);

    // Sending quota: 7 texts an hour, 30 phone invitations at once on an unlimited plan.
    let (unlimited, group) = account_at(
        &cluster.address,
        &cluster.client,
        &cluster.mail,
        "bo@agency.example",
        "free",
    )
    .await;
    let answers = invite_at_once(
        &cluster,
        &unlimited,
        &group,
        30,
        |i| json!({"phone": format!("+1415555{i:04}"), "first_name": "Te", "last_name": "Xt"}),
    )
    .await;
    let created = count(&answers, StatusCode::CREATED, "");
    let refused = count(
        &answers,
        StatusCode::TOO_MANY_REQUESTS,
        "sending_quota_exceeded",
    );
    assert_eq!((created, refused), (7, 23), "{answers:?}");
    let used = usage(&cluster, &unlimited).await;
    let invited = load::all_invitations(&cluster.address, &cluster.client, &unlimited).await;
    assert_eq!(
        (&used["sending"]["sms"]["used"], invited.len()),
        (&json!(7), 7),
        "{used}"
    );
    each_server_answered_since(&cluster, &before);
    // Seven texts went out, one each.
    wait_until_all_sent(&cluster.address, &cluster.client, &unlimited).await;
    let texts = cluster.sms.inbox.all();
    let to: BTreeSet<&str> = texts.iter().filter_map(|m| m["to"].as_str()).collect();
    assert_eq!((texts.len(), to.len()), (7, 7));
}
