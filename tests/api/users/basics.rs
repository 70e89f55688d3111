use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn users_are_listed_with_filters_and_pages() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let (status, page) = json_of(app.get("/v1/users", &acme.token).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["id"], acme.user_id.as_str());
    assert_eq!(page["next_cursor"], serde_json::Value::Null);

    for (query, expected) in [
        ("?type=intranet", 1),
        ("?type=extranet", 0),
        ("?status=dismissed", 0),
        ("?q=LOVE", 1),
        ("?q=acme.example", 1),
        ("?q=nobody", 0),
        ("?q=%25", 0),
        ("?limit=1", 1),
    ] {
        let (status, page) =
            json_of(app.get(&format!("/v1/users{query}"), &acme.token).await).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(page["items"].as_array().unwrap().len(), expected, "{query}");
    }
}

#[tokio::test]
async fn bad_list_parameters_are_named() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?cursor=zzz", "cursor"),
    ] {
        let res = app.get(&format!("/v1/users{query}"), &acme.token).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), [field], "{query}");
    }
    for query in ["?limit=ten", "?type=robot", "?sort=name"] {
        let res = app.get(&format!("/v1/users{query}"), &acme.token).await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_parameter").await;
    }
}

#[tokio::test]
async fn a_user_is_visible_in_its_own_account_only() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let other = app.sign_up("bo@other.example", "basic").await;
    let (status, user) = json_of(
        app.get(&format!("/v1/users/{}", acme.user_id), &acme.token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["email"], "ada@acme.example");
    assert_eq!(user["type"], "intranet");

    let res = app
        .get(&format!("/v1/users/{}", acme.user_id), &other.token)
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let (_, page) = json_of(app.get("/v1/users", &other.token).await).await;
    let ids: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].clone())
        .collect();
    assert_eq!(ids, [json!(other.user_id)]);

    let res = app.get("/v1/users/not-an-id", &acme.token).await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_parameter").await;
}

#[tokio::test]
async fn dismissal_ends_access_at_once_frees_the_seat_and_reinstating_needs_one() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "basic").await;
    let a = &admin.token;
    let phone = "+14155550101";
    let employee = app.join(a, "intranet", None, phone).await;
    let group = app.workgroup(a, "Client", true).await;
    let external = app.join(a, "extranet", Some(&group), "+14155550102").await;
    let post = |path: String, token: String| {
        let app = &app;
        async move { app.json(Method::POST, &path, &token, None).await }
    };
    let dismiss = |id: &str, token: &str| post(format!("/v1/users/{id}/dismiss"), token.into());
    let reinstate = |id: &str, token: &str| post(format!("/v1/users/{id}/reinstate"), token.into());

    // Only administrators; never oneself; never twice.
    let (status, body) = dismiss(&external.id, &employee.token).await;
    assert_refused(status, &body, StatusCode::FORBIDDEN, "admin_required");
    let (status, body) = dismiss(&admin.user_id, a).await;
    assert_refused(status, &body, StatusCode::CONFLICT, "cannot_dismiss_self");

    assert_eq!(app.usage(a).await["available"], 2);
    let (status, body) = dismiss(&external.id, a).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["status"], &body["type"]),
        (&json!("dismissed"), &json!("extranet"))
    );
    // The token it already holds stops working at once; logging in again is refused.
    assert_problem(
        app.get("/v1/me", &external.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    let (status, body) = app
        .login("+14155550102", PASSWORD, Some(&admin.account_id))
        .await;
    assert_refused(status, &body, StatusCode::FORBIDDEN, "user_dismissed");
    // The seat is free; the user and its membership stay.
    let usage = app.usage(a).await;
    assert_eq!(
        (&usage["active_extranet"], &usage["available"]),
        (&json!(0), &json!(3))
    );
    let (_, user) = app
        .json(Method::GET, &format!("/v1/users/{}", external.id), a, None)
        .await;
    assert_eq!(user["status"], "dismissed");
    let (_, members) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{group}/members"),
            a,
            None,
        )
        .await;
    assert!(members["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["user_id"] == external.id.as_str()));
    let (status, body) = dismiss(&external.id, a).await;
    assert_refused(status, &body, StatusCode::CONFLICT, "already_dismissed");
    // Its membership keeps the group extranet: reinstated, it would be back in it.
    let (status, body) = app
        .json(
            Method::PATCH,
            &format!("/v1/workgroups/{group}"),
            a,
            Some(json!({"allow_external": false})),
        )
        .await;
    assert_refused(
        status,
        &body,
        StatusCode::CONFLICT,
        "workgroup_has_external_members",
    );

    // Reinstating needs a free seat: fill the plan first.
    for n in 3..6 {
        app.invite_phone(a, &group, &format!("+1415555010{n}"))
            .await;
    }
    assert_eq!(app.usage(a).await["available"], 0);
    let (status, body) = reinstate(&external.id, a).await;
    assert_refused(status, &body, StatusCode::CONFLICT, "user_limit_reached");
    let (_, pending) = app
        .json(
            Method::GET,
            "/v1/invitations?status=pending&limit=1",
            a,
            None,
        )
        .await;
    let invitation = pending["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = post(format!("/v1/invitations/{invitation}/revoke"), a.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = reinstate(&external.id, a).await;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::OK, &json!("active")),
        "{body}"
    );
    let (status, body) = reinstate(&external.id, a).await;
    assert_refused(status, &body, StatusCode::CONFLICT, "not_dismissed");
    // The same credentials work again, and the seat is held again.
    let (status, _) = app
        .login("+14155550102", PASSWORD, Some(&admin.account_id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.usage(a).await["active_extranet"], 1);
    let (status, _) = dismiss(&employee.id, &external.token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old token stays dead");
    app.assert_audited(&["user.dismissed", "user.reinstated"]);
}

#[tokio::test]
async fn the_last_administrator_stays() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "basic").await;
    let other = app.sign_up("bo@other.example", "basic").await;
    // Another account's user does not exist here.
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/users/{}/dismiss", other.user_id),
            &admin.token,
            None,
        )
        .await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/users/not-a-uuid/dismiss",
            &admin.token,
            None,
        )
        .await;
    assert_refused(status, &body, StatusCode::BAD_REQUEST, "invalid_parameter");
}
