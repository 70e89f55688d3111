//! Nothing a stranger starts costs someone else (rule 11, issue #24 items 1, 2 and 6): codes
//! asked for by people who have proved nothing (sign-up codes; login-change codes to an address
//! the asker does not own yet) spend budgets of their own — per recipient, per client address,
//! and a ceiling per hour and channel for everyone — never the quota invitations rely on; they
//! carry no text the stranger chose; and wrong codes slow a guesser down without cancelling the
//! owner's code.

use crate::support::helpers::*;
use crate::support::processes::ServerProcess;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Instant;

/// A sign-up for `login` (an email or a phone) naming the account `name`, sent as if from
/// `client` (the server trusts 127.0.0.1 as a proxy in these tests); its status and body.
async fn sign_up_from(app: &TestApp, client: &str, login: &str, name: &str) -> (StatusCode, Value) {
    let field = if login.starts_with('+') {
        "phone"
    } else {
        "email"
    };
    let res = app
        .client
        .post(app.url("/v1/accounts"))
        .header("X-Forwarded-For", client)
        .json(&json!({"name": name, "plan": "free",
            "admin": {field: login, "password": PASSWORD, "first_name": "Eve", "last_name": "Mallory"}}))
        .send()
        .await
        .unwrap();
    json_of(res).await
}

async fn confirm_from(app: &TestApp, client: &str, login: &str, code: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/accounts/confirm"))
        .header("X-Forwarded-For", client)
        .json(&json!({"login": login, "code": code}))
        .send()
        .await
        .unwrap()
}

/// A server whose clients may be told apart by `X-Forwarded-For` from 127.0.0.1, with its
/// clock at the start of an hour (the budgets count per UTC hour).
async fn app_behind_a_proxy(configure: impl FnOnce(&mut api::config::RawConfig)) -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.trusted_proxies = "127.0.0.1/32, ::1".into();
        configure(c);
    })
    .await;
    app.at_the_start_of_an_hour();
    app
}

