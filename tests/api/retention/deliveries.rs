//! Webhook deliveries that never went: a paused one (its webhook switched off) goes with the
//! delivered ones once it is older than the period *and* past the 72 hours a delivery waits for
//! its webhook — before that, switching the webhook on sends it, so it is kept.

use super::support::days_later;
use crate::support::helpers::*;
use crate::support::metrics::scrape;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{deliveries, deliveries_when, subscribe};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

const ERASED: &str = "extranet_retention_erased_total";

fn statuses(log: &[Value]) -> Vec<&str> {
    log.iter().map(|d| d["status"].as_str().unwrap()).collect()
}

async fn switch(app: &TestApp, token: &str, id: &str, active: bool) {
    let (status, hook) = patch(
        app,
        &format!("/v1/webhooks/{id}"),
        token,
        json!({"active": active}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{hook}");
}

#[tokio::test]
async fn a_paused_delivery_is_kept_while_it_could_be_sent_then_goes_with_the_delivered() {
    // A day's period, shorter than a delivery's 72 hours: the lifetime decides for paused ones.
    let app = TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        c.webhook_retry_base_ms = 600_000;
        c.webhook_timeout_ms = 2_000;
        c.retention_webhook_delivery_days = 1;
    })
    .await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    // An API token: the administrator's access token would be dead days on.
    let (_, t) = crate::support::requests::api_token(
        &app,
        &admin.token,
        &["webhooks:write", "workgroups:read", "workgroups:write"],
    )
    .await;
    // Two webhooks whose receiver fails the first attempt: each delivery waits for its retry,
    // ten minutes away; both are switched off meanwhile, and their deliveries are paused.
    receiver.answer_next(&[500, 500]);
    let mut hooks = Vec::new();
    for path in ["a", "b"] {
        let hook = subscribe(
            &app,
            &t,
            &format!("{}/{path}", receiver.url),
            &["workgroup.created"],
        )
        .await;
        hooks.push(hook["id"].as_str().unwrap().to_owned());
    }
    let (a, b) = (&hooks[0], &hooks[1]);
    app.workgroup(&t, "Client site", true).await;
    for id in [a, b] {
        deliveries_when(&app, &t, id, |d| {
            d.len() == 1 && d[0]["status"] == "pending" && d[0]["attempts"] == 1
        })
        .await;
        switch(&app, &t, id, false).await;
        assert_eq!(statuses(&deliveries(&app, &t, id).await), ["paused"]);
    }

    // Two days on, past the period but within the lifetime: both kept.
    days_later(&app, 2).await;
    for id in [a, b] {
        assert_eq!(statuses(&deliveries(&app, &t, id).await), ["paused"]);
    }
    assert_eq!(
        scrape(&app)
            .await
            .value(ERASED, &[("what", "webhook_deliveries")]),
        Some(0.0)
    );
    // Switched on then, `b` sends it: what the sweep kept was still to go.
    app.clock.advance(Duration::hours(12));
    switch(&app, &t, b, true).await;
    deliveries_when(&app, &t, b, |d| d.len() == 1 && d[0]["status"] == "sent").await;

    // Past the 72 hours, `a`'s could never be sent: switching `a` on would give it up. It is
    // gone; `b`'s, delivered half a day ago, is kept for its day.
    app.clock.advance(Duration::hours(13));
    app.run_upkeep().await;
    assert!(deliveries(&app, &t, a).await.is_empty());
    assert_eq!(statuses(&deliveries(&app, &t, b).await), ["sent"]);
    assert_eq!(
        scrape(&app)
            .await
            .value(ERASED, &[("what", "webhook_deliveries")]),
        Some(1.0)
    );
    // Switched on now, `a` has nothing to send of it.
    switch(&app, &t, a, true).await;
    assert!(deliveries(&app, &t, a).await.is_empty());
    days_later(&app, 1).await;
    assert!(deliveries(&app, &t, b).await.is_empty());
    assert_eq!(receiver.received("workgroup.created").len(), 3);
}
