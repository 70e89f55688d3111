//! Workgroup members (rules 2–3): who adds whom under each invite policy, which groups external
//! users join and whom they see, and the members list.

use crate::support::helpers::{assert_refused, json_of, Person, TestApp};
use crate::support::requests::{ids, members, owned_group};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn invite_policies_decide_who_adds_members() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let a = &admin.token;
    let owner = app.join(a, "intranet", None, "+14155550101").await;
    let moderator = app.join(a, "intranet", None, "+14155550102").await;
    let member = app.join(a, "intranet", None, "+14155550103").await;
    let candidate = app.join(a, "intranet", None, "+14155550104").await;
    let g = owned_group(&app, &owner, json!({"name": "Team", "kind": "group"})).await;
    app.add_and_accept(&owner.token, &g, &moderator, "moderator")
        .await;
    app.add_and_accept(&owner.token, &g, &member, "member")
        .await;

    let add = |by: String| {
        let (app, g, candidate) = (&app, &g, &candidate);
        async move {
            app.json(
                Method::POST,
                &format!("/v1/workgroups/{g}/members"),
                &by,
                Some(json!({"user_id": candidate.id})),
            )
            .await
        }
    };
    let withdraw = || {
        let (app, path) = (&app, format!("/v1/workgroups/{g}/members/{}", candidate.id));
        let token = owner.token.clone();
        async move { app.json(Method::DELETE, &path, &token, None).await }
    };
    // (policy, who, allowed): Bitrix24's K, E and A.
    let cases = [
        ("members", &member, true),
        ("moderators", &member, false),
        ("moderators", &moderator, true),
        ("owner", &moderator, false),
        ("owner", &owner, true),
    ];
    for (policy, who, allowed) in cases {
        let (status, body) = app
            .json(
                Method::PATCH,
                &format!("/v1/workgroups/{g}"),
                &owner.token,
                Some(json!({"invite_policy": policy})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = add(who.token.clone()).await;
        if allowed {
            assert_eq!(status, StatusCode::CREATED, "{policy}: {body}");
            assert_eq!(withdraw().await.0, StatusCode::NO_CONTENT);
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{policy}: {body}");
            assert_eq!(body["code"], "workgroup_policy_forbids");
            assert!(body["detail"].as_str().unwrap().contains(policy));
        }
    }
    // Bitrix24's quirk does not exist here: where only moderators may add people, a plain
    // member cannot bring a new person into the group by inviting them to the account either,
    // and nothing is created.
    app.json(
        Method::PATCH,
        "/v1/account",
        a,
        Some(json!({"who_can_invite": "employees"})),
    )
    .await;
    app.json(
        Method::PATCH,
        &format!("/v1/workgroups/{g}"),
        &owner.token,
        Some(json!({"invite_policy": "moderators"})),
    )
    .await;
    let usage = app.usage(a).await;
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &member.token,
            Some(json!({"type": "intranet", "workgroup_id": g,
                        "invitees": [{"phone": "+14155550190", "first_name": "N", "last_name": "P"}]})),
        )
        .await;
    assert_refused(
        status,
        &body,
        StatusCode::FORBIDDEN,
        "workgroup_policy_forbids",
    );
    assert_eq!(app.usage(a).await, usage);
    let (_, invitations) = app
        .json(Method::GET, "/v1/invitations?q=4155550190", a, None)
        .await;
    assert_eq!(invitations["items"], json!([]));

    // Administrators always may, whatever the policy; the same person twice is a conflict.
    let (status, _) = add(a.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = add(a.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "membership_invitation_pending");
    // A plain member does not appoint moderators, even where members may add people.
    app.json(
        Method::PATCH,
        &format!("/v1/workgroups/{g}"),
        &owner.token,
        Some(json!({"invite_policy": "members"})),
    )
    .await;
    let newcomer = app.join(a, "intranet", None, "+14155550105").await;
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{g}/members"),
            &member.token,
            Some(json!({"user_id": newcomer.id, "role": "moderator"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], "workgroup_moderator_required");
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{g}/members"),
            &owner.token,
            Some(json!({"user_id": newcomer.id, "role": "owner"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "role");
    assert_eq!(body["errors"][0]["code"], "owner_by_transfer_only");
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{g}/members"),
            &owner.token,
            Some(json!({"user_id": "not-an-id"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "user_id");
}

#[tokio::test]
async fn external_users_only_join_extranet_groups_and_only_pick_users_they_see() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let a = &admin.token;
    let shared = app.workgroup(a, "Shared", true).await;
    let second = app.workgroup(a, "Second", true).await;
    let internal = app.workgroup(a, "Internal", false).await;
    let external = app.join(a, "extranet", Some(&shared), "+14155550101").await;
    app.add_and_accept(a, &second, &external, "member").await;
    let colleague = app.join(a, "intranet", None, "+14155550102").await;
    app.add_and_accept(a, &shared, &colleague, "member").await;
    let stranger = app.join(a, "intranet", None, "+14155550103").await;

    // An external user into an intranet group: refused, and nothing is written.
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{internal}/members"),
            a,
            Some(json!({"user_id": external.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "workgroup_not_extranet");
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{internal}/members"),
            a,
            None,
        )
        .await;
    assert_eq!(members(&list).len(), 1);

    // The external member (policy `members`) adds a colleague it shares a group with…
    let add = |group: &str, user: &Person| {
        let (app, path) = (&app, format!("/v1/workgroups/{group}/members"));
        let (token, body) = (external.token.clone(), json!({"user_id": user.id}));
        async move { app.json(Method::POST, &path, &token, Some(body)).await }
    };
    let (status, body) = add(&second, &colleague).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "invited");
    // …but not someone it cannot see, nor into a group it is not in: both do not exist for it.
    let (status, body) = add(&second, &stranger).await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(body["detail"], "user not found");
    let (status, body) = add(&internal, &colleague).await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(body["detail"], "workgroup not found");
    // It never invites new people into the account.
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &external.token,
            Some(json!({"type": "extranet", "workgroup_id": second,
                        "invitees": [{"phone": "+14155550199", "first_name": "N", "last_name": "P"}]})),
        )
        .await;
    assert_refused(
        status,
        &body,
        StatusCode::FORBIDDEN,
        "extranet_user_cannot_invite",
    );

    // What it sees: its groups' active members and itself; pending invitations stay hidden.
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{second}/members"),
            &external.token,
            None,
        )
        .await;
    assert!(members(&list)
        .iter()
        .all(|(_, _, status)| status == "active"));
    assert!(!members(&list).iter().any(|(id, _, _)| *id == colleague.id));
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{second}/members"),
            a,
            None,
        )
        .await;
    assert!(members(&list).contains(&(colleague.id.clone(), "member".into(), "invited".into())));
    let (_, users) = app
        .json(Method::GET, "/v1/users", &external.token, None)
        .await;
    let mut seen = ids(&users, "/id");
    seen.sort();
    let mut expected = vec![
        admin.user_id.clone(),
        external.id.clone(),
        colleague.id.clone(),
    ];
    expected.sort();
    assert_eq!(seen, expected);
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", stranger.id),
            &external.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn adding_a_member_is_idempotent_with_a_key() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let person = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;
    let g = app.workgroup(&admin.token, "Team", false).await;
    let send = || {
        app.client
            .post(app.url(&format!("/v1/workgroups/{g}/members")))
            .bearer_auth(&admin.token)
            .header("Idempotency-Key", "add-person-1")
            .json(&json!({"user_id": person.id}))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = json_of(first).await.1;
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(json_of(again).await.1, first);
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}/members?status=invited"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(members(&list).len(), 1);
    // One message to the person (after the invitation's), not two.
    app.sms.wait_for("+14155550101", 2).await;
    crate::support::drain::outbox_drained(&app).await;
    let to_person = app
        .sms
        .inbox
        .all()
        .into_iter()
        .filter(|m| m["to"] == "+14155550101")
        .count();
    assert_eq!(to_person, 2);
}

#[tokio::test]
async fn members_lists_page_with_cursors_and_filters() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let g = app.workgroup(&admin.token, "Team", false).await;
    let mut everyone = vec![admin.user_id.clone()];
    for n in 0..4 {
        let person = app
            .join(&admin.token, "intranet", None, &format!("+1415555020{n}"))
            .await;
        let (status, _) = app
            .json(
                Method::POST,
                &format!("/v1/workgroups/{g}/members"),
                &admin.token,
                Some(json!({"user_id": person.id})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        everyone.push(person.id);
    }
    let mut seen = Vec::new();
    let mut path = format!("/v1/workgroups/{g}/members?limit=2");
    loop {
        let (status, page) = app.json(Method::GET, &path, &admin.token, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(members(&page).into_iter().map(|m| m.0));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/workgroups/{g}/members?limit=2&cursor={c}"),
            None => break,
        }
    }
    everyone.sort();
    everyone.reverse();
    assert_eq!(seen, everyone, "newest user first, each once");
    let (_, invited) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}/members?status=invited"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(members(&invited).len(), 4);
    let (status, body) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}/members?role=boss"),
            &admin.token,
            None,
        )
        .await;
    assert_refused(status, &body, StatusCode::BAD_REQUEST, "invalid_parameter");
}
