//! Join links (issue #29): a workgroup's link, the login proved by a code before anything is
//! created, joining at once or after approval, rules 1, 3, 4, 6 and the domain rules at each
//! step, dead links answering as invitation tokens do, attackers, races.

mod attackers;
mod flow;
mod lists;
mod races;
mod rules;

use crate::support::helpers::{json_of, TestApp, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Creates a link of `group` as `token`; returns the status and the body.
pub async fn create_link(
    app: &TestApp,
    token: &str,
    group: &str,
    body: Value,
) -> (StatusCode, Value) {
    json_of(
        app.post(
            &format!("/v1/workgroups/{group}/join-links"),
            Some(token),
            body,
        )
        .await,
    )
    .await
}

/// Creates a link (201); returns its body and its code (from the url's fragment).
pub async fn link(app: &TestApp, token: &str, group: &str, body: Value) -> (Value, String) {
    let (status, created) = create_link(app, token, group, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let url = created["url"].as_str().unwrap();
    let code = url.split_once("/join#code=").unwrap().1.to_owned();
    (created, code)
}

/// Asks for a code to `login` (an email, or a phone when it starts with `+`).
pub async fn request(app: &TestApp, code: &str, login: &str) -> (StatusCode, Value) {
    let field = if login.starts_with('+') {
        "phone"
    } else {
        "email"
    };
    json_of(
        app.post(
            "/v1/join-links/request",
            None,
            json!({"code": code, field: login, "first_name": "Ann", "last_name": "Lee"}),
        )
        .await,
    )
    .await
}

/// Confirms with `confirmation` and `password`.
pub async fn confirm(
    app: &TestApp,
    code: &str,
    login: &str,
    confirmation: &str,
    password: &str,
) -> (StatusCode, Value) {
    json_of(
        app.post(
            "/v1/join-links/confirm",
            None,
            json!({"code": code, "login": login, "confirmation_code": confirmation, "password": password}),
        )
        .await,
    )
    .await
}

/// Asks for a code to `login` (202), reads the `nth` code sent to it, confirms with
/// [`PASSWORD`]; returns what confirming answered.
pub async fn join_through(
    app: &TestApp,
    code: &str,
    login: &str,
    nth: usize,
) -> (StatusCode, Value) {
    let (status, body) = request(app, code, login).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let sent = app.code_sent(login, nth).await;
    confirm(app, code, login, &sent, PASSWORD).await
}

/// The workgroup's join requests as `token` sees them.
pub async fn requests(app: &TestApp, token: &str, group: &str) -> (StatusCode, Value) {
    json_of(
        app.get(&format!("/v1/workgroups/{group}/join-requests"), token)
            .await,
    )
    .await
}

/// Approves (`approve`) or rejects (`reject`) request `id` of `group` as `token`.
pub async fn decide(
    app: &TestApp,
    token: &str,
    group: &str,
    id: &str,
    verb: &str,
) -> (StatusCode, Value) {
    json_of(
        app.post(
            &format!("/v1/workgroups/{group}/join-requests/{id}/{verb}"),
            Some(token),
            json!({}),
        )
        .await,
    )
    .await
}

/// Revokes link `id` of `group` as `token`.
pub async fn revoke(app: &TestApp, token: &str, group: &str, id: &str) -> (StatusCode, Value) {
    json_of(
        app.call(
            Method::DELETE,
            &format!("/v1/workgroups/{group}/join-links/{id}"),
            Some(token),
            None,
        )
        .await,
    )
    .await
}

/// The seats held, recounted from the lists: active users by type, pending invitations, and
/// join requests of `groups` waiting with a seat.
pub async fn recount(app: &TestApp, token: &str, groups: &[&str]) -> Value {
    let (_, users) = json_of(app.get("/v1/users?status=active&limit=200", token).await).await;
    let users = users["items"].as_array().unwrap().clone();
    let of = |t: &str| users.iter().filter(|u| u["type"] == t).count();
    let (_, pending) = json_of(
        app.get("/v1/invitations?status=pending&limit=200", token)
            .await,
    )
    .await;
    let mut waiting = 0;
    for group in groups {
        let (_, list) = requests(app, token, group).await;
        waiting += list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "awaiting_approval" && r["holds_seat"] == true)
            .count();
    }
    json!({
        "active_intranet": of("intranet"),
        "active_extranet": of("extranet"),
        "pending_invitations": pending["items"].as_array().unwrap().len(),
        "pending_join_requests": waiting,
    })
}

/// The usage's counters that [`recount`] recounts.
pub async fn counters(app: &TestApp, token: &str) -> Value {
    let usage = app.usage(token).await;
    json!({
        "active_intranet": usage["active_intranet"],
        "active_extranet": usage["active_extranet"],
        "pending_invitations": usage["pending_invitations"],
        "pending_join_requests": usage["pending_join_requests"],
    })
}
