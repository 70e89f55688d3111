//! What one request or one account may make the server do (issue #8): at most 100 people a
//! batch, sending quotas per account, channel and address, and searches of at most 200
//! characters.

use crate::support::helpers::{
    admin_token, assert_problem, json_of, sign_up_body, TestApp, PASSWORD,
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_101_person_batch_is_refused_whole_and_sends_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let emails: Vec<String> = (0..101).map(|i| format!("p{i}@client.example")).collect();
    let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
    let res = invite_emails(&app, &admin.token, &group, &emails, false).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        (
            &problem["errors"][0]["field"],
            &problem["errors"][0]["code"]
        ),
        (&json!("invitees"), &json!("batch_size"))
    );
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["pending_invitations"], 0);
    assert_eq!(usage["sending"]["email"]["used"], 0);
    // A hundred is fine.
    let res = invite_emails(&app, &admin.token, &group, &emails[..100], false).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        app.usage(&admin.token).await["sending"]["email"]["used"],
        100
    );
}

/// A batch of `emails` into `group`; returns the response.
async fn invite_emails(
    app: &TestApp,
    token: &str,
    group: &str,
    emails: &[&str],
    dry_run: bool,
) -> reqwest::Response {
    let invitees: Vec<Value> = emails
        .iter()
        .map(|e| json!({"email": e, "first_name": "Ann", "last_name": "Lee"}))
        .collect();
    app.post(
        "/v1/invitations",
        Some(token),
        json!({"type": "extranet", "workgroup_id": group, "invitees": invitees, "dry_run": dry_run}),
    )
    .await
}

#[tokio::test]
async fn sending_quotas_refuse_a_batch_that_would_cross_them_whole_and_count_an_address_across_accounts(
) {
    let app = TestApp::spawn_with(|c| {
        c.quota_email_per_hour = 5;
        c.quota_sms_per_hour = 2;
        c.quota_per_recipient_per_day = 2;
    })
    .await;
    app.at_the_start_of_an_hour();
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let res = invite_emails(
        &app,
        &admin.token,
        &group,
        &["a@client.example", "b@client.example", "c@client.example"],
        false,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["sending"]["email"]["used"], 3, "{usage}");
    assert_eq!(usage["sending"]["email"]["limit"], 5);
    assert_eq!(usage["sending"]["per_recipient_per_day"], 2);

    // Three more would make six: the whole batch is refused, nothing is created or sent.
    let batch = ["d@client.example", "e@client.example", "f@client.example"];
    for dry_run in [true, false] {
        let res = invite_emails(&app, &admin.token, &group, &batch, dry_run).await;
        let retry: i64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=3600).contains(&retry), "{retry}");
        let problem =
            assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("5 email"),
            "{problem}"
        );
    }
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_invitations"].clone(),
            usage["sending"]["email"]["used"].clone()
        ),
        (json!(3), json!(3)),
        "{usage}"
    );
    let (_, listed) = json_of(app.get("/v1/invitations", &admin.token).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
    // Two fit exactly.
    let res = invite_emails(&app, &admin.token, &group, &batch[..2], false).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // Resending counts too.
    let id = listed["items"][0]["id"].as_str().unwrap();
    app.clock.advance(Duration::seconds(61));
    let res = app.resend(&admin.token, id).await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
    // SMS has its own hourly quota.
    app.invite_phone(&admin.token, &group, "+14155550101").await;
    app.invite_phone(&admin.token, &group, "+14155550102").await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group,
                   "invitees": [{"phone": "+14155550103", "first_name": "Pat", "last_name": "Doe"}]}),
        )
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
    // The next hour starts afresh.
    app.clock.advance(Duration::hours(1));
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let res = invite_emails(&app, &token, &group, &batch[2..], false).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // An address receives at most two messages a day, whichever accounts send them.
    let mut accounts = Vec::new();
    for admin_email in ["a1@one.example", "a2@two.example", "a3@three.example"] {
        let signed = app.sign_up(admin_email, "free").await;
        let group = app.workgroup(&signed.token, "Site", true).await;
        accounts.push((signed, group));
    }
    for (signed, group) in &accounts[..2] {
        let res = invite_emails(&app, &signed.token, group, &["bob@target.example"], false).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let (third, third_group) = &accounts[2];
    let res = invite_emails(
        &app,
        &third.token,
        third_group,
        &["ok@target.example", "bob@target.example"],
        false,
    )
    .await;
    let problem =
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("bob@target.example"));
    let (_, listed) = json_of(app.get("/v1/invitations", &third.token).await).await;
    assert_eq!(listed["items"], json!([]), "refused whole");
    // Sign-up codes, which strangers can ask for, have budgets of their own (rule 11): the
    // address's spent quota does not stop its owner signing up, nor do codes spend it.
    let res = app
        .post(
            "/v1/accounts",
            None,
            sign_up_body("bob@target.example", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn a_search_longer_than_200_characters_is_refused_before_it_reaches_the_database() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    for (path, long) in [
        ("/v1/users", "a".repeat(201)),
        ("/v1/invitations", "a".repeat(201)),
        ("/v1/users", "%25".repeat(3_400)),
        ("/v1/invitations", "b".repeat(10_000)),
    ] {
        let res = app.get(&format!("{path}?q={long}"), &admin.token).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "q", "{path}");
        assert_eq!(problem["errors"][0]["code"], "too_long", "{path}");
        let (status, _) = json_of(
            app.get(&format!("{path}?q={}", "a".repeat(200)), &admin.token)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}
