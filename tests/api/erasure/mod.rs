//! A person's data erased (issue #32, rule 14): by the person through the network profile
//! (password, a code sent to the login, the second factor), or by an administrator for a
//! dismissed user. Afterwards no table holds the person's login, names or the messages sent
//! to them (`support::traces` scans every text column), each account shows an "Erased user",
//! seats equal a recount, the login is free, and webhooks hear `user.erased`.

mod administrator;
mod person;

use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The person every erasure test erases: words found nowhere else in the database.
pub const FIRST: &str = "Ottoline";
pub const LAST: &str = "Vanderquist";
pub const MESSAGE: &str = "Welcome aboard: the Pelican roadmap is in the shared folder";

/// Invites `login` as an external user into `group` with the person's names and message,
/// under an `Idempotency-Key` (its stored outcome holds the invitation too); returns it.
pub async fn invite_person(app: &TestApp, token: &str, group: &str, login: &str) -> Value {
    let res = app
        .client
        .post(app.url("/v1/invitations"))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("invite-{login}-{group}"))
        .json(
            &json!({"type": "extranet", "workgroup_id": group, "message": MESSAGE,
            "invitees": [{"email": login, "first_name": FIRST, "last_name": LAST}]}),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["results"][0]["invitation"].clone()
}

/// Accepts the `nth` invitation emailed to `login` (a new profile, or the existing one with
/// its password); returns the answer.
pub async fn accept_nth(app: &TestApp, login: &str, nth: usize) -> Value {
    let token = app.email_token(login, nth).await;
    let (status, body) = app.accept(&token).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// The user `id` as `token` sees it.
pub async fn user(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, body) = app
        .json(Method::GET, &format!("/v1/users/{id}"), token, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Asserts that `view` is an erased user's.
pub fn assert_erased(view: &Value) {
    assert_eq!(view["first_name"], "Erased", "{view}");
    assert_eq!(view["last_name"], "user", "{view}");
    assert_eq!(view["status"], "dismissed", "{view}");
    assert!(view["erased_at"].is_string(), "{view}");
    assert!(
        view.get("email").is_none_or(Value::is_null),
        "no email: {view}"
    );
}

/// The account's seat counters equal a recount of its users and invitations.
pub async fn assert_seats_recounted(app: &TestApp, token: &str) {
    crate::invitations::approvals::assert_counters_are_the_recount(app, token).await;
}
