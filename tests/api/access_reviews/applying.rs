//! A review's answers apply at its due instant: by the minute's upkeep, or first in any write
//! that counts seats when that comes before it. `remove` takes a person out of the workgroup,
//! and dismisses by the system one left in no workgroup (tokens dead, seat free); `keep`, and
//! the unanswered of a `keep` review, stay.

use super::*;

/// What the scene looks like once a `remove` review of `group` applied, with `kept` answered
/// keep, `removed` answered remove, `unanswered` not answered; `dead` is a token of
/// `unanswered` issued after the due instant, before the review applied.
async fn assert_applied(s: &Scene, review_id: &str, dead: &str) {
    let app = &s.app;
    let admin = s.admin_now().await;
    // The review: applied, its progress as it was answered.
    let (status, shown) = review(app, &admin, review_id).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["status"], "applied", "{shown}");
    assert!(shown["applied_at"].is_string(), "{shown}");
    assert_eq!(
        shown["progress"],
        json!({"total": 3, "kept": 1, "removed": 1, "unanswered": 1})
    );
    assert_eq!(
        outcomes(app, &admin, review_id).await,
        expect(&[
            (&s.kept.id, "kept"),
            (&s.removed.id, "removed"),
            (&s.unanswered.id, "dismissed"),
        ])
    );
    // The kept stays; the removed and the unanswered left the workgroup.
    assert_eq!(
        active_members(app, &admin, &s.group).await,
        sorted(&[&s.admin.id, &s.kept.id])
    );
    // The removed one still has a workgroup: an active user, still in it.
    assert_eq!(status_of(app, &admin, &s.removed.id).await, "active");
    assert!(active_members(app, &admin, &s.other)
        .await
        .contains(&s.removed.id));
    // The unanswered one had none left: dismissed, its token dead, its seat free.
    assert_eq!(status_of(app, &admin, &s.unanswered.id).await, "dismissed");
    assert_eq!(status_of(app, &admin, &s.kept.id).await, "active");
    let (status, body) = app.json(Method::GET, "/v1/me", dead, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = app
        .login(UNANSWERED_PHONE, PASSWORD, Some(&s.account_id))
        .await;
    assert!(status.is_client_error(), "{status} {body}");
    let still = s.token_of(REMOVED_PHONE).await;
    let (status, body) = app.json(Method::GET, "/v1/me", &still, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Audited without an actor: each removal, the dismissal, the review applied.
    let removals = audited(app, &admin, "membership.removed").await;
    assert_eq!(removals.len(), 2, "{removals:?}");
    for r in &removals {
        assert_eq!(r["actor"]["kind"], "system", "{r}");
        assert_eq!(r["target"]["id"], s.group.as_str(), "{r}");
        assert_eq!(r["details"]["by"], "access_review", "{r}");
        assert_eq!(r["details"]["access_review_id"], review_id, "{r}");
    }
    let dismissals = audited(app, &admin, "user.dismissed").await;
    assert_eq!(dismissals.len(), 1, "{dismissals:?}");
    assert_eq!(dismissals[0]["actor"]["kind"], "system");
    assert_eq!(dismissals[0]["target"]["id"], s.unanswered.id.as_str());
    assert_eq!(dismissals[0]["details"]["by"], "access_review");
    let applied = audited(app, &admin, "access_review.applied").await;
    assert_eq!(applied.len(), 1, "{applied:?}");
    assert_eq!(applied[0]["actor"]["kind"], "system");
    assert_eq!(applied[0]["details"]["dismissed"], json!([s.unanswered.id]));
}

/// The review of the scene, answered: `kept` keep, `removed` remove, `unanswered` not;
/// returns its id.
async fn answered_review(s: &Scene) -> String {
    let created = s.review_of_group("remove").await;
    let id = created["id"].as_str().unwrap().to_owned();
    decided(&s.app, &s.admin.token, &id, &s.kept.id, "keep").await;
    decided(&s.app, &s.admin.token, &id, &s.removed.id, "remove").await;
    id
}

#[tokio::test]
async fn a_remove_review_applies_by_the_upkeep_at_its_due_instant() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let id = answered_review(&s).await;
    let before = app.usage(&s.admin.token).await;
    assert_eq!(before["active_extranet"], 3, "{before}");
    // Progress before it is due.
    let (_, shown) = review(app, &s.admin.token, &id).await;
    assert_eq!(shown["status"], "open");
    assert_eq!(
        shown["progress"],
        json!({"total": 3, "kept": 1, "removed": 1, "unanswered": 1})
    );
    // An upkeep before the due instant changes nothing.
    app.clock.advance(Duration::minutes(59));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    assert_eq!(active_members(app, &admin, &s.group).await.len(), 4);
    // Past it, and before anything applied it, the person still works.
    app.clock.advance(Duration::minutes(2));
    let dead = s.token_of(UNANSWERED_PHONE).await;
    app.run_upkeep().await;
    assert_applied(&s, &id, &dead).await;
    let after = app.usage(&s.admin_now().await).await;
    assert_eq!(after["active_extranet"], 2, "{after}");
    // Applied once: another upkeep changes nothing more.
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    assert_eq!(audited(app, &admin, "access_review.applied").await.len(), 1);
}

