//! The development inbox and clock (issue #28, items 1–2): with console delivery on a
//! loopback address, QA signs up with the code the inbox shows, follows an invitation's link
//! from it, and moves the clock until the link has expired — all over HTTP. Elsewhere the
//! paths are unknown.

use crate::support::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A server whose email and texts go to the console, listening on `bind`.
async fn console_server(bind: &str, dev: Option<bool>) -> TestApp {
    let bind = bind.to_owned();
    TestApp::spawn_with(move |c| {
        c.bind = bind;
        c.email = "console".into();
        c.sms = "console".into();
        c.dev = dev;
    })
    .await
}

/// The newest message to `to` the inbox shows, once there is one more than `seen`.
async fn message_to(app: &TestApp, to: &str, seen: usize) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let res = app
            .client
            .get(app.url("/dev/messages"))
            .query(&[("to", to)])
            .send()
            .await
            .unwrap();
        let (status, page) = json_of(res).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        if items.len() > seen {
            return items[0].clone();
        }
        assert!(Instant::now() < deadline, "no message to {to}: {page}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn advance(app: &TestApp, seconds: i64) -> (StatusCode, Value) {
    json_of(
        app.client
            .post(app.url("/dev/clock"))
            .json(&json!({ "advance_seconds": seconds }))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn qa_signs_up_invites_and_lets_the_invitation_expire_through_the_inbox_and_clock() {
    let app = console_server("127.0.0.1:0", None).await;
    let res = app
        .post(
            "/v1/accounts",
            None,
            json!({"name": "Acme", "plan": "basic", "admin": {"email": "qa@acme.example",
                   "password": PASSWORD, "first_name": "Q", "last_name": "A"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let code_message = message_to(&app, "qa@acme.example", 0).await;
    assert_eq!(code_message["channel"], "email");
    let code = code_message["code"].as_str().unwrap();
    assert!(code_message["text"].as_str().unwrap().contains(code));
    let (status, signed_up) = json_of(
        app.post(
            "/v1/accounts/confirm",
            None,
            json!({"login": "qa@acme.example", "code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{signed_up}");
    let token = signed_up["access_token"].as_str().unwrap();
    let group = app.workgroup(token, "Site", true).await;
    app.invite_phone(token, &group, "+14155550142").await;
    let invitation = message_to(&app, "+14155550142", 0).await;
    assert_eq!(invitation["channel"], "sms");
    let link = invitation["link"].as_str().unwrap();
    assert!(
        link.starts_with("http://127.0.0.1:8080/accept#token="),
        "{link}"
    );
    let invitation_token = link.split("token=").nth(1).unwrap();
    let lookup = |t: &str| app.post("/v1/invitations/lookup", None, json!({ "token": t }));
    assert_eq!(lookup(invitation_token).await.status(), StatusCode::OK);

    // The clock: refused backwards and past a year, then 8 days on: the link has expired.
    for wrong in [0, -60, 366 * 24 * 3600 + 1] {
        let (status, body) = advance(&app, wrong).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "advance_seconds");
    }
    let (status, clock) = advance(&app, 8 * 24 * 3600).await;
    assert_eq!(status, StatusCode::OK, "{clock}");
    assert_eq!(clock["offset_seconds"], 8 * 24 * 3600);
    let res = app.client.get(app.url("/dev/clock")).send().await.unwrap();
    let (_, shown) = json_of(res).await;
    assert_eq!(shown["offset_seconds"], 8 * 24 * 3600);
    assert_problem(
        lookup(invitation_token).await,
        StatusCode::GONE,
        "invitation_expired",
    )
    .await;
    // The upkeep runs on demand: the expiry is recorded at once, not at the minute's tick.
    let res = app
        .client
        .post(app.url("/dev/upkeep"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    app.assert_audited(&["invitation.expired"]);

    // Newest first, bounded; the page is one of the server's, under its strict policy.
    let res = app
        .client
        .get(app.url("/dev/messages?limit=1"))
        .send()
        .await
        .unwrap();
    let (_, page) = json_of(res).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["to"], "+14155550142");
    let res = app
        .client
        .get(app.url("/dev/messages?limit=501"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.client.get(app.url("/dev/inbox")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
}

#[tokio::test]
async fn the_development_tools_are_unknown_without_console_delivery_on_loopback() {
    let mail = TestApp::spawn().await;
    let reachable = console_server("0.0.0.0:0", None).await;
    let switched_off = console_server("127.0.0.1:0", Some(false)).await;
    for app in [&mail, &reachable, &switched_off] {
        for path in ["/dev/messages", "/dev/inbox", "/dev/clock"] {
            let res = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let (status, _) = advance(app, 60).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let res = app
            .client
            .post(app.url("/dev/upkeep"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    // Asked for explicitly, on a reachable address: served (the start warns).
    let asked = console_server("0.0.0.0:0", Some(true)).await;
    let res = asked
        .client
        .get(asked.url("/dev/messages"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
