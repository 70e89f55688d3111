//! The way in through a join link: the person proves the login, then joins at once, or waits
//! for approval holding a seat; approved, they are an external user and a member who can log
//! in; rejected, nothing is created and the seat is free.

use super::*;
use crate::support::helpers::{assert_problem, json_of, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_link_without_approval_lets_proved_people_in_until_its_uses_run_out() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (created, code) = link(
        &app,
        &admin.token,
        &group,
        json!({"max_uses": 2, "approval": "none"}),
    )
    .await;
    assert_eq!(created["uses"], 0);
    assert_eq!(created["max_uses"], 2);
    // The server's own page, the code in the fragment (the server's default public address).
    assert!(
        created["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:8080/join#code="),
        "{created}"
    );

    // What the page shows of it.
    let (status, shown) = json_of(
        app.post("/v1/join-links/lookup", None, json!({"code": code}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["workgroup"]["name"], "Site");
    assert_eq!(shown["approval"], "none");

    for (n, login) in ["ann@client.example", "bob@client.example"]
        .iter()
        .enumerate()
    {
        let (status, joined) = join_through(&app, &code, login, 0).await;
        assert_eq!(status, StatusCode::CREATED, "{n}: {joined}");
        assert_eq!(joined["user"]["type"], "extranet");
        // A member who acts at once, and logs in with the password given.
        let token = joined["access_token"].as_str().unwrap();
        let (status, me) = json_of(app.get("/v1/me", token).await).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        let (status, group_seen) =
            json_of(app.get(&format!("/v1/workgroups/{group}"), token).await).await;
        assert_eq!(status, StatusCode::OK, "{group_seen}");
        let (status, _) = app.login(login, PASSWORD, Some(&admin.account_id)).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(app.usage(&admin.token).await["active_extranet"], 2);

    // Used up: gone, as an expired invitation token is; asking or looking it up says so.
    let (status, problem) = request(&app, &code, "cyd@client.example").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::GONE, Some("join_link_used_up")),
        "{problem}"
    );
    assert_problem(
        app.post("/v1/join-links/lookup", None, json!({"code": code}))
            .await,
        StatusCode::GONE,
        "join_link_used_up",
    )
    .await;
    let (_, list) = json_of(
        app.get(&format!("/v1/workgroups/{group}/join-links"), &admin.token)
            .await,
    )
    .await;
    assert_eq!(list["items"][0]["uses"], 2);
    let (_, joined) = requests(&app, &admin.token, &group).await;
    assert!(joined["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "joined"));
    app.assert_audited(&["join_link.created", "join_link.joined"]);
}

#[tokio::test]
async fn with_approval_the_person_waits_holding_a_seat_and_once_approved_is_a_member_who_logs_in() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (_, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;

    let (status, waiting) = join_through(&app, &code, "ann@client.example", 0).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{waiting}");
    assert_eq!(waiting, json!({"status": "awaiting_approval"}));
    // Nothing created yet, but a seat held; the person cannot log in.
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_join_requests"].as_u64(),
            usage["available"].as_u64()
        ),
        (Some(1), Some(3)),
        "{usage}"
    );
    let (status, _) = app
        .login("ann@client.example", PASSWORD, Some(&admin.account_id))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, list) = requests(&app, &admin.token, &group).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let request = &list["items"][0];
    assert_eq!(request["status"], "awaiting_approval");
    assert_eq!(request["login"], "ann@client.example");
    assert_eq!(request["holds_seat"], true);
    let id = request["id"].as_str().unwrap();
    // Requests whose login is not proved are never listed.
    let res = app
        .get(
            &format!("/v1/workgroups/{group}/join-requests?status=unconfirmed"),
            &admin.token,
        )
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_parameter").await;

    let (status, approved) = decide(&app, &admin.token, &group, id, "approve").await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    let user_id = approved["user_id"].as_str().unwrap();
    let (_, user) = json_of(app.get(&format!("/v1/users/{user_id}"), &admin.token).await).await;
    assert_eq!(
        (user["type"].as_str(), user["status"].as_str()),
        (Some("extranet"), Some("active"))
    );
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{group}/members"), &admin.token)
            .await,
    )
    .await;
    assert!(
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user_id"] == user_id && m["status"] == "active"),
        "{members}"
    );
    let (status, _) = app
        .login("ann@client.example", PASSWORD, Some(&admin.account_id))
        .await;
    assert_eq!(status, StatusCode::OK);
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_join_requests"].as_u64(),
            usage["active_extranet"].as_u64()
        ),
        (Some(0), Some(1))
    );
    // Decided once.
    let (status, problem) = decide(&app, &admin.token, &group, id, "reject").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("join_request_not_awaiting"))
    );
    app.assert_audited(&[
        "join_request.created",
        "join_request.approved",
        "join_link.joined",
    ]);
    assert_eq!(
        counters(&app, &admin.token).await,
        recount(&app, &admin.token, &[&group]).await
    );
}

#[tokio::test]
async fn a_rejected_request_creates_nothing_and_frees_its_seat() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (_, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    let (status, _) = join_through(&app, &code, "ann@client.example", 0).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, list) = requests(&app, &admin.token, &group).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.usage(&admin.token).await["available"], 3);

    let (status, rejected) = decide(&app, &admin.token, &group, &id, "reject").await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["user_id"], json!(null));
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["available"].as_u64(),
            usage["pending_join_requests"].as_u64(),
            usage["active_extranet"].as_u64()
        ),
        (Some(4), Some(0), Some(0))
    );
    let (_, users) = json_of(app.get("/v1/users", &admin.token).await).await;
    assert_eq!(users["items"].as_array().unwrap().len(), 1, "{users}");
    let (status, _) = app
        .login("ann@client.example", PASSWORD, Some(&admin.account_id))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, problem) = decide(&app, &admin.token, &group, &id, "approve").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("join_request_not_awaiting"))
    );
    app.assert_audited(&["join_request.rejected"]);
    assert_eq!(
        counters(&app, &admin.token).await,
        recount(&app, &admin.token, &[&group]).await
    );
}

#[tokio::test]
async fn every_step_of_a_join_link_is_audited_and_told_to_webhooks() {
    use crate::support::webhook_receiver::Receiver;
    use crate::support::webhooks::{subscribe, webhook_app};
    const EVENTS: [&str; 6] = [
        "join_link.created",
        "join_link.revoked",
        "join_request.created",
        "join_request.approved",
        "join_request.rejected",
        "join_link.joined",
    ];
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    subscribe(&app, &admin.token, &receiver.url, &EVENTS).await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (created, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    for login in ["ann@client.example", "bob@client.example"] {
        let (status, _) = join_through(&app, &code, login, 0).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let (_, list) = requests(&app, &admin.token, &group).await;
    for (r, verb) in list["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["approve", "reject"])
    {
        let (status, _) = decide(&app, &admin.token, &group, r["id"].as_str().unwrap(), verb).await;
        assert_eq!(status, StatusCode::OK);
    }
    revoke(&app, &admin.token, &group, created["id"].as_str().unwrap()).await;
    app.assert_audited(&EVENTS);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let got = loop {
        let got: std::collections::BTreeSet<String> = receiver
            .inbox
            .all()
            .iter()
            .filter_map(|r| r["event"]["type"].as_str().map(str::to_owned))
            .collect();
        if got.len() >= EVENTS.len() || std::time::Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let want: std::collections::BTreeSet<String> = EVENTS.iter().map(|e| e.to_string()).collect();
    assert_eq!(got, want);
    // The link's code is in no event.
    assert!(receiver
        .inbox
        .all()
        .iter()
        .all(|r| !r.to_string().contains(&code)));
}
