//! API tokens a month after they were revoked or expired: gone from the list, while the audit
//! trail keeps naming them by id; a live token stays, and so does a dead one a webhook was made
//! through (its switch-off reads when and why the token died).

use super::support::days_later;
use crate::support::helpers::*;
use crate::support::metrics::scrape;
use crate::support::requests::api_token;
use crate::support::webhooks::subscribe;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ERASED: &str = "extranet_retention_erased_total";

async fn token_ids(app: &TestApp, token: &str) -> Vec<String> {
    let (status, page) = app
        .json(Method::GET, "/v1/api-tokens?limit=200", token, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn revoke(app: &TestApp, token: &str, id: &str) {
    let res = app
        .call(
            Method::DELETE,
            &format!("/v1/api-tokens/{id}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

async fn events(app: &TestApp, token: &str, action: &str) -> Vec<Value> {
    let (status, page) = app
        .json(
            Method::GET,
            &format!("/v1/audit-events?action={action}"),
            token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_revoked_or_expired_token_goes_after_thirty_days_and_the_audit_trail_keeps_its_id() {
    let app = TestApp::spawn_with(|c| c.webhook_allow_loopback = true).await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    // Revoked, after acting once.
    let (revoked, secret) = api_token(&app, &admin.token, &["workgroups:write"]).await;
    app.workgroup(&secret, "Made by a script", true).await;
    revoke(&app, &admin.token, &revoked).await;
    // Expired, an hour from now.
    let at = (app.clock.now() + Duration::hours(1)).to_rfc3339();
    let (status, expiring) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            Some(json!({"name": "one hour", "scopes": ["users:read"], "expires_at": at})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{expiring}");
    let expired = expiring["id"].as_str().unwrap().to_owned();
    // Live.
    let (live, live_secret) = api_token(&app, &admin.token, &["users:read"]).await;
    // Revoked, but a webhook was made through it.
    let (owner, owner_secret) =
        api_token(&app, &admin.token, &["webhooks:write", "workgroups:read"]).await;
    subscribe(
        &app,
        &owner_secret,
        "http://127.0.0.1:9/hook",
        &["workgroup.created"],
    )
    .await;
    revoke(&app, &admin.token, &owner).await;

    days_later(&app, 29).await;
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let mut all = token_ids(&app, &token).await;
    all.sort();
    let mut four = vec![
        revoked.clone(),
        expired.clone(),
        live.clone(),
        owner.clone(),
    ];
    four.sort();
    assert_eq!(all, four, "kept for thirty days");

    days_later(&app, 2).await;
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let mut left = token_ids(&app, &token).await;
    left.sort();
    let mut kept = vec![live.clone(), owner.clone()];
    kept.sort();
    assert_eq!(left, kept);
    for gone in [&revoked, &expired] {
        let res = app.get(&format!("/v1/api-tokens/{gone}"), &token).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    // Dead before, dead still; the live one works.
    let res = app.get("/v1/users", &secret).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    assert_eq!(
        app.get("/v1/users", &live_secret).await.status(),
        StatusCode::OK
    );
    // The audit trail still says which token acted, and which was revoked.
    let created = events(&app, &token, "workgroup.created").await;
    assert!(
        created
            .iter()
            .any(|e| e["actor"]["token_id"] == revoked.as_str()),
        "{created:?}"
    );
    let revocations = events(&app, &token, "api_token.revoked").await;
    assert!(
        revocations
            .iter()
            .any(|e| e["target"]["id"] == revoked.as_str()),
        "{revocations:?}"
    );
    assert_eq!(
        scrape(&app).await.get(ERASED, &[("what", "api_tokens")]),
        2.0
    );
}
