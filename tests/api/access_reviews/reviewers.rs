//! Who starts, sees, answers and cancels a review: administrators start and cancel; a
//! workgroup's owner and moderators (and administrators) review it; to anyone else a review is
//! not visible (404, like one that does not exist), external users are refused every review
//! (403 `intranet_user_required`), and another account's are unknown. Answers stop at the due
//! instant exactly (409 `review_closed`).

use super::*;
use crate::support::requests::{owned_group, post_keyed};

/// The problem code of an answer.
fn code(answer: &(StatusCode, Value)) -> (StatusCode, Option<&str>) {
    (answer.0, answer.1["code"].as_str())
}

const NOT_FOUND: (StatusCode, Option<&str>) = (StatusCode::NOT_FOUND, Some("not_found"));
const EXTERNAL: (StatusCode, Option<&str>) =
    (StatusCode::FORBIDDEN, Some("intranet_user_required"));

#[tokio::test]
async fn the_workgroups_owner_and_moderators_answer_and_nobody_else_sees_it() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let admin = &s.admin.token;
    let moderator = app.join(admin, "intranet", None, "+14155550121").await;
    let member = app.join(admin, "intranet", None, "+14155550122").await;
    let outsider = app.join(admin, "intranet", None, "+14155550123").await;
    app.add_and_accept(admin, &s.group, &moderator, "moderator")
        .await;
    app.add_and_accept(admin, &s.group, &member, "member").await;
    let created = s.review_of_group("remove").await;
    let id = created["id"].as_str().unwrap();

    // The moderator reviews: sees it, its items, lists it, answers.
    let (status, shown) = review(app, &moderator.token, id).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    let (status, page) = items(app, &moderator.token, id).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let (_, listed) = app
        .json(Method::GET, "/v1/access-reviews", &moderator.token, None)
        .await;
    assert_eq!(listed["items"][0]["id"], id, "{listed}");
    let (status, item) = decide(app, &moderator.token, id, &s.kept.id, "keep").await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["decided_by"], moderator.id.as_str());
    assert_eq!(item["user"]["id"], s.kept.id.as_str());
    // ...but cancels nothing: administrators do.
    let (status, refused) = app
        .json(
            Method::DELETE,
            &format!("/v1/access-reviews/{id}"),
            &moderator.token,
            None,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("admin_required"))
    );
    // Nor starts one.
    let (status, refused) = start(
        app,
        &moderator.token,
        json!({"workgroup_id": s.other, "due_at": due_in(app, Duration::days(1)),
               "on_no_answer": "keep"}),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("admin_required"))
    );
    // Someone the review is not about is no item of it.
    let answer = decide(app, &moderator.token, id, &member.id, "remove").await;
    assert_eq!(code(&answer), NOT_FOUND, "{}", answer.1);

    // A plain member and an employee outside the group: not visible, like a random id.
    for who in [&member, &outsider] {
        for unknown in [id.to_owned(), uuid::Uuid::now_v7().to_string()] {
            assert_eq!(code(&review(app, &who.token, &unknown).await), NOT_FOUND);
            assert_eq!(code(&items(app, &who.token, &unknown).await), NOT_FOUND);
            let answer = decide(app, &who.token, &unknown, &s.removed.id, "keep").await;
            assert_eq!(code(&answer), NOT_FOUND, "{}", answer.1);
        }
        let (status, listed) = app
            .json(Method::GET, "/v1/access-reviews", &who.token, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{listed}");
        assert_eq!(listed["items"], json!([]));
    }
    // An external user, even one the review is about: refused every review alike.
    for unknown in [id.to_owned(), uuid::Uuid::now_v7().to_string()] {
        assert_eq!(code(&review(app, &s.kept.token, &unknown).await), EXTERNAL);
        let answer = decide(app, &s.kept.token, &unknown, &s.kept.id, "keep").await;
        assert_eq!(code(&answer), EXTERNAL, "{}", answer.1);
    }
    let listed = app
        .json(Method::GET, "/v1/access-reviews", &s.kept.token, None)
        .await;
    assert_eq!(code(&listed), EXTERNAL);

    // Another account's administrator: unknown.
    let other = app.sign_up("eve@elsewhere.example", "standard").await;
    assert_eq!(code(&review(app, &other.token, id).await), NOT_FOUND);
    assert_eq!(code(&items(app, &other.token, id).await), NOT_FOUND);
    let answer = decide(app, &other.token, id, &s.kept.id, "remove").await;
    assert_eq!(code(&answer), NOT_FOUND);
    let cancel = app
        .json(
            Method::DELETE,
            &format!("/v1/access-reviews/{id}"),
            &other.token,
            None,
        )
        .await;
    assert_eq!(code(&cancel), NOT_FOUND);
    let (_, listed) = app
        .json(Method::GET, "/v1/access-reviews", &other.token, None)
        .await;
    assert_eq!(listed["items"], json!([]));

    // The answers of those who may not answer changed nothing.
    let (_, shown) = review(app, admin, id).await;
    assert_eq!(
        shown["progress"],
        json!({"total": 3, "kept": 1, "removed": 0, "unanswered": 2})
    );
}

