//! Access reviews (issue #30): an administrator starts one for a workgroup or the account, its
//! reviewers answer `keep` or `remove` until the due instant, and at it the answers apply —
//! by the upkeep, or first in any write that counts seats — removing people from the
//! workgroup and dismissing those left in none; progress, lists, recurrence, cancelling,
//! who may do what, and what the audit trail and webhooks are told.

mod applying;
mod events;
mod lists;
mod recurring;
mod reviewers;

use crate::support::helpers::*;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// An account with an extranet workgroup `group` (its owner: the admin) and three external
/// members of it: `kept`, `removed` (also an active member of `other`, another extranet
/// workgroup), and `unanswered` (in `group` only).
pub struct Scene {
    pub app: TestApp,
    pub account_id: String,
    pub admin_email: String,
    pub admin: Person,
    pub group: String,
    pub other: String,
    pub kept: Person,
    pub removed: Person,
    pub unanswered: Person,
}

pub const KEPT_PHONE: &str = "+14155550111";
pub const REMOVED_PHONE: &str = "+14155550112";
pub const UNANSWERED_PHONE: &str = "+14155550113";

impl Scene {
    /// The scene on `plan`.
    pub async fn on(plan: &str) -> Self {
        Self::with(TestApp::spawn().await, plan).await
    }

    pub async fn with(app: TestApp, plan: &str) -> Self {
        let admin_email = "ada@agency.example".to_owned();
        let signed = app.sign_up(&admin_email, plan).await;
        let admin = Person {
            id: signed.user_id.clone(),
            token: signed.token.clone(),
        };
        let group = app.workgroup(&admin.token, "Client site", true).await;
        let other = app.workgroup(&admin.token, "Client app", true).await;
        let kept = app
            .join(&admin.token, "extranet", Some(&group), KEPT_PHONE)
            .await;
        let removed = app
            .join(&admin.token, "extranet", Some(&group), REMOVED_PHONE)
            .await;
        let unanswered = app
            .join(&admin.token, "extranet", Some(&group), UNANSWERED_PHONE)
            .await;
        app.add_and_accept(&admin.token, &other, &removed, "member")
            .await;
        Self {
            app,
            account_id: signed.account_id,
            admin_email,
            admin,
            group,
            other,
            kept,
            removed,
            unanswered,
        }
    }

    /// A fresh token of the admin's (after the clock moved past the first one's life).
    pub async fn admin_now(&self) -> String {
        admin_token(&self.app, &self.admin_email, &self.account_id).await
    }

    /// A fresh token of the user whose login is `phone`.
    pub async fn token_of(&self, phone: &str) -> String {
        let (status, body) = self
            .app
            .login(phone, PASSWORD, Some(&self.account_id))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A review of `group`, due in an hour, with `on_no_answer`; returns the 201 body.
    pub async fn review_of_group(&self, on_no_answer: &str) -> Value {
        started(
            &self.app,
            &self.admin.token,
            json!({"workgroup_id": self.group, "due_at": due_in(&self.app, Duration::hours(1)),
                   "on_no_answer": on_no_answer}),
        )
        .await
    }
}

/// The instant `ahead` of the server's clock, as the API takes it.
pub fn due_in(app: &TestApp, ahead: Duration) -> String {
    (app.clock.now() + ahead).to_rfc3339()
}

/// `POST /v1/access-reviews` as `token`.
pub async fn start(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.json(Method::POST, "/v1/access-reviews", token, Some(body))
        .await
}

/// Starts a review (201); returns its body.
pub async fn started(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, review) = start(app, token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{review}");
    review
}

/// Answers `decision` for `user` in `review` as `token`.
pub async fn decide(
    app: &TestApp,
    token: &str,
    review: &str,
    user: &str,
    decision: &str,
) -> (StatusCode, Value) {
    app.json(
        Method::PUT,
        &format!("/v1/access-reviews/{review}/items/{user}"),
        token,
        Some(json!({"decision": decision})),
    )
    .await
}

/// Answers, which must work.
pub async fn decided(app: &TestApp, token: &str, review: &str, user: &str, decision: &str) {
    let (status, item) = decide(app, token, review, user, decision).await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["decision"], decision, "{item}");
}

/// `GET /v1/access-reviews/{id}` as `token`.
pub async fn review(app: &TestApp, token: &str, id: &str) -> (StatusCode, Value) {
    app.json(
        Method::GET,
        &format!("/v1/access-reviews/{id}"),
        token,
        None,
    )
    .await
}

/// The review's items as `token` sees them (one page of 200).
pub async fn items(app: &TestApp, token: &str, id: &str) -> (StatusCode, Value) {
    app.json(
        Method::GET,
        &format!("/v1/access-reviews/{id}/items?limit=200"),
        token,
        None,
    )
    .await
}

/// The outcome of each item, by user id.
pub async fn outcomes(app: &TestApp, token: &str, id: &str) -> BTreeMap<String, Value> {
    let (status, page) = items(app, token, id).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["user_id"].as_str().unwrap().to_owned(),
                i["outcome"].clone(),
            )
        })
        .collect()
}

/// Each of `people` with its outcome, as [`outcomes`] reads them.
pub fn expect(people: &[(&str, &str)]) -> BTreeMap<String, Value> {
    people
        .iter()
        .map(|(id, outcome)| ((*id).to_owned(), json!(outcome)))
        .collect()
}

/// The active members of `group`, by user id.
pub async fn active_members(app: &TestApp, token: &str, group: &str) -> Vec<String> {
    let (status, page) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{group}/members?status=active&limit=200"),
            token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut ids: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// The status of user `id` as `token` sees it.
pub async fn status_of(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, user) = app
        .json(Method::GET, &format!("/v1/users/{id}"), token, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    user["status"].clone()
}

/// The audit events of `action`, newest first.
pub async fn audited(app: &TestApp, token: &str, action: &str) -> Vec<Value> {
    let (status, page) = app
        .json(
            Method::GET,
            &format!("/v1/audit-events?action={action}&limit=200"),
            token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

/// Sorted ids.
pub fn sorted(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    ids.sort();
    ids
}
