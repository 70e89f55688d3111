//! Changing a profile's password (issue #26 item 2, rule 9): the current password is asked for
//! (and a wrong one counts with the person's failed logins), the new one follows the policy,
//! every other session ends at once and the current one goes on, and the person is told.

use crate::support::helpers::*;
use crate::support::requests::{api_token, profile_token, refresh};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

pub const NEW_PASSWORD: &str = "a brand new passphrase";

async fn change(app: &TestApp, token: &str, current: &str, new: &str) -> reqwest::Response {
    app.post(
        "/v1/network/profile/password",
        Some(token),
        json!({"current_password": current, "new_password": new}),
    )
    .await
}

/// What `GET /v1/me` answers to `token`.
pub async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.get("/v1/me", token).await.status()
}

/// The emails to `to` whose subject is `subject`, once `count` have arrived.
pub async fn mails(app: &TestApp, to: &str, subject: &str, count: usize) -> Vec<Value> {
    let (to, subject) = (to.to_owned(), subject.to_owned());
    app.mail
        .inbox
        .wait_for(count, Duration::from_secs(15), move |m| {
            m["subject"] == subject.as_str()
                && m["to"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|r| r == to.as_str()))
        })
        .await
}

/// A login of `email` with `PASSWORD` in the account: its access and refresh tokens.
pub async fn session(app: &TestApp, email: &str, account: &str) -> (String, String) {
    let (status, body) = app.login(email, PASSWORD, Some(account)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_change_ends_every_other_session_at_once_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let this_refresh = ada.body["refresh_token"].as_str().unwrap().to_owned();
    let (other, other_refresh) = session(&app, "ada@acme.example", &ada.account_id).await;
    let (third, _) = session(&app, "ada@acme.example", &ada.account_id).await;
    assert_eq!(me_status(&app, &other).await, StatusCode::OK);

    let res = change(&app, &ada.token, "not my password", NEW_PASSWORD).await;
    assert_problem(res, StatusCode::FORBIDDEN, "wrong_current_password").await;
    let res = change(&app, &ada.token, PASSWORD, "short").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["new_password"]);
    let res = change(&app, &ada.token, PASSWORD, "zzzzzzzzzz").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "password_too_weak");
    // None of that changed anything.
    assert_eq!(me_status(&app, &other).await, StatusCode::OK);
    assert_eq!(
        app.login("ada@acme.example", PASSWORD, None).await.0,
        StatusCode::OK
    );

    let res = change(&app, &ada.token, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // The other sessions are dead at their next request, access and refresh tokens alike.
    for token in [&other, &third] {
        let res = app.get("/v1/me", token).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    let (status, body) = refresh(&app, &other_refresh).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_refresh_token")),
        "{body}"
    );
    // This one goes on, and still refreshes.
    assert_eq!(me_status(&app, &ada.token).await, StatusCode::OK);
    let (status, body) = refresh(&app, &this_refresh).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, sessions) = app
        .json(
            Method::GET,
            "/v1/me/sessions",
            body["access_token"].as_str().unwrap(),
            None,
        )
        .await;
    assert_eq!(sessions["items"].as_array().unwrap().len(), 1, "{sessions}");

    // The old password is refused, the new one works.
    let (status, body) = app.login("ada@acme.example", PASSWORD, None).await;
    assert_refused(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    assert_eq!(
        app.login("ada@acme.example", NEW_PASSWORD, None).await.0,
        StatusCode::OK
    );
    // She is told, in words of ours.
    let told = mails(&app, "ada@acme.example", "Your password was changed", 1).await;
    let text = told[0]["body"].as_str().unwrap();
    assert!(
        text.contains("every other session") && text.contains("/reset-password"),
        "{text}"
    );
}

#[tokio::test]
async fn wrong_current_passwords_count_with_the_persons_failed_logins() {
    let app = TestApp::spawn_with(|c| {
        c.login_failure_burst = 2;
        c.login_failure_interval_seconds = 3600;
    })
    .await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    for _ in 0..2 {
        let res = change(&app, &ada.token, "a wrong guess", NEW_PASSWORD).await;
        assert_problem(res, StatusCode::FORBIDDEN, "wrong_current_password").await;
    }
    // Past the limit the right password waits too, here and at the login: one count.
    let res = change(&app, &ada.token, "a wrong guess", NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = change(&app, &ada.token, PASSWORD, NEW_PASSWORD).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let (status, _) = app.login("ada@acme.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The password is unchanged.
    assert_eq!(me_status(&app, &ada.token).await, StatusCode::OK);
}

#[tokio::test]
async fn only_the_person_changes_their_password_never_an_api_token() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (_, secret) = api_token(
        &app,
        &ada.token,
        &["users:read", "users:write", "invitations:write"],
    )
    .await;
    let res = change(&app, &secret, PASSWORD, NEW_PASSWORD).await;
    assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    let res = app
        .post(
            "/v1/network/profile/password",
            None,
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "missing_token").await;
    // A profile token (the person acting in no account) may.
    let profile = profile_token(&app, "ada@acme.example").await;
    let res = change(&app, &profile, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // The sign-up's session (another one) ended with it.
    assert_eq!(me_status(&app, &ada.token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, &profile).await, StatusCode::OK);
}

#[tokio::test]
async fn two_changes_at_once_from_two_sessions_leave_exactly_one_password() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (other, _) = session(&app, "ada@acme.example", &ada.account_id).await;
    let (first, second) = tokio::join!(
        change(&app, &ada.token, PASSWORD, "first new passphrase"),
        change(&app, &other, PASSWORD, "second new passphrase"),
    );
    let outcomes = [first.status(), second.status()];
    // One wins; the other finds its session ended or the password no longer the one it
    // checked — never both written, never both sessions left standing.
    assert_eq!(
        outcomes
            .iter()
            .filter(|s| **s == StatusCode::NO_CONTENT)
            .count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes.iter().all(|s| matches!(
            *s,
            StatusCode::NO_CONTENT | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        )),
        "{outcomes:?}"
    );
    let (winner, password) = if outcomes[0] == StatusCode::NO_CONTENT {
        (&ada.token, "first new passphrase")
    } else {
        (&other, "second new passphrase")
    };
    let loser = if winner == &ada.token {
        &other
    } else {
        &ada.token
    };
    assert_eq!(me_status(&app, winner).await, StatusCode::OK);
    assert_eq!(me_status(&app, loser).await, StatusCode::UNAUTHORIZED);
    for candidate in [PASSWORD, "first new passphrase", "second new passphrase"] {
        let (status, _) = app.login("ada@acme.example", candidate, None).await;
        let want = if candidate == password {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(status, want, "{candidate}");
    }
}
