//! Membership invitations: an existing user joins another workgroup by accepting one, and one
//! can be declined, withdrawn and asked for again.

use crate::support::helpers::{assert_problem, assert_refused, TestApp};
use crate::support::requests::{ids, members};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn an_external_user_joins_a_second_extranet_group_by_membership_invitation() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let first = app
        .workgroup(&admin.token, "First client project", true)
        .await;
    let second = app
        .workgroup(&admin.token, "Second client project", true)
        .await;
    let phone = "+14155550101";
    let external = app
        .join(&admin.token, "extranet", Some(&first), phone)
        .await;
    let usage_before = app.seats(&admin.token).await;

    let (status, added) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{second}/members"),
            &admin.token,
            Some(json!({"user_id": external.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(
        (&added["user_id"], &added["role"], &added["status"]),
        (&json!(external.id), &json!("member"), &json!("invited"))
    );
    assert_eq!(added["user"]["type"], "extranet");
    // The person is told, on the channel of its login; no seat is taken by an existing user.
    let texts = app.sms.wait_for(phone, 2).await;
    assert!(
        texts[1]["text"]
            .as_str()
            .unwrap()
            .contains("Second client project"),
        "{texts:?}"
    );
    assert_eq!(app.seats(&admin.token).await, usage_before);

    // Not a member yet: the group stays out of sight, the invitation is in its list.
    assert_problem(
        app.get(&format!("/v1/workgroups/{second}"), &external.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let (status, invitations) = app
        .json(
            Method::GET,
            "/v1/me/workgroup-invitations",
            &external.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&invitations, "/workgroup/id"), [second.as_str()]);
    let invitation = &invitations["items"][0];
    assert_eq!(invitation["workgroup"]["name"], "Second client project");
    assert_eq!(invitation["role"], "member");
    assert_eq!(invitation["invited_by"], json!(admin.user_id));
    assert_eq!(invitation["inviter_name"], "Ada Lovelace");
    assert_eq!(invitations["next_cursor"], Value::Null);

    // A pending external membership keeps the group extranet.
    let switch_off = || {
        let (app, path) = (&app, format!("/v1/workgroups/{second}"));
        let token = admin.token.clone();
        async move {
            app.call(
                Method::PATCH,
                &path,
                Some(&token),
                Some(json!({"allow_external": false})),
            )
            .await
        }
    };
    let problem = assert_problem(
        switch_off().await,
        StatusCode::CONFLICT,
        "workgroup_has_external_members",
    )
    .await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("1 external invitation"));

    let (status, accepted) = app
        .json(
            Method::POST,
            &format!("/v1/me/workgroup-invitations/{second}/accept"),
            &external.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "active");
    let (_, invitations) = app
        .json(
            Method::GET,
            "/v1/me/workgroup-invitations",
            &external.token,
            None,
        )
        .await;
    assert_eq!(invitations["items"], json!([]));
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{second}"),
            &external.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = app
        .json(Method::GET, "/v1/workgroups", &external.token, None)
        .await;
    assert_eq!(ids(&mine, "/id"), [second.clone(), first.clone()]);
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{second}/members?status=active"),
            &admin.token,
            None,
        )
        .await;
    assert!(members(&list).contains(&(external.id.clone(), "member".into(), "active".into())));

    let problem = assert_problem(
        switch_off().await,
        StatusCode::CONFLICT,
        "workgroup_has_external_members",
    )
    .await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("1 external member"));
    // Answered once: there is nothing left to accept.
    assert_problem(
        app.post(
            &format!("/v1/me/workgroup-invitations/{second}/accept"),
            Some(&external.token),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.assert_audited(&["membership.invited", "membership.accepted"]);
}

#[tokio::test]
async fn membership_invitations_are_declined_withdrawn_and_asked_again() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let a = &admin.token;
    let person = app.join(a, "intranet", None, "+14155550101").await;
    let groups = [
        app.workgroup(a, "One", false).await,
        app.workgroup(a, "Two", false).await,
        app.workgroup(a, "Three", false).await,
    ];
    for g in &groups {
        let (status, body) = app
            .json(
                Method::POST,
                &format!("/v1/workgroups/{g}/members"),
                a,
                Some(json!({"user_id": person.id})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Pages of two, newest group first, every invitation once.
    let mut seen = Vec::new();
    let mut path = "/v1/me/workgroup-invitations?limit=2".to_owned();
    loop {
        let (status, page) = app.json(Method::GET, &path, &person.token, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page["items"].as_array().unwrap().len() <= 2);
        seen.extend(ids(&page, "/workgroup/id"));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/me/workgroup-invitations?limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut newest_first = groups.to_vec();
    newest_first.reverse();
    assert_eq!(seen, newest_first);

    let answer = |g: &str, what: &str| {
        let (app, path) = (&app, format!("/v1/me/workgroup-invitations/{g}/{what}"));
        let token = person.token.clone();
        async move { app.json(Method::POST, &path, &token, None).await }
    };
    // Declined: gone from both lists, and it may be asked again.
    assert_eq!(
        answer(&groups[0], "decline").await.0,
        StatusCode::NO_CONTENT
    );
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{}/members", groups[0]),
            a,
            None,
        )
        .await;
    assert!(!members(&list).iter().any(|(id, _, _)| *id == person.id));
    let (status, _) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{}/members", groups[0]),
            a,
            Some(json!({"user_id": person.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Withdrawn by an admin: nothing left to answer.
    let (status, _) = app
        .json(
            Method::DELETE,
            &format!("/v1/workgroups/{}/members/{}", groups[1], person.id),
            a,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = answer(&groups[1], "accept").await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    // Someone else's invitation is not the caller's to answer.
    let (status, _) = app
        .json(
            Method::POST,
            &format!("/v1/me/workgroup-invitations/{}/accept", groups[2]),
            a,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(answer(&groups[2], "accept").await.0, StatusCode::OK);
    // An admin adding itself to a group joins at once.
    let own = app.workgroup(&person.token, "Person's", false).await;
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{own}/members"),
            a,
            Some(json!({"user_id": admin.user_id})),
        )
        .await;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::CREATED, &json!("active")),
        "{body}"
    );
    app.assert_audited(&[
        "membership.declined",
        "membership.invitation_withdrawn",
        "membership.accepted",
        "membership.joined",
    ]);
}
