//! Message bodies and webhook deliveries after their period.

use super::support::{days_later, messages};
use crate::support::drain::{outbox_drained, webhook_drained};
use crate::support::helpers::*;
use crate::support::metrics::scrape;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{deliveries, subscribe};
use reqwest::{Method, StatusCode};
use serde_json::json;

const ERASED: &str = "extranet_retention_erased_total";

#[tokio::test]
async fn a_sent_messages_body_and_recipient_go_after_thirty_days_and_its_delivery_state_stays() {
    // Two rows a statement: the sweep goes on batch after batch until none is left.
    let app = TestApp::spawn_with(|c| c.retention_batch = 2).await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let mut invitations = Vec::new();
    for who in ["ann", "bob", "cy"] {
        let (status, created) = app
            .json(
                Method::POST,
                "/v1/invitations",
                &admin.token,
                Some(json!({"type": "extranet", "workgroup_id": group,
                    "message": "The key is under the blue pot",
                    "invitees": [{"email": format!("{who}@client.example"),
                                  "first_name": "Pat", "last_name": "Quill"}]})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        invitations.push(
            created["results"][0]["invitation"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    outbox_drained(&app).await;
    let before = messages(&app);
    // The sign-up's code and three invitations, sent, with whom to and what they said.
    assert_eq!(before.len(), 4, "{before:?}");
    assert!(before
        .iter()
        .all(|m| m.status == "sent" && !m.recipient.is_empty()));
    assert!(before
        .iter()
        .any(|m| m.payload.to_string().contains("blue pot")));

    days_later(&app, 29).await;
    assert_eq!(messages(&app)[..4], before[..], "kept for thirty days");
    assert_eq!(
        scrape(&app)
            .await
            .value(ERASED, &[("what", "message_bodies")]),
        Some(0.0)
    );

    days_later(&app, 2).await;
    let after = messages(&app);
    for (was, now) in before.iter().zip(&after) {
        assert_eq!(now.id, was.id);
        // What the delivery state needs stays.
        assert_eq!(
            (&now.channel, &now.status, now.attempts, now.sent_at),
            (&was.channel, &was.status, was.attempts, was.sent_at)
        );
        // Whom it went to and what it said are gone: a tombstone of its kind.
        assert_eq!(now.recipient, "");
        assert_eq!(
            now.payload,
            json!({"kind": was.payload["kind"], "erased": true})
        );
    }
    let text = format!("{after:?}");
    for gone in [
        "client.example",
        "ada@agency.example",
        "Pat",
        "Quill",
        "blue pot",
    ] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
    // Each invitation still says its message went out.
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    for id in &invitations {
        let (status, shown) = app
            .json(Method::GET, &format!("/v1/invitations/{id}"), &token, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{shown}");
        assert_eq!(shown["delivery"]["state"], "sent", "{shown}");
    }
    assert_eq!(
        scrape(&app)
            .await
            .value(ERASED, &[("what", "message_bodies")]),
        Some(4.0)
    );
    // Erased once: the next sweep finds nothing more.
    days_later(&app, 1).await;
    assert_eq!(
        scrape(&app)
            .await
            .value(ERASED, &[("what", "message_bodies")]),
        Some(4.0)
    );
}

#[tokio::test]
async fn a_retention_of_zero_days_keeps_message_bodies_and_audit_events_forever() {
    let app = TestApp::spawn_with(|c| {
        c.retention_message_days = 0;
        c.retention_audit_days = 0;
    })
    .await;
    app.sign_up("ada@agency.example", "basic").await;
    outbox_drained(&app).await;
    let before = messages(&app);
    let audited = super::support::audit_ids(&app);
    assert!(!before.is_empty() && !audited.is_empty());
    days_later(&app, 5_000).await;
    assert_eq!(messages(&app)[..before.len()], before[..]);
    let kept = super::support::audit_ids(&app);
    assert!(audited.iter().all(|id| kept.contains(id)), "{kept:?}");
}

#[tokio::test]
async fn a_webhook_delivery_older_than_its_period_is_gone_from_the_log() {
    let app = TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        c.webhook_retry_base_ms = 50;
        c.webhook_timeout_ms = 2_000;
        c.retention_webhook_delivery_days = 10;
    })
    .await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["workgroup.created"]).await;
    let id = hook["id"].as_str().unwrap().to_owned();
    app.workgroup(&admin.token, "Old site", true).await;
    let old = webhook_drained(&app, &admin.token, &id).await;
    assert_eq!(old.len(), 1, "{old:?}");
    assert_eq!(old[0]["status"], "sent", "{old:?}");

    days_later(&app, 9).await;
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    assert_eq!(
        deliveries(&app, &token, &id).await.len(),
        1,
        "kept for ten days"
    );
    app.workgroup(&token, "New site", true).await;
    let both = webhook_drained(&app, &token, &id).await;
    assert_eq!(both.len(), 2, "{both:?}");

    days_later(&app, 2).await;
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let left = deliveries(&app, &token, &id).await;
    // The old one is gone, the one sent two days ago is there.
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["id"], both[0]["id"]);
    assert_ne!(left[0]["id"], old[0]["id"]);
    assert_eq!(
        scrape(&app)
            .await
            .value(ERASED, &[("what", "webhook_deliveries")]),
        Some(1.0)
    );
}
