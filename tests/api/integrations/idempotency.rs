//! Idempotency keys: a replay answers what the first request answered, a key belongs to its
//! caller, and authorization runs before any replay (issue #8).

use crate::support::helpers::{
    assert_problem, assert_refused, change, invite_body, json_of, TestApp,
};
use crate::support::requests::post_keyed;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn an_idempotency_key_belongs_to_its_caller_and_never_replays_to_another() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "employees"}),
    )
    .await;
    let extranet_group = app.workgroup(&admin.token, "Client site", true).await;
    let internal_group = app.workgroup(&admin.token, "Payroll", false).await;
    let client = app
        .join(
            &admin.token,
            "extranet",
            Some(&extranet_group),
            "+14155550100",
        )
        .await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;
    let colleague = app
        .join(&admin.token, "intranet", None, "+14155550102")
        .await;
    app.add_and_accept(&admin.token, &extranet_group, &employee, "member")
        .await;

    // The admin invites with key k1.
    let body = invite_body(&extranet_group, "ann@client.example");
    let (status, _, first) =
        post_keyed(&app, "/v1/invitations", &admin.token, "k1", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");

    // The external user sends the same key and body: refused as its own request, nothing shown.
    let (status, replayed, problem) =
        post_keyed(&app, "/v1/invitations", &client.token, "k1", body.clone()).await;
    assert_refused(
        status,
        &problem,
        StatusCode::FORBIDDEN,
        "extranet_user_cannot_invite",
    );
    assert!(!replayed);
    assert!(
        !problem.to_string().contains("ann@client.example"),
        "{problem}"
    );

    // Adding the colleague to the internal group with k2 answers with the colleague's phone…
    let add = json!({"user_id": colleague.id});
    let members = format!("/v1/workgroups/{internal_group}/members");
    let (status, _, added) = post_keyed(&app, &members, &admin.token, "k2", add.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["user"]["phone"], "+14155550102");
    // …which the external user, replaying k2, must never read: the group is not visible to it.
    let (status, replayed, problem) =
        post_keyed(&app, &members, &client.token, "k2", add.clone()).await;
    assert_refused(status, &problem, StatusCode::NOT_FOUND, "not_found");
    assert!(!replayed);
    assert!(!problem.to_string().contains("+14155550102"), "{problem}");

    // Another employee's k1 with a body of its own is its own new request.
    let own = invite_body(&extranet_group, "bo@client.example");
    let (status, replayed, created) =
        post_keyed(&app, "/v1/invitations", &employee.token, "k1", own.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(!replayed);
    assert_eq!(
        created["results"][0]["invitation"]["email"],
        "bo@client.example"
    );
    // Each caller's key replays its own answer, and only its own.
    let (status, replayed, again) =
        post_keyed(&app, "/v1/invitations", &employee.token, "k1", own).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, created);
    let (status, replayed, again) =
        post_keyed(&app, "/v1/invitations", &admin.token, "k1", body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, first);

    // Authorization runs before a replay: once employees may no longer invite, the employee's
    // own key is refused rather than replayed.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "admins"}),
    )
    .await;
    let (status, replayed, problem) = post_keyed(
        &app,
        "/v1/invitations",
        &employee.token,
        "k1",
        invite_body(&extranet_group, "bo@client.example"),
    )
    .await;
    assert_refused(status, &problem, StatusCode::FORBIDDEN, "admin_required");
    assert!(!replayed);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let body = json!({"type": "extranet", "workgroup_id": group,
                      "invitees": [{"phone": "+14155550101", "first_name": "A", "last_name": "B"}]});
    let send = |body: Value| {
        app.client
            .post(app.url("/v1/invitations"))
            .bearer_auth(&admin.token)
            .header("Idempotency-Key", "batch-0001")
            .json(&body)
            .send()
    };
    let first = send(body.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let second = send(body.clone()).await.unwrap();
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second: Value = second.json().await.unwrap();
    assert_eq!(first, second);
    let (_, list) = json_of(app.get("/v1/invitations", &admin.token).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let mut other = body.clone();
    other["message"] = json!("something else");
    let res = send(other).await.unwrap();
    assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    // Keys belong to the account: another account's same key is its own.
    let other_account = app.sign_up("bo@elsewhere.example", "basic").await;
    let other_group = app.workgroup(&other_account.token, "Theirs", true).await;
    let res = app
        .client
        .post(app.url("/v1/invitations"))
        .bearer_auth(&other_account.token)
        .header("Idempotency-Key", "batch-0001")
        .json(&json!({"type": "extranet", "workgroup_id": other_group,
                      "invitees": [{"phone": "+14155550101", "first_name": "A", "last_name": "B"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_replay_answers_the_first_outcome_even_after_the_state_moved_on() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let body = invite_body(&group, "ann@client.example");
    let (status, replayed, first) =
        post_keyed(&app, "/v1/invitations", &admin.token, "k-1", body.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    let id = first["results"][0]["invitation"]["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/v1/invitations/{id}/revoke"),
            Some(&admin.token),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // The retry of a request that succeeded gets that success, as it was: the invitation
    // pending, not revoked; and nothing is created again.
    let (status, replayed, again) =
        post_keyed(&app, "/v1/invitations", &admin.token, "k-1", body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, first);
    assert_eq!(again["results"][0]["invitation"]["status"], "pending");
    let (_, list) = json_of(app.get("/v1/invitations", &admin.token).await).await;
    let statuses: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["revoked"]);
}

#[tokio::test]
async fn a_dry_run_with_a_key_is_not_remembered() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let mut body = invite_body(&group, "ann@client.example");
    body["dry_run"] = json!(true);
    let (status, replayed, preview) =
        post_keyed(&app, "/v1/invitations", &admin.token, "k-2", body.clone()).await;
    assert_eq!((status, replayed), (StatusCode::OK, false), "{preview}");
    // The same key on the real request creates the invitation: the dry run stored nothing.
    body["dry_run"] = json!(false);
    let (status, replayed, created) =
        post_keyed(&app, "/v1/invitations", &admin.token, "k-2", body).await;
    assert_eq!(
        (status, replayed),
        (StatusCode::CREATED, false),
        "{created}"
    );
    assert_eq!(created["dry_run"], false);
}
