//! Access that ends (issue #30): external users' and memberships' end dates, exact to the
//! instant by the server's clock; the account's default and a workgroup's maximum; reviews
//! and reminders.

mod ends;
mod limits;
mod memberships;
mod reminders;

use crate::support::helpers::*;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An instant `by` from the server's clock, as the API writes times.
pub fn from_now(app: &TestApp, by: Duration) -> String {
    (app.clock.now() + by).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses a time the API wrote.
pub fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{v} is not a time: {e}"))
        .with_timezone(&Utc)
}

/// Invites `email` into `group` as an external user with `extra` merged into the batch body;
/// returns the status and the body.
pub async fn invite_with(
    app: &TestApp,
    token: &str,
    group: &str,
    email: &str,
    extra: Value,
) -> (StatusCode, Value) {
    let mut body = invite_body(group, email);
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            body.insert(k.clone(), v.clone());
        }
    }
    json_of(app.post("/v1/invitations", Some(token), body).await).await
}

/// An external user who accepted an invitation sent by email, with its access token and
/// refresh token.
pub struct Guest {
    pub id: String,
    pub token: String,
    pub refresh: String,
}

/// Invites `email` into `group` with `extra` in the batch, and accepts.
pub async fn guest(app: &TestApp, token: &str, group: &str, email: &str, extra: Value) -> Guest {
    let (status, body) = invite_with(app, token, group, email, extra).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let link = app.email_token(email, 0).await;
    let (status, accepted) = app.accept(&link).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    Guest {
        id: accepted["user"]["id"].as_str().unwrap().to_owned(),
        token: accepted["access_token"].as_str().unwrap().to_owned(),
        refresh: accepted["refresh_token"].as_str().unwrap().to_owned(),
    }
}

/// `PATCH /v1/users/{id}` with `body` as `token`.
pub async fn patch_user(
    app: &TestApp,
    token: &str,
    user: &str,
    body: Value,
) -> (StatusCode, Value) {
    patch(app, &format!("/v1/users/{user}"), token, body).await
}

/// An account on the `basic` plan (five seats) with an extranet workgroup: the admin's token
/// and the workgroup.
pub async fn agency(app: &TestApp) -> (SignedUp, String) {
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    (admin, group)
}
