//! Waiting for the workers to finish instead of for a while. A test that checks that something
//! did *not* happen first drains what could make it happen — the outbox, a webhook's deliveries
//! — and then looks: what the peers hold then is all they will ever get of what was committed.

use crate::support::helpers::*;
use crate::support::metrics::scrape_until;
use crate::support::webhooks::deliveries_when;
use serde_json::Value;

/// Waits until no message waits in the outbox (`/metrics`' `extranet_outbox_pending` is 0 on
/// every channel): every message committed before the call has been sent, given up or
/// withdrawn, and nothing is in a delivery worker's hands.
pub async fn outbox_drained(app: &TestApp) {
    scrape_until(app, "drained the outbox", |scraped| {
        scraped
            .all("extranet_outbox_pending")
            .all(|sample| sample.value == 0.0)
    })
    .await;
}

/// Waits until none of the webhook's deliveries waits for an attempt; returns its log.
pub async fn webhook_drained(app: &TestApp, token: &str, webhook: &str) -> Vec<Value> {
    deliveries_when(app, token, webhook, |log| {
        log.iter().all(|d| d["status"] != "pending")
    })
    .await
}
