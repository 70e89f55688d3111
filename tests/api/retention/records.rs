//! Idempotency keys, dead codes, ended sessions and the audit trail after their periods.

use super::support::{audit_ids, count, days_later, sessions};
use crate::support::helpers::*;
use crate::support::metrics::scrape;
use reqwest::StatusCode;
use serde_json::{json, Value};

const ERASED: &str = "extranet_retention_erased_total";

async fn create_workgroup(
    app: &TestApp,
    token: &str,
    key: &str,
    name: &str,
) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url("/v1/workgroups"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({"name": name, "kind": "project"}))
        .send()
        .await
        .unwrap();
    json_of(res).await
}

#[tokio::test]
async fn an_idempotency_key_is_remembered_for_24_hours_then_forgotten_and_free_again() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let (status, first) = create_workgroup(&app, &admin.token, "wg-1", "Site").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    // Within its 24 hours the key belongs to that request: another one is refused.
    app.clock.advance(chrono::Duration::hours(23));
    app.run_upkeep().await;
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let (status, refused) = create_workgroup(&app, &token, "wg-1", "Other").await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency_key_reused")
        )
    );
    // Past them the sweep forgot it: the same key runs anew, a request of its own.
    app.clock.advance(chrono::Duration::hours(2));
    app.run_upkeep().await;
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let (status, second) = create_workgroup(&app, &token, "wg-1", "Other").await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_ne!(second["id"], first["id"]);
    assert_eq!(second["name"], "Other");
    assert!(
        scrape(&app)
            .await
            .get(ERASED, &[("what", "idempotency_keys")])
            >= 1.0
    );
}

#[tokio::test]
async fn an_ended_session_goes_with_its_refresh_tokens_a_week_after_it_ended() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let (status, login) = app
        .login("ada@agency.example", PASSWORD, Some(&admin.account_id))
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let token = login["access_token"].as_str().unwrap();
    let res = app.post("/v1/auth/logout", Some(token), json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let before = sessions(&app);
    let ended: Vec<_> = before.iter().filter(|s| s.1).cloned().collect();
    assert_eq!(ended.len(), 1, "{before:?}");
    assert!(ended[0].2 >= 1, "its refresh token is kept: {before:?}");

    days_later(&app, 6).await;
    assert!(sessions(&app).contains(&ended[0]), "kept for a week");

    days_later(&app, 2).await;
    // A session opened now is live, and kept.
    let (status, fresh) = app
        .login("ada@agency.example", PASSWORD, Some(&admin.account_id))
        .await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    let after = sessions(&app);
    assert!(after.iter().all(|s| s.0 != ended[0].0), "{after:?}");
    assert!(after.iter().any(|s| !s.1 && s.2 == 1), "{after:?}");
    let res = app
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": fresh["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The ended one, and the sign-up's session, expired a week ago by now.
    assert!(scrape(&app).await.get(ERASED, &[("what", "sessions")]) >= 1.0);
}

#[tokio::test]
async fn dead_codes_go_promptly_and_a_login_change_once_it_no_longer_counts() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    // A sign-up never confirmed, a password reset never used, a login change never confirmed.
    let (status, body) = json_of(
        app.post(
            "/v1/accounts",
            None,
            json!({"name": "Never", "plan": "free",
                   "admin": {"email": "nev@er.example", "password": PASSWORD,
                             "first_name": "Nev", "last_name": "Er"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let res = app
        .post(
            "/v1/auth/password-reset",
            None,
            json!({"login": "ada@agency.example"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = app
        .post(
            "/v1/network/profile/login-change",
            Some(&admin.token),
            json!({"new_email": "ada@home.example", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // Ada's own sign-up, confirmed, is dead too.
    assert_eq!(count(&app, "sign_ups"), 2);
    assert_eq!(count(&app, "password_resets"), 1);
    assert_eq!(count(&app, "login_changes"), 1);

    // Their codes die within the hour: the sign-up and the reset go at the next sweep; the
    // login change counts against the profile's requests a while longer.
    app.clock.advance(chrono::Duration::hours(2));
    app.run_upkeep().await;
    assert_eq!(count(&app, "sign_ups"), 0);
    assert_eq!(count(&app, "password_resets"), 0);
    assert_eq!(count(&app, "login_changes"), 1);
    days_later(&app, 1).await;
    assert_eq!(count(&app, "login_changes"), 0);
    let scraped = scrape(&app).await;
    for (what, n) in [
        ("sign_ups", 2.0),
        ("password_resets", 1.0),
        ("login_changes", 1.0),
    ] {
        assert_eq!(scraped.get(ERASED, &[("what", what)]), n, "{what}");
    }
}

#[tokio::test]
async fn audit_events_are_kept_for_their_own_period() {
    let app = TestApp::spawn_with(|c| c.retention_audit_days = 10).await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    app.workgroup(&admin.token, "Site", true).await;
    let old = audit_ids(&app);
    assert!(old.len() >= 2, "{old:?}");

    days_later(&app, 9).await;
    let kept = audit_ids(&app);
    assert!(old.iter().all(|id| kept.contains(id)), "kept for ten days");
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    app.workgroup(&token, "Newer site", true).await;
    let newer: Vec<String> = audit_ids(&app)
        .into_iter()
        .filter(|id| !old.contains(id))
        .collect();
    assert!(!newer.is_empty());

    days_later(&app, 2).await;
    let left = audit_ids(&app);
    assert!(old.iter().all(|id| !left.contains(id)), "{left:?}");
    assert!(newer.iter().all(|id| left.contains(id)), "{left:?}");
    assert_eq!(
        scrape(&app).await.get(ERASED, &[("what", "audit_events")]),
        old.len() as f64
    );
}
