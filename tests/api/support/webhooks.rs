//! Webhooks as the tests make and read them: a server that may post to this machine, a
//! subscription, and its delivery log.

use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

/// A server that may send webhooks to this machine, retrying quickly.
pub async fn webhook_app() -> TestApp {
    TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        c.webhook_retry_base_ms = 50;
        c.webhook_timeout_ms = 2_000;
    })
    .await
}

/// Creates a webhook; returns its body (with the secret shown once).
pub async fn subscribe(app: &TestApp, token: &str, url: &str, events: &[&str]) -> Value {
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/webhooks",
            token,
            Some(json!({"url": url, "events": events})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

pub async fn deliveries(app: &TestApp, token: &str, webhook: &str) -> Vec<Value> {
    let (status, body) = app
        .json(
            Method::GET,
            &format!("/v1/webhooks/{webhook}/deliveries"),
            token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

/// Waits until the webhook's deliveries satisfy `done`; returns them.
pub async fn deliveries_when(
    app: &TestApp,
    token: &str,
    webhook: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..300 {
        let found = deliveries(app, token, webhook).await;
        if done(&found) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the deliveries never got there: {:?}",
        deliveries(app, token, webhook).await
    );
}
