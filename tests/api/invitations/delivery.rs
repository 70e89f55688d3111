//! Invitation messages are deliveries too: each invitation shows what became of its message,
//! the list filters by it, a message given up tells the account's webhooks
//! (`invitation.delivery_failed`), and a resend withdraws a message that has not left yet (its
//! link is dead).

use crate::support::helpers::{json_of, TestApp};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PHONE: &str = "+14155550123";

async fn invite(app: &TestApp, token: &str, group: &str) -> Value {
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(token),
            json!({"type": "extranet", "workgroup_id": group,
                   "invitees": [{"phone": PHONE, "first_name": "Pat", "last_name": "Doe"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["results"][0]["invitation"].clone()
}

/// The invitation, once `done` says its delivery is as wanted.
async fn until(app: &TestApp, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, invitation) = app
            .json(Method::GET, &format!("/v1/invitations/{id}"), token, None)
            .await;
        if done(&invitation["delivery"]) {
            return invitation;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "delivery never got there: {invitation}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

async fn listed(app: &TestApp, token: &str, delivery: &str) -> Vec<String> {
    let (status, page) = app
        .json(
            Method::GET,
            &format!("/v1/invitations?delivery={delivery}"),
            token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_invitation_shows_its_message_queued_retried_and_finally_failed() {
    let app = crate::support::webhooks::webhook_app().await;
    let receiver = crate::support::webhook_receiver::Receiver::start().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let hook = crate::support::webhooks::subscribe(
        &app,
        &admin.token,
        &receiver.url,
        &["invitation.delivery_failed"],
    )
    .await;
    // The clock moves hours ahead below: an API token outlives the access token.
    let (status, key) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            Some(json!({"name": "watcher", "scopes": ["invitations:read"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let reader = key["token"].as_str().unwrap().to_owned();
    // The gateway answers 500 until the attempts run out.
    app.sms.refuse_with(500);
    app.sms.refuse_next(1_000);
    let created = invite(&app, &admin.token, &group).await;
    assert_eq!(created["delivery"]["state"], "queued");
    assert_eq!(created["delivery"]["attempts"], 0);
    let id = created["id"].as_str().unwrap().to_owned();

    // The first attempt fails: still queued, with the reason and the next try.
    let first = until(&app, &reader, &id, |d| d["attempts"] == 1).await;
    let delivery = &first["delivery"];
    assert_eq!(delivery["state"], "queued", "{delivery}");
    let reason = delivery["last_error"].as_str().unwrap();
    assert_eq!(reason, "SMS gateway answered 500 Internal Server Error");
    assert!(
        !reason.contains("127.0.0.1") && !reason.contains("http"),
        "{reason}"
    );
    assert!(delivery["next_attempt_at"].is_string());
    assert_eq!(listed(&app, &reader, "queued").await, [id.as_str()]);

    // Every later attempt fails too, until the last: then `failed`, and no next try.
    let mut attempts = 1;
    let failed = loop {
        app.clock.advance(Duration::hours(2));
        let seen = attempts;
        let now = until(&app, &reader, &id, |d| {
            d["attempts"].as_u64().unwrap_or(0) > seen || d["state"] == "failed"
        })
        .await;
        attempts = now["delivery"]["attempts"].as_u64().unwrap();
        if now["delivery"]["state"] == "failed" {
            break now;
        }
    };
    assert_eq!(failed["delivery"]["attempts"], 12, "{failed}");
    assert!(failed["delivery"]["next_attempt_at"].is_null());
    assert!(failed["delivery"]["last_error"]
        .as_str()
        .unwrap()
        .contains("500"));
    assert_eq!(listed(&app, &reader, "failed").await, [id.as_str()]);
    assert!(listed(&app, &reader, "queued").await.is_empty());
    // The account's webhook hears of it, with the reason.
    let told = receiver.wait_for("invitation.delivery_failed", 1).await;
    assert!(crate::support::webhook_receiver::signature_is_valid_at(
        &told[0],
        hook["secret"].as_str().unwrap(),
        app.clock.now()
    ));
    let event = &told[0]["event"];
    assert_eq!(event["data"]["invitation"]["id"], id.as_str());
    assert_eq!(event["data"]["invitation"]["delivery"], failed["delivery"]);
    assert_eq!(event["data"]["change"]["login"], PHONE);
    assert_eq!(event["data"]["change"]["channel"], "sms");
    assert!(event["data"]["change"]["error"]
        .as_str()
        .unwrap()
        .contains("500"));
    assert!(
        event["actor"].is_null(),
        "the server itself gave up: {event}"
    );
    // The page shows it too.
    let (_, page) = app
        .json(Method::GET, "/v1/invitations", &reader, None)
        .await;
    assert_eq!(page["items"][0]["delivery"]["state"], "failed");
    assert!(listed(&app, &reader, "sent").await.is_empty());
    // Another account sees none of it.
    let other = app.sign_up("eve@other.example", "free").await;
    assert!(listed(&app, &other.token, "queued").await.is_empty());
    assert!(listed(&app, &other.token, "failed").await.is_empty());
}

#[tokio::test]
async fn a_resend_withdraws_the_message_that_has_not_left() {
    let app = TestApp::spawn_with(|c| c.resend_interval_seconds = 0).await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;

    // Delivered at once: `sent`, one attempt.
    let delivered = invite(&app, &admin.token, &group).await;
    let delivered_id = delivered["id"].as_str().unwrap().to_owned();
    let sent = until(&app, &admin.token, &delivered_id, |d| d["state"] == "sent").await;
    assert_eq!(sent["delivery"]["attempts"], 1);
    assert!(sent["delivery"]["last_error"].is_null());
    assert_eq!(
        listed(&app, &admin.token, "sent").await,
        [delivered_id.as_str()]
    );
    let res = app
        .post(
            &format!("/v1/invitations/{delivered_id}/revoke"),
            Some(&admin.token),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.sms.count(), 1);

    // The gateway is down: the message waits for its second attempt when it is resent.
    app.sms.refuse_next(1);
    let created = invite(&app, &admin.token, &group).await;
    let id = created["id"].as_str().unwrap().to_owned();
    until(&app, &admin.token, &id, |d| d["attempts"] == 1).await;
    let (status, resent) = json_of(app.resend(&admin.token, &id).await).await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(resent["delivery"]["state"], "queued");
    assert_eq!(resent["delivery"]["attempts"], 0);

    // Only the new message arrives, with the new link; the old one never goes.
    let now_sent = until(&app, &admin.token, &id, |d| d["state"] == "sent").await;
    assert_eq!(now_sent["sent_count"], 2);
    app.clock.advance(Duration::hours(2));
    crate::support::drain::outbox_drained(&app).await;
    let texts = app.sms.wait_for(PHONE, 2).await;
    assert_eq!(app.sms.count(), 2, "{texts:?}");
    let token = crate::support::helpers::token_in(texts[1]["text"].as_str().unwrap());
    let (status, _) = json_of(
        app.post("/v1/invitations/lookup", None, json!({"token": token}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}
