//! Failed logins are throttled per login, whatever the address, and only trusted proxies may
//! say who the client is (issue #8).

use crate::helpers::{assert_problem, TestApp, PASSWORD};
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
async fn failed_logins_are_throttled_per_login_from_any_address_and_only_trusted_proxies_may_say_who_the_client_is(
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
