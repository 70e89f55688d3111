//! Every step after the invite follows today's rules, not those of the day it was sent
//! (issue #8): an expired external invitation keeps its workgroup extranet until revoked (rule
//! 1), and resends and accepts follow today's domain rules, who may invite and the group's
//! policy.

use crate::support::helpers::{
    admin_token, assert_problem, assert_refused, change, invite_body, json_of, patch, TestApp,
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_expired_external_invitation_keeps_its_workgroup_extranet_until_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let invitation = app.invite_phone(&admin.token, &group, "+14155550101").await;
    let id = invitation["id"].as_str().unwrap().to_owned();

    app.clock.advance(Duration::days(8));
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    // The invitation expired, but it can be resent and then accepted: the group stays extranet.
    let (status, problem) = patch(
        &app,
        &format!("/v1/workgroups/{group}"),
        &token,
        json!({"allow_external": false}),
    )
    .await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "workgroup_has_external_members",
    );
    // Revoked, it can be neither: now the group may become internal…
    let (status, _) = json_of(
        app.post(
            &format!("/v1/invitations/{id}/revoke"),
            Some(&token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = patch(
        &app,
        &format!("/v1/workgroups/{group}"),
        &token,
        json!({"allow_external": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["allow_external"], false);
    // …and the revoked invitation cannot be brought back into it.
    let (status, problem) = json_of(app.resend(&token, &id).await).await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "invitation_not_pending",
    );
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{group}/members"), &token)
            .await,
    )
    .await;
    assert_eq!(members["items"].as_array().unwrap().len(), 1, "{members}");
}

#[tokio::test]
async fn resend_and_accept_follow_the_domain_rules_of_today_subdomains_included() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (status, created) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": [
                {"email": "ann@eu.client.example", "first_name": "Ann", "last_name": "Lee"},
                {"phone": "+14155550101", "first_name": "Bo", "last_name": "Ng"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let ann = created["results"][0]["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The account now denies client.example, and with it every subdomain.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"external_domains": {"deny": ["client.example"]}}),
    )
    .await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "cy@us.client.example"),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "domain_not_allowed");

    app.clock.advance(Duration::seconds(61));
    let res = app.resend(&admin.token, &ann).await;
    assert_problem(res, StatusCode::CONFLICT, "domain_not_allowed").await;
    // Ann's link, sent before the rule, no longer lets her in…
    let ann_token = app.email_token("ann@eu.client.example", 0).await;
    let (status, problem) = app.accept(&ann_token).await;
    assert_refused(status, &problem, StatusCode::CONFLICT, "domain_not_allowed");
    // …while Bo, invited by phone, is unaffected by domain rules.
    let bo = app.sms.token("+14155550101", 0).await;
    assert_eq!(app.accept(&bo).await.0, StatusCode::CREATED);

    // An allow list lets subdomains in as well.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"external_domains": {"allow": ["client.example"]}}),
    )
    .await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "cy@us.client.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn resend_and_accept_follow_who_may_invite_today_and_a_dismissed_inviters_invitations_stay_valid(
) {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "employees"}),
    )
    .await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let inviter = app
        .join(&admin.token, "intranet", None, "+14155550100")
        .await;
    app.add_and_accept(&admin.token, &group, &inviter, "member")
        .await;
    let leaver = app
        .join(&admin.token, "intranet", None, "+14155550109")
        .await;
    app.add_and_accept(&admin.token, &group, &leaver, "member")
        .await;

    // The employee invites two people while employees may.
    let first = app
        .invite_phone(&inviter.token, &group, "+14155550101")
        .await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    app.invite_phone(&inviter.token, &group, "+14155550102")
        .await;
    // A colleague who is dismissed later invites a third.
    let third = app
        .invite_phone(&leaver.token, &group, "+14155550103")
        .await;
    let third_id = third["id"].as_str().unwrap().to_owned();
    app.invite_phone(&leaver.token, &group, "+14155550105")
        .await;

    // Only admins may invite now.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "admins"}),
    )
    .await;
    app.clock.advance(Duration::seconds(61));
    // The employee can no longer resend…
    let res = app.resend(&inviter.token, &first_id).await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    // …and what it sent before no longer lets anyone in.
    let second = app.sms.token("+14155550102", 0).await;
    let (status, problem) = app.accept(&second).await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "inviter_no_longer_allowed",
    );
    // An admin who sends it again vouches for it: the new link works.
    let (status, body) = json_of(app.resend(&admin.token, &first_id).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fresh = app.sms.token("+14155550101", 1).await;
    assert_eq!(app.accept(&fresh).await.0, StatusCode::CREATED);

    // The group's policy binds the same way: owner-only groups take the owner's invitations only.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "employees"}),
    )
    .await;
    let fourth = app
        .invite_phone(&inviter.token, &group, "+14155550104")
        .await;
    let fourth_id = fourth["id"].as_str().unwrap().to_owned();
    change(
        &app,
        &admin.token,
        &format!("/v1/workgroups/{group}"),
        json!({"invite_policy": "owner"}),
    )
    .await;
    app.clock.advance(Duration::seconds(61));
    let res = app.resend(&inviter.token, &fourth_id).await;
    assert_problem(res, StatusCode::FORBIDDEN, "workgroup_policy_forbids").await;
    let (status, problem) = app.accept(&app.sms.token("+14155550104", 0).await).await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "inviter_no_longer_allowed",
    );
    change(
        &app,
        &admin.token,
        &format!("/v1/workgroups/{group}"),
        json!({"invite_policy": "members"}),
    )
    .await;

    // A dismissed inviter's invitations stay valid (the company invited them, not the person)…
    app.dismiss(&admin.token, &leaver.id).await;
    let fifth = app.sms.token("+14155550105", 0).await;
    assert_eq!(app.accept(&fifth).await.0, StatusCode::CREATED);
    // …resending one needs someone still allowed: the admin may.
    app.clock.advance(Duration::seconds(61));
    let (status, body) = json_of(app.resend(&admin.token, &third_id).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let third_token = app.sms.token("+14155550103", 1).await;
    assert_eq!(app.accept(&third_token).await.0, StatusCode::CREATED);
}
