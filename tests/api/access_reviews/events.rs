//! What integrators are told: `access_review.created`, `.cancelled` and `.applied` with the
//! review as the API shows it, and each removal and dismissal the review made
//! (`membership.removed`, `user.dismissed`), without an actor.

use super::*;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{subscribe, webhook_app};

#[tokio::test]
async fn webhooks_hear_of_reviews_and_of_what_they_did() {
    let s = Scene::with(webhook_app().await, "standard").await;
    let app = &s.app;
    let receiver = Receiver::start().await;
    subscribe(
        app,
        &s.admin.token,
        &receiver.url,
        &[
            "access_review.created",
            "access_review.cancelled",
            "access_review.applied",
            "membership.removed",
            "user.dismissed",
        ],
    )
    .await;
    // The answers are audited, not told.
    let (status, refused) = app
        .json(
            Method::POST,
            "/v1/webhooks",
            &s.admin.token,
            Some(json!({"url": receiver.url, "events": ["access_review.decided"]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    let created = s.review_of_group("remove").await;
    let id = created["id"].as_str().unwrap();
    let told = receiver.wait_for("access_review.created", 1).await;
    let event = &told[0]["event"];
    assert_eq!(event["actor"]["user_id"], s.admin.id.as_str());
    let (_, shown) = review(app, &s.admin.token, id).await;
    assert_eq!(event["data"]["access_review"], shown);
    assert_eq!(event["data"]["change"]["items"], 3);

    decided(app, &s.admin.token, id, &s.kept.id, "keep").await;
    decided(app, &s.admin.token, id, &s.removed.id, "remove").await;
    let decided_audit = audited(app, &s.admin.token, "access_review.decided").await;
    assert_eq!(decided_audit.len(), 2);
    assert_eq!(decided_audit[0]["actor"]["user_id"], s.admin.id.as_str());
    assert_eq!(decided_audit[0]["details"]["decision"], "remove");

    // An account-wide review, cancelled.
    let other = started(
        app,
        &s.admin.token,
        json!({"due_at": due_in(app, Duration::days(3)), "on_no_answer": "remove"}),
    )
    .await;
    let (status, cancelled) = app
        .json(
            Method::DELETE,
            &format!("/v1/access-reviews/{}", other["id"].as_str().unwrap()),
            &s.admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    let told = receiver.wait_for("access_review.cancelled", 1).await;
    assert_eq!(told[0]["event"]["data"]["access_review"], cancelled);

    app.clock.advance(Duration::hours(2));
    app.run_upkeep().await;
    let applied = receiver.wait_for("access_review.applied", 1).await;
    let event = &applied[0]["event"];
    assert!(event["actor"].is_null(), "{event}");
    assert_eq!(event["data"]["access_review"]["status"], "applied");
    assert_eq!(event["data"]["access_review"]["id"], id);
    assert_eq!(event["data"]["change"]["kept"], json!([s.kept.id]));
    assert_eq!(event["data"]["change"]["removed"], json!([s.removed.id]));
    assert_eq!(
        event["data"]["change"]["dismissed"],
        json!([s.unanswered.id])
    );
    let removals = receiver.wait_for("membership.removed", 2).await;
    for r in &removals {
        assert!(r["event"]["actor"].is_null(), "{r}");
        assert_eq!(r["event"]["data"]["change"]["by"], "access_review");
        assert_eq!(r["event"]["data"]["workgroup"]["id"], s.group.as_str());
    }
    let dismissed = receiver.wait_for("user.dismissed", 1).await;
    let event = &dismissed[0]["event"];
    assert!(event["actor"].is_null(), "{event}");
    assert_eq!(event["data"]["user"]["id"], s.unanswered.id.as_str());
    assert_eq!(event["data"]["user"]["status"], "dismissed");
    assert_eq!(event["data"]["change"]["by"], "access_review");
}
