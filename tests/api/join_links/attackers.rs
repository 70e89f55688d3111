//! Join links tried as an attacker: another account's administrator, a stranger guessing
//! codes, a code looked for where it must not be, wrong and huge codes.

use super::*;
use crate::support::helpers::{json_of, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn another_accounts_admin_can_neither_see_nor_touch_a_workgroups_links_and_requests() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (created, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    let (status, _) = join_through(&app, &code, "ann@client.example", 0).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, list) = requests(&app, &admin.token, &group).await;
    let request_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let link_id = created["id"].as_str().unwrap();

    let other = app.sign_up("mallory@rival.example", "free").await;
    let own = app.workgroup(&other.token, "Mine", true).await;
    for (status, body) in [
        create_link(&app, &other.token, &group, json!({"approval": "none"})).await,
        json_of(
            app.get(&format!("/v1/workgroups/{group}/join-links"), &other.token)
                .await,
        )
        .await,
        revoke(&app, &other.token, &group, link_id).await,
        requests(&app, &other.token, &group).await,
        decide(&app, &other.token, &group, &request_id, "approve").await,
        decide(&app, &other.token, &group, &request_id, "reject").await,
        // Their own workgroup's path with this account's ids finds nothing either.
        revoke(&app, &other.token, &own, link_id).await,
        decide(&app, &other.token, &own, &request_id, "approve").await,
    ] {
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{body}"
        );
    }
    // Nothing moved.
    let (_, list) = requests(&app, &admin.token, &group).await;
    assert_eq!(list["items"][0]["status"], "awaiting_approval");
    let (_, links) = json_of(
        app.get(&format!("/v1/workgroups/{group}/join-links"), &admin.token)
            .await,
    )
    .await;
    assert_eq!(links["items"][0]["revoked_at"], json!(null));
}

#[tokio::test]
async fn an_external_member_and_an_employee_without_the_right_may_not_make_links() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let closed = app.workgroup(&admin.token, "Inside", false).await;
    let external = app
        .join(&admin.token, "extranet", Some(&group), "+14155550101")
        .await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550102")
        .await;
    let (status, body) =
        create_link(&app, &external.token, &group, json!({"approval": "none"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("extranet_user_cannot_invite"))
    );
    // `who_can_invite` is `admins` by default.
    let (status, body) =
        create_link(&app, &employee.token, &group, json!({"approval": "none"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("admin_required"))
    );
    // Rule 1: a workgroup closed to external users has no join links.
    let (status, body) =
        create_link(&app, &admin.token, &closed, json!({"approval": "none"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("workgroup_not_extranet"))
    );
    // Every limit of the body, all at once.
    let past = (app.clock.now() - chrono::Duration::minutes(1)).to_rfc3339();
    let many: Vec<String> = (0..51).map(|i| format!("d{i}.example")).collect();
    let (status, body) = create_link(
        &app,
        &admin.token,
        &group,
        json!({"approval": "none", "max_uses": 10_001, "expires_at": past, "allowed_domains": many}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["max_uses", "expires_at", "allowed_domains"]);
    let (status, _) = create_link(&app, &admin.token, &group, json!({"approval": "maybe"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_stranger_guessing_codes_is_slowed_and_the_link_code_is_kept_nowhere() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (created, code) = link(&app, &admin.token, &group, json!({"approval": "none"})).await;
    let (status, _) = request(&app, &code, "ann@client.example").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let sent = app.code_sent("ann@client.example", 0).await;
    let wrong = crate::support::helpers::other_than(&sent);
    // Wrong codes: 422, then a wait (as sign-up codes), the right code too while it lasts.
    for _ in 0..5 {
        let (status, problem) = confirm(&app, &code, "ann@client.example", wrong, PASSWORD).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_code"))
        );
    }
    let (status, problem) = confirm(&app, &code, "ann@client.example", &sent, PASSWORD).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")),
        "{problem}"
    );
    assert_eq!(app.usage(&admin.token).await["active_extranet"], 0);
    // The guesses cancelled nothing: once the wait is over, the owner's code still works.
    app.clock.advance(chrono::Duration::minutes(1));
    let (status, joined) = confirm(&app, &code, "ann@client.example", &sent, PASSWORD).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");

    // The code is only in the creation's answer: not in the list, the audit trail or storage.
    let (_, links) = json_of(
        app.get(&format!("/v1/workgroups/{group}/join-links"), &admin.token)
            .await,
    )
    .await;
    assert_eq!(links["items"][0]["id"], created["id"]);
    assert!(links["items"][0].get("url").is_none());
    assert!(!links.to_string().contains(&code));
    let (_, audit) = json_of(app.get("/v1/audit-events", &admin.token).await).await;
    assert!(audit.to_string().contains("join_link.created") && !audit.to_string().contains(&code));
    let stored: Vec<String> = {
        use diesel::prelude::*;
        use persistence::schema::join_links;
        app.database()
            .read(|conn| Ok(join_links::table.select(join_links::code_hash).load(conn)?))
            .unwrap()
    };
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&code) && stored[0].len() == 64);

    // A wrong code is unknown; a huge or malformed one is refused before any lookup.
    for (body, status) in [
        (json!({"code": "x".repeat(43)}), StatusCode::NOT_FOUND),
        (
            json!({"code": "x".repeat(129)}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({"code": "a b"}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({"code": "x".repeat(300_000)}),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let res = app.post("/v1/join-links/lookup", None, body).await;
        assert_eq!(res.status(), status);
    }
    let (status, _) = request(&app, &"y".repeat(129), "bob@client.example").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.codes_sent("bob@client.example").is_empty());
}

#[tokio::test]
async fn codes_to_a_strangers_login_spend_the_budgets_of_codes_never_the_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (_, code) = link(&app, &admin.token, &group, json!({"approval": "none"})).await;
    // The recipient's budget of join codes: three an hour (as sign-up codes), then 429.
    for _ in 0..3 {
        let (status, body) = request(&app, &code, "victim@client.example").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    let (status, problem) = request(&app, &code, "victim@client.example").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("sending_quota_exceeded")
        ),
        "{problem}"
    );
    // Nothing of it is the account's: its sending quota is untouched.
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["sending"]["email"]["used"], 0, "{usage}");
    // Each message carries the code and nothing of the account, the workgroup or the asker.
    app.code_sent("victim@client.example", 2).await;
    let messages = app.mail.inbox.all();
    let to_victim = |m: &&serde_json::Value| {
        m["to"] == "victim@client.example"
            || m["to"]
                .as_array()
                .is_some_and(|a| a.iter().any(|r| r == "victim@client.example"))
    };
    let sent: Vec<_> = messages.iter().filter(to_victim).collect();
    assert_eq!(sent.len(), 3);
    for m in sent {
        let all = m.to_string();
        assert!(
            !all.contains("Site") && !all.contains("Ann") && !all.contains("Account of"),
            "{all}"
        );
    }
}
