//! What an API token's scopes grant (issue #24, item 3): a class of data wherever it appears.
//! Users' contact data (email, phone) needs `users:read`; invitation data (the invitee's
//! login, names and message) needs `invitations:read` — in lists, in the views other views
//! embed, in the answers to writes, in the audit trail's details and in webhook events; and a
//! webhook is subscribed to an event only by a token that may read what the event carries.
//! (Every scope × every event and embedded view: `security/owasp/scope_data.rs`.)

use crate::support::helpers::*;
use crate::support::requests::api_token;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{deliveries, subscribe, webhook_app};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The fields of a user view that are contact data.
fn contact_of(user: &Value) -> Vec<&str> {
    ["email", "phone"]
        .into_iter()
        .filter(|f| user.get(*f).is_some())
        .collect()
}

/// The fields of an invitation view that are the invitee's.
fn invitee_of(invitation: &Value) -> Vec<&str> {
    ["email", "phone", "first_name", "last_name", "message"]
        .into_iter()
        .filter(|f| invitation.get(*f).is_some())
        .collect()
}

#[tokio::test]
async fn a_member_view_embeds_contact_data_only_for_tokens_with_users_read() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let ext = app
        .join(&admin.token, "extranet", Some(&group), "+14155550101")
        .await;
    let (_, groups_only) = api_token(&app, &admin.token, &["workgroups:read"]).await;
    let res = app
        .call(Method::GET, "/v1/users", Some(&groups_only), None)
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;

    let members = format!("/v1/workgroups/{group}/members");
    let (status, page) = app.json(Method::GET, &members, &groups_only, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    for m in items {
        assert_eq!(
            contact_of(&m["user"]),
            Vec::<&str>::new(),
            "a token without users:read reads contact data through the member view: {m}"
        );
        // Ids, names and roles are the workgroup's to show.
        assert_eq!(m["user"]["id"], m["user_id"]);
        assert!(
            m["user"]["first_name"].is_string() && m["role"].is_string(),
            "{m}"
        );
    }

    // With `users:read` the same view has them; people see them as before.
    let (_, both) = api_token(&app, &admin.token, &["workgroups:read", "users:read"]).await;
    for token in [&both, &admin.token] {
        let (_, page) = app.json(Method::GET, &members, token, None).await;
        let find = |id: &str| {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["user_id"] == id)
                .cloned()
                .unwrap()
        };
        assert_eq!(find(&ext.id)["user"]["phone"], "+14155550101", "{page}");
        assert_eq!(find(&admin.user_id)["user"]["email"], "ada@agency.example");
        assert!(find(&ext.id)["user"]["email"].is_null());
    }
}

