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
