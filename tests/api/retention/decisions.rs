//! Decided join requests (the login and names of people who asked) after their own period;
//! closed access reviews, an audit record, with the audit trail's.

use super::support::{count, days_later};
use crate::access_reviews::{decided, due_in, review, started, Scene};
use crate::join_links::{decide, join_through, link, requests};
use crate::support::helpers::*;
use crate::support::metrics::scrape;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;

const ERASED: &str = "extranet_retention_erased_total";

/// The logins of the workgroup's requests the list shows.
async fn logins(app: &TestApp, token: &str, group: &str) -> Vec<String> {
    let (status, page) = requests(app, token, group).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut logins: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["login"].as_str().unwrap().to_owned())
        .collect();
    logins.sort();
    logins
}

#[tokio::test]
async fn a_decided_join_request_goes_after_its_period_and_a_waiting_one_stays() {
    let app = TestApp::spawn_with(|c| c.retention_join_request_days = 10).await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (_, asked) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    for login in [
        "ann@client.example",
        "bob@client.example",
        "cy@client.example",
    ] {
        let (status, _) = join_through(&app, &asked, login, 0).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let (_, open) = link(&app, &admin.token, &group, json!({"approval": "none"})).await;
    let (status, joined) = join_through(&app, &open, "dan@client.example", 0).await;
    assert!(status.is_success(), "{joined}");
    let (_, list) = requests(&app, &admin.token, &group).await;
    for r in list["items"].as_array().unwrap() {
        let verb = match r["login"].as_str().unwrap() {
            "ann@client.example" => "approve",
            "bob@client.example" => "reject",
            _ => continue,
        };
        let (status, body) =
            decide(&app, &admin.token, &group, r["id"].as_str().unwrap(), verb).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let every = [
        "ann@client.example",
        "bob@client.example",
        "cy@client.example",
        "dan@client.example",
    ];
    assert_eq!(logins(&app, &admin.token, &group).await, every);

    days_later(&app, 9).await;
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    assert_eq!(logins(&app, &token, &group).await, every, "kept ten days");

    days_later(&app, 2).await;
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    // Cy's still waits for a decision, and is kept.
    assert_eq!(logins(&app, &token, &group).await, ["cy@client.example"]);
    assert_eq!(count(&app, "join_requests"), 1);
    assert_eq!(
        scrape(&app)
            .await
            .get(ERASED, &[("what", "decided_join_requests")]),
        3.0
    );
    // What the decisions made stays: Ann and Dan are users.
    for login in ["ann@client.example", "dan@client.example"] {
        let (status, body) = app.login(login, PASSWORD, Some(&admin.account_id)).await;
        assert_eq!(status, StatusCode::OK, "{login}: {body}");
    }
}

#[tokio::test]
async fn a_closed_access_review_goes_with_the_audit_trail_and_the_next_one_stays() {
    let s = Scene::with(
        TestApp::spawn_with(|c| c.retention_audit_days = 10).await,
        "standard",
    )
    .await;
    let app = &s.app;
    // A recurring review, applied: the next one starts, following it.
    let first = started(
        app,
        &s.admin.token,
        json!({"workgroup_id": s.group, "due_at": due_in(app, Duration::hours(1)),
               "on_no_answer": "keep", "every_days": 30}),
    )
    .await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    decided(app, &s.admin.token, &first_id, &s.kept.id, "keep").await;
    // An account-wide one, cancelled.
    let other = started(
        app,
        &s.admin.token,
        json!({"due_at": due_in(app, Duration::days(20)), "on_no_answer": "keep"}),
    )
    .await;
    let other_id = other["id"].as_str().unwrap().to_owned();
    let (status, cancelled) = app
        .json(
            Method::DELETE,
            &format!("/v1/access-reviews/{other_id}"),
            &s.admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    app.clock.advance(Duration::hours(2));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    let (_, page) = app
        .json(Method::GET, "/v1/access-reviews?limit=200", &admin, None)
        .await;
    let next = page["items"][0].clone();
    assert_eq!(next["previous_id"], first_id.as_str(), "{page}");
    let next_id = next["id"].as_str().unwrap().to_owned();

    days_later(app, 9).await;
    let admin = s.admin_now().await;
    for id in [&first_id, &other_id, &next_id] {
        assert_eq!(review(app, &admin, id).await.0, StatusCode::OK, "kept");
    }

    days_later(app, 2).await;
    let admin = s.admin_now().await;
    for id in [&first_id, &other_id] {
        assert_eq!(review(app, &admin, id).await.0, StatusCode::NOT_FOUND);
    }
    // The open one stays whole, no longer naming the one it followed.
    let (status, kept) = review(app, &admin, &next_id).await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["status"], "open");
    assert!(kept["previous_id"].is_null(), "{kept}");
    assert_eq!(kept["progress"], next["progress"], "{kept}");
    assert_eq!(count(app, "access_reviews"), 1);
    assert_eq!(
        scrape(app).await.get(ERASED, &[("what", "access_reviews")]),
        2.0
    );
}
