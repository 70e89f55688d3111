//! Resetting a forgotten password (issue #26 item 2, rules 9 and 11): asked for by naming a
//! login, answered alike whether or not it is anyone's; a six-digit code to a profile's login
//! only, single use, short-lived; wrong codes slow a guesser but never cancel the owner's code,
//! and a second request leaves the first code good; the right one ends every session. What a
//! stranger starts carries none of their words and never spends an account's quota.

use super::password_change::{mails, me_status, session, NEW_PASSWORD};
use crate::support::drain::outbox_drained;
use crate::support::helpers::*;
use crate::support::requests::refresh;
use chrono::Duration;
use domain::delivery::render_password_reset_code;
use domain::enums::Channel;
use domain::locale::Locale;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

/// Asks for a reset of `login` as if from `client` (the server trusts 127.0.0.1 as a proxy
/// where the test says so); the status and body.
async fn ask_from(app: &TestApp, client: &str, login: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url("/v1/auth/password-reset"))
        .header("X-Forwarded-For", client)
        .json(&json!({"login": login}))
        .send()
        .await
        .unwrap();
    json_of(res).await
}

async fn ask(app: &TestApp, login: &str) -> (StatusCode, Value) {
    ask_from(app, "198.51.100.1", login).await
}

async fn confirm_from(
    app: &TestApp,
    client: &str,
    login: &str,
    code: &str,
    new_password: &str,
) -> Response {
    app.client
        .post(app.url("/v1/auth/password-reset/confirm"))
        .header("X-Forwarded-For", client)
        .json(&json!({"login": login, "code": code, "new_password": new_password}))
        .send()
        .await
        .unwrap()
}

async fn confirm(app: &TestApp, login: &str, code: &str, new_password: &str) -> Response {
    confirm_from(app, "198.51.100.1", login, code, new_password).await
}

/// Asks for a reset of `login` (a profile's) and returns the code that reached it.
async fn reset_code(app: &TestApp, login: &str) -> String {
    let before = app.codes_sent(login).len();
    let (status, body) = ask(app, login).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    app.code_sent(login, before).await
}

async fn behind_a_proxy(configure: impl FnOnce(&mut api::config::RawConfig)) -> TestApp {
    TestApp::spawn_with(|c| {
        c.trusted_proxies = "127.0.0.1/32, ::1".into();
        configure(c);
    })
    .await
}

#[tokio::test]
async fn a_reset_is_answered_alike_for_known_and_unknown_logins_and_only_a_profile_hears() {
    let app = behind_a_proxy(|_| {}).await;
    app.sign_up("ada@acme.example", "free").await;
    // The sign-up's code counted against her address this hour: start a fresh one.
    app.clock.advance(Duration::hours(1));
    app.at_the_start_of_an_hour();
    let before = app.codes_sent("ada@acme.example").len();

    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..4 {
        known.push(ask(&app, "ADA@acme.example ").await);
        unknown.push(ask(&app, "nobody@acme.example").await);
    }
    // The same statuses and bodies, the login aside: three sent, then the address's budget
    // of codes is spent — for the unknown login as for the known one.
    // (A refusal's wait may differ by the second that passed between two requests.)
    let without_login = |(status, mut body): (StatusCode, Value)| {
        if status == StatusCode::ACCEPTED {
            assert!(body["login"].is_string(), "{body}");
            body["login"] = Value::Null;
        } else {
            let detail = body["detail"].as_str().unwrap_or_default();
            body["detail"] = json!(detail.replace(|c: char| c.is_ascii_digit(), ""));
        }
        (status, body)
    };
    let known: Vec<_> = known.into_iter().map(without_login).collect();
    let unknown: Vec<_> = unknown.into_iter().map(without_login).collect();
    assert_eq!(known, unknown);
    let statuses: Vec<_> = known.iter().map(|(s, b)| (*s, b["code"].clone())).collect();
    assert_eq!(
        statuses,
        [
            (StatusCode::ACCEPTED, Value::Null),
            (StatusCode::ACCEPTED, Value::Null),
            (StatusCode::ACCEPTED, Value::Null),
            (
                StatusCode::TOO_MANY_REQUESTS,
                json!("sending_quota_exceeded")
            ),
        ]
    );
    assert_eq!(known[0].1["status"], "reset_requested");
    assert_eq!(known[0].1["expires_in"], 900);

    // Only the profile's login was sent anything: three codes, and nothing to nobody.
    outbox_drained(&app).await;
    assert_eq!(app.codes_sent("ada@acme.example").len(), before + 3);
    let to_nobody: Vec<Value> = app
        .mail
        .inbox
        .all()
        .into_iter()
        .filter(|m| m.to_string().contains("nobody@"))
        .collect();
    assert!(to_nobody.is_empty(), "{to_nobody:?}");
    // The unknown login's codes are as wrong as any.
    let res = confirm(&app, "nobody@acme.example", "123456", NEW_PASSWORD).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
}

