//! Where an end comes from and how far it may go: the account's default, a workgroup's
//! maximum (422 naming it), extensions by administrators, transfer to the intranet and
//! reinstatement.

use super::*;
use reqwest::Method;

fn roughly(at: &Value, expected: DateTime<Utc>) {
    let at = time(at);
    assert!(
        (at - expected).num_seconds().abs() <= 5,
        "{at} is not {expected}"
    );
}

async fn group_with_max(app: &TestApp, token: &str, days: u32) -> String {
    let (status, body) = json_of(
        app.post(
            "/v1/workgroups",
            Some(token),
            json!({"name": "Short project", "kind": "project", "allow_external": true,
                   "max_external_access_days": days}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["max_external_access_days"], days);
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_default_and_the_workgroup_maximum_decide_an_invitations_end() {
    let app = TestApp::spawn().await;
    let (admin, group) = agency(&app).await;
    // No default: open-ended.
    let (status, body) =
        invite_with(&app, &admin.token, &group, "a@client.example", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["results"][0]["invitation"]["access_expires_at"],
        Value::Null
    );

    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"default_external_access_days": 90}),
    )
    .await;
    let (_, account) = json_of(app.get("/v1/account", &admin.token).await).await;
    assert_eq!(account["default_external_access_days"], 90);
    let (_, body) = invite_with(&app, &admin.token, &group, "b@client.example", json!({})).await;
    roughly(
        &body["results"][0]["invitation"]["access_expires_at"],
        app.clock.now() + Duration::days(90),
    );

    // A workgroup's maximum shortens the default, and refuses a longer end, naming itself.
    let short = group_with_max(&app, &admin.token, 30).await;
    let (_, body) = invite_with(&app, &admin.token, &short, "c@client.example", json!({})).await;
    roughly(
        &body["results"][0]["invitation"]["access_expires_at"],
        app.clock.now() + Duration::days(30),
    );
    let (status, refused) = invite_with(
        &app,
        &admin.token,
        &short,
        "d@client.example",
        json!({"access_expires_at": from_now(&app, Duration::days(31))}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let error = &refused["errors"][0];
    assert_eq!(error["field"], "invitees[0].access_expires_at", "{refused}");
    assert_eq!(error["code"], "beyond_maximum", "{refused}");
    assert!(
        error["message"].as_str().unwrap().contains("30 days"),
        "{refused}"
    );
    // An invitee's own end wins over the batch's.
    let within = from_now(&app, Duration::days(20));
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            json!({
        "type": "extranet", "workgroup_id": short,
        "access_expires_at": from_now(&app, Duration::days(60)),
        "invitees": [{"email": "e@client.example", "first_name": "E", "last_name": "Lee",
                      "access_expires_at": within}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        time(&body["results"][0]["invitation"]["access_expires_at"]),
        time(&json!(within))
    );
    // The past, and employees, are refused.
    let (status, refused) = invite_with(
        &app,
        &admin.token,
        &group,
        "f@client.example",
        json!({"access_expires_at": from_now(&app, -Duration::minutes(1))}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["errors"][0]["code"], "not_in_the_future",
        "{refused}"
    );
    let (status, refused) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            json!({
        "type": "intranet", "access_expires_at": from_now(&app, Duration::days(3)),
        "invitees": [{"email": "g@agency.example", "first_name": "G", "last_name": "Lee"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["errors"][0]["code"], "external_users_only",
        "{refused}"
    );
    // Nothing refused took a seat.
    let (_, list) = json_of(app.get("/v1/invitations?limit=100", &admin.token).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
    // Settings refuse what they cannot hold.
    let (status, _) = patch(
        &app,
        "/v1/account",
        &admin.token,
        json!({"default_external_access_days": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = patch(
        &app,
        &format!("/v1/workgroups/{short}"),
        &admin.token,
        json!({"max_external_access_days": 4000}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn administrators_extend_shorten_and_clear_an_end_within_the_maximum() {
    let app = TestApp::spawn().await;
    let (admin, group) = agency(&app).await;
    let short = group_with_max(&app, &admin.token, 30).await;
    let ann = guest(
        &app,
        &admin.token,
        &short,
        "ann@client.example",
        json!({"access_expires_at": from_now(&app, Duration::days(10))}),
    )
    .await;

    let later = from_now(&app, Duration::days(25));
    let (status, user) = patch_user(
        &app,
        &admin.token,
        &ann.id,
        json!({"access_expires_at": later}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(time(&user["access_expires_at"]), time(&json!(later)));
    app.assert_audited(&["user.access_changed"]);

    let (status, refused) = patch_user(
        &app,
        &admin.token,
        &ann.id,
        json!({"access_expires_at": from_now(&app, Duration::days(31))}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "beyond_maximum");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("30"),
        "{refused}"
    );
    let (status, refused) = patch_user(
        &app,
        &admin.token,
        &ann.id,
        json!({"access_expires_at": null}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "required");
    // Nothing refused changed the end.
    let (_, user) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", ann.id),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(time(&user["access_expires_at"]), time(&json!(later)));

    // Without a maximum, open-ended is allowed.
    let bo = guest(
        &app,
        &admin.token,
        &group,
        "bo@client.example",
        json!({"access_expires_at": from_now(&app, Duration::days(10))}),
    )
    .await;
    let (status, user) = patch_user(
        &app,
        &admin.token,
        &bo.id,
        json!({"access_expires_at": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["access_expires_at"], Value::Null);

    // Only administrators; only external users.
    let (status, _) = patch_user(
        &app,
        &ann.token,
        &bo.id,
        json!({"access_expires_at": later}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, refused) = patch_user(
        &app,
        &admin.token,
        &admin.user_id,
        json!({"access_expires_at": later}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "external_users_only");
    let (status, refused) = patch_user(&app, &admin.token, &bo.id, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    // Another account's user is not found.
    let other = app.sign_up("eve@other.example", "basic").await;
    let (status, _) = patch_user(
        &app,
        &other.token,
        &bo.id,
        json!({"access_expires_at": later}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Transfer to the intranet clears the end.
    let (status, moved) = app
        .json(
            Method::POST,
            &format!("/v1/users/{}/transfer-to-intranet", ann.id),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["access_expires_at"], Value::Null);
    app.clock.advance(Duration::days(40));
    let admin_token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let (_, user) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", ann.id),
            &admin_token,
            None,
        )
        .await;
    assert_eq!(
        user["status"], "active",
        "an employee's access does not end: {user}"
    );
}

#[tokio::test]
async fn reinstating_an_ended_access_needs_a_new_end_under_a_maximum() {
    let app = TestApp::spawn().await;
    let (admin, _) = agency(&app).await;
    let short = group_with_max(&app, &admin.token, 30).await;
    let ann = guest(
        &app,
        &admin.token,
        &short,
        "ann@client.example",
        json!({"access_expires_at": from_now(&app, Duration::minutes(5))}),
    )
    .await;
    app.clock.advance(Duration::minutes(5));
    app.run_upkeep().await;
    let path = format!("/v1/users/{}/reinstate", ann.id);
    let (status, refused) = app.json(Method::POST, &path, &admin.token, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "access_expires_at");
    assert_eq!(refused["errors"][0]["code"], "required");
    let (status, refused) = app
        .json(
            Method::POST,
            &path,
            &admin.token,
            Some(json!({"access_expires_at": from_now(&app, Duration::days(45))})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "beyond_maximum");
    let seats = app.seats(&admin.token).await;
    let ends = from_now(&app, Duration::days(14));
    let (status, user) = app
        .json(
            Method::POST,
            &path,
            &admin.token,
            Some(json!({"access_expires_at": ends})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["status"], "active");
    assert_eq!(user.get("dismissal"), None, "{user}");
    assert_eq!(time(&user["access_expires_at"]), time(&json!(ends)));
    assert_eq!(
        app.seats(&admin.token).await["active_extranet"],
        seats["active_extranet"].as_u64().unwrap() + 1
    );
    // The token issued before the end stays dead; a new login works.
    assert_problem(
        app.get("/v1/me", &ann.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    let (status, body) = app
        .login("ann@client.example", PASSWORD, Some(&admin.account_id))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn an_invitation_whose_access_ended_before_it_was_accepted_is_refused() {
    let app = TestApp::spawn().await;
    let (admin, group) = agency(&app).await;
    let (status, body) = invite_with(
        &app,
        &admin.token,
        &group,
        "ann@client.example",
        json!({"access_expires_at": from_now(&app, Duration::hours(1))}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let link = app.email_token("ann@client.example", 0).await;
    app.clock.advance(Duration::hours(2));
    let (status, refused) = app.accept(&link).await;
    assert_eq!(status, StatusCode::GONE, "{refused}");
    assert_eq!(refused["code"], "access_period_over");
}

#[tokio::test]
async fn a_person_joining_through_a_link_gets_the_default_within_the_maximum() {
    let app = TestApp::spawn().await;
    let (admin, _) = agency(&app).await;
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"default_external_access_days": 90}),
    )
    .await;
    let short = group_with_max(&app, &admin.token, 30).await;
    let (_, code) =
        crate::join_links::link(&app, &admin.token, &short, json!({"approval": "none"})).await;
    let (status, joined) =
        crate::join_links::join_through(&app, &code, "ann@client.example", 0).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    let id = joined["user"]["id"].as_str().unwrap();
    let (_, user) = app
        .json(Method::GET, &format!("/v1/users/{id}"), &admin.token, None)
        .await;
    roughly(
        &user["access_expires_at"],
        app.clock.now() + Duration::days(30),
    );
}