#[tokio::test]
async fn an_employee_owner_reviews_its_workgroup_and_only_it() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let admin = &s.admin.token;
    let owner = app.join(admin, "intranet", None, "+14155550131").await;
    let moderator = app.join(admin, "intranet", None, "+14155550132").await;
    app.add_and_accept(admin, &s.group, &moderator, "moderator")
        .await;
    let owned = owned_group(
        app,
        &owner,
        json!({"name": "Owned", "kind": "project", "allow_external": true}),
    )
    .await;
    app.add_and_accept(admin, &owned, &s.kept, "member").await;
    let of_owned = started(
        app,
        admin,
        json!({"workgroup_id": owned, "due_at": due_in(app, Duration::days(1)),
               "on_no_answer": "keep"}),
    )
    .await;
    let of_owned = of_owned["id"].as_str().unwrap();
    let of_group = s.review_of_group("keep").await;
    let of_group = of_group["id"].as_str().unwrap();
    let account_wide = started(
        app,
        admin,
        json!({"due_at": due_in(app, Duration::days(1)), "on_no_answer": "keep"}),
    )
    .await;
    let account_wide = account_wide["id"].as_str().unwrap();

    decided(app, &owner.token, of_owned, &s.kept.id, "remove").await;
    // Each reviewer lists its own workgroups' reviews only; the administrator every one.
    for (who, want) in [
        (&owner.token, vec![of_owned]),
        (&moderator.token, vec![of_group]),
        (admin, vec![account_wide, of_group, of_owned]),
    ] {
        let (status, listed) = app.json(Method::GET, "/v1/access-reviews", who, None).await;
        assert_eq!(status, StatusCode::OK, "{listed}");
        let ids: Vec<&str> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, want);
    }
    // Neither sees the other's review, nor the account-wide one.
    for (who, unseen) in [
        (&owner.token, of_group),
        (&moderator.token, of_owned),
        (&owner.token, account_wide),
        (&moderator.token, account_wide),
    ] {
        assert_eq!(code(&review(app, who, unseen).await), NOT_FOUND);
        let answer = decide(app, who, unseen, &s.kept.id, "keep").await;
        assert_eq!(code(&answer), NOT_FOUND);
    }
}

