//! Webhooks across server processes: a delivery survives a crash between its attempts, and an
//! address is checked again at every delivery (a name moved to a loopback address after the
//! webhook was saved gets nothing).

use crate::support::helpers::*;
use crate::support::processes::ServerProcess;
use crate::support::webhook_receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

async fn admin_token(server: &ServerProcess, client: &reqwest::Client) -> String {
    let signed = server
        .sign_up(
            client,
            json!({"name": "Agency", "plan": "basic", "admin": {"email": "ada@agency.example",
               "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}}),
        )
        .await;
    signed["access_token"].as_str().unwrap().to_owned()
}

async fn call(
    client: &reqwest::Client,
    server: &ServerProcess,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client
        .request(method, format!("{}{path}", server.address))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Polls the webhook's deliveries until `done` holds.
async fn deliveries_when(
    client: &reqwest::Client,
    server: &ServerProcess,
    token: &str,
    webhook: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let path = format!("/v1/webhooks/{webhook}/deliveries");
    for _ in 0..300 {
        let (_, body) = call(client, server, reqwest::Method::GET, &path, token, None).await;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        if done(&items) {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the deliveries never got there; server said: {}",
        server.output()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_between_attempts_delivers_after_the_restart() {
    let (_db, url) = TestDatabase::create();
    let gateway = SmsGateway::start().await;
    let receiver = Receiver::start().await;
    receiver.answer_next(&[500]);
    let env = [
        ("EXTRANET_WEBHOOK_ALLOW_LOOPBACK", "true"),
        ("EXTRANET_WEBHOOK_RETRY_BASE_MS", "1000"),
    ];
    let mut first = ServerProcess::start_with(&url, &gateway.url, &env).await;
    let client = reqwest::Client::new();
    let token = admin_token(&first, &client).await;
    let (status, hook) = call(
        &client,
        &first,
        reqwest::Method::POST,
        "/v1/webhooks",
        &token,
        Some(json!({"url": receiver.url, "events": ["workgroup.created"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let id = hook["id"].as_str().unwrap();
    let (status, _) = call(
        &client,
        &first,
        reqwest::Method::POST,
        "/v1/workgroups",
        &token,
        Some(json!({"name": "Client site", "kind": "project", "allow_external": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    receiver.wait_for("workgroup.created", 1).await;
    // The failed attempt is recorded; the next one is due in a second or so.
    deliveries_when(&client, &first, &token, id, |d| {
        d.first().is_some_and(|d| d["attempts"] == 1)
    })
    .await;
    first.kill();

    let second = ServerProcess::start_with(&url, &gateway.url, &env).await;
    let got = receiver.wait_for("workgroup.created", 2).await;
    assert_eq!(
        got[0]["headers"]["x-extranet-event-id"],
        got[1]["headers"]["x-extranet-event-id"]
    );
    let log = deliveries_when(&client, &second, &token, id, |d| {
        d.first().is_some_and(|d| d["status"] == "sent")
    })
    .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["attempts"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_checked_again_at_every_delivery() {
    let (_db, url) = TestDatabase::create();
    let gateway = SmsGateway::start().await;
    let receiver = Receiver::start().await;
    // When the webhook is saved, its name points at a public address (nothing is sent there:
    // the server is stopped before any event).
    let mut first = ServerProcess::start_with(
        &url,
        &gateway.url,
        &[("EXTRANET_WEBHOOK_RESOLVE", "hooks.test=93.184.215.14")],
    )
    .await;
    let client = reqwest::Client::new();
    let token = admin_token(&first, &client).await;
    let hook_url = format!("http://hooks.test:{}/hook", receiver.port);
    let (status, hook) = call(
        &client,
        &first,
        reqwest::Method::POST,
        "/v1/webhooks",
        &token,
        Some(json!({"url": hook_url, "events": ["workgroup.created"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let id = hook["id"].as_str().unwrap();
    first.kill();

    // Then the name moves to this machine (DNS rebinding).
    let second = ServerProcess::start_with(
        &url,
        &gateway.url,
        &[
            ("EXTRANET_WEBHOOK_RESOLVE", "hooks.test=127.0.0.1"),
            ("EXTRANET_WEBHOOK_RETRY_BASE_MS", "100000"),
        ],
    )
    .await;
    let (status, _) = call(
        &client,
        &second,
        reqwest::Method::POST,
        "/v1/workgroups",
        &token,
        Some(json!({"name": "Client site", "kind": "project", "allow_external": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let log = deliveries_when(&client, &second, &token, id, |d| {
        d.first().is_some_and(|d| d["attempts"] == 1)
    })
    .await;
    let error = log[0]["last_error"].as_str().unwrap();
    assert!(
        error.contains("hooks.test resolves to 127.0.0.1, a loopback address"),
        "{error}"
    );
    assert!(log[0]["response_status"].is_null());
    assert_eq!(log[0]["status"], "pending");
    // That attempt is over, and it connected to nothing.
    assert!(
        receiver.inbox.all().is_empty(),
        "nothing reached this machine"
    );
}
