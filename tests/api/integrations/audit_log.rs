//! The audit log endpoint (issue #11): administrators read their account's events, newest
//! first, narrowed by action, actor, target and time, page by page; each names its request.

use crate::support::helpers::{assert_problem, invite_body, json_of, TestApp};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn events(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, page) = app
        .json(
            Method::GET,
            &format!("/v1/audit-events{query}"),
            token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

fn actions(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn admins_read_their_accounts_events_narrowed_and_paged() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "ann@client.example"),
        )
        .await;
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let (status, created) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED);
    let invitation = created["results"][0]["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;

    // Newest first, each with its actor, target and request.
    let all = events(&app, &admin.token, "").await;
    assert_eq!(
        actions(&all),
        [
            "invitation.accepted",
            "invitation.created",
            "invitation.created",
            "workgroup.created",
            "account.created"
        ]
    );
    let created_event = &all["items"][2];
    assert_eq!(created_event["target"]["id"], invitation.as_str());
    assert_eq!(created_event["target"]["type"], "invitation");
    assert_eq!(created_event["actor"]["kind"], "user");
    assert_eq!(created_event["actor"]["user_id"], admin.user_id.as_str());
    assert_eq!(created_event["request_id"], request_id.as_str());
    let accepted = &all["items"][0];
    assert_eq!(accepted["actor"]["user_id"], employee.id.as_str());

    // Narrowed.
    assert_eq!(
        actions(&events(&app, &admin.token, "?action=invitation.created").await).len(),
        2
    );
    let by_employee = events(&app, &admin.token, &format!("?actor_id={}", employee.id)).await;
    assert_eq!(actions(&by_employee), ["invitation.accepted"]);
    let about = events(&app, &admin.token, &format!("?target_id={invitation}")).await;
    assert_eq!(actions(&about), ["invitation.created"]);
    let later = (app.clock.now() + Duration::minutes(1)).to_rfc3339();
    let since = events(&app, &admin.token, &format!("?since={}", urlencode(&later))).await;
    assert_eq!(actions(&since).len(), 0);
    let until = events(&app, &admin.token, &format!("?until={}", urlencode(&later))).await;
    assert_eq!(actions(&until).len(), 5);

    // Paged: the pages together are the whole log, once each.
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let page = events(&app, &admin.token, &query).await;
        seen.extend(actions(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, actions(&all));

    // Bad filters are named.
    for query in ["?action=DROP%20TABLE", "?limit=0"] {
        let res = app
            .get(&format!("/v1/audit-events{query}"), &admin.token)
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let long = "a".repeat(65);
    let res = app
        .get(&format!("/v1/audit-events?action={long}"), &admin.token)
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let backwards = format!(
        "/v1/audit-events?since={}&until={}",
        urlencode(&later),
        urlencode(&(app.clock.now() - Duration::minutes(1)).to_rfc3339())
    );
    let res = app.get(&backwards, &admin.token).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "until");
    let res = app
        .get("/v1/audit-events?actor_id=nobody", &admin.token)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // Only administrators, and only their own account's events.
    let res = app.get("/v1/audit-events", &employee.token).await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    let other = app.sign_up("eve@other.example", "free").await;
    let theirs = events(&app, &other.token, &format!("?target_id={invitation}")).await;
    assert_eq!(actions(&theirs).len(), 0);
    assert_eq!(
        actions(&events(&app, &other.token, "").await),
        ["account.created"]
    );

    // An admin's token with `audit:read` reads it too.
    let (status, token) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            Some(serde_json::json!({"name": "SIEM export", "scopes": ["audit:read"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let page = events(
        &app,
        token["token"].as_str().unwrap(),
        "?action=api_token.created",
    )
    .await;
    assert_eq!(page["items"][0]["target"]["id"], token["id"]);
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}
