//! Requests several features' tests make: an API token, a keyed POST, a workgroup with its
//! owner, and the rows of a members page.

use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Creates an API token of `owner` with `scopes`; returns its id and secret.
pub async fn api_token(app: &TestApp, owner: &str, scopes: &[&str]) -> (String, String) {
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            owner,
            Some(
                json!({"name": scopes.join(" ").chars().take(100).collect::<String>(),
                        "scopes": scopes}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (
        body["id"].as_str().unwrap().to_owned(),
        body["token"].as_str().unwrap().to_owned(),
    )
}

/// POST with an `Idempotency-Key`; returns the status, whether it was a replay, and the body.
pub async fn post_keyed(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    body: Value,
) -> (StatusCode, bool, Value) {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let replayed = res.headers().contains_key("idempotent-replayed");
    let (status, body) = json_of(res).await;
    (status, replayed, body)
}

/// Each member of a page of members: (user id, role, status).
pub fn members(page: &Value) -> Vec<(String, String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user_id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The string at the JSON pointer `key` of each item of a page.
pub fn ids(page: &Value, key: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.pointer(key).and_then(Value::as_str).unwrap().to_owned())
        .collect()
}

/// Creates the workgroup `body` describes, with `owner` as its owner; returns its id.
pub async fn owned_group(app: &TestApp, owner: &Person, body: Value) -> String {
    let (status, group) = app
        .json(Method::POST, "/v1/workgroups", &owner.token, Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    group["id"].as_str().unwrap().to_owned()
}

/// The id of the session `token` belongs to (its `current` row in `GET /v1/me/sessions`).
pub async fn session_of(app: &TestApp, token: &str) -> String {
    let (status, body) = app.json(Method::GET, "/v1/me/sessions", token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .and_then(|items| items.iter().find(|s| s["current"] == true))
        .and_then(|s| s["id"].as_str())
        .unwrap_or_else(|| panic!("no current session in {body}"))
        .to_owned()
}

/// A network-profile token of `login`'s person (password `PASSWORD`): a login without
/// `account_id` gives one only to a profile of several accounts (of one, it acts in that one),
/// so the person signs up a second account first.
pub async fn profile_token(app: &TestApp, login: &str) -> String {
    app.sign_up(login, "basic").await;
    let (status, body) = app.login(login, PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["access_token"].as_str().unwrap().to_owned();
    let (_, me) = app.json(Method::GET, "/v1/me", &token, None).await;
    assert!(me.get("user_type").is_none(), "not a profile token: {me}");
    token
}

/// Exchanges a refresh token at `POST /v1/auth/refresh`; the status and body.
pub async fn refresh(app: &TestApp, refresh_token: &str) -> (StatusCode, Value) {
    json_of(
        app.post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh_token}),
        )
        .await,
    )
    .await
}
