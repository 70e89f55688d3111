//! Where webhooks may not go (SSRF): URLs that reach this machine or a private network are
//! refused when saved, and a receiver's redirect is not followed. (An address checked again at
//! delivery, after its name moved: `webhook_processes.rs`.)

use crate::support::helpers::*;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{deliveries_when, subscribe};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn urls_that_reach_inside_are_refused_at_creation() {
    let app = TestApp::spawn_with(|c| {
        c.webhook_resolve =
            "inside.test=127.0.0.1,mixed.test=10.1.2.3,public.test=93.184.215.14".into();
    })
    .await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    for url in [
        "http://127.0.0.1/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://inside.test/hook",
        "http://mixed.test/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://2130706433/hook",
        "ftp://files.example.com/hook",
        "https://user:secret@hooks.example.com/hook",
    ] {
        let res = app
            .post(
                "/v1/webhooks",
                Some(&admin.token),
                json!({"url": url, "events": ["invitation.created"]}),
            )
            .await;
        let problem = assert_problem(
            res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "webhook_url_not_allowed",
        )
        .await;
        assert!(!problem["detail"].as_str().unwrap().is_empty(), "{url}");
    }
    let (_, list) = app
        .json(Method::GET, "/v1/webhooks", &admin.token, None)
        .await;
    assert_eq!(list["items"], json!([]));
    // Nor may an existing webhook be moved there. (Nothing is ever sent to the public
    // address: no event it subscribes to happens.)
    let hook = subscribe(
        &app,
        &admin.token,
        "http://public.test/hook",
        &["user.transferred"],
    )
    .await;
    let id = hook["id"].as_str().unwrap();
    for url in ["http://127.0.0.1/hook", "http://inside.test/hook"] {
        let res = app
            .call(
                Method::PATCH,
                &format!("/v1/webhooks/{id}"),
                Some(&admin.token),
                Some(json!({"url": url})),
            )
            .await;
        assert_problem(
            res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "webhook_url_not_allowed",
        )
        .await;
    }
    let (_, shown) = app
        .json(
            Method::GET,
            &format!("/v1/webhooks/{id}"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(shown["url"], "http://public.test/hook");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let app = TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        // Its failure stays on show: the next attempt is far off.
        c.webhook_retry_base_ms = 600_000;
    })
    .await;
    let receiver = Receiver::start().await;
    receiver.answer_next(&[302]);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["workgroup.created"]).await;
    let id = hook["id"].as_str().unwrap();
    app.workgroup(&admin.token, "Client site", true).await;
    let log = deliveries_when(&app, &admin.token, id, |d| {
        d.first().is_some_and(|d| d["attempts"].as_u64() >= Some(1))
    })
    .await;
    assert_eq!(log[0]["response_status"], 302);
    assert!(log[0]["last_error"]
        .as_str()
        .unwrap()
        .contains("redirects are not followed"));
}