#[tokio::test]
async fn sign_up_codes_strangers_ask_for_never_block_an_accounts_invitation() {
    let app = app_behind_a_proxy(|_| {}).await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;

    // Ten sign-ups naming the victim, from ten addresses.
    let mut answers = Vec::new();
    for i in 0..10 {
        let (status, body) = sign_up_from(
            &app,
            &format!("198.51.100.{i}"),
            "victim@contractor.example",
            "Totally Legit Ltd",
        )
        .await;
        answers.push((status, body["code"].clone()));
    }
    // The account's invitation to the victim is not refused for it.
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "victim@contractor.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}; sign-ups: {answers:?}");
    app.email_token("victim@contractor.example", 0).await;

    // The victim received a few codes this hour, not ten: the rest were refused with a wait.
    let sent = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::ACCEPTED)
        .count();
    let refused = answers
        .iter()
        .filter(|(s, c)| *s == StatusCode::TOO_MANY_REQUESTS && c == "sending_quota_exceeded")
        .count();
    assert_eq!((sent, refused), (3, 7), "{answers:?}");
    assert_documented(StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded");
    let deadline = Instant::now() + std::time::Duration::from_secs(15);
    while app.codes_sent("victim@contractor.example").len() < 3 {
        assert!(Instant::now() < deadline, "the three codes did not arrive");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // An hour later the victim can sign up after all (their own budget starts over).
    app.clock.advance(Duration::hours(1));
    let (status, body) = sign_up_from(
        &app,
        "203.0.113.7",
        "victim@contractor.example",
        "Victim's own",
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
}

#[tokio::test]
async fn login_change_codes_to_someone_elses_address_never_block_their_invitations() {
    // The strangers' own sign-ups all come from 127.0.0.1: no budget per client address here.
    let app = app_behind_a_proxy(|c| c.code_per_client_per_hour = 0).await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    // Ten strangers with profiles of their own ask for the victim's address as their login.
    let mut answers = Vec::new();
    for i in 0..10 {
        let eve = app
            .sign_up(&format!("eve{i}@strangers.example"), "free")
            .await;
        let res = app
            .client
            .post(app.url("/v1/network/profile/login-change"))
            .bearer_auth(&eve.token)
            .header("X-Forwarded-For", format!("198.51.100.{i}"))
            .json(&json!({"new_email": "victim@contractor.example", "current_password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let retry = res.headers().contains_key("retry-after");
        let (status, body) = json_of(res).await;
        answers.push((status, body["code"].clone(), retry));
    }
    // The account's invitation to the victim goes all the same.
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "victim@contractor.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}; asked: {answers:?}");
    // A few codes reached the victim this hour; the rest were refused with a wait.
    let expected: Vec<(StatusCode, Value, bool)> = (0..10)
        .map(|i| {
            if i < 3 {
                (StatusCode::ACCEPTED, Value::Null, false)
            } else {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    json!("sending_quota_exceeded"),
                    true,
                )
            }
        })
        .collect();
    assert_eq!(answers, expected);
}

#[tokio::test]
async fn one_address_asking_for_codes_for_many_logins_meets_its_own_budget() {
    let app = app_behind_a_proxy(|c| c.code_per_client_per_hour = 4).await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let (status, body) = sign_up_from(
            &app,
            "198.51.100.1",
            &format!("person{i}@somewhere.example"),
            "Acme",
        )
        .await;
        statuses.push((status, body["code"].clone()));
    }
    let expected: Vec<(StatusCode, Value)> = (0..6)
        .map(|i| {
            if i < 4 {
                (StatusCode::ACCEPTED, Value::Null)
            } else {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    json!("sending_quota_exceeded"),
                )
            }
        })
        .collect();
    assert_eq!(statuses, expected);
    // Another address is not held back by it.
    let (status, _) = sign_up_from(&app, "198.51.100.2", "someone@else.example", "Acme").await;
    assert_eq!(status, StatusCode::ACCEPTED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn text_messages_to_strangers_have_an_hourly_ceiling_an_operator_hears_of() {
    let (_db, url) = TestDatabase::create();
    let sms = SmsGateway::start().await;
    let server = ServerProcess::start_with(
        &url,
        &sms.url,
        &[
            ("EXTRANET_CODE_SMS_PER_HOUR", "2"),
            ("EXTRANET_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    let mut answers = Vec::new();
    for i in 0..3 {
        let res = client
            .post(format!("{}/v1/accounts", server.address))
            .header("X-Forwarded-For", format!("198.51.100.{i}"))
            .json(
                &json!({"name": "Acme", "admin": {"phone": format!("+1415555{:04}", 200 + i),
                "password": PASSWORD, "first_name": "Eve", "last_name": "Mallory"}}),
            )
            .send()
            .await
            .unwrap();
        let retry = res.headers().get("retry-after").cloned();
        let (status, body) = json_of(res).await;
        answers.push((status, body["code"].clone(), retry.is_some()));
    }
    assert_eq!(
        answers,
        [
            (StatusCode::ACCEPTED, Value::Null, false),
            (StatusCode::ACCEPTED, Value::Null, false),
            (
                StatusCode::TOO_MANY_REQUESTS,
                json!("sending_quota_exceeded"),
                true
            ),
        ]
    );
    // Email sign-ups go on.
    let res = client
        .post(format!("{}/v1/accounts", server.address))
        .header("X-Forwarded-For", "198.51.100.9")
        .json(&sign_up_body("ann@client.example", PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // The operator's log says so, once, in words an alert can match.
    let deadline = Instant::now() + std::time::Duration::from_secs(15);
    while !server.output().contains("code_ceiling_reached") {
        assert!(
            Instant::now() < deadline,
            "no log line: {}",
            server.output()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn sign_up_by_text_message_can_be_switched_off() {
    let app = TestApp::spawn_with(|c| c.signup_sms = false).await;
    let (status, problem) = json_of(
        app.post(
            "/v1/accounts",
            None,
            json!({"name": "Acme", "admin": {"phone": "+14155550100", "password": PASSWORD,
                "first_name": "Eve", "last_name": "Mallory"}}),
        )
        .await,
    )
    .await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(problem["errors"][0]["field"], "admin.phone", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "sign_up_by_phone_disabled");
    assert_eq!(app.sms.count(), 0);
    // By email it works.
    app.sign_up("ada@acme.example", "free").await;
}

#[tokio::test]
async fn a_sign_up_code_carries_no_text_the_stranger_chose() {
    let app = TestApp::spawn().await;
    let bait = "ACME BANK: card blocked, call +1-900-555-0199 or visit http://evil.example/unlock";
    let body = json!({"name": bait, "admin": {"phone": "+14155550123", "password": PASSWORD,
        "first_name": "Visit evil.example", "last_name": "Now"}});
    let (status, _) = json_of(app.post("/v1/accounts", None, body).await).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let texts = app.sms.wait_for("+14155550123", 1).await;
    let text = texts[0]["text"].as_str().unwrap();
    for chosen in ["ACME", "evil.example", "900", "Visit", "Now"] {
        assert!(!text.contains(chosen), "{chosen} in {text:?}");
    }
    let code = app.code_sent("+14155550123", 0).await;
    assert!(text.starts_with(&format!("{code} is your code")), "{text}");
    assert!(text.contains("Not you? Ignore"), "{text}");

    // By email neither: subject and body.
    let body = json!({"name": bait, "admin": {"email": "victim@corp.example", "password": PASSWORD,
        "first_name": "Visit evil.example", "last_name": "Now"}});
    let (status, _) = json_of(app.post("/v1/accounts", None, body).await).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let code = app.code_sent("victim@corp.example", 0).await;
    let mail = app.mail.inbox.all();
    let message = mail
        .iter()
        .find(|m| m["to"].to_string().contains("victim@corp.example"))
        .unwrap();
    let said = format!("{} {}", message["subject"], message["body"]);
    for chosen in ["ACME", "evil.example", "900", "Visit", "Now"] {
        assert!(!said.contains(chosen), "{chosen} in {said:?}");
    }
    // Once confirmed, the account has the name it was given.
    let (status, created) = json_of(
        app.post(
            "/v1/accounts/confirm",
            None,
            json!({"login": "victim@corp.example", "code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["account"]["name"], bait);
}

#[tokio::test]
async fn wrong_codes_slow_a_guesser_down_but_never_cancel_the_owners_sign_up() {
    let app = app_behind_a_proxy(|_| {}).await;
    let (status, _) = sign_up_from(&app, "203.0.113.7", "owner@corp.example", "Owner's").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let code = app.code_sent("owner@corp.example", 0).await;
    let wrong = other_than(&code);

    // A guesser from many addresses: a few tries go through, then each waits longer.
    let mut waits = Vec::new();
    let mut tried = 0;
    for i in 0..12 {
        let res = confirm_from(
            &app,
            &format!("198.51.100.{i}"),
            "owner@corp.example",
            wrong,
        )
        .await;
        match res.status() {
            StatusCode::UNPROCESSABLE_ENTITY => {
                tried += 1;
                assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                let wait = retry_after(&res);
                assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
                waits.push(wait);
                app.clock.advance(Duration::seconds(wait));
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(tried + waits.len(), 12);
    assert!(
        tried < 12 && waits.len() >= 3,
        "tried {tried}, waits {waits:?}"
    );
    assert!(
        waits.windows(2).all(|w| w[1] > w[0]),
        "each wait longer than the last: {waits:?}"
    );
    // One more wrong code: now the login waits, and even the right code waits (the answer
    // tells nothing)…
    let res = confirm_from(&app, "198.51.100.99", "owner@corp.example", wrong).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    let res = confirm_from(&app, "203.0.113.7", "owner@corp.example", &code).await;
    let wait = retry_after(&res);
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(wait > *waits.last().unwrap(), "{wait} after {waits:?}");
    // …and once the wait is over the owner's code still works.
    app.clock.advance(Duration::seconds(wait));
    let res = confirm_from(&app, "203.0.113.7", "owner@corp.example", &code).await;
    let (status, created) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["account"]["name"], "Owner's");
}

#[tokio::test]
async fn one_address_guessing_codes_for_many_logins_is_slowed_down_too() {
    let app = app_behind_a_proxy(|_| {}).await;
    let mut logins = Vec::new();
    for i in 0..15 {
        let login = format!("person{i}@corp.example");
        let (status, _) = sign_up_from(&app, &format!("203.0.113.{i}"), &login, "Acme").await;
        assert_eq!(status, StatusCode::ACCEPTED);
        logins.push(login);
    }
    let mut statuses = Vec::new();
    for login in &logins {
        let wrong = other_than(&app.code_sent(login, 0).await);
        let res = confirm_from(&app, "198.51.100.1", login, wrong).await;
        statuses.push(res.status());
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "one address tried a code on each of 15 logins unhindered: {statuses:?}"
    );
    // Each owner's code still works from their own address.
    let code = app.code_sent(&logins[14], 0).await;
    let res = confirm_from(&app, "203.0.113.14", &logins[14], &code).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}
