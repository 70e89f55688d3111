//! Setting two-step up: the password asked, a secret an app reads, nothing on until a first
//! code confirms it, ten recovery codes shown once, other sessions ended; switching it off
//! needs the password and a code.

use super::*;
use crate::auth::password_change::{mails, me_status, session};

#[tokio::test]
async fn a_set_up_is_on_only_once_a_first_code_confirms_it() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (other, other_refresh) = session(&app, "ada@acme.example", &ada.account_id).await;
    let off = two_factor_status(&app, &ada.token).await;
    assert_eq!(
        off,
        json!({"enabled": false, "pending": false, "recovery_codes_left": 0})
    );

    // The password is asked, and a wrong one counted.
    let res = app
        .post(
            "/v1/network/profile/two-factor",
            Some(&ada.token),
            json!({"current_password": "not my password"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "wrong_current_password").await;

    let (status, body) = app
        .json(
            Method::POST,
            "/v1/network/profile/two-factor",
            &ada.token,
            Some(json!({"current_password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let secret = TotpSecret::from_base32(body["secret"].as_str().unwrap()).unwrap();
    let uri = body["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Extranet:ada%40acme.example?secret="),
        "{uri}"
    );
    assert!(uri.contains(&format!("secret={}", body["secret"].as_str().unwrap())));
    assert_eq!(
        (&body["algorithm"], &body["digits"], &body["period"]),
        (&json!("SHA1"), &json!(6), &json!(30))
    );
    // Not on yet: a login still answers tokens.
    assert_eq!(two_factor_status(&app, &ada.token).await["pending"], true);
    assert_eq!(
        app.login("ada@acme.example", PASSWORD, None).await.0,
        StatusCode::OK
    );

    // A wrong code, and a code of a secret started over, confirm nothing.
    at_a_step_start(&app);
    let wrong = code(&app, &secret, 3);
    let (status, body) = confirm(&app, &ada.token, &wrong).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_code"))
    );
    let replaced = start(&app, &ada.token).await;
    let (status, _) = confirm(&app, &ada.token, &code(&app, &secret, 0)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(two_factor_status(&app, &ada.token).await["enabled"], false);

    let (status, body) = confirm(&app, &ada.token, &code(&app, &replaced, 0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes: Vec<&str> = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 10);
    let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), 10);
    for c in &codes {
        assert_eq!(c.len(), 11, "{c}");
        assert_eq!(&c[5..6], "-", "{c}");
    }
    let on = two_factor_status(&app, &ada.token).await;
    assert_eq!(
        (&on["enabled"], &on["pending"], &on["recovery_codes_left"]),
        (&json!(true), &json!(false), &json!(10))
    );
    assert!(on["enabled_at"].is_string());

    // This session goes on; every other one ended, refresh token too.
    assert_eq!(me_status(&app, &ada.token).await, StatusCode::OK);
    assert_eq!(me_status(&app, &other).await, StatusCode::UNAUTHORIZED);
    let res = app
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": other_refresh}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Nothing to confirm again, and no second set-up while on.
    let (status, body) = confirm(&app, &ada.token, &fresh_code(&app, &replaced)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("two_factor_enabled"))
    );
    let res = app
        .post(
            "/v1/network/profile/two-factor",
            Some(&ada.token),
            json!({"current_password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "two_factor_enabled").await;
    app.assert_audited(&["two_factor.enabled"]);
    mails(
        &app,
        "ada@acme.example",
        "Two-step authentication was switched on",
        1,
    )
    .await;
}

#[tokio::test]
async fn confirming_with_nothing_started_or_a_malformed_code_is_refused() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (status, body) = confirm(&app, &ada.token, "123456").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("two_factor_not_started"))
    );
    for bad in ["12345", "abcdefg", "abcde-fghjk", &"1".repeat(40)] {
        let (status, body) = confirm(&app, &ada.token, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(error_fields(&body), ["code"], "{bad}");
    }
}

#[tokio::test]
async fn switching_off_needs_the_password_and_a_code() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, recovery) = enroll(&app, &ada.token).await;
    let off = |current: &str, code: &str| json!({"current_password": current, "code": code});
    let delete = |body: Value| {
        let (app, token) = (&app, ada.token.clone());
        async move {
            json_of(
                app.call(
                    Method::DELETE,
                    "/v1/network/profile/two-factor",
                    Some(&token),
                    Some(body),
                )
                .await,
            )
            .await
        }
    };
    let (status, _) = delete(json!({"current_password": PASSWORD})).await;
    assert!(status.is_client_error(), "{status}");
    let (status, body) = delete(off("not my password", &fresh_code(&app, &secret))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("wrong_current_password"))
    );
    let (status, body) = delete(off(PASSWORD, &code(&app, &secret, 4))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_code"))
    );
    let (status, body) = delete(off(PASSWORD, "zzzzz-zzzzz")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_code"))
    );
    // Still on.
    challenge(&app, "ada@acme.example", None).await;

    // A recovery code does it too (the app's code is shown in `login.rs`).
    let (status, body) = delete(off(PASSWORD, &recovery[0].to_uppercase())).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(
        two_factor_status(&app, &ada.token).await,
        json!({"enabled": false, "pending": false, "recovery_codes_left": 0})
    );
    let (status, body) = app.login("ada@acme.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = delete(off(PASSWORD, &fresh_code(&app, &secret))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("two_factor_not_enabled"))
    );
    app.assert_audited(&["two_factor.enabled", "two_factor.disabled"]);
    mails(
        &app,
        "ada@acme.example",
        "Two-step authentication was switched off",
        1,
    )
    .await;
}

#[tokio::test]
async fn a_new_set_of_recovery_codes_replaces_the_old_one() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, old) = enroll(&app, &ada.token).await;
    let renew = |code: String| {
        let (app, token) = (&app, ada.token.clone());
        async move {
            app.json(
                Method::POST,
                "/v1/network/profile/two-factor/recovery-codes",
                &token,
                Some(json!({"code": code})),
            )
            .await
        }
    };
    // A wrong code, an unknown recovery code, the code already used: nothing changes.
    for wrong in [
        code(&app, &secret, 5),
        "zzzzz-zzzzz".to_owned(),
        code(&app, &secret, 0),
    ] {
        let (status, body) = renew(wrong).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_code")),
            "{body}"
        );
    }
    assert_eq!(
        two_factor_status(&app, &ada.token).await["recovery_codes_left"],
        10
    );

    let (status, body) = renew(fresh_code(&app, &secret)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new: Vec<String> = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(new.len(), 10);
    assert!(new.iter().all(|c| !old.contains(c)));
    // The old ones no longer work; a new one does.
    let c = challenge(&app, "ada@acme.example", None).await;
    let res = second_factor(&app, &c, &old[5]).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_code").await;
    log_in_with(&app, "ada@acme.example", None, &new[0]).await;
    app.assert_audited(&["two_factor.recovery_codes_renewed"]);
    crate::auth::password_change::mails(
        &app,
        "ada@acme.example",
        "New recovery codes were made",
        1,
    )
    .await;
}
