//! A switched-off webhook receives nothing (issue #24, item 4): its waiting deliveries are
//! paused, sent if it is switched on again within their lifetime (72 hours from the event),
//! otherwise given up with the reason; a redelivery to it is refused with 409
//! `webhook_inactive`. A ping still goes out: it is the way to try a receiver before switching
//! the webhook on.

use crate::support::helpers::*;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{deliveries, deliveries_when, subscribe};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A server that may send webhooks to this machine and waits ten minutes before a retry, so
/// that a failed delivery stays waiting while the test looks.
async fn slow_retry_app() -> TestApp {
    TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        c.webhook_retry_base_ms = 600_000;
        c.webhook_timeout_ms = 2_000;
    })
    .await
}

/// Requests the receiver got at `path`.
fn at(receiver: &Receiver, path: &str) -> usize {
    receiver
        .inbox
        .all()
        .iter()
        .filter(|r| r["path"] == path)
        .count()
}

fn statuses(log: &[Value]) -> Vec<&str> {
    log.iter().map(|d| d["status"].as_str().unwrap()).collect()
}

async fn switch(app: &TestApp, token: &str, id: &str, active: bool) -> Value {
    let (status, hook) = patch(
        app,
        &format!("/v1/webhooks/{id}"),
        token,
        json!({"active": active}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{hook}");
    assert_eq!(hook["active"], active, "{hook}");
    hook
}

/// A webhook whose receiver failed the first attempt of each of `n` events: its deliveries wait
/// for their retry, ten minutes away.
async fn waiting(app: &TestApp, receiver: &Receiver, token: &str, n: usize) -> String {
    receiver.answer_next(&vec![500; n]);
    let hook = subscribe(
        app,
        token,
        &format!("{}/off", receiver.url),
        &["workgroup.created"],
    )
    .await;
    let id = hook["id"].as_str().unwrap().to_owned();
    for i in 0..n {
        app.workgroup(token, &format!("Site {i}"), true).await;
    }
    deliveries_when(app, token, &id, |d| {
        d.len() == n
            && d.iter()
                .all(|d| d["status"] == "pending" && d["attempts"] == 1)
    })
    .await;
    id
}

#[tokio::test]
async fn a_switched_off_webhook_posts_nothing_until_it_is_switched_on_again() {
    let app = slow_retry_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let id = waiting(&app, &receiver, &admin.token, 2).await;

    let off = switch(&app, &admin.token, &id, false).await;

    // Their retries fall due; another webhook on the same receiver hears of a new event, and
    // this one sends nothing.
    app.clock.advance(chrono::Duration::hours(1));
    let marker = subscribe(
        &app,
        &admin.token,
        &format!("{}/marker", receiver.url),
        &["workgroup.created"],
    )
    .await;
    app.workgroup(&admin.token, "While off", true).await;
    deliveries_when(&app, &admin.token, marker["id"].as_str().unwrap(), |d| {
        d.first().is_some_and(|d| d["status"] == "sent")
    })
    .await;
    let log = deliveries(&app, &admin.token, &id).await;
    assert_eq!(
        statuses(&log),
        ["paused", "paused"],
        "switched off, its waiting deliveries were still due: {log:?}"
    );
    assert!(
        log.iter().all(|d| d["next_attempt_at"].is_null()),
        "{log:?}"
    );
    assert_eq!(
        at(&receiver, "/hook/off"),
        2,
        "only the two failed attempts"
    );
    // The webhook says why it is off.
    assert_eq!(off["disabled_cause"], "switched_off", "{off}");
    assert!(off["disabled_reason"].is_string(), "{off}");

    // Switched on again within their lifetime: both are sent, nothing of the time it was off.
    let on = switch(&app, &admin.token, &id, true).await;
    assert!(on["disabled_cause"].is_null(), "{on}");
    let log = deliveries_when(&app, &admin.token, &id, |d| {
        d.iter().all(|d| d["status"] == "sent")
    })
    .await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(at(&receiver, "/hook/off"), 4);
}

#[tokio::test]
async fn deliveries_paused_past_their_lifetime_are_given_up_with_the_reason() {
    let app = slow_retry_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    // An API token: the administrator's access token would be dead three days on.
    let (_, t) = crate::support::requests::api_token(
        &app,
        &admin.token,
        &["webhooks:write", "workgroups:read", "workgroups:write"],
    )
    .await;
    let id = waiting(&app, &receiver, &t, 1).await;
    switch(&app, &t, &id, false).await;
    assert_eq!(statuses(&deliveries(&app, &t, &id).await), ["paused"]);

    app.clock.advance(chrono::Duration::hours(73));
    let log = deliveries(&app, &t, &id).await;
    assert_eq!(statuses(&log), ["failed"], "{log:?}");
    let why = log[0]["last_error"].as_str().unwrap();
    assert!(
        why.contains("switched off") && why.contains("72 hours"),
        "{why}"
    );
    // Switched on again, it gets what happens from now on, not what it missed.
    switch(&app, &t, &id, true).await;
    app.workgroup(&t, "After", true).await;
    let log = deliveries_when(&app, &t, &id, |d| d.len() == 2 && d[0]["status"] == "sent").await;
    assert_eq!(statuses(&log), ["sent", "failed"], "{log:?}");
    assert_eq!(log[1]["attempts"], 1);
    assert_eq!(at(&receiver, "/hook/off"), 2);
}

#[tokio::test]
async fn a_switched_off_webhook_refuses_redelivery_and_a_ping_still_tries_its_receiver() {
    let app = crate::support::webhooks::webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["workgroup.created"]).await;
    let id = hook["id"].as_str().unwrap();
    app.workgroup(&admin.token, "Client site", true).await;
    let log = deliveries_when(&app, &admin.token, id, |d| {
        d.first().is_some_and(|d| d["status"] == "sent")
    })
    .await;
    switch(&app, &admin.token, id, false).await;

    let res = app
        .call(
            Method::POST,
            &format!(
                "/v1/webhooks/{id}/deliveries/{}/redeliver",
                log[0]["id"].as_str().unwrap()
            ),
            Some(&admin.token),
            None,
        )
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT, "webhook_inactive").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("active"),
        "{problem}"
    );
    assert_eq!(deliveries(&app, &admin.token, id).await.len(), 1);

    let (status, ping) = app
        .json(
            Method::POST,
            &format!("/v1/webhooks/{id}/ping"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{ping}");
    receiver.wait_for("ping", 1).await;
    assert_eq!(receiver.received("workgroup.created").len(), 1);
}
