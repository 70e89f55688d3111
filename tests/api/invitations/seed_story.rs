//! Inviting new people: the seed article's story end to end, and who may invite whom where.

use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The seed article's story, end to end: an intranet workgroup refuses external people until
/// "allow access for external users" is on; one invitation by email and one by phone in a
/// single request; both messages arrive; both accept; both are external members.
#[tokio::test]
async fn the_seed_story_from_invite_to_membership() {
    let app = TestApp::spawn_with_mail().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client website", false).await;
    let batch = json!({
        "type": "extranet",
        "workgroup_id": group,
        "message": "Welcome to the project!",
        "invitees": [
            {"email": "Ann@Client.example", "first_name": "Ann", "last_name": "Lee"},
            {"phone": "+1 415 555 0101", "first_name": "Bo", "last_name": "Ng"}
        ]
    });
    let res = app
        .post("/v1/invitations", Some(&admin.token), batch.clone())
        .await;
    assert_problem(res, StatusCode::CONFLICT, "workgroup_not_extranet").await;

    let res = app
        .call(
            Method::PATCH,
            &format!("/v1/workgroups/{group}"),
            Some(&admin.token),
            Some(json!({"allow_external": true})),
        )
        .await;
    let (status, patched) = json_of(res).await;
    assert_eq!(
        (status, patched["allow_external"].clone()),
        (StatusCode::OK, json!(true))
    );

    let (status, created) =
        json_of(app.post("/v1/invitations", Some(&admin.token), batch).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["dry_run"], false);
    let results = created["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["index"], i);
        assert_eq!(r["outcome"], "invited");
        assert_eq!(r["invitation"]["status"], "pending");
        assert_eq!(r["invitation"]["type"], "extranet");
        assert_eq!(r["invitation"]["workgroup_id"], group.as_str());
        assert_eq!(r["invitation"]["invited_by"], admin.user_id.as_str());
        assert!(r["invitation"].get("token").is_none());
    }
    assert_eq!(results[0]["invitation"]["email"], "ann@client.example");
    assert_eq!(results[1]["invitation"]["phone"], "+14155550101");
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_invitations"].clone(),
            usage["available"].clone()
        ),
        (json!(2), json!(2))
    );

    // Both messages arrive, each with its link.
    let smtp = app.smtp.as_ref().unwrap();
    let mail = smtp.wait_for("ann@client.example", 1).await;
    assert!(mail[0]["subject"]
        .as_str()
        .unwrap()
        .contains("Client website"));
    let body = mail[0]["body"].as_str().unwrap();
    assert!(body.contains("Welcome to the project!"), "{body}");
    let ann_token = token_in(body);
    let sms = app.sms.wait_for("+14155550101", 1).await;
    let bo_token = token_in(sms[0]["text"].as_str().unwrap());
    assert_eq!(ann_token.len(), 43);
    assert_ne!(ann_token, bo_token);

    // The accept page's view of Ann's invitation.
    let (status, page) = json_of(
        app.post("/v1/invitations/lookup", None, json!({"token": ann_token}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["account"]["name"], "Account of ada@agency.example");
    assert_eq!(page["workgroup"]["name"], "Client website");
    assert_eq!(
        page["inviter"],
        json!({"first_name": "Ada", "last_name": "Lovelace"})
    );
    assert_eq!(page["invitation"]["first_name"], "Ann");
    assert_eq!(page["invitation"]["status"], "pending");
    assert_eq!(page["profile_exists"], false);

    let (status, ann) = app.accept(&ann_token).await;
    assert_eq!(status, StatusCode::CREATED, "{ann}");
    assert_eq!(ann["user"]["type"], "extranet");
    assert_eq!(ann["user"]["email"], "ann@client.example");
    assert_eq!(ann["user"]["first_name"], "Ann");
    let (status, bo) = json_of(
        app.post(
            "/v1/invitations/accept",
            None,
            json!({"token": bo_token, "password": PASSWORD, "first_name": "Bob"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{bo}");
    assert_eq!(bo["user"]["first_name"], "Bob");

    // Both are active external members of the workgroup; usage shows them.
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{group}/members"), &admin.token)
            .await,
    )
    .await;
    let mut external: Vec<(String, String, String)> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["user"]["type"] == "extranet")
        .map(|m| {
            (
                m["user_id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    external.sort();
    let mut expected = vec![
        (
            ann["user"]["id"].as_str().unwrap().to_owned(),
            "member".to_owned(),
            "active".to_owned(),
        ),
        (
            bo["user"]["id"].as_str().unwrap().to_owned(),
            "member".to_owned(),
            "active".to_owned(),
        ),
    ];
    expected.sort();
    assert_eq!(external, expected);
    let usage = app.seats(&admin.token).await;
    assert_eq!(
        usage,
        json!({"plan": "basic", "user_limit": 5, "active_intranet": 1, "active_extranet": 2,
               "pending_invitations": 0, "pending_join_requests": 0, "available": 2})
    );
    let (_, list) = json_of(
        app.get("/v1/invitations?status=accepted", &admin.token)
            .await,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // The new user's own token works, and sees the group.
    let ann_access = ann["access_token"].as_str().unwrap();
    let (_, me) = json_of(app.get("/v1/me", ann_access).await).await;
    assert_eq!(me["type"], "extranet");
    let (_, groups) = json_of(app.get("/v1/workgroups", ann_access).await).await;
    assert_eq!(groups["items"][0]["id"], group.as_str());
}

#[tokio::test]
async fn who_may_invite_and_where() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    // An employee, invited and accepted.
    let (status, _) = json_of(
        app.post("/v1/invitations", Some(&admin.token),
                 json!({"type": "intranet", "invitees": [{"phone": "+14155550200", "first_name": "Em", "last_name": "Ployee"}]}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, employee) = app.accept(&app.sms.token("+14155550200", 0).await).await;
    assert_eq!(employee["user"]["type"], "intranet");
    assert_eq!(employee["user"]["is_admin"], false);
    let employee = employee["access_token"].as_str().unwrap().to_owned();
    // An external user.
    app.invite_phone(&admin.token, &group, "+14155550300").await;
    let (_, external) = app.accept(&app.sms.token("+14155550300", 0).await).await;
    let external = external["access_token"].as_str().unwrap().to_owned();

    let invite = |token: String, group: Option<String>, phone: &'static str| {
        let app = &app;
        async move {
            let mut body = json!({"type": "extranet", "invitees": [{"phone": phone, "first_name": "A", "last_name": "B"}]});
            match group {
                Some(g) => body["workgroup_id"] = json!(g),
                None => body["workgroup"] = json!({"name": "Own group"}),
            }
            app.post("/v1/invitations", Some(&token), body).await
        }
    };
    // Only admins invite while the account says so.
    let res = invite(employee.clone(), None, "+14155550401").await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    // External users never invite new people.
    let res = invite(external.clone(), Some(group.clone()), "+14155550402").await;
    assert_problem(res, StatusCode::FORBIDDEN, "extranet_user_cannot_invite").await;

    let res = app
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&admin.token),
            Some(json!({"who_can_invite": "employees"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Now employees may, into a group of their own…
    let res = invite(employee.clone(), None, "+14155550403").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // …but into someone else's only as its invite policy allows: not as a non-member.
    let res = invite(employee.clone(), Some(group.clone()), "+14155550404").await;
    assert_problem(res, StatusCode::FORBIDDEN, "workgroup_policy_forbids").await;
    let res = invite(external, Some(group.clone()), "+14155550405").await;
    assert_problem(res, StatusCode::FORBIDDEN, "extranet_user_cannot_invite").await;

    // The account's domain rules apply to external invitees' email domains.
    let res = app
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&admin.token),
            Some(json!({"external_domains": {"deny": ["rival.example"]}})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": [
                  {"email": "spy@rival.example", "first_name": "S", "last_name": "Py"}]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "domain_not_allowed");
    assert_eq!(problem["errors"][0]["field"], "invitees[0].email");
}