#[tokio::test]
async fn the_code_resets_once_and_every_session_ends() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let first_refresh = ada.body["refresh_token"].as_str().unwrap().to_owned();
    let (other, other_refresh) = session(&app, "ada@acme.example", &ada.account_id).await;
    let code = reset_code(&app, "ada@acme.example").await;

    let res = confirm(&app, "ada@acme.example", other_than(&code), NEW_PASSWORD).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    // A new password outside the policy: the code is not even tried.
    let res = confirm(&app, "ada@acme.example", &code, "short").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["new_password"]);
    // Nothing changed so far.
    assert_eq!(me_status(&app, &other).await, StatusCode::OK);

    let res = confirm(&app, "ada@acme.example", &code, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Every session ended: access tokens at once, refresh tokens dead.
    for token in [&ada.token, &other] {
        let res = app.get("/v1/me", token).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    for refresh_token in [&first_refresh, &other_refresh] {
        let (status, body) = refresh(&app, refresh_token).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("invalid_refresh_token"))
        );
    }
    // The old password fails, the new one works.
    let (status, body) = app.login("ada@acme.example", PASSWORD, None).await;
    assert_refused(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    let (status, body) = app.login("ada@acme.example", NEW_PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The code worked once.
    let res = confirm(&app, "ada@acme.example", &code, "yet another passphrase").await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    let told = mails(&app, "ada@acme.example", "Your password was reset", 1).await;
    let text = told[0]["body"].as_str().unwrap();
    assert!(text.contains("every session was signed out"), "{text}");
}

#[tokio::test]
async fn wrong_codes_slow_the_guesser_but_never_cancel_the_owners_code() {
    let app = behind_a_proxy(|_| {}).await;
    app.sign_up("ada@acme.example", "free").await;
    let first = reset_code(&app, "ada@acme.example").await;
    // A second request (hers, or a stranger's) leaves the first code good.
    let second = reset_code(&app, "ada@acme.example").await;

    // A stranger guesses from elsewhere: each try after the fifth waits longer.
    let stranger = "203.0.113.66";
    let mut waits = Vec::new();
    let wrong = if first == "000000" || second == "000000" {
        "999999"
    } else {
        "000000"
    };
    for _ in 0..9 {
        let res = confirm_from(
            &app,
            stranger,
            "ada@acme.example",
            wrong,
            "stolen passphrase",
        )
        .await;
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
    // The owner's right code waits too (the answer tells the guesser nothing), then works.
    let res = confirm(&app, "ada@acme.example", &first, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(Duration::seconds(retry_after(&res)));
    let res = confirm(&app, "ada@acme.example", &first, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.login("ada@acme.example", NEW_PASSWORD, None).await.0,
        StatusCode::OK
    );
    // The reset spent every code of hers: the second one resets nothing now.
    let res = confirm(&app, "ada@acme.example", &second, "a third passphrase").await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
}

#[tokio::test]
async fn a_code_is_short_lived_and_good_only_for_the_login_it_went_to() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@acme.example", "free").await;
    app.sign_up("bob@acme.example", "free").await;
    let bobs = reset_code(&app, "bob@acme.example").await;
    let res = confirm(&app, "ada@acme.example", &bobs, NEW_PASSWORD).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    // Fifteen minutes, not sixteen.
    let adas = reset_code(&app, "ada@acme.example").await;
    app.clock.advance(Duration::minutes(16));
    let res = confirm(&app, "ada@acme.example", &adas, NEW_PASSWORD).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    for (login, password) in [
        ("ada@acme.example", PASSWORD),
        ("bob@acme.example", PASSWORD),
    ] {
        assert_eq!(app.login(login, password, None).await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_reset_message_carries_no_text_the_requester_chose() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@acme.example", "free").await;
    let before = app.codes_sent("ada@acme.example").len();
    // Nothing can be slipped in beside the login.
    let res = app
        .post(
            "/v1/auth/password-reset",
            None,
            json!({"login": "ada@acme.example", "message": "Urgent: call +1 900 555 0199"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    // Nor in the headers of the request.
    let res = app
        .client
        .post(app.url("/v1/auth/password-reset"))
        .header("User-Agent", "Urgent: visit http://evil.example")
        .header("X-Request-Id", "call-900-555-0199")
        .json(&json!({"login": "ada@acme.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let code = app.code_sent("ada@acme.example", before).await;
    outbox_drained(&app).await;
    assert_eq!(app.codes_sent("ada@acme.example").len(), before + 1);
    let sent = mails(
        &app,
        "ada@acme.example",
        &format!("{code} is your code to reset your Extranet password"),
        1,
    )
    .await;
    // Exactly our words: the code, the product, the page on this server for that login.
    let public_url = api::config::RawConfig::default().public_url;
    let page = format!("{public_url}/reset-password#login=ada@acme.example");
    let ours = render_password_reset_code(Locale::En, Channel::Email, &code, 15, &page);
    let body = sent[0]["body"].as_str().unwrap().replace("\r\n", "\n");
    assert_eq!(body.trim_end(), ours.text.trim_end());
    let all = sent[0].to_string();
    // (The whole number: a message id is random hex, and may hold `900`.)
    assert!(
        !all.contains("evil") && !all.contains("900-555-0199"),
        "{all}"
    );
}

#[tokio::test]
async fn a_reset_never_spends_an_accounts_quota_or_the_recipients() {
    // One email an hour per account, one message a day per recipient.
    let app = TestApp::spawn_with(|c| {
        c.quota_email_per_hour = 1;
        c.quota_per_recipient_per_day = 1;
    })
    .await;
    app.at_the_start_of_an_hour();
    let ada = app.sign_up("ada@acme.example", "free").await;
    let bob = app.sign_up("bob@globex.example", "free").await;
    app.clock.advance(Duration::hours(1));
    for _ in 0..3 {
        reset_code(&app, "ada@acme.example").await;
    }
    let code = reset_code(&app, "bob@globex.example").await;
    let res = confirm(&app, "bob@globex.example", &code, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    mails(&app, "bob@globex.example", "Your password was reset", 1).await;
    // Ada's account still sends its one email this hour...
    let group = app.workgroup(&ada.token, "Site", true).await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&ada.token),
            invite_body(&group, "ann@client.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // ...and Ada can still receive her one message of the day, from Bob's account.
    let bob_token = app
        .login("bob@globex.example", NEW_PASSWORD, Some(&bob.account_id))
        .await
        .1["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = app.workgroup(&bob_token, "Supply chain", true).await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&bob_token),
            invite_body(&group, "ada@acme.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_reset_lets_the_owner_in_at_once_after_a_guesser_locked_their_logins() {
    let app = TestApp::spawn_with(|c| {
        c.login_failure_burst = 2;
        c.login_failure_interval_seconds = 3600;
    })
    .await;
    app.sign_up("ada@acme.example", "free").await;
    for _ in 0..3 {
        app.login("ada@acme.example", "a guess", None).await;
    }
    let (status, body) = app.login("ada@acme.example", PASSWORD, None).await;
    assert_refused(status, &body, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let code = reset_code(&app, "ada@acme.example").await;
    let res = confirm(&app, "ada@acme.example", &code, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (status, body) = app.login("ada@acme.example", NEW_PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The guesser starts over like anyone: a few free failures, then the wait again.
    for _ in 0..3 {
        app.login("ada@acme.example", "another guess", None).await;
    }
    let (status, _) = app.login("ada@acme.example", NEW_PASSWORD, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_phone_login_resets_by_text_message() {
    let app = TestApp::spawn().await;
    let phone = "+14155550123";
    let (status, body) = app
        .sign_up_with(
            json!({"name": "Acme", "admin": {"phone": phone, "password": PASSWORD,
            "first_name": "Ada", "last_name": "Lovelace"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Typed with spaces, as people do: the code goes to the number it means.
    let before = app.codes_sent(phone).len();
    let (status, body) = ask(&app, "+1 415 555 0123").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["login"], phone);
    let code = app.code_sent(phone, before).await;
    let res = confirm(&app, "+1 (415) 555-0123", &code, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.login(phone, NEW_PASSWORD, None).await.0, StatusCode::OK);
    let texts = app.sms.wait_for(phone, before + 2).await;
    let notice = texts.last().unwrap()["text"].as_str().unwrap().to_owned();
    assert!(notice.contains("was reset"), "{notice}");
}

#[tokio::test]
async fn a_stranger_spending_sign_up_codes_on_an_address_leaves_its_reset_codes_alone() {
    let app = behind_a_proxy(|_| {}).await;
    app.sign_up("ann@client.example", "basic").await;
    // A stranger asks for sign-ups in Ann's name until her address's sign-up budget is spent.
    let mut status = StatusCode::ACCEPTED;
    for n in 0..10 {
        let res = app
            .client
            .post(app.url("/v1/accounts"))
            .header("X-Forwarded-For", format!("203.0.113.{n}"))
            .json(&json!({"name": "Not Ann's", "plan": "basic",
                "admin": {"email": "ann@client.example", "password": PASSWORD,
                          "first_name": "Ann", "last_name": "Lee"}}))
            .send()
            .await
            .unwrap();
        status = res.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let (_, body) = json_of(res).await;
            assert_eq!(body["code"], "sending_quota_exceeded", "{body}");
            assert!(
                body["detail"].as_str().unwrap().contains("sign-up codes"),
                "{body}"
            );
            break;
        }
    }
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the sign-up budget never ran out"
    );
    // Ann's reset still reaches her (after the stranger's codes), and works.
    outbox_drained(&app).await;
    let code = reset_code(&app, "ann@client.example").await;
    let res = confirm(&app, "ann@client.example", &code, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (status, _) = app.login("ann@client.example", NEW_PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK);
}
