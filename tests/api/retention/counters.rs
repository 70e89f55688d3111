//! The counters of sending quotas and of wrong codes, once no policy reads them: gone in the
//! sweep's batches, counted like the rest.

use super::support::{count, days_later};
use crate::support::helpers::*;
use crate::support::metrics::scrape;
use reqwest::StatusCode;
use serde_json::json;

const ERASED: &str = "extranet_retention_erased_total";

#[tokio::test]
async fn old_counters_go_in_batches_and_are_counted() {
    // One row a statement: the sweep goes on batch after batch.
    let app = TestApp::spawn_with(|c| c.retention_batch = 1).await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    for who in ["ann", "bob"] {
        let res = app
            .post(
                "/v1/invitations",
                Some(&admin.token),
                invite_body(&group, &format!("{who}@client.example")),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    // Two wrong codes for a password reset: counted per login and per client.
    let res = app
        .post(
            "/v1/auth/password-reset",
            None,
            json!({"login": "ada@agency.example"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    for _ in 0..2 {
        let res = app
            .post(
                "/v1/auth/password-reset/confirm",
                None,
                json!({"login": "ada@agency.example", "code": "000000",
                       "new_password": "another long password 1"}),
            )
            .await;
        assert!(res.status().is_client_error());
    }
    let counters = count(&app, "sending_counters");
    let attempts = count(&app, "code_attempts");
    assert!(counters >= 2, "{counters}");
    assert!(attempts >= 1, "{attempts}");

    // A day on, the wrong codes are long forgotten; two days on, every window of the quotas
    // has long ended.
    days_later(&app, 1).await;
    app.clock.advance(chrono::Duration::hours(1));
    app.run_upkeep().await;
    assert_eq!(count(&app, "code_attempts"), 0);
    days_later(&app, 2).await;
    assert_eq!(count(&app, "sending_counters"), 0);
    let scraped = scrape(&app).await;
    assert_eq!(
        scraped.get(ERASED, &[("what", "code_attempts")]),
        attempts as f64
    );
    assert_eq!(
        scraped.get(ERASED, &[("what", "sending_counters")]),
        counters as f64
    );
}