#[tokio::test]
async fn answers_stop_at_the_due_instant_exactly() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let created = s.review_of_group("remove").await;
    let id = created["id"].as_str().unwrap();
    app.clock.advance(Duration::minutes(59));
    decided(app, &s.admin_now().await, id, &s.kept.id, "keep").await;
    app.clock.advance(Duration::minutes(1));
    let admin = s.admin_now().await;
    // Due, not applied yet: closed all the same.
    let closed = decide(app, &admin, id, &s.kept.id, "remove").await;
    assert_eq!(
        code(&closed),
        (StatusCode::CONFLICT, Some("review_closed")),
        "{}",
        closed.1
    );
    let cancel = app
        .json(
            Method::DELETE,
            &format!("/v1/access-reviews/{id}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(code(&cancel), (StatusCode::CONFLICT, Some("review_closed")));
    app.run_upkeep().await;
    let closed = decide(app, &admin, id, &s.unanswered.id, "keep").await;
    assert_eq!(code(&closed), (StatusCode::CONFLICT, Some("review_closed")));
    // What was answered in time held.
    assert_eq!(status_of(app, &admin, &s.kept.id).await, "active");
    assert_eq!(status_of(app, &admin, &s.unanswered.id).await, "dismissed");
}

#[tokio::test]
async fn starting_a_review_checks_its_fields_and_its_scope() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let admin = &s.admin.token;
    let employee = app.join(admin, "intranet", None, "+14155550141").await;
    let body = json!({"workgroup_id": s.group, "due_at": due_in(app, Duration::days(1)),
                      "on_no_answer": "remove"});
    let refused = start(app, &employee.token, body.clone()).await;
    assert_eq!(
        code(&refused),
        (StatusCode::FORBIDDEN, Some("admin_required"))
    );
    let refused = start(app, &s.kept.token, body.clone()).await;
    assert_eq!(
        code(&refused),
        (StatusCode::FORBIDDEN, Some("admin_required"))
    );
    // Every bad field at once.
    let (status, problem) = start(
        app,
        admin,
        json!({"workgroup_id": s.group, "due_at": due_in(app, Duration::minutes(-1)),
               "on_no_answer": "remove", "every_days": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["due_at", "every_days"], "{problem}");
    let (status, problem) = start(
        app,
        admin,
        json!({"due_at": due_in(app, Duration::days(366)), "on_no_answer": "keep",
               "every_days": 366}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");
    let (status, problem) = start(
        app,
        admin,
        json!({"due_at": due_in(app, Duration::days(1)), "on_no_answer": "maybe"}),
    )
    .await;
    assert!(status.is_client_error(), "{problem}");
    // A workgroup that takes no external users has none to review.
    let intranet_only = app.workgroup(admin, "Internal", false).await;
    let refused = start(
        app,
        admin,
        json!({"workgroup_id": intranet_only, "due_at": due_in(app, Duration::days(1)),
               "on_no_answer": "keep"}),
    )
    .await;
    assert_eq!(
        code(&refused),
        (StatusCode::CONFLICT, Some("workgroup_not_extranet"))
    );
    // A workgroup of another account, or none: unknown.
    let other = app.sign_up("eve@elsewhere.example", "standard").await;
    let theirs = app.workgroup(&other.token, "Theirs", true).await;
    for group in [theirs, uuid::Uuid::now_v7().to_string()] {
        let refused = start(
            app,
            admin,
            json!({"workgroup_id": group, "due_at": due_in(app, Duration::days(1)),
                   "on_no_answer": "keep"}),
        )
        .await;
        assert_eq!(code(&refused), NOT_FOUND, "{}", refused.1);
    }
    // One open review of a scope at a time, with an Idempotency-Key's replay the same one.
    let (status, replayed, first) =
        post_keyed(app, "/v1/access-reviews", admin, "review-1", body.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    let (status, replayed, again) =
        post_keyed(app, "/v1/access-reviews", admin, "review-1", body.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true), "{again}");
    assert_eq!(again, first);
    let refused = start(app, admin, body).await;
    assert_eq!(
        code(&refused),
        (StatusCode::CONFLICT, Some("access_review_open"))
    );
    // The account-wide scope is another one.
    started(
        app,
        admin,
        json!({"due_at": due_in(app, Duration::days(1)), "on_no_answer": "keep"}),
    )
    .await;
    // Nothing of the refused ones was started.
    let (_, listed) = app
        .json(Method::GET, "/v1/access-reviews", admin, None)
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2, "{listed}");
}