#[tokio::test]
async fn a_write_that_counts_seats_applies_a_due_review_first_without_the_upkeep() {
    // `basic`: five seats, four held (the admin and three external users). Two invitations
    // fit only once the review has given the unanswered one's seat back.
    let s = Scene::on("basic").await;
    let app = &s.app;
    let id = answered_review(&s).await;
    let admin = s.admin.token.clone();
    let (status, refused) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &admin,
            Some(
                json!({"type": "extranet", "workgroup_id": s.other, "invitees": [
                {"email": "one@client.example", "first_name": "One", "last_name": "Lee"},
                {"email": "two@client.example", "first_name": "Two", "last_name": "Lee"}]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "user_limit_reached");
    app.clock.advance(Duration::minutes(61));
    let dead = s.token_of(UNANSWERED_PHONE).await;
    let admin = s.admin_now().await;
    let (status, created) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin),
            json!({"type": "extranet", "workgroup_id": s.other, "invitees": [
                {"email": "one@client.example", "first_name": "One", "last_name": "Lee"},
                {"email": "two@client.example", "first_name": "Two", "last_name": "Lee"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_applied(&s, &id, &dead).await;
    let usage = app.usage(&admin).await;
    assert_eq!(
        (
            &usage["active_extranet"],
            &usage["pending_invitations"],
            &usage["available"]
        ),
        (&json!(2), &json!(2), &json!(0)),
        "{usage}"
    );
}

#[tokio::test]
async fn a_keep_review_keeps_the_unanswered_and_removes_the_removed() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let created = s.review_of_group("keep").await;
    let id = created["id"].as_str().unwrap();
    decided(app, &s.admin.token, id, &s.removed.id, "remove").await;
    // Changed before the due instant: the last answer holds.
    decided(app, &s.admin.token, id, &s.unanswered.id, "remove").await;
    let (status, item) = decide(app, &s.admin.token, id, &s.unanswered.id, "keep").await;
    assert_eq!(status, StatusCode::OK, "{item}");
    let (_, shown) = review(app, &s.admin.token, id).await;
    assert_eq!(
        shown["progress"],
        json!({"total": 3, "kept": 1, "removed": 1, "unanswered": 1})
    );
    app.clock.advance(Duration::hours(2));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    assert_eq!(
        active_members(app, &admin, &s.group).await,
        sorted(&[&s.admin.id, &s.kept.id, &s.unanswered.id])
    );
    for user in [&s.kept.id, &s.removed.id, &s.unanswered.id] {
        assert_eq!(status_of(app, &admin, user).await, "active");
    }
    let want = expect(&[
        (&s.kept.id, "kept"),
        (&s.removed.id, "removed"),
        (&s.unanswered.id, "kept"),
    ]);
    assert_eq!(outcomes(app, &admin, id).await, want);
    assert!(audited(app, &admin, "user.dismissed").await.is_empty());
}

#[tokio::test]
async fn an_account_wide_removal_takes_every_workgroup_and_dismisses() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let created = started(
        app,
        &s.admin.token,
        json!({"due_at": due_in(app, Duration::days(7)), "on_no_answer": "keep"}),
    )
    .await;
    assert!(created["workgroup_id"].is_null(), "{created}");
    assert_eq!(created["progress"]["total"], 3, "{created}");
    let id = created["id"].as_str().unwrap();
    // `removed` is in two workgroups: the account-wide review takes both.
    decided(app, &s.admin.token, id, &s.removed.id, "remove").await;
    app.clock.advance(Duration::days(7));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    assert_eq!(status_of(app, &admin, &s.removed.id).await, "dismissed");
    assert!(!active_members(app, &admin, &s.group)
        .await
        .contains(&s.removed.id));
    assert!(!active_members(app, &admin, &s.other)
        .await
        .contains(&s.removed.id));
    for kept in [&s.kept.id, &s.unanswered.id] {
        assert_eq!(status_of(app, &admin, kept).await, "active");
    }
    let removals = audited(app, &admin, "membership.removed").await;
    assert_eq!(removals.len(), 2, "{removals:?}");
}

#[tokio::test]
async fn someone_who_left_before_the_due_instant_is_left_as_they_are() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let created = s.review_of_group("remove").await;
    let id = created["id"].as_str().unwrap();
    // The unanswered one is dismissed by an administrator meanwhile; the kept one leaves.
    app.dismiss(&s.admin.token, &s.unanswered.id).await;
    let (status, body) = app
        .json(
            Method::DELETE,
            &format!("/v1/workgroups/{}/members/{}", s.group, s.kept.id),
            &s.admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    app.clock.advance(Duration::hours(2));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    let want = expect(&[
        (&s.kept.id, "unchanged"),
        (&s.removed.id, "removed"),
        (&s.unanswered.id, "unchanged"),
    ]);
    assert_eq!(outcomes(app, &admin, id).await, want);
    // The kept one, out of the group by then, is not dismissed by the review.
    assert_eq!(status_of(app, &admin, &s.kept.id).await, "active");
    let dismissals = audited(app, &admin, "user.dismissed").await;
    assert_eq!(
        dismissals.len(),
        1,
        "only the administrator's: {dismissals:?}"
    );
    assert_eq!(dismissals[0]["actor"]["kind"], "user");
}
