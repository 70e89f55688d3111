//! Two-step authentication (issue #31, rule 13), with codes computed in the test from the
//! secret the server gave: a set-up confirmed by a first code, logins answered with a challenge
//! and completed with a TOTP or a recovery code, each code once, one step of skew either way,
//! wrong codes limited per person, switching off with a code, the account's policy, and every
//! other way in (accepting an invitation, a join link, a sign-up, a password reset).
//!
//! The server's clock runs with the system's; a test that judges a step first moves the clock
//! to the start of one ([`at_a_step_start`]), leaving 29 seconds for its requests.

mod enrollment;
mod login;
mod policy;
mod support;
mod ways_in;
mod webhooks;

use crate::support::helpers::*;
use domain::two_factor::{step_at, TotpSecret, STEP_SECONDS};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

/// Moves the server's clock to one second into the next TOTP step.
pub fn at_a_step_start(app: &TestApp) {
    let now = app.clock.now();
    let next = (step_at(now) + 1) * STEP_SECONDS + 1;
    let target = chrono::DateTime::from_timestamp(next, 0).unwrap();
    app.clock.advance(target - now);
}

/// The code the app shows `offset` steps from the server's now.
pub fn code(app: &TestApp, secret: &TotpSecret, offset: i64) -> String {
    secret.code_of_step(step_at(app.clock.now()) + offset)
}

/// A fresh code: the clock moved to a later step than any used, and its code.
pub fn fresh_code(app: &TestApp, secret: &TotpSecret) -> String {
    at_a_step_start(app);
    code(app, secret, 0)
}

/// Starts a set-up as `token`: the secret the server gave.
pub async fn start(app: &TestApp, token: &str) -> TotpSecret {
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/network/profile/two-factor",
            token,
            Some(json!({"current_password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    TotpSecret::from_base32(body["secret"].as_str().unwrap()).expect("a base32 secret")
}

/// Confirms a set-up as `token` with `code`.
pub async fn confirm(app: &TestApp, token: &str, code: &str) -> (StatusCode, Value) {
    app.json(
        Method::POST,
        "/v1/network/profile/two-factor/confirm",
        token,
        Some(json!({"code": code})),
    )
    .await
}

/// Switches two-step on as `token`: the secret and the recovery codes.
pub async fn enroll(app: &TestApp, token: &str) -> (TotpSecret, Vec<String>) {
    let secret = start(app, token).await;
    let (status, body) = confirm(app, token, &fresh_code(app, &secret)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

/// Logs in with the password; with two-step on, the challenge (a 202 with no token).
pub async fn challenge(app: &TestApp, login: &str, account: Option<&str>) -> String {
    let (status, body) = app.login(login, PASSWORD, account).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["status"], "second_factor_required");
    assert!(body.get("access_token").is_none(), "{body}");
    assert_eq!(body["expires_in"], 300);
    body["challenge"].as_str().unwrap().to_owned()
}

/// Answers a login's challenge with `code`.
pub async fn second_factor(app: &TestApp, challenge: &str, code: &str) -> Response {
    app.post(
        "/v1/auth/login/second-factor",
        None,
        json!({"challenge": challenge, "code": code}),
    )
    .await
}

/// Logs in through the second factor `code`: the token pair.
pub async fn log_in_with(app: &TestApp, login: &str, account: Option<&str>, code: &str) -> Value {
    let challenge = challenge(app, login, account).await;
    let (status, body) = json_of(second_factor(app, &challenge, code).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Where the profile's two-step stands, as `token` sees it.
pub async fn two_factor_status(app: &TestApp, token: &str) -> Value {
    let (status, body) = app
        .json(Method::GET, "/v1/network/profile/two-factor", token, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}
