//! Integrators' API tokens (issue #11): a token acts as its creator within its scopes, never
//! beyond the creator's rights, and dies at once when revoked, expired, or when its creator is
//! dismissed. Its idempotency keys are its own.

use crate::support::helpers::{assert_problem, error_fields, invite_body, json_of, TestApp};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Creates a token as `owner`; returns its body (with the secret, `token`).
async fn create(app: &TestApp, owner: &str, scopes: &[&str]) -> Value {
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            owner,
            Some(json!({"name": "CRM sync", "scopes": scopes})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

fn secret(token: &Value) -> String {
    token["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_token_acts_as_its_creator_within_its_scopes() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let reader = create(&app, &admin.token, &["users:read"]).await;
    let key = secret(&reader);
    // 256 random bits after the prefix, base64url: 43 characters.
    assert!(key.starts_with("ext_") && key.len() == 47, "{key}");
    assert_eq!(reader["scopes"], json!(["users:read"]));
    assert_eq!(reader["user_id"], admin.user_id.as_str());

    // Within its scopes: it is the admin.
    let (status, me) = app.json(Method::GET, "/v1/me", &key, None).await;
    assert_eq!(
        (status, me["id"].as_str()),
        (StatusCode::OK, Some(admin.user_id.as_str()))
    );
    let (status, _) = app.json(Method::GET, "/v1/users", &key, None).await;
    assert_eq!(status, StatusCode::OK);
    // Outside them: 403 insufficient_scope, and nothing is created.
    let res = app
        .post(
            "/v1/invitations",
            Some(&key),
            invite_body(&group, "ann@client.example"),
        )
        .await;
    let refused = assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains("invitations:write"));
    let (_, invitations) = app
        .json(Method::GET, "/v1/invitations", &admin.token, None)
        .await;
    assert_eq!(invitations["items"], json!([]));
    for (method, path) in [
        (Method::GET, "/v1/invitations"),
        (Method::GET, "/v1/account"),
        (Method::GET, "/v1/audit-events"),
        (Method::POST, "/v1/workgroups"),
    ] {
        let res = app.call(method, path, Some(&key), Some(json!({}))).await;
        assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    }

    // A token never manages tokens nor reaches the network profile.
    for (method, path, body) in [
        (
            Method::POST,
            "/v1/api-tokens",
            Some(json!({"name": "more", "scopes": ["users:write"]})),
        ),
        (Method::GET, "/v1/api-tokens", None),
        (Method::GET, "/v1/network/profile", None),
    ] {
        let res = app.call(method, path, Some(&key), body).await;
        assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    }

    // The list shows it, never the secret; its use is recorded.
    let writer = create(
        &app,
        &admin.token,
        &["invitations:write", "invitations:read"],
    )
    .await;
    let (status, created) = json_of(
        app.post(
            "/v1/invitations",
            Some(&secret(&writer)),
            invite_body(&group, "ann@client.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        created["results"][0]["invitation"]["invited_by"],
        admin.user_id.as_str()
    );
    let (_, list) = app
        .json(Method::GET, "/v1/api-tokens", &admin.token, None)
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|t| t.get("token").is_none()));
    assert!(!list.to_string().contains(&key));
    let id = writer["id"].as_str().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, got) = app
            .json(
                Method::GET,
                &format!("/v1/api-tokens/{id}"),
                &admin.token,
                None,
            )
            .await;
        if got["last_used_at"].is_string() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "last_used_at never set: {got}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // The audit log names the token that acted, and the request.
    let (_, log) = app
        .json(
            Method::GET,
            &format!("/v1/audit-events?actor_id={id}"),
            &admin.token,
            None,
        )
        .await;
    let event = &log["items"][0];
    assert_eq!(event["action"], "invitation.created");
    assert_eq!(event["actor"]["token_id"], id);
    assert_eq!(event["actor"]["user_id"], admin.user_id.as_str());
    assert!(event["request_id"].is_string(), "{event}");
}

#[tokio::test]
async fn a_token_dies_when_revoked_expired_or_its_creator_is_dismissed() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;

    // Revoked: the next request is 401.
    let revoked = create(&app, &admin.token, &["users:read"]).await;
    assert_eq!(
        app.get("/v1/users", &secret(&revoked)).await.status(),
        StatusCode::OK
    );
    let res = app
        .call(
            Method::DELETE,
            &format!("/v1/api-tokens/{}", revoked["id"].as_str().unwrap()),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app.get("/v1/users", &secret(&revoked)).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // The caller is refused before the body is looked at.
    let res = app
        .post(
            "/v1/invitations",
            Some(&secret(&revoked)),
            json!({"garbage": true}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;

    // Expired.
    let at = (app.clock.now() + Duration::hours(1)).to_rfc3339();
    let (status, expiring) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            Some(json!({"name": "one hour", "scopes": ["users:read"], "expires_at": at})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{expiring}");
    assert_eq!(
        app.get("/v1/users", &secret(&expiring)).await.status(),
        StatusCode::OK
    );
    app.clock.advance(Duration::hours(2));
    let res = app.get("/v1/users", &secret(&expiring)).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;

    // Its creator dismissed: dead, and still dead after a reinstatement.
    let admin_token =
        crate::support::helpers::admin_token(&app, "ada@acme.example", &admin.account_id).await;
    let (_, login) = app
        .login(
            "+14155550101",
            crate::support::helpers::PASSWORD,
            Some(&admin.account_id),
        )
        .await;
    let employee_token = login["access_token"].as_str().unwrap();
    let employees = create(&app, employee_token, &["users:read"]).await;
    assert_eq!(
        app.get("/v1/users", &secret(&employees)).await.status(),
        StatusCode::OK
    );
    app.dismiss(&admin_token, &employee.id).await;
    let res = app.get("/v1/users", &secret(&employees)).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    app.clock.advance(Duration::seconds(2));
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/users/{}/reinstate", employee.id),
            &admin_token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let res = app.get("/v1/users", &secret(&employees)).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;

    // A made-up token with the prefix is no better; the refusal names its request too.
    let res = app.get("/v1/users", "ext_not-a-real-token").await;
    assert_eq!(res.headers()["x-request-id"].len(), 36);
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[tokio::test]
async fn no_token_reaches_beyond_its_creators_rights() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;
    let external = app
        .join(&admin.token, "extranet", Some(&group), "+14155550102")
        .await;
    let every = [
        "invitations:read",
        "invitations:write",
        "users:read",
        "users:write",
        "workgroups:read",
        "workgroups:write",
        "account:read",
        "account:write",
        "audit:read",
    ];

    // An employee's token with every scope is still an employee: no dismissals, no audit.
    let key = secret(&create(&app, &employee.token, &every).await);
    let res = app
        .post(
            &format!("/v1/users/{}/dismiss", external.id),
            Some(&key),
            json!({}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    let res = app.get("/v1/audit-events", &key).await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    let res = app
        .call(
            Method::PUT,
            "/v1/account/plan",
            Some(&key),
            Some(json!({"plan": "basic"})),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;

    // An external user's token never invites new people and sees only its workgroups' users.
    let key = secret(&create(&app, &external.token, &every).await);
    let res = app
        .post(
            "/v1/invitations",
            Some(&key),
            invite_body(&group, "bo@client.example"),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "extranet_user_cannot_invite").await;
    let res = app.get(&format!("/v1/users/{}", employee.id), &key).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    // Tokens are their owners': another user's is 404; an admin sees and revokes any.
    let employees = create(&app, &employee.token, &["users:read"]).await;
    let id = employees["id"].as_str().unwrap();
    let admins = create(&app, &admin.token, &["users:read"]).await;
    let res = app
        .get(
            &format!("/v1/api-tokens/{}", admins["id"].as_str().unwrap()),
            &employee.token,
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let (_, own) = app
        .json(Method::GET, "/v1/api-tokens", &employee.token, None)
        .await;
    assert!(own["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["user_id"] == employee.id.as_str()));
    let res = app
        .call(
            Method::DELETE,
            &format!("/v1/api-tokens/{id}"),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, got) = app
        .json(
            Method::GET,
            &format!("/v1/api-tokens/{id}"),
            &employee.token,
            None,
        )
        .await;
    assert!(got["revoked_at"].is_string(), "{got}");

    // Another account's admin sees none of it.
    let other = app.sign_up("eve@other.example", "free").await;
    let res = app.get(&format!("/v1/api-tokens/{id}"), &other.token).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .call(
            Method::DELETE,
            &format!("/v1/api-tokens/{id}"),
            Some(&other.token),
            None,
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_tokens_idempotency_keys_are_its_own() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let key = secret(&create(&app, &admin.token, &["invitations:write"]).await);
    let send = |token: String| {
        let app = &app;
        let body = invite_body(&group, "ann@client.example");
        async move {
            app.client
                .post(app.url("/v1/invitations"))
                .bearer_auth(token)
                .header("Idempotency-Key", "order-42")
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let first = send(key.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let replay = send(key.clone()).await;
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    // The creator's same key is a request of its own: the invitation now is pending.
    let own = send(admin.token.clone()).await;
    assert_eq!(own.status(), StatusCode::CONFLICT);
    // So is another token's.
    let other = secret(&create(&app, &admin.token, &["invitations:write"]).await);
    assert_eq!(send(other).await.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_token_is_asked_for_with_a_name_known_scopes_and_a_future_expiry() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    for (body, fields) in [
        (json!({"name": "x", "scopes": ["root"]}), vec!["scopes[0]"]),
        (json!({"name": " ", "scopes": []}), vec!["name", "scopes"]),
        (
            json!({"name": "x", "scopes": ["users:read"], "expires_at": "2001-01-01T00:00:00Z"}),
            vec!["expires_at"],
        ),
        (
            json!({"name": "x".repeat(101), "scopes": ["users:read"]}),
            vec!["name"],
        ),
        (
            json!({"name": "x", "scopes": ["users:read"], "user_id": "someone"}),
            vec!["user_id"],
        ),
    ] {
        let res = app.post("/v1/api-tokens", Some(&admin.token), body).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), fields, "{problem}");
    }
    // Scopes a client sends twice are one.
    let token = create(&app, &admin.token, &["users:read", "users:read"]).await;
    assert_eq!(token["scopes"], json!(["users:read"]));
}

#[tokio::test]
async fn creating_a_token_replays_for_its_caller_only() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;
    let body = json!({"name": "CRM sync", "scopes": ["users:read"]});
    let send = |token: String| {
        let (app, body) = (&app, body.clone());
        async move {
            app.client
                .post(app.url("/v1/api-tokens"))
                .bearer_auth(token)
                .header("Idempotency-Key", "token-1")
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let (status, first) = json_of(send(admin.token.clone()).await).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    // The same caller, key and body: the same token, its secret shown again.
    let replay = send(admin.token.clone()).await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let (_, again) = json_of(replay).await;
    assert_eq!(
        (&again["id"], &again["token"]),
        (&first["id"], &first["token"])
    );
    // Another caller's same key is a request of its own: a token of its own.
    let theirs = send(employee.token.clone()).await;
    assert!(theirs.headers().get("idempotent-replayed").is_none());
    let (status, theirs) = json_of(theirs).await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    assert_ne!(theirs["id"], first["id"]);
    assert_ne!(theirs["token"], first["token"]);
    assert_eq!(theirs["user_id"], employee.id.as_str());
    // Only the two tokens exist.
    let (_, all) = app
        .json(Method::GET, "/v1/api-tokens", &admin.token, None)
        .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}
