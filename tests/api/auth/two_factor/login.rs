//! Logging in with two-step on: a challenge, never a token, for the right password; the
//! challenge answered with the app's code or a recovery code, each once; one step of clock skew
//! either way and no more; wrong codes limited per person; a challenge dies with its five
//! minutes, or with the password.

use super::*;
use crate::auth::password_change::me_status;

#[tokio::test]
async fn a_login_answers_a_challenge_and_the_apps_code_completes_it_once() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, _) = enroll(&app, &ada.token).await;

    // The wrong password is still only that.
    let (status, body) = app.login("ada@acme.example", "not my password", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );
    let first = challenge(&app, "ada@acme.example", Some(&ada.account_id)).await;
    // A challenge is no access token.
    let res = app.get("/v1/me", &first).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;

    let now_code = fresh_code(&app, &secret);
    let (status, pair) = json_of(second_factor(&app, &first, &now_code).await).await;
    assert_eq!(status, StatusCode::OK, "{pair}");
    assert_eq!(pair["two_factor_enrollment_required"], false);
    let token = pair["access_token"].as_str().unwrap();
    let (status, me) = app.json(Method::GET, "/v1/me", token, None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], ada.user_id.as_str());

    // The same code again — with this challenge or a new one — is refused: no replay.
    let res = second_factor(&app, &first, &now_code).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_code").await;
    let again = challenge(&app, "ada@acme.example", Some(&ada.account_id)).await;
    let res = second_factor(&app, &again, &now_code).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_code").await;
    // The next step's code works.
    let next = fresh_code(&app, &secret);
    let res = second_factor(&app, &again, &next).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_recovery_code_lets_in_once_and_the_person_is_told() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (_, recovery) = enroll(&app, &ada.token).await;
    let chosen = &recovery[3];

    // Any case, without the dash, with spaces: the same code.
    let spaced = format!(" {} ", chosen.replace('-', " ").to_uppercase());
    let pair = log_in_with(&app, "ada@acme.example", None, &spaced).await;
    let token = pair["access_token"].as_str().unwrap();
    assert_eq!(me_status(&app, token).await, StatusCode::OK);
    assert_eq!(
        two_factor_status(&app, token).await["recovery_codes_left"],
        9
    );

    let used = challenge(&app, "ada@acme.example", None).await;
    let res = second_factor(&app, &used, chosen).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_code").await;
    // Another one still works.
    log_in_with(&app, "ada@acme.example", None, &recovery[4]).await;
    assert_eq!(
        two_factor_status(&app, token).await["recovery_codes_left"],
        8
    );
    app.assert_audited(&["two_factor.recovery_code_used"]);
    let mails = crate::auth::password_change::mails(
        &app,
        "ada@acme.example",
        "A recovery code was used to sign in",
        2,
    )
    .await;
    assert!(
        mails[0]["body"]
            .as_str()
            .unwrap()
            .contains("9 recovery codes are left"),
        "{}",
        mails[0]
    );
    assert!(
        mails[1]["body"]
            .as_str()
            .unwrap()
            .contains("8 recovery codes are left"),
        "{}",
        mails[1]
    );
}

#[tokio::test]
async fn one_step_of_skew_either_way_is_accepted_and_two_are_not() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, _) = enroll(&app, &ada.token).await;
    at_a_step_start(&app);
    at_a_step_start(&app); // a step later than the confirming code's
    for offset in [-2, 2] {
        let c = challenge(&app, "ada@acme.example", None).await;
        let res = second_factor(&app, &c, &code(&app, &secret, offset)).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_code").await;
    }
    // One behind, then one ahead (each later than the last accepted).
    for offset in [-1, 1] {
        let c = challenge(&app, "ada@acme.example", None).await;
        let res = second_factor(&app, &c, &code(&app, &secret, offset)).await;
        assert_eq!(res.status(), StatusCode::OK, "offset {offset}");
    }
    // Now's code is older than the last one accepted: refused as a replay would be.
    let c = challenge(&app, "ada@acme.example", None).await;
    let res = second_factor(&app, &c, &code(&app, &secret, 0)).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_code").await;
}

#[tokio::test]
async fn wrong_codes_are_limited_per_person_and_a_password_reset_forgives_them() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, _) = enroll(&app, &ada.token).await;
    let c = challenge(&app, "ada@acme.example", None).await;
    // Five wrong codes in a row, and a sixth that starts the wait.
    for _ in 0..6 {
        let res = second_factor(&app, &c, "000000").await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_code").await;
    }
    // Past the limit, even the right code waits — through any challenge.
    let other = challenge(&app, "ada@acme.example", None).await;
    let right = fresh_code(&app, &secret);
    let res = second_factor(&app, &other, &right).await;
    let retry: i64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    // A reset with the code sent to the login forgives them, and kills older challenges.
    let sent = app.codes_sent("ada@acme.example").len();
    let res = app
        .post(
            "/v1/auth/password-reset",
            None,
            json!({"login": "ada@acme.example"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let reset_code = app.code_sent("ada@acme.example", sent).await;
    let new_password = "a brand new passphrase";
    let res = app
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"login": "ada@acme.example", "code": reset_code, "new_password": new_password}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = second_factor(&app, &other, &right).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_challenge").await;
    // Two-step stays on: the new password answers a challenge, and the app's code completes it.
    let (status, body) = app.login("ada@acme.example", new_password, None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let res = second_factor(&app, body["challenge"].as_str().unwrap(), &right).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_challenge_is_ours_unexpired_and_nothing_else() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, _) = enroll(&app, &ada.token).await;
    let c = challenge(&app, "ada@acme.example", None).await;
    for forged in [ada.token.as_str(), "not.a.challenge", &format!("{c}x")] {
        let res = second_factor(&app, forged, &fresh_code(&app, &secret)).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_challenge").await;
    }
    app.clock.advance(chrono::Duration::seconds(301));
    let res = second_factor(&app, &c, &fresh_code(&app, &secret)).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_challenge").await;
    // A body the schema refuses is 422, and no guess is counted for it.
    let fresh = challenge(&app, "ada@acme.example", None).await;
    let res = second_factor(&app, &fresh, "12-34").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["code"]);
}

#[tokio::test]
async fn one_code_sent_twice_at_once_lets_in_once() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, recovery) = enroll(&app, &ada.token).await;
    for code in [fresh_code(&app, &secret), recovery[0].clone()] {
        let (one, two) = (
            challenge(&app, "ada@acme.example", None).await,
            challenge(&app, "ada@acme.example", None).await,
        );
        let (a, b) = tokio::join!(
            second_factor(&app, &one, &code),
            second_factor(&app, &two, &code)
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 401], "{code}");
    }
}

#[tokio::test]
async fn a_user_dismissed_between_the_password_and_the_code_is_not_let_in() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "basic").await;
    let group = app.workgroup(&ada.token, "Clients", true).await;
    let ext = app
        .join(&ada.token, "extranet", Some(&group), "+14155550133")
        .await;
    let (secret, _) = enroll(&app, &ext.token).await;
    let c = challenge(&app, "+14155550133", Some(&ada.account_id)).await;
    app.dismiss(&ada.token, &ext.id).await;
    let res = second_factor(&app, &c, &fresh_code(&app, &secret)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "user_dismissed").await;
}
