//! Sign-up proves the login (issue #8): no account claims a login its owner has not proved,
//! no answer tells whether a login exists, and a code is single use and short lived.

use crate::support::helpers::{
    assert_problem, assert_refused, invite_body, json_of, sign_up_body, TestApp, PASSWORD,
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Sends a sign-up, which is always 202; returns its body.
async fn start_sign_up(app: &TestApp, login: &str, password: &str) -> Value {
    let (status, body) = json_of(
        app.post("/v1/accounts", None, sign_up_body(login, password))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    body
}

async fn confirm(app: &TestApp, login: &str, code: &str) -> (StatusCode, Value) {
    json_of(
        app.post(
            "/v1/accounts/confirm",
            None,
            json!({"login": login, "code": code}),
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn sign_up_claims_no_login_its_owner_has_not_proved_and_tells_nobody_whether_it_exists() {
    let app = TestApp::spawn().await;
    app.sign_up("victim@corp.example", "free").await;

    // The same answer for a login that has a profile and for one nobody has.
    let taken = start_sign_up(&app, "victim@corp.example", "attacker's password").await;
    let free = start_sign_up(&app, "nobody@corp.example", "attacker's password").await;
    let mut taken_without_login = taken.clone();
    taken_without_login["login"] = json!("x");
    let mut free_without_login = free.clone();
    free_without_login["login"] = json!("x");
    assert_eq!(taken_without_login, free_without_login);
    assert!(taken.get("account").is_none() && taken.get("access_token").is_none());

    // The code went to the victim, not to the attacker; guessing is slowed down (see
    // `strangers`)…
    // (The first code was the victim's own sign-up's, used; this one is the attacker's.)
    let code = app.code_sent("victim@corp.example", 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (status, problem) = confirm(&app, "victim@corp.example", wrong).await;
        assert_refused(
            status,
            &problem,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_code",
        );
    }
    let (status, problem) = confirm(&app, "victim@corp.example", wrong).await;
    assert_refused(
        status,
        &problem,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
    // …and the right code, once the wait is over, proves the login but not the password: the
    // attacker's sign-up does not take over the victim's profile.
    app.clock.advance(Duration::minutes(1));
    let (status, problem) = confirm(&app, "victim@corp.example", &code).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    // The victim's profile still has its own password, and no second account.
    let (status, _) = app.login("victim@corp.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .login("victim@corp.example", "attacker's password", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An unconfirmed sign-up blocks nothing: the real owner of the other login is invited and
    // accepts with a password of their own…
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "nobody@corp.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = app.email_token("nobody@corp.example", 0).await;
    let (status, accepted) = app.accept(&token).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    // …and even the right code of the attacker's sign-up cannot take the profile over now.
    let code = app.code_sent("nobody@corp.example", 0).await;
    let (status, problem) = confirm(&app, "nobody@corp.example", &code).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
}

#[tokio::test]
async fn a_sign_up_code_is_single_use_and_short_lived() {
    let app = TestApp::spawn().await;
    start_sign_up(&app, "ada@acme.example", PASSWORD).await;
    let code = app.code_sent("ada@acme.example", 0).await;
    let (status, created) = confirm(&app, "ADA@acme.example", &code).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["user"]["is_admin"], true);
    assert_eq!(created["account"]["name"], "Totally Legit Ltd");
    let token = created["access_token"].as_str().unwrap();
    assert_eq!(app.get("/v1/me", token).await.status(), StatusCode::OK);
    // Used once, it is spent.
    let (status, problem) = confirm(&app, "ada@acme.example", &code).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_code",
    );

    // A code 16 minutes old is dead.
    start_sign_up(&app, "bo@acme.example", PASSWORD).await;
    let code = app.code_sent("bo@acme.example", 0).await;
    app.clock.advance(Duration::minutes(16));
    let (status, problem) = confirm(&app, "bo@acme.example", &code).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_code",
    );
    // A code proves only the login it was sent to.
    start_sign_up(&app, "cy@acme.example", PASSWORD).await;
    let cys = app.code_sent("cy@acme.example", 0).await;
    let (status, problem) = confirm(&app, "eve@acme.example", &cys).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_code",
    );
    // Nothing else can be slipped in with it.
    let res = app
        .post(
            "/v1/accounts/confirm",
            None,
            json!({"login": "cy@acme.example", "code": cys, "plan": "enterprise", "is_admin": true}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    let (status, created) = confirm(&app, "cy@acme.example", &cys).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["account"]["plan"], "free");
    // Malformed codes are named as such.
    let (status, problem) = confirm(&app, "bo@acme.example", "12ab").await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(problem["errors"][0]["field"], "code");
}
