//! Every way in obeys rules 1, 3, 4 and 6 and the domain rules (rule 12): at request, at
//! confirmation, and again at approval. Dead links answer as invitation tokens do.

use super::*;
use crate::support::helpers::{json_of, patch, TestApp, PASSWORD};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

fn codes(status: StatusCode, body: &serde_json::Value) -> (StatusCode, Option<&str>) {
    (status, body["code"].as_str())
}

#[tokio::test]
async fn addresses_the_link_or_the_account_rules_out_are_refused_before_any_code_is_sent() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (_, code) = link(
        &app,
        &admin.token,
        &group,
        json!({"allowed_domains": ["client.example"], "approval": "none"}),
    )
    .await;
    for (login, field) in [
        ("eve@elsewhere.example", "email"),
        ("+14155550101", "phone"),
    ] {
        let (status, problem) = request(&app, &code, login).await;
        assert_eq!(
            codes(status, &problem),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")),
            "{problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field);
        assert_eq!(problem["errors"][0]["code"], "domain_not_allowed");
        assert!(app.codes_sent(login).is_empty());
    }
    // A subdomain of a listed domain is let in.
    let (status, _) = request(&app, &code, "ann@eu.client.example").await;
    assert_eq!(status, StatusCode::ACCEPTED);

    // The account's own rules hold for every link too.
    let (status, _) = patch(
        &app,
        "/v1/account",
        &admin.token,
        json!({"external_domains": {"deny": ["client.example"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = request(&app, &code, "bob@client.example").await;
    assert_eq!(
        problem["errors"][0]["code"], "domain_not_allowed",
        "{problem}"
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // And again when a code asked for before the rule changed is confirmed.
    let sent = app.code_sent("ann@eu.client.example", 0).await;
    let (status, problem) = confirm(&app, &code, "ann@eu.client.example", &sent, PASSWORD).await;
    assert_eq!(
        codes(status, &problem),
        (StatusCode::CONFLICT, Some("domain_not_allowed")),
        "{problem}"
    );
}

#[tokio::test]
async fn no_free_seat_refuses_joining_and_waiting_alike() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    for phone in ["+14155550101", "+14155550102", "+14155550103"] {
        app.invite_phone(&admin.token, &group, phone).await;
    }
    let (_, open) = link(&app, &admin.token, &group, json!({"approval": "none"})).await;
    let (_, gated) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    // One seat left: a waiting request takes it…
    let (status, _) = join_through(&app, &gated, "ann@client.example", 0).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // …and then neither way in finds one.
    for (code, login) in [
        (&open, "bob@client.example"),
        (&gated, "cyd@client.example"),
    ] {
        let (status, problem) = join_through(&app, code, login, 0).await;
        assert_eq!(
            codes(status, &problem),
            (StatusCode::CONFLICT, Some("user_limit_reached")),
            "{problem}"
        );
    }
    // Rejecting frees it again.
    let (_, list) = requests(&app, &admin.token, &group).await;
    let id = list["items"][0]["id"].as_str().unwrap();
    decide(&app, &admin.token, &group, id, "reject").await;
    let sent = app.code_sent("bob@client.example", 0).await;
    let (status, joined) = confirm(&app, &open, "bob@client.example", &sent, PASSWORD).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    assert_eq!(
        counters(&app, &admin.token).await,
        recount(&app, &admin.token, &[&group]).await
    );
}

#[tokio::test]
async fn an_external_user_of_the_account_gets_a_membership_and_no_new_seat() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let first = app.workgroup(&admin.token, "First", true).await;
    let second = app.workgroup(&admin.token, "Second", true).await;
    let pat = app
        .join(&admin.token, "extranet", Some(&first), "+14155550101")
        .await;
    let before = app.usage(&admin.token).await;
    let (_, code) = link(&app, &admin.token, &second, json!({"approval": "none"})).await;

    // The code proves the login; the profile's password is the person's own.
    let (status, _) = request(&app, &code, "+14155550101").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let sent = app.code_sent("+14155550101", 0).await;
    let (status, problem) = confirm(&app, &code, "+14155550101", &sent, "not the password").await;
    assert_eq!(
        codes(status, &problem),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );
    let (status, joined) = confirm(&app, &code, "+14155550101", &sent, PASSWORD).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["user"]["id"], pat.id.as_str());
    let after = app.usage(&admin.token).await;
    assert_eq!(before["active_extranet"], after["active_extranet"]);
    assert_eq!(before["available"], after["available"]);
    let (status, _) = json_of(
        app.get(&format!("/v1/workgroups/{second}"), &pat.token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Once a member, the link has nothing more to give them.
    let (status, _) = request(&app, &code, "+14155550101").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let sent = app.code_sent("+14155550101", 1).await;
    let (status, problem) = confirm(&app, &code, "+14155550101", &sent, PASSWORD).await;
    assert_eq!(
        codes(status, &problem),
        (StatusCode::CONFLICT, Some("already_member")),
        "{problem}"
    );
}

#[tokio::test]
async fn an_employees_login_is_refused_with_the_invitations_codes() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550109")
        .await;
    let (_, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    for (login, nth) in [("ada@agency.example", 1), ("+14155550109", 0)] {
        let (status, problem) = join_through(&app, &code, login, nth).await;
        assert_eq!(
            codes(status, &problem),
            (StatusCode::CONFLICT, Some("login_belongs_to_employee")),
            "{login}: {problem}"
        );
    }
    let _ = employee;
    let (_, list) = requests(&app, &admin.token, &group).await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
}

#[tokio::test]
async fn approval_judges_the_rules_again_as_they_stand_then() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (_, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    let (status, _) = join_through(&app, &code, "ann@client.example", 0).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, list) = requests(&app, &admin.token, &group).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();

    // The account rules the domain out since: refused, still waiting.
    patch(
        &app,
        "/v1/account",
        &admin.token,
        json!({"external_domains": {"deny": ["client.example"]}}),
    )
    .await;
    let (status, problem) = decide(&app, &admin.token, &group, &id, "approve").await;
    assert_eq!(
        codes(status, &problem),
        (StatusCode::CONFLICT, Some("domain_not_allowed")),
        "{problem}"
    );
    patch(
        &app,
        "/v1/account",
        &admin.token,
        json!({"external_domains": {"deny": []}}),
    )
    .await;
    // An employee who is no moderator of the group may not decide (403); one with every
    // right but `who_can_invite` may not let new people in.
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550108")
        .await;
    let (status, problem) = decide(&app, &employee.token, &group, &id, "approve").await;
    assert_eq!(
        codes(status, &problem),
        (StatusCode::FORBIDDEN, Some("workgroup_moderator_required"))
    );
    let (status, problem) = requests(&app, &employee.token, &group).await;
    assert_eq!(
        codes(status, &problem),
        (StatusCode::FORBIDDEN, Some("workgroup_moderator_required"))
    );
    let (status, approved) = decide(&app, &admin.token, &group, &id, "approve").await;
    assert_eq!(status, StatusCode::OK, "{approved}");
}

#[tokio::test]
async fn revoked_links_are_unknown_and_expired_ones_gone_as_invitation_tokens_are() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (revoked, revoked_code) =
        link(&app, &admin.token, &group, json!({"approval": "none"})).await;
    let expires = (app.clock.now() + Duration::hours(1)).to_rfc3339();
    let (_, expired_code) = link(
        &app,
        &admin.token,
        &group,
        json!({"approval": "none", "expires_at": expires}),
    )
    .await;
    // A code asked for before the link died is no way in either.
    let (status, _) = request(&app, &revoked_code, "ann@client.example").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let sent = app.code_sent("ann@client.example", 0).await;

    let (status, revoked) =
        revoke(&app, &admin.token, &group, revoked["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["revoked_at"].is_string());
    app.clock.advance(Duration::hours(2));

    // As `/v1/invitations/lookup` answers a revoked token (404 `not_found`) and an expired one
    // (410 `invitation_expired`).
    let (status, never) = json_of(
        app.post(
            "/v1/join-links/lookup",
            None,
            json!({"code": "never-issued"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        codes(status, &never),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    for (code, status, problem) in [
        (&revoked_code, StatusCode::NOT_FOUND, "not_found"),
        (&expired_code, StatusCode::GONE, "join_link_expired"),
    ] {
        let (s, p) = json_of(
            app.post("/v1/join-links/lookup", None, json!({"code": code}))
                .await,
        )
        .await;
        assert_eq!(codes(s, &p), (status, Some(problem)), "{p}");
        let (s, p) = request(&app, code, "bob@client.example").await;
        assert_eq!(codes(s, &p), (status, Some(problem)), "{p}");
        assert!(p.get("workgroup").is_none() && !p.to_string().contains("Site"));
    }
    let (status, problem) =
        confirm(&app, &revoked_code, "ann@client.example", &sent, PASSWORD).await;
    assert_eq!(
        codes(status, &problem),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    app.assert_audited(&["join_link.revoked"]);
}
