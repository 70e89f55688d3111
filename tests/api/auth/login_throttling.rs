//! Failed logins are throttled per person (and per unknown login), whatever the address
//! (issues #8 and #24), and only trusted proxies may say who the client is.

use crate::support::helpers::{assert_problem, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

/// A login attempt as if from `client`, through the proxy at 127.0.0.1.
async fn login_from(app: &TestApp, client: &str, login: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/auth/login"))
        .header("x-forwarded-for", client)
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn failed_logins_are_throttled_per_person_from_any_address_and_only_trusted_proxies_may_say_who_the_client_is(
) {
    let app = TestApp::spawn_with(|c| {
        c.trusted_proxies = "127.0.0.1/32, ::1".into();
        c.login_failure_burst = 3;
        c.public_burst = 2;
    })
    .await;
    app.sign_up("ada@agency.example", "free").await;
    // Credential stuffing: each guess from another address, so no address's limit is met…
    for i in 0..3 {
        let res = login_from(
            &app,
            &format!("198.51.100.{i}"),
            "ada@agency.example",
            "guess!!!1",
        )
        .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let res = login_from(&app, "198.51.100.3", "ada@agency.example", "guess!!!1").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    // …but the login's own is: even the right password is refused for now.
    let res = login_from(&app, "198.51.100.4", "ada@agency.example", PASSWORD).await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Other logins are not affected.
    let res = login_from(&app, "198.51.100.5", "nobody@agency.example", "guess!!!1").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    // Behind the trusted proxy, each client has its own bucket (a burst of 2 here)…
    for _ in 0..2 {
        let res = login_from(&app, "203.0.113.1", "x@agency.example", "guess!!!1").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login_from(&app, "203.0.113.1", "x@agency.example", "guess!!!1").await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let res = login_from(&app, "203.0.113.2", "x@agency.example", "guess!!!1").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // …while without one, a forged X-Forwarded-For buys nothing: it is one client.
    let direct = TestApp::spawn_with(|c| c.public_burst = 2).await;
    for (i, expected) in [
        StatusCode::UNAUTHORIZED,
        StatusCode::UNAUTHORIZED,
        StatusCode::TOO_MANY_REQUESTS,
    ]
    .into_iter()
    .enumerate()
    {
        let res = login_from(
            &direct,
            &format!("203.0.113.{i}"),
            "x@agency.example",
            "guess!!!1",
        )
        .await;
        assert_eq!(res.status(), expected, "attempt {i}");
    }
}

/// Adds `phone` to the profile of `token` (asked with the password, confirmed with the code).
async fn add_phone(app: &TestApp, token: &str, phone: &str) {
    let res = app
        .post(
            "/v1/network/profile/login-change",
            Some(token),
            json!({"new_phone": phone, "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let code = app.code_sent(phone, 0).await;
    let res = app
        .post(
            "/v1/network/profile/login-change/confirm",
            Some(token),
            json!({"code": code}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// What a login attempt answered: the status, the problem's code, whether it said when to
/// try again.
async fn attempt(app: &TestApp, login: &str, password: &str) -> (StatusCode, String, bool) {
    let res = app
        .post(
            "/v1/auth/login",
            None,
            json!({"login": login, "password": password}),
        )
        .await;
    let status = res.status();
    let retry_after = res.headers().contains_key("retry-after");
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    (
        status,
        body["code"].as_str().unwrap_or_default().to_owned(),
        retry_after,
    )
}

/// Issue #24, item 7: the limit is the person's, not the string's. A person with an email and
/// a phone has one budget of wrong passwords, whichever login (or the accept page, or a login
/// change) it is spent through; a login that matches nobody has a budget of its own and is
/// answered exactly like a real one.
#[tokio::test]
async fn failed_logins_count_per_person_whichever_of_their_logins_is_tried() {
    let app = TestApp::spawn_with(|c| {
        c.login_failure_burst = 10;
        // No failure is forgiven while the test runs, however slow the machine.
        c.login_failure_interval_seconds = 3600;
    })
    .await;
    let ada = app.sign_up("ada@agency.example", "free").await;
    add_phone(&app, &ada.token, "+14155550142").await;
    let bob = app.sign_up("bob@agency.example", "free").await;

    // Eleven wrong passwords by email: the eleventh is the one too many.
    for i in 0..11 {
        let (status, code, _) = attempt(&app, "ada@agency.example", "guess!!!1").await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            "attempt {i}"
        );
    }
    let throttled = attempt(&app, "ada@agency.example", PASSWORD).await;
    assert_eq!(
        throttled,
        (
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited".to_owned(),
            true
        )
    );
    // The phone is the same person: no fresh budget there, not even for the right password.
    for i in 0..10 {
        let got = attempt(&app, "+14155550142", "guess!!!1").await;
        assert_eq!(got, throttled, "wrong password by phone, attempt {i}");
    }
    let got = attempt(&app, "+14155550142", PASSWORD).await;
    assert_eq!(got, throttled, "the right password by phone");
    // Nor through the other doors that check the same password: accepting an invitation as
    // the existing profile, changing the login.
    let group = app.workgroup(&bob.token, "Agency", true).await;
    app.invite_phone(&bob.token, &group, "+14155550142").await;
    // The phone's first message was the login change's code; the second is the invitation.
    let invitation = app.sms.token("+14155550142", 1).await;
    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": invitation, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let res = app
        .post(
            "/v1/network/profile/login-change",
            Some(&ada.token),
            json!({"new_email": "ada@home.example", "current_password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Another person is not affected.
    let (status, _) = app.login("bob@agency.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK);

    // Wrong current passwords of a login change spend the same budget as logins do.
    for _ in 0..11 {
        let res = app
            .post(
                "/v1/network/profile/login-change",
                Some(&bob.token),
                json!({"new_email": "bob@home.example", "current_password": "guess!!!1"}),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "wrong_current_password").await;
    }
    let got = attempt(&app, "bob@agency.example", PASSWORD).await;
    assert_eq!(
        got, throttled,
        "logging in after the login change's guesses"
    );

    // A login that matches nobody is throttled alike, and answered the same way.
    for i in 0..11 {
        let got = attempt(&app, "nobody@agency.example", "guess!!!1").await;
        assert_eq!(
            got,
            (
                StatusCode::UNAUTHORIZED,
                "invalid_credentials".to_owned(),
                false
            ),
            "unknown login, attempt {i}"
        );
    }
    let got = attempt(&app, "nobody@agency.example", "guess!!!1").await;
    assert_eq!(got, throttled, "an unknown login, throttled");
}

/// Issue #27: a client's bucket is exact when its requests arrive at once — on PostgreSQL it
/// is a row every server process counts in, locked while one request is counted; on SQLite
/// the process's memory. Of 40 concurrent lookups from one address with a burst of 10, 10
/// pass, plus at most one per second the test took (the rate refills the bucket meanwhile).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_concurrent_requests_from_one_address_gets_exactly_the_bucket() {
    let app = TestApp::spawn_with(|c| {
        c.trusted_proxies = "127.0.0.1/32, ::1".into();
        c.public_burst = 10;
        c.public_rate_per_second = 1;
    })
    .await;
    let started = std::time::Instant::now();
    let requests: Vec<_> = (0..40)
        .map(|_| {
            let request = app
                .client
                .post(app.url("/v1/invitations/lookup"))
                .header("x-forwarded-for", "198.51.100.77")
                .json(&json!({"token": "not-a-token"}));
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs();
    let passed = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::NOT_FOUND, StatusCode::TOO_MANY_REQUESTS].contains(s)),
        "{statuses:?}"
    );
    assert!(
        (10..=10 + 1 + elapsed as usize).contains(&passed),
        "{passed} passed in {elapsed} s"
    );
    // Another address has a bucket of its own.
    let res = app
        .client
        .post(app.url("/v1/invitations/lookup"))
        .header("x-forwarded-for", "198.51.100.78")
        .json(&json!({"token": "not-a-token"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
