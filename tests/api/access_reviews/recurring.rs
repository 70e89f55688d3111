//! A recurring review starts the next of its scope when it applies, due a period after it;
//! cancelling an open review keeps any of it from applying and ends the recurrence.

use super::*;
use chrono::{DateTime, Utc};

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// The account's reviews, newest first.
async fn all_reviews(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, page) = app
        .json(Method::GET, "/v1/access-reviews?limit=200", token, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_recurring_review_starts_the_next_when_it_applies_until_cancelled() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let first = started(
        app,
        &s.admin.token,
        json!({"workgroup_id": s.group, "due_at": due_in(app, Duration::hours(1)),
               "on_no_answer": "remove", "every_days": 30}),
    )
    .await;
    let first_id = first["id"].as_str().unwrap();
    decided(app, &s.admin.token, first_id, &s.kept.id, "keep").await;
    decided(app, &s.admin.token, first_id, &s.removed.id, "keep").await;
    app.clock.advance(Duration::hours(2));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    let reviews = all_reviews(app, &admin).await;
    assert_eq!(reviews.len(), 2, "{reviews:?}");
    let second = &reviews[0];
    assert_eq!(reviews[1]["status"], "applied");
    assert_eq!(second["status"], "open");
    assert_eq!(second["previous_id"], first_id);
    assert!(
        second["created_by"].is_null(),
        "started by the system: {second}"
    );
    assert_eq!(second["workgroup_id"], s.group.as_str());
    assert_eq!(
        (&second["on_no_answer"], &second["every_days"]),
        (&json!("remove"), &json!(30))
    );
    assert_eq!(
        instant(&second["due_at"]),
        instant(&first["due_at"]) + Duration::days(30)
    );
    // About who is in the workgroup now: the unanswered one was removed by the first.
    assert_eq!(
        second["progress"],
        json!({"total": 2, "kept": 0, "removed": 0, "unanswered": 2})
    );
    let created = audited(app, &admin, "access_review.created").await;
    assert_eq!(created.len(), 2);
    assert_eq!(created[0]["actor"]["kind"], "system");
    assert_eq!(created[0]["details"]["previous_id"], first_id);

    // The second applies a period later, nobody answering: both leave the group; the kept one
    // had no other workgroup.
    let second_id = second["id"].as_str().unwrap().to_owned();
    app.clock.advance(Duration::days(30));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    assert_eq!(
        active_members(app, &admin, &s.group).await,
        vec![s.admin.id.clone()]
    );
    assert_eq!(status_of(app, &admin, &s.kept.id).await, "dismissed");
    assert_eq!(status_of(app, &admin, &s.removed.id).await, "active");
    let reviews = all_reviews(app, &admin).await;
    assert_eq!(reviews.len(), 3);
    let third = &reviews[0];
    assert_eq!(third["previous_id"], second_id.as_str());
    assert_eq!(
        third["progress"]["total"], 0,
        "nobody external left: {third}"
    );

    // Cancelled: nothing of it applies, and nothing follows it.
    let third_id = third["id"].as_str().unwrap();
    let (status, cancelled) = app
        .json(
            Method::DELETE,
            &format!("/v1/access-reviews/{third_id}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    assert!(cancelled["cancelled_at"].is_string());
    let closed = decide(app, &admin, third_id, &s.removed.id, "keep").await;
    assert_eq!(
        (closed.0, closed.1["code"].as_str()),
        (StatusCode::CONFLICT, Some("review_closed")),
        "{}",
        closed.1
    );
    // Cancelling again changes nothing.
    let (status, again) = app
        .json(
            Method::DELETE,
            &format!("/v1/access-reviews/{third_id}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["cancelled_at"], cancelled["cancelled_at"]);
    app.clock.advance(Duration::days(31));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    let reviews = all_reviews(app, &admin).await;
    assert_eq!(reviews.len(), 3, "{reviews:?}");
    assert_eq!(reviews[0]["status"], "cancelled");
    assert_eq!(
        audited(app, &admin, "access_review.cancelled").await.len(),
        1
    );
}

#[tokio::test]
async fn a_cancelled_review_removes_nobody() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let created = s.review_of_group("remove").await;
    let id = created["id"].as_str().unwrap();
    decided(app, &s.admin.token, id, &s.removed.id, "remove").await;
    let (status, cancelled) = app
        .json(
            Method::DELETE,
            &format!("/v1/access-reviews/{id}"),
            &s.admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    let closed = decide(app, &s.admin.token, id, &s.kept.id, "keep").await;
    assert_eq!(
        (closed.0, closed.1["code"].as_str()),
        (StatusCode::CONFLICT, Some("review_closed"))
    );
    // A new review of the scope may start now.
    s.review_of_group("keep").await;
    app.clock.advance(Duration::hours(2));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    assert_eq!(active_members(app, &admin, &s.group).await.len(), 4);
    let (_, shown) = review(app, &admin, id).await;
    assert_eq!(shown["status"], "cancelled");
    assert!(shown["applied_at"].is_null());
}
