//! A network profile's login change (issue #11): the new login is proved by a code, must be
//! nobody else's, and the codes are short-lived, single use, their guessing slowed down, and rate limited.

use crate::support::helpers::{
    assert_documented, assert_problem, invite_body, json_of, other_than, retry_after, TestApp,
    PASSWORD,
};
use chrono::Duration;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

async fn ask(app: &TestApp, token: &str, body: Value) -> Response {
    app.post("/v1/network/profile/login-change", Some(token), body)
        .await
}

async fn confirm(app: &TestApp, token: &str, code: &str) -> Response {
    app.post(
        "/v1/network/profile/login-change/confirm",
        Some(token),
        json!({"code": code}),
    )
    .await
}

#[tokio::test]
async fn the_new_login_must_be_proved_free_and_asked_for_with_the_password() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    app.sign_up("bob@acme.example", "free").await;
    let group = app.workgroup(&ada.token, "Site", true).await;

    let res = ask(
        &app,
        &ada.token,
        json!({"new_email": "ada@home.example", "current_password": "guess guess"}),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "wrong_current_password").await;
    let res = ask(
        &app,
        &ada.token,
        json!({"new_email": "ada@acme.example", "current_password": PASSWORD}),
    )
    .await;
    assert_problem(res, StatusCode::CONFLICT, "same_login").await;
    // Another profile's login, or one a pending invitation of her account holds: taken,
    // without saying where.
    let res = ask(
        &app,
        &ada.token,
        json!({"new_email": "BOB@acme.example", "current_password": PASSWORD}),
    )
    .await;
    let taken = assert_problem(res, StatusCode::CONFLICT, "login_taken").await;
    assert!(!taken.to_string().contains("bob@"), "{taken}");
    let (status, _) = json_of(
        app.post(
            "/v1/invitations",
            Some(&ada.token),
            invite_body(&group, "ann@client.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let res = ask(
        &app,
        &ada.token,
        json!({"new_email": "ann@client.example", "current_password": PASSWORD}),
    )
    .await;
    assert_problem(res, StatusCode::CONFLICT, "login_taken").await;
    // Exactly one new login.
    let res = ask(&app, &ada.token, json!({"new_email": "a@b.example", "new_phone": "+14155550101", "current_password": PASSWORD})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = ask(
        &app,
        &ada.token,
        json!({"new_phone": "12", "current_password": PASSWORD}),
    )
    .await;
    let invalid = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(invalid["errors"][0]["field"], "new_phone");
    // Nothing of the above changed anything.
    assert_eq!(
        app.login("ada@acme.example", PASSWORD, None).await.0,
        StatusCode::OK
    );

    // A phone is added the same way (the code goes by SMS); the email stays.
    let res = ask(
        &app,
        &ada.token,
        json!({"new_phone": "+14155550199", "current_password": PASSWORD}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let code = app.code_sent("+14155550199", 0).await;
    let (status, profile) = json_of(confirm(&app, &ada.token, &code).await).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(
        (profile["email"].as_str(), profile["phone"].as_str()),
        (Some("ada@acme.example"), Some("+14155550199"))
    );
    assert_eq!(
        app.login("+14155550199", PASSWORD, None).await.0,
        StatusCode::OK
    );
    // Single use.
    let res = confirm(&app, &ada.token, &code).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
}

#[tokio::test]
async fn codes_are_attempt_limited_short_lived_and_requests_rate_limited() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (_, profile) = app.login("ada@acme.example", PASSWORD, None).await;
    let token = profile["access_token"].as_str().unwrap().to_owned();
    let new = json!({"new_email": "ada@home.example", "current_password": PASSWORD});

    // Wrong codes slow the guessing down (each try after the fifth waits longer, the right
    // code too) but never make the waiting change dead.
    assert_eq!(
        ask(&app, &token, new.clone()).await.status(),
        StatusCode::ACCEPTED
    );
    let code = app.code_sent("ada@home.example", 0).await;
    for _ in 0..5 {
        let res = confirm(&app, &token, other_than(&code)).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    }
    let res = confirm(&app, &token, &code).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_documented(StatusCode::TOO_MANY_REQUESTS, "rate_limited");

    // A code expires.
    assert_eq!(
        ask(&app, &token, new.clone()).await.status(),
        StatusCode::ACCEPTED
    );
    let code = app.code_sent("ada@home.example", 1).await;
    app.clock.advance(Duration::minutes(16));
    let token = app.login("ada@acme.example", PASSWORD, None).await.1["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = confirm(&app, &token, &code).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;

    // Three requests an hour; the fourth waits.
    assert_eq!(
        ask(&app, &token, new.clone()).await.status(),
        StatusCode::ACCEPTED
    );
    let res = ask(&app, &token, new.clone()).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // An hour later it works, and the email still is the old one until a code is confirmed.
    app.clock.advance(Duration::minutes(61));
    let token = app.login("ada@acme.example", PASSWORD, None).await.1["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(ask(&app, &token, new).await.status(), StatusCode::ACCEPTED);
    let (_, me) = app
        .json(Method::GET, "/v1/network/profile", &token, None)
        .await;
    assert_eq!(me["email"], "ada@acme.example");
    assert_eq!(me["accounts"][0]["account_id"], ada.account_id.as_str());
}

#[tokio::test]
async fn wrong_codes_make_the_next_try_wait_but_the_right_code_works_after_it() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@acme.example", "free").await;
    let (_, profile) = app.login("ada@acme.example", PASSWORD, None).await;
    let token = profile["access_token"].as_str().unwrap().to_owned();
    let res = ask(
        &app,
        &token,
        json!({"new_email": "ada@home.example", "current_password": PASSWORD}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let code = app.code_sent("ada@home.example", 0).await;
    let mut waits = Vec::new();
    for _ in 0..9 {
        let res = confirm(&app, &token, other_than(&code)).await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait = retry_after(&res);
            waits.push(wait);
            app.clock.advance(Duration::seconds(wait));
        } else {
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
        }
    }
    assert!(
        waits.len() >= 2 && waits.windows(2).all(|w| w[1] > w[0]),
        "{waits:?}"
    );
    let res = confirm(&app, &token, &code).await;
    let wait: i64 = match res.headers().get("retry-after") {
        Some(w) => w.to_str().unwrap().parse().unwrap(),
        None => panic!("the right code did not wait: {}", res.status()),
    };
    app.clock.advance(Duration::seconds(wait));
    let (status, changed) = json_of(confirm(&app, &token, &code).await).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["email"], "ada@home.example");
}

#[tokio::test]
async fn a_login_taken_while_the_code_travelled_is_not_switched_to() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let res = ask(
        &app,
        &ada.token,
        json!({"new_email": "shared@home.example", "current_password": PASSWORD}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let code = app.code_sent("shared@home.example", 0).await;
    // Meanwhile someone signs up with that address.
    app.sign_up("shared@home.example", "free").await;
    let res = confirm(&app, &ada.token, &code).await;
    assert_problem(res, StatusCode::CONFLICT, "login_taken").await;
    let (_, me) = app
        .json(Method::GET, "/v1/network/profile", &ada.token, None)
        .await;
    assert_eq!(me["email"], "ada@acme.example");
    // Someone else's code is not hers: codes are bound to the profile that asked.
    let bob = app.sign_up("bob@acme.example", "free").await;
    let res = ask(
        &app,
        &bob.token,
        json!({"new_email": "bob@home.example", "current_password": PASSWORD}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let bobs = app.code_sent("bob@home.example", 0).await;
    let res = confirm(&app, &ada.token, &bobs).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    let (status, _) = json_of(confirm(&app, &bob.token, &bobs).await).await;
    assert_eq!(status, StatusCode::OK);
}