#[tokio::test]
async fn answers_to_writes_carry_no_data_outside_the_tokens_read_scopes() {
    let app = TestApp::spawn_with(|c| c.resend_interval_seconds = 0).await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let ext = app
        .join(&admin.token, "extranet", Some(&group), "+14155550101")
        .await;

    // `users:write` dismisses and reinstates; the user it answers with has no contact data.
    let (_, users_write) = api_token(&app, &admin.token, &["users:write"]).await;
    for step in ["dismiss", "reinstate"] {
        let (status, user) = app
            .json(
                Method::POST,
                &format!("/v1/users/{}/{step}", ext.id),
                &users_write,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_eq!(
            contact_of(&user),
            Vec::<&str>::new(),
            "{step} with users:write alone answers contact data: {user}"
        );
        assert_eq!(user["id"], ext.id.as_str());
    }
    // `GET /v1/me` with any scope: who the token acts as, without contact data.
    let (_, me) = app.json(Method::GET, "/v1/me", &users_write, None).await;
    assert_eq!(contact_of(&me), Vec::<&str>::new(), "{me}");
    assert_eq!(me["id"], admin.user_id.as_str());

    // `invitations:write` invites, resends and revokes; the invitation it answers with has
    // none of the invitee's data.
    let (_, invitations_write) = api_token(&app, &admin.token, &["invitations:write"]).await;
    let mut body = invite_body(&group, "ann@client.example");
    body["message"] = json!("Welcome aboard");
    let (status, created) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &invitations_write,
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let invitation = &created["results"][0]["invitation"];
    assert_eq!(
        invitee_of(invitation),
        Vec::<&str>::new(),
        "an invitation answered to invitations:write alone: {invitation}"
    );
    let id = invitation["id"].as_str().unwrap();
    for (step, body) in [("resend", Some(json!({}))), ("revoke", None)] {
        let (status, answer) = app
            .json(
                Method::POST,
                &format!("/v1/invitations/{id}/{step}"),
                &invitations_write,
                body,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(invitee_of(&answer), Vec::<&str>::new(), "{step}: {answer}");
    }

    // `workgroups:write` adds a member; the member it answers with has no contact data.
    let (_, groups_write) = api_token(&app, &admin.token, &["workgroups:write"]).await;
    let other = app.workgroup(&admin.token, "Second site", true).await;
    let (status, member) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{other}/members"),
            &groups_write,
            Some(json!({"user_id": ext.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{member}");
    assert_eq!(contact_of(&member["user"]), Vec::<&str>::new(), "{member}");

    // The same calls with the read scopes too answer everything.
    let (_, full) = api_token(
        &app,
        &admin.token,
        &["invitations:write", "invitations:read", "users:read"],
    )
    .await;
    let (_, created) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &full,
            Some(invite_body(&group, "bo@client.example")),
        )
        .await;
    let invitation = &created["results"][0]["invitation"];
    assert_eq!(invitation["email"], "bo@client.example", "{created}");
    assert_eq!(invitation["first_name"], "Ann");
    let (_, me) = app.json(Method::GET, "/v1/me", &full, None).await;
    assert_eq!(me["email"], "ada@agency.example");
}

#[tokio::test]
async fn the_audit_trail_withholds_logins_from_tokens_without_their_scope() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let (status, _) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &admin.token,
            Some(invite_body(&group, "ann@client.example")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let path = "/v1/audit-events?action=invitation.created";
    let (_, audit_only) = api_token(&app, &admin.token, &["audit:read"]).await;
    let (status, page) = app.json(Method::GET, path, &audit_only, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let details = &page["items"][0]["details"];
    assert!(
        details.get("login").is_none(),
        "audit:read alone reads the invitee's login: {details}"
    );
    assert_eq!(details["type"], "extranet", "the rest stays: {details}");
    assert!(!page.to_string().contains("ann@client.example"), "{page}");

    let (_, with_invitations) =
        api_token(&app, &admin.token, &["audit:read", "invitations:read"]).await;
    let (_, page) = app.json(Method::GET, path, &with_invitations, None).await;
    assert_eq!(page["items"][0]["details"]["login"], "ann@client.example");
}

#[tokio::test]
async fn subscribing_to_an_event_needs_the_read_scope_of_the_data_it_carries() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let (_, hooks_only) = api_token(&app, &admin.token, &["webhooks:write"]).await;
    for (events, missing) in [
        (
            json!(["invitation.created", "membership.invited"]),
            "invitations:read",
        ),
        (json!(["membership.invited"]), "workgroups:read"),
        (json!(["user.dismissed"]), "users:read"),
        (json!(["workgroup.created"]), "workgroups:read"),
    ] {
        let res = app
            .post(
                "/v1/webhooks",
                Some(&hooks_only),
                json!({"url": receiver.url, "events": events}),
            )
            .await;
        let problem = assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
        assert!(
            problem["detail"].as_str().unwrap().contains(missing),
            "{events}: {problem}"
        );
    }
    let (_, listed) = app
        .json(Method::GET, "/v1/webhooks", &admin.token, None)
        .await;
    assert_eq!(listed["items"], json!([]), "nothing was created");

    // Nor may it point an administrator's webhook elsewhere, or add to its events.
    let admins = subscribe(&app, &admin.token, &receiver.url, &["user.dismissed"]).await;
    let path = format!("/v1/webhooks/{}", admins["id"].as_str().unwrap());
    for change in [
        json!({"url": format!("{}/elsewhere", receiver.url)}),
        json!({"events": ["user.dismissed", "user.reinstated"]}),
    ] {
        let res = app
            .call(Method::PATCH, &path, Some(&hooks_only), Some(change))
            .await;
        let problem = assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
        assert!(problem["detail"].as_str().unwrap().contains("users:read"));
    }
    let (_, unchanged) = app.json(Method::GET, &path, &admin.token, None).await;
    assert_eq!(unchanged["url"], receiver.url.as_str());
    assert_eq!(unchanged["events"], json!(["user.dismissed"]));

    // With the scopes of the data, it may; the events carry that data and no other.
    let (_, reader) = api_token(
        &app,
        &admin.token,
        &["webhooks:write", "invitations:read", "workgroups:read"],
    )
    .await;
    let url = format!("{}/reader", receiver.url);
    let hook = subscribe(
        &app,
        &reader,
        &url,
        &["invitation.created", "membership.invited"],
    )
    .await;
    let (status, _) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &admin.token,
            Some(invite_body(&group, "ann@client.example")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let got = receiver.wait_for("invitation.created", 1).await;
    assert_eq!(
        got[0]["event"]["data"]["invitation"]["email"],
        "ann@client.example"
    );
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550177")
        .await;
    let (status, _) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{group}/members"),
            &admin.token,
            Some(json!({"user_id": employee.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let got = receiver.wait_for("membership.invited", 1).await;
    assert_eq!(
        got[0]["event"]["data"]["change"]["user_id"],
        employee.id.as_str()
    );
    assert!(
        !got[0]["raw"].as_str().unwrap().contains("+14155550177"),
        "a membership event carries the member's phone: {}",
        got[0]["raw"]
    );
    // Ann's invitation, the employee's, and the membership invitation.
    assert_eq!(
        deliveries(&app, &admin.token, hook["id"].as_str().unwrap())
            .await
            .len(),
        3
    );
}
