//! Batches are decided without the account's lock and reserve their seats at the end (issue
//! #10): whatever races them, the outcome is one a serial run could give.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

/// Sends `n` copies of `body` to `POST /v1/invitations` at once, each with `key` if given;
/// returns each answer's status, problem code and body.
async fn at_once(
    app: &Arc<TestApp>,
    token: &str,
    n: usize,
    body: Value,
    key: Option<&str>,
) -> Vec<(StatusCode, String, Value)> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (app, token, body) = (app.clone(), token.to_owned(), body.clone());
            let key = key.map(str::to_owned);
            tokio::spawn(async move {
                let mut req = app
                    .client
                    .post(app.url("/v1/invitations"))
                    .bearer_auth(&token)
                    .json(&body);
                if let Some(key) = key {
                    req = req.header("Idempotency-Key", key);
                }
                let (status, body) = json_of(req.send().await.unwrap()).await;
                let code = body["code"].as_str().unwrap_or_default().to_owned();
                (status, code, body)
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
async fn one_login_invited_by_twenty_requests_at_once_gets_one_invitation() {
    let app = Arc::new(TestApp::spawn().await);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let answers = at_once(
        &app,
        &admin.token,
        20,
        invite_body(&group, "ann@client.example"),
        None,
    )
    .await;
    let created = answers
        .iter()
        .filter(|(s, ..)| *s == StatusCode::CREATED)
        .count();
    let pending = answers
        .iter()
        .filter(|(s, c, _)| *s == StatusCode::CONFLICT && c == "invitation_pending")
        .count();
    assert_eq!((created, pending), (1, 19), "{answers:?}");
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["pending_invitations"], 1, "{usage}");
    let (_, list) = json_of(app.get("/v1/invitations", &admin.token).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_idempotency_key_sent_ten_times_at_once_creates_once_and_answers_alike() {
    let app = Arc::new(TestApp::spawn().await);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let answers = at_once(
        &app,
        &admin.token,
        10,
        invite_body(&group, "ann@client.example"),
        Some("import-7"),
    )
    .await;
    let first = &answers[0].2;
    for (status, _, body) in &answers {
        assert_eq!(*status, StatusCode::CREATED, "{body}");
        assert_eq!(body, first);
    }
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["pending_invitations"], 1, "{usage}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_workgroup_closed_to_external_users_while_invitations_race_into_it_keeps_none() {
    let app = Arc::new(TestApp::spawn().await);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    for round in 0..3 {
        let group = app
            .workgroup(&admin.token, &format!("Site {round}"), true)
            .await;
        let invitations: Vec<_> = (0..4)
            .map(|i| {
                let (app, token, group) = (app.clone(), admin.token.clone(), group.clone());
                tokio::spawn(async move {
                    let body = invite_body(&group, &format!("p{round}-{i}@client.example"));
                    app.post("/v1/invitations", Some(&token), body)
                        .await
                        .status()
                })
            })
            .collect();
        let (closed, _) = patch(
            &app,
            &format!("/v1/workgroups/{group}"),
            &admin.token,
            json!({"allow_external": false}),
        )
        .await;
        for task in invitations {
            let status = task.await.unwrap();
            assert!(
                status == StatusCode::CREATED || status == StatusCode::CONFLICT,
                "{status}"
            );
        }
        // Rule 1: whichever came first, an extranet invitation never sits in a workgroup that
        // does not allow external users.
        let (_, list) = json_of(
            app.get(
                &format!("/v1/invitations?workgroup_id={group}&status=pending"),
                &admin.token,
            )
            .await,
        )
        .await;
        let pending = list["items"].as_array().unwrap().len();
        if closed == StatusCode::OK {
            assert_eq!(pending, 0, "round {round}: closed with {list}");
        } else {
            assert_eq!(closed, StatusCode::CONFLICT);
            assert!(pending > 0, "round {round}");
        }
    }
}

#[tokio::test]
async fn a_batch_into_another_accounts_workgroup_finds_no_such_workgroup() {
    let app = Arc::new(TestApp::spawn().await);
    let theirs = app.sign_up("bo@elsewhere.example", "basic").await;
    let their_group = app.workgroup(&theirs.token, "Theirs", true).await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    // Decided without the account's lock, the batch still reads the workgroup in the caller's
    // account only: 404, as if it did not exist, and nothing is written on either side.
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&their_group, "ann@client.example"),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    for token in [&admin.token, &theirs.token] {
        assert_eq!(app.usage(token).await["pending_invitations"], 0);
    }
    let (_, members) = json_of(
        app.get(
            &format!("/v1/workgroups/{their_group}/members"),
            &theirs.token,
        )
        .await,
    )
    .await;
    assert_eq!(members["items"].as_array().unwrap().len(), 1, "{members}");
}
