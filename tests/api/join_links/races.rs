//! Join links under concurrency: uses, seats and decisions stay exact, as a serial run would
//! leave them.

use super::*;
use crate::support::helpers::{json_of, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

/// Confirms each of `logins` (each asked for its code first) at once; returns the statuses.
async fn confirm_at_once(
    app: &Arc<TestApp>,
    code: &str,
    logins: &[String],
) -> Vec<(StatusCode, Value)> {
    let mut codes = Vec::new();
    for login in logins {
        let (status, body) = request(app, code, login).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        codes.push(app.code_sent(login, 0).await);
    }
    let tasks: Vec<_> = logins
        .iter()
        .zip(codes)
        .map(|(login, sent)| {
            let (app, code, login) = (app.clone(), code.to_owned(), login.clone());
            tokio::spawn(async move { confirm(&app, &code, &login, &sent, PASSWORD).await })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

fn count(answers: &[(StatusCode, Value)], status: StatusCode, code: Option<&str>) -> usize {
    answers
        .iter()
        .filter(|(s, b)| *s == status && (code.is_none() || b["code"].as_str() == code))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn confirmations_at_once_past_max_uses_let_exactly_max_uses_in() {
    let app = Arc::new(TestApp::spawn().await);
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (_, code) = link(
        &app,
        &admin.token,
        &group,
        json!({"max_uses": 3, "approval": "none"}),
    )
    .await;
    let logins: Vec<String> = (0..8).map(|i| format!("p{i}@client.example")).collect();
    let answers = confirm_at_once(&app, &code, &logins).await;
    assert_eq!(count(&answers, StatusCode::CREATED, None), 3, "{answers:?}");
    assert_eq!(
        count(&answers, StatusCode::GONE, Some("join_link_used_up")),
        5,
        "{answers:?}"
    );
    let (_, links) = json_of(
        app.get(&format!("/v1/workgroups/{group}/join-links"), &admin.token)
            .await,
    )
    .await;
    assert_eq!(links["items"][0]["uses"], 3);
    assert_eq!(app.usage(&admin.token).await["active_extranet"], 3);
    assert_eq!(
        counters(&app, &admin.token).await,
        recount(&app, &admin.token, &[&group]).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_people_at_once_for_the_last_seat_one_waits_and_the_other_is_refused() {
    let app = Arc::new(TestApp::spawn().await);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    for phone in ["+14155550101", "+14155550102", "+14155550103"] {
        app.invite_phone(&admin.token, &group, phone).await;
    }
    let (_, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    let logins = vec![
        "ann@client.example".to_owned(),
        "bob@client.example".to_owned(),
    ];
    let answers = confirm_at_once(&app, &code, &logins).await;
    assert_eq!(
        count(&answers, StatusCode::ACCEPTED, None),
        1,
        "{answers:?}"
    );
    assert_eq!(
        count(&answers, StatusCode::CONFLICT, Some("user_limit_reached")),
        1,
        "{answers:?}"
    );
    assert_eq!(app.usage(&admin.token).await["available"], 0);
    assert_eq!(
        counters(&app, &admin.token).await,
        recount(&app, &admin.token, &[&group]).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approvals_at_once_decide_each_request_once_and_keep_the_counters_exact() {
    let app = Arc::new(TestApp::spawn().await);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    for phone in ["+14155550101", "+14155550102"] {
        app.invite_phone(&admin.token, &group, phone).await;
    }
    let (_, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    // The last two seats, each held by a waiting request.
    for login in ["ann@client.example", "bob@client.example"] {
        let (status, body) = join_through(&app, &code, login, 0).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    let (_, list) = requests(&app, &admin.token, &group).await;
    let ids: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(app.usage(&admin.token).await["available"], 0);
    // Each request approved by two moderators at once, and rejected by a third.
    let mut tasks = Vec::new();
    for id in &ids {
        for verb in ["approve", "approve", "reject"] {
            let (app, token, group, id) =
                (app.clone(), admin.token.clone(), group.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                decide(&app, &token, &group, &id, verb).await
            }));
        }
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    // Each request decided exactly once; the others are told it no longer waits.
    assert_eq!(count(&answers, StatusCode::OK, None), 2, "{answers:?}");
    assert_eq!(
        count(
            &answers,
            StatusCode::CONFLICT,
            Some("join_request_not_awaiting")
        ),
        4,
        "{answers:?}"
    );
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["pending_join_requests"], 0);
    assert_eq!(
        counters(&app, &admin.token).await,
        recount(&app, &admin.token, &[&group]).await
    );
    // Whatever was decided, the plan's limit holds.
    assert!(usage["available"].as_u64().unwrap() <= 2);
}
