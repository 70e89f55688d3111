//! A webhook answers to whoever made it (issue #24, items 3c and 10): made through an API
//! token, it records the token and is switched off when the token is revoked or expires; made
//! by an administrator (or through one's token), it is switched off when that administrator is
//! dismissed or is one no longer — with the reason on the webhook, an audit event with no
//! actor, and nothing more queued for it. An administrator may switch it on again, taking it
//! over.

use crate::support::helpers::*;
use crate::support::requests::api_token;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{deliveries, deliveries_when, subscribe, webhook_app};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

async fn webhook(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, body) = app
        .json(Method::GET, &format!("/v1/webhooks/{id}"), token, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The webhook, once the server has switched it off (15 s at most).
async fn switched_off(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..300 {
        let hook = webhook(app, token, id).await;
        if hook["active"] == false {
            return hook;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the webhook is still on: {}", webhook(app, token, id).await);
}

/// The audit events `webhook.disabled` of webhook `id`.
async fn disabled_events(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let (status, page) = app
        .json(
            Method::GET,
            &format!("/v1/audit-events?action=webhook.disabled&target_id={id}"),
            token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

/// Requests the receiver got at `path`.
fn at(receiver: &Receiver, path: &str) -> Vec<Value> {
    receiver
        .inbox
        .all()
        .into_iter()
        .filter(|r| r["path"] == path)
        .collect()
}

#[tokio::test]
async fn a_webhook_made_through_a_token_is_switched_off_when_the_token_is_revoked() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let (token_id, token) =
        api_token(&app, &admin.token, &["webhooks:write", "workgroups:read"]).await;
    let hook = subscribe(
        &app,
        &token,
        &format!("{}/token", receiver.url),
        &["workgroup.created"],
    )
    .await;
    let id = hook["id"].as_str().unwrap();
    app.workgroup(&admin.token, "First", true).await;
    receiver.wait_for("workgroup.created", 1).await;

    let res = app
        .call(
            Method::DELETE,
            &format!("/v1/api-tokens/{token_id}"),
            Some(&admin.token),
            None,
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    app.workgroup(&admin.token, "Second", true).await;
    let log = deliveries(&app, &admin.token, id).await;
    assert_eq!(
        log.len(),
        1,
        "a delivery was queued for the webhook after its token was revoked: {log:?}"
    );
    let off = webhook(&app, &admin.token, id).await;
    assert_eq!(off["active"], false, "{off}");
    assert_eq!(off["disabled_cause"], "token_revoked", "{off}");
    let reason = off["disabled_reason"].as_str().unwrap();
    assert!(
        reason.contains(&token_id) && reason.contains("revoked"),
        "{reason}"
    );
    assert!(off["disabled_at"].is_string());
    assert_eq!(off["created_by_token_id"], token_id.as_str());
    assert_eq!(off["created_by"], admin.user_id.as_str());
    let audit = disabled_events(&app, &admin.token, id).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["actor"]["kind"], "system", "{}", audit[0]);
    assert_eq!(audit[0]["details"]["cause"], "token_revoked");
    assert_eq!(at(&receiver, "/hook/token").len(), 1);
}

#[tokio::test]
async fn a_webhook_made_through_a_token_is_switched_off_when_the_token_expires() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let email = "ada@agency.example";
    let admin = app.sign_up(email, "basic").await;
    let expires_at = app.clock.now() + chrono::Duration::days(1);
    let (status, made) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            Some(
                json!({"name": "a day", "scopes": ["webhooks:write", "workgroups:read"],
                        "expires_at": expires_at}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let token = made["token"].as_str().unwrap();
    let hook = subscribe(
        &app,
        token,
        &format!("{}/token", receiver.url),
        &["workgroup.created"],
    )
    .await;
    let id = hook["id"].as_str().unwrap();
    // The administrator's own webhook on the same receiver: it hears of what happens next.
    let marker = subscribe(
        &app,
        &admin.token,
        &format!("{}/marker", receiver.url),
        &["workgroup.created"],
    )
    .await;

    app.clock.advance(chrono::Duration::hours(25));
    let t = admin_token(&app, email, &admin.account_id).await;
    app.workgroup(&t, "After the token", true).await;
    let off = switched_off(&app, &t, id).await;
    assert_eq!(off["disabled_cause"], "token_expired", "{off}");
    let at_expiry: chrono::DateTime<chrono::Utc> =
        off["disabled_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(at_expiry.timestamp(), expires_at.timestamp(), "{off}");
    // Its delivery waits (paused) instead of being posted; the other webhook's is posted.
    let log = deliveries_when(&app, &t, id, |d| d.iter().all(|d| d["status"] == "paused")).await;
    assert_eq!(log.len(), 1, "{log:?}");
    deliveries_when(&app, &t, marker["id"].as_str().unwrap(), |d| {
        d.first().is_some_and(|d| d["status"] == "sent")
    })
    .await;
    assert_eq!(at(&receiver, "/hook/token"), Vec::<Value>::new());
    let audit = disabled_events(&app, &t, id).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["actor"]["kind"], "system");
}

#[tokio::test]
async fn a_dismissed_admins_webhooks_are_switched_off_and_another_admin_may_take_one_over() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let first = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&first.token, "Client site", true).await;
    let second = app
        .join(&first.token, "intranet", None, "+14155550190")
        .await;
    change(
        &app,
        &first.token,
        &format!("/v1/users/{}", second.id),
        json!({"is_admin": true}),
    )
    .await;
    let events = [
        "invitation.created",
        "membership.invited",
        "user.dismissed",
        "user.reinstated",
    ];
    let own = subscribe(
        &app,
        &second.token,
        &format!("{}/second", receiver.url),
        &events,
    )
    .await;
    let (_, token) = api_token(
        &app,
        &second.token,
        &[
            "webhooks:write",
            "invitations:read",
            "users:read",
            "workgroups:read",
        ],
    )
    .await;
    let through_token = subscribe(
        &app,
        &token,
        &format!("{}/second-token", receiver.url),
        &events,
    )
    .await;
    let ids = [
        own["id"].as_str().unwrap(),
        through_token["id"].as_str().unwrap(),
    ];

    app.dismiss(&first.token, &second.id).await;
    let (status, _) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &first.token,
            Some(invite_body(&group, "ann@client.example")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    for id in ids {
        let log = deliveries(&app, &first.token, id).await;
        assert_eq!(
            log,
            Vec::<Value>::new(),
            "deliveries queued for a dismissed administrator's webhook"
        );
        let off = webhook(&app, &first.token, id).await;
        assert_eq!(off["active"], false, "{off}");
        assert_eq!(off["disabled_cause"], "creator_dismissed", "{off}");
        let reason = off["disabled_reason"].as_str().unwrap();
        assert!(
            reason.contains(&second.id) && reason.contains("active: true"),
            "{reason}"
        );
        let audit = disabled_events(&app, &first.token, id).await;
        assert_eq!(audit[0]["actor"]["kind"], "system", "{audit:?}");
    }
    // Reinstated, the administrator does not get them back.
    let (status, _) = app
        .json(
            Method::POST,
            &format!("/v1/users/{}/reinstate", second.id),
            &first.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(webhook(&app, &first.token, ids[0]).await["active"], false);

    // Another administrator switches one on again, pointing it at their own receiver: it is
    // theirs now, and hears of what happens next.
    let (status, taken) = patch(
        &app,
        &format!("/v1/webhooks/{}", ids[0]),
        &first.token,
        json!({"active": true, "url": format!("{}/first", receiver.url)}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    assert_eq!(taken["created_by"], first.user_id.as_str());
    assert!(taken["created_by_token_id"].is_null(), "{taken}");
    assert!(
        taken["disabled_reason"].is_null() && taken["disabled_cause"].is_null(),
        "{taken}"
    );
    let (status, _) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &first.token,
            Some(invite_body(&group, "bo@client.example")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let got = receiver.wait_for("invitation.created", 1).await;
    assert_eq!(got[0]["path"], "/hook/first");
    assert_eq!(
        got[0]["event"]["data"]["invitation"]["email"],
        "bo@client.example"
    );
    assert_eq!(at(&receiver, "/hook/second"), Vec::<Value>::new());
    assert_eq!(at(&receiver, "/hook/second-token"), Vec::<Value>::new());
}

#[tokio::test]
async fn the_webhook_of_an_admin_who_is_one_no_longer_is_switched_off() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let first = app.sign_up("ada@agency.example", "basic").await;
    let second = app
        .join(&first.token, "intranet", None, "+14155550190")
        .await;
    let admin_path = format!("/v1/users/{}", second.id);
    change(&app, &first.token, &admin_path, json!({"is_admin": true})).await;
    let hook = subscribe(&app, &second.token, &receiver.url, &["workgroup.created"]).await;
    let id = hook["id"].as_str().unwrap();
    change(&app, &first.token, &admin_path, json!({"is_admin": false})).await;
    app.workgroup(&first.token, "Client site", true).await;
    assert_eq!(
        deliveries(&app, &first.token, id).await,
        Vec::<Value>::new()
    );
    let off = webhook(&app, &first.token, id).await;
    assert_eq!(off["active"], false, "{off}");
    assert_eq!(off["disabled_cause"], "creator_not_admin", "{off}");
}
