//! Waiting for the workers to finish instead of for a while. A test that checks that something
//! did *not* happen first drains what could make it happen — the outbox, a webhook's deliveries
//! — and then looks: what the peers hold then is all they will ever get of what was committed.

use crate::support::helpers::*;
use crate::support::webhooks::deliveries_when;
use reqwest::Method;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Waits until no message waits in the outbox (`/metrics`' `extranet_outbox_pending` is 0 on
/// every channel): every message committed before the call has been sent, given up or
/// withdrawn, and nothing is in a delivery worker's hands.
pub async fn outbox_drained(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = app.call(Method::GET, "/metrics", None, None).await;
        let text = res.text().await.unwrap();
        let waiting: u64 = text
            .lines()
            .filter(|l| l.starts_with("extranet_outbox_pending{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        if waiting == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox never drained: {waiting} messages still wait"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until none of the webhook's deliveries waits for an attempt; returns its log.
pub async fn webhook_drained(app: &TestApp, token: &str, webhook: &str) -> Vec<Value> {
    deliveries_when(app, token, webhook, |log| {
        log.iter().all(|d| d["status"] != "pending")
    })
    .await
}
