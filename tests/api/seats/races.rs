//! Batches are decided without the account's lock and reserve their seats at the end (issue
//! #10): whatever races them, the outcome is one a serial run could give.

use crate::support::helpers::*;
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

/// Rule 6 under a race across processes: an external user's login change to E is confirmed
/// (on one server process) at the moment an admin invites E into the user's account (on
/// another). Whichever commits first, the account never ends up with an active user whose login
/// is E and a pending invitation for E — an invitation that could never be accepted, holding a
/// seat and having sent a link.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_login_change_confirmed_while_the_new_login_is_invited_never_leaves_both() {
    const ROUNDS: usize = 16;
    // Every login change is asked for from 127.0.0.1: no budget of codes per client here.
    let app = TestApp::spawn_with(|c| c.code_per_client_per_hour = 0).await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    // The external users, each asking for a new login and holding its code.
    let mut people = Vec::new();
    for r in 0..ROUNDS {
        let person = app
            .join(
                &admin.token,
                "extranet",
                Some(&group),
                &format!("+1415555{:04}", 100 + r),
            )
            .await;
        let new_email = format!("new-{r}@client.example");
        let (status, body) = json_of(
            app.post(
                "/v1/network/profile/login-change",
                Some(&person.token),
                json!({"new_email": new_email, "current_password": PASSWORD}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let code = app.code_sent(&new_email, 0).await;
        people.push((person, new_email, code));
    }
    // A second server process on the same database (its messages go to its console).
    let other =
        crate::support::processes::ServerProcess::start(&app.database_url, &app.sms.url).await;
    let client = reqwest::Client::new();
    let mut outcomes = Vec::new();
    for (person, new_email, code) in &people {
        let confirm = client
            .post(app.url("/v1/network/profile/login-change/confirm"))
            .bearer_auth(&person.token)
            .json(&json!({"code": code}))
            .send();
        let invite = client
            .post(format!("{}/v1/invitations", other.address))
            .bearer_auth(&admin.token)
            .json(&invite_body(&group, new_email))
            .send();
        let (confirmed, invited) = tokio::join!(confirm, invite);
        let (confirmed, invited) = (
            json_of(confirmed.unwrap()).await,
            json_of(invited.unwrap()).await,
        );
        outcomes.push((
            confirmed.0,
            invited.0,
            invited.1["code"].as_str().unwrap_or("").to_owned(),
        ));
    }
    // Each request got an answer a serial run could give.
    for (confirmed, invited, code) in &outcomes {
        assert!(
            [StatusCode::OK, StatusCode::CONFLICT].contains(confirmed),
            "{outcomes:?}"
        );
        assert!(
            *invited == StatusCode::CREATED || *invited == StatusCode::CONFLICT,
            "{code}: {outcomes:?}"
        );
    }
    // No login is both an active user's and a pending invitation's.
    let (_, users) = json_of(
        app.get("/v1/users?status=active&limit=200", &admin.token)
            .await,
    )
    .await;
    let (_, pending) = json_of(
        app.get("/v1/invitations?status=pending&limit=200", &admin.token)
            .await,
    )
    .await;
    let user_logins: Vec<&str> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| [u["email"].as_str(), u["phone"].as_str()])
        .flatten()
        .collect();
    let both: Vec<&str> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["email"].as_str().or(i["phone"].as_str()))
        .filter(|login| user_logins.contains(login))
        .collect();
    assert!(
        both.is_empty(),
        "active users and pending invitations share {both:?}; answers (confirm, invite, code): \
         {outcomes:?}"
    );
}
