//! The end of an external user's access is exact: at that instant by the server's clock its
//! next request is refused and its seat is free, before any sweep has run; the sweep then
//! records the dismissal by the system, once.

use super::*;
use crate::invitations::approvals::assert_counters_are_the_recount;
use reqwest::Method;
use std::sync::Arc;

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| a.as_str() == action).count()
}

#[tokio::test]
async fn an_ended_access_is_refused_at_once_and_its_seat_is_free_before_any_sweep() {
    let app = TestApp::spawn().await;
    let (admin, group) = agency(&app).await;
    let ends = from_now(&app, Duration::minutes(3));
    let ann = guest(
        &app,
        &admin.token,
        &group,
        "ann@client.example",
        json!({"access_expires_at": ends}),
    )
    .await;
    let (status, me) = app.json(Method::GET, "/v1/me", &ann.token, None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(time(&me["access_expires_at"]), time(&json!(ends)));
    let before = app.seats(&admin.token).await;
    assert_eq!(before["active_extranet"], 1, "{before}");

    // Half a minute before the end the access still works; from the end on it does not.
    let end = time(&json!(ends));
    app.clock
        .advance(end - app.clock.now() - Duration::seconds(30));
    assert_eq!(app.get("/v1/me", &ann.token).await.status(), StatusCode::OK);
    // (The clock moves by whole milliseconds: one more makes sure the end is reached.)
    app.clock
        .advance(end - app.clock.now() + Duration::milliseconds(1));
    assert_problem(
        app.get("/v1/me", &ann.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    let res = app
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = app
        .login("ann@client.example", PASSWORD, Some(&admin.account_id))
        .await;
    assert_ne!(status, StatusCode::OK, "{body}");

    // No sweep has run: the seat is free all the same, and the user reads as dismissed.
    assert_eq!(count(&app.audit_actions(), "user.access_expired"), 0);
    let after = app.seats(&admin.token).await;
    assert_eq!(after["active_extranet"], 0, "{after}");
    assert_eq!(
        after["available"],
        before["available"].as_u64().unwrap() + 1,
        "{after}"
    );
    let (_, user) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", ann.id),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(user["status"], "dismissed", "{user}");
    assert_eq!(user["dismissal"], "access_expired", "{user}");
    let (_, active) = json_of(app.get("/v1/users?status=active", &admin.token).await).await;
    assert!(!active["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["id"] == json!(ann.id)));
    let (_, dismissed) = json_of(app.get("/v1/users?status=dismissed", &admin.token).await).await;
    assert!(dismissed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["id"] == json!(ann.id)));
    assert_counters_are_the_recount(&app, &admin.token).await;

    // The sweep records it, once, with no actor; the counters it writes are the recount.
    app.run_upkeep().await;
    app.run_upkeep().await;
    assert_eq!(count(&app.audit_actions(), "user.access_expired"), 1);
    assert_eq!(app.seats(&admin.token).await, after);
    assert_counters_are_the_recount(&app, &admin.token).await;
    let (_, events) = json_of(
        app.get("/v1/audit-events?action=user.access_expired", &admin.token)
            .await,
    )
    .await;
    let event = &events["items"][0];
    assert_eq!(event["target"]["id"], json!(ann.id), "{events}");
    assert_eq!(event["actor"]["kind"], "system", "{event}");
    // Still refused after the sweep.
    assert_problem(
        app.get("/v1/me", &ann.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
}

/// Fills a five-seat account: the admin, `ann` (whose access ends in three minutes), and
/// three pending invitations.
async fn full_account(app: &TestApp) -> (SignedUp, String, Guest) {
    let (admin, group) = agency(app).await;
    let ends = from_now(app, Duration::minutes(3));
    let ann = guest(
        app,
        &admin.token,
        &group,
        "ann@client.example",
        json!({"access_expires_at": ends}),
    )
    .await;
    for who in ["bo", "cy", "di"] {
        let (status, body) = invite_with(
            app,
            &admin.token,
            &group,
            &format!("{who}@client.example"),
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert_eq!(app.seats(&admin.token).await["available"], 0);
    (admin, group, ann)
}

#[tokio::test]
async fn the_seat_an_ended_access_frees_is_taken_by_the_next_invitation_without_a_sweep() {
    let app = TestApp::spawn().await;
    let (admin, group, ann) = full_account(&app).await;
    let (status, refused) =
        invite_with(&app, &admin.token, &group, "ed@client.example", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "user_limit_reached");

    app.clock.advance(Duration::minutes(3));
    let (status, body) =
        invite_with(&app, &admin.token, &group, "ed@client.example", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The invitation's write recorded the end first.
    app.assert_audited(&["user.access_expired"]);
    let (_, user) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", ann.id),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(user["status"], "dismissed");
    let usage = app.seats(&admin.token).await;
    assert_eq!(
        (
            usage["active_extranet"].clone(),
            usage["pending_invitations"].clone(),
            usage["available"].clone()
        ),
        (json!(0), json!(4), json!(0)),
        "{usage}"
    );
    assert_counters_are_the_recount(&app, &admin.token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_access_ending_while_invitations_race_for_the_last_seat_keeps_the_counters_exact() {
    let app = Arc::new(TestApp::spawn().await);
    let (admin, group, _ann) = full_account(&app).await;
    app.clock.advance(Duration::minutes(3));
    // Eight invitations of eight people race the upkeep for the one seat the end freed.
    let mut tasks = Vec::new();
    for n in 0..8 {
        let (app, token, group) = (app.clone(), admin.token.clone(), group.clone());
        tasks.push(tokio::spawn(async move {
            invite_with(
                &app,
                &token,
                &group,
                &format!("racer{n}@client.example"),
                json!({}),
            )
            .await
        }));
    }
    let upkeep = {
        let app = app.clone();
        tokio::spawn(async move { app.run_upkeep().await })
    };
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(body["code"], "user_limit_reached", "{body}"),
            other => panic!("{other}: {body}"),
        }
    }
    upkeep.await.unwrap();
    assert_eq!(created, 1, "one seat was freed");
    let usage = app.seats(&admin.token).await;
    assert_eq!(usage["available"], 0, "{usage}");
    assert_eq!(count(&app.audit_actions(), "user.access_expired"), 1);
    assert_counters_are_the_recount(&app, &admin.token).await;
}
