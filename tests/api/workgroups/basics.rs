use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn workgroups_are_created_listed_read_and_changed() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let (status, group) = json_of(
        app.post(
            "/v1/workgroups",
            Some(&admin.token),
            json!({"name": " Site ", "kind": "group"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    assert_eq!(
        (group["name"].clone(), group["kind"].clone()),
        (json!("Site"), json!("group"))
    );
    assert_eq!(
        (
            group["allow_external"].clone(),
            group["invite_policy"].clone()
        ),
        (json!(false), json!("members"))
    );
    let id = group["id"].as_str().unwrap();
    let ext = app.workgroup(&admin.token, "Client", true).await;

    for (query, expected) in [
        ("", vec![ext.as_str(), id]),
        ("?extranet=true", vec![ext.as_str()]),
        ("?extranet=false", vec![id]),
        ("?kind=group", vec![id]),
    ] {
        let (_, page) = json_of(
            app.get(&format!("/v1/workgroups{query}"), &admin.token)
                .await,
        )
        .await;
        let ids: Vec<_> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids, expected, "{query}");
    }
    let (_, page) = json_of(app.get("/v1/workgroups?limit=1", &admin.token).await).await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = json_of(
        app.get(
            &format!("/v1/workgroups?limit=1&cursor={cursor}"),
            &admin.token,
        )
        .await,
    )
    .await;
    assert_eq!(next["items"][0]["id"], id);
    assert_eq!(next["next_cursor"], serde_json::Value::Null);

    let res = app
        .call(
            Method::PATCH,
            &format!("/v1/workgroups/{id}"),
            Some(&admin.token),
            Some(
                json!({"name": "Site v2", "description": "The new site", "invite_policy": "owner"}),
            ),
        )
        .await;
    let (status, changed) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (
            changed["name"].clone(),
            changed["description"].clone(),
            changed["invite_policy"].clone()
        ),
        (json!("Site v2"), json!("The new site"), json!("owner"))
    );
    let (_, read) = json_of(app.get(&format!("/v1/workgroups/{id}"), &admin.token).await).await;
    assert_eq!(read["description"], "The new site");

    let res = app
        .post(
            "/v1/workgroups",
            Some(&admin.token),
            json!({"name": "", "kind": "team"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["kind"]);
    let res = app
        .post(
            "/v1/workgroups",
            Some(&admin.token),
            json!({"name": " ", "kind": "project"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["name"]);

    // Another account's workgroup does not exist for this one.
    let other = app.sign_up("bo@elsewhere.example", "basic").await;
    let res = app.get(&format!("/v1/workgroups/{id}"), &other.token).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn allow_external_stays_on_while_external_people_remain() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let path = format!("/v1/workgroups/{group}");
    let switch_off = || {
        app.call(
            Method::PATCH,
            &path,
            Some(&admin.token),
            Some(json!({"allow_external": false})),
        )
    };

    let invitation = app.invite_phone(&admin.token, &group, "+14155550101").await;
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
    // Revoked: nobody external is left, so it may be switched off, and on again.
    app.post(
        &format!(
            "/v1/invitations/{}/revoke",
            invitation["id"].as_str().unwrap()
        ),
        Some(&admin.token),
        json!({}),
    )
    .await;
    assert_eq!(switch_off().await.status(), StatusCode::OK);
    let res = app
        .call(
            Method::PATCH,
            &format!("/v1/workgroups/{group}"),
            Some(&admin.token),
            Some(json!({"allow_external": true})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    app.invite_phone(&admin.token, &group, "+14155550102").await;
    let (status, _) = app.accept(&app.sms.token("+14155550102", 0).await).await;
    assert_eq!(status, StatusCode::CREATED);
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
}

#[tokio::test]
async fn external_users_see_only_their_workgroups_and_cannot_change_them() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let theirs = app.workgroup(&admin.token, "Theirs", true).await;
    let internal = app.workgroup(&admin.token, "Internal", false).await;
    app.invite_phone(&admin.token, &theirs, "+14155550101")
        .await;
    let (_, external) = app.accept(&app.sms.token("+14155550101", 0).await).await;
    let token = external["access_token"].as_str().unwrap();

    let (_, page) = json_of(app.get("/v1/workgroups", token).await).await;
    let ids: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].clone())
        .collect();
    assert_eq!(ids, [json!(theirs)]);
    assert_problem(
        app.get(&format!("/v1/workgroups/{internal}"), token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&format!("/v1/workgroups/{internal}/members"), token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let (status, members) = json_of(
        app.get(&format!("/v1/workgroups/{theirs}/members"), token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(members["items"].as_array().unwrap().len(), 2);
    let res = app
        .call(
            Method::PATCH,
            &format!("/v1/workgroups/{theirs}"),
            Some(token),
            Some(json!({"name": "Mine now"})),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "workgroup_moderator_required").await;
    let res = app
        .post(
            "/v1/workgroups",
            Some(token),
            json!({"name": "Own", "kind": "group"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "intranet_user_required").await;
    // Users: itself and those it shares a workgroup with (the admin owns it), nobody else.
    let (_, users) = json_of(app.get("/v1/users", token).await).await;
    assert_eq!(users["items"].as_array().unwrap().len(), 2);
    // Invitations and usage are internal.
    assert_problem(
        app.get("/v1/invitations", token).await,
        StatusCode::FORBIDDEN,
        "intranet_user_required",
    )
    .await;
    assert_problem(
        app.get("/v1/account/usage", token).await,
        StatusCode::FORBIDDEN,
        "intranet_user_required",
    )
    .await;
}

#[tokio::test]
async fn creating_a_workgroup_is_idempotent_with_a_key() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let send = || {
        app.client
            .post(app.url("/v1/workgroups"))
            .bearer_auth(&admin.token)
            .header("Idempotency-Key", "wg-1")
            .json(&json!({"name": "Site", "kind": "project"}))
            .send()
    };
    let first: serde_json::Value = send().await.unwrap().json().await.unwrap();
    let second = send().await.unwrap();
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(second.json::<serde_json::Value>().await.unwrap(), first);
    let (_, page) = json_of(app.get("/v1/workgroups", &admin.token).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let res = app
        .client
        .post(app.url("/v1/workgroups"))
        .bearer_auth(&admin.token)
        .header("Idempotency-Key", "bad key with spaces")
        .json(&json!({"name": "Site", "kind": "project"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_idempotency_key").await;
}
