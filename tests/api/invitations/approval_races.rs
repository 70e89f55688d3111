//! Approvals under concurrency. An invitation awaiting approval holds its seat from the
//! start, so approving it normally takes none; what races is the invitation itself —
//! approved twice, or approved, rejected and revoked at once: exactly one step wins — and the
//! seat of invitations that expired while they waited, which approving takes again: two such
//! approvals of the last free seat, one wins, the other is 409 `user_limit_reached`. The
//! counters equal a recount afterwards.

use super::approvals::{assert_counters_are_the_recount, batch_of, invite, with_approvals};
use crate::support::helpers::*;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

/// Sends each `(token, path)` as a POST at once; returns each answer's status and problem code,
/// in order.
async fn at_once(app: &Arc<TestApp>, calls: Vec<(String, String)>) -> Vec<(StatusCode, String)> {
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|(token, path)| {
            let app = app.clone();
            tokio::spawn(async move {
                let (status, body): (StatusCode, Value) =
                    json_of(app.post(&path, Some(&token), json!({})).await).await;
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_approvals_of_the_last_free_seat_one_wins() {
    let app = Arc::new(TestApp::spawn().await);
    // Five seats: the admin and the employee hold two.
    let a = with_approvals(&app, "basic").await;
    let held = invite(
        &app,
        &a.employee.token,
        batch_of(&a.group, &["ann@client.example", "bo@client.example"]),
    )
    .await;
    // Both expire while they wait: their seats are free, and the admin takes two of the three.
    app.clock.advance(Duration::days(8));
    let admin = admin_token(&app, "ada@agency.example", &a.admin.account_id).await;
    invite(
        &app,
        &admin,
        batch_of(&a.group, &["cy@client.example", "di@client.example"]),
    )
    .await;
    assert_eq!(app.usage(&admin).await["available"], 1);
    let calls = held
        .iter()
        .map(|i| {
            let id = i["id"].as_str().unwrap();
            (admin.clone(), format!("/v1/invitations/{id}/approve"))
        })
        .collect();
    let answers = at_once(&app, calls).await;
    let won = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let lost = answers
        .iter()
        .filter(|(s, c)| *s == StatusCode::CONFLICT && c == "user_limit_reached")
        .count();
    assert_eq!((won, lost), (1, 1), "{answers:?}");
    let usage = app.usage(&admin).await;
    assert_eq!(
        (&usage["pending_invitations"], &usage["available"]),
        (&json!(3), &json!(0)),
        "{usage}"
    );
    assert_counters_are_the_recount(&app, &admin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_held_invitation_approved_twice_at_once_is_approved_once() {
    let app = Arc::new(TestApp::spawn().await);
    let a = with_approvals(&app, "basic").await;
    for round in 0..3 {
        let held = invite(
            &app,
            &a.employee.token,
            batch_of(&a.group, &[&format!("p{round}@client.example")]),
        )
        .await;
        let path = format!(
            "/v1/invitations/{}/approve",
            held[0]["id"].as_str().unwrap()
        );
        let answers = at_once(
            &app,
            vec![
                (a.admin.token.clone(), path.clone()),
                (a.admin.token.clone(), path),
            ],
        )
        .await;
        let mut got: Vec<_> = answers
            .iter()
            .map(|(s, c)| (s.as_u16(), c.as_str()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [(200, ""), (409, "invitation_not_awaiting_approval")],
            "round {round}"
        );
        // One message went out.
        app.mail
            .wait_for(&format!("p{round}@client.example"), 1)
            .await;
    }
    assert_counters_are_the_recount(&app, &a.admin.token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approve_reject_and_revoke_of_one_invitation_at_once_end_as_some_serial_order() {
    let app = Arc::new(TestApp::spawn().await);
    let a = with_approvals(&app, "basic").await;
    for round in 0..4 {
        let held = invite(
            &app,
            &a.employee.token,
            batch_of(&a.group, &[&format!("q{round}@client.example")]),
        )
        .await;
        let id = held[0]["id"].as_str().unwrap().to_owned();
        let calls = vec![
            (
                a.admin.token.clone(),
                format!("/v1/invitations/{id}/approve"),
            ),
            (
                a.admin.token.clone(),
                format!("/v1/invitations/{id}/reject"),
            ),
            (
                a.employee.token.clone(),
                format!("/v1/invitations/{id}/revoke"),
            ),
        ];
        let answers = at_once(&app, calls).await;
        let ok = |k: usize| answers[k].0 == StatusCode::OK;
        let (approved, rejected, revoked) = (ok(0), ok(1), ok(2));
        // Approving and rejecting exclude each other; a revoke wins only first or after an
        // approval (a pending invitation may be revoked), never after a rejection.
        assert!(!(approved && rejected), "round {round}: {answers:?}");
        assert!(!(rejected && revoked), "round {round}: {answers:?}");
        assert!(
            approved || rejected || revoked,
            "round {round}: {answers:?}"
        );
        let (_, now) = json_of(
            app.get(&format!("/v1/invitations/{id}"), &a.admin.token)
                .await,
        )
        .await;
        let expected = match (approved, rejected, revoked) {
            (_, _, true) => "revoked",
            (true, _, _) => "pending",
            _ => "rejected",
        };
        assert_eq!(now["status"], expected, "round {round}: {answers:?}");
        // The losers say why.
        for (k, (status, code)) in answers.iter().enumerate() {
            if *status != StatusCode::OK {
                assert_eq!(*status, StatusCode::CONFLICT, "round {round}: {answers:?}");
                let why = if k == 2 {
                    "invitation_not_pending"
                } else {
                    "invitation_not_awaiting_approval"
                };
                assert_eq!(code, why, "round {round}: {answers:?}");
            }
        }
        assert_counters_are_the_recount(&app, &a.admin.token).await;
    }
}
