//! The account's `require_two_factor`: a covered user without a second factor gets sessions
//! that can only set one up (403 `two_factor_enrollment_required` elsewhere), at once for the
//! sessions already open; API tokens are unaffected, but creating one is covered; and an
//! administrator cannot shut themself out by setting it before enrolling.

use super::*;
use crate::support::requests::{api_token, refresh};

const BOB: &str = "+14155550111";
const EXT: &str = "+14155550122";

async fn policy(app: &TestApp, token: &str, to: &str) -> (StatusCode, Value) {
    patch(app, "/v1/account", token, json!({"require_two_factor": to})).await
}

async fn refused(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) {
    let res = app.call(method, path, Some(token), body).await;
    assert_problem(res, StatusCode::FORBIDDEN, "two_factor_enrollment_required").await;
}

#[tokio::test]
async fn a_policy_for_admins_leaves_an_admin_without_a_second_factor_only_enrollment() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "basic").await;
    let group = app.workgroup(&ada.token, "Clients", true).await;
    let bob = app.join(&ada.token, "intranet", None, BOB).await;
    let ext = app.join(&ada.token, "extranet", Some(&group), EXT).await;
    let (status, body) = patch(
        &app,
        &format!("/v1/users/{}", bob.id),
        &ada.token,
        json!({"is_admin": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, bob_api_token) = api_token(&app, &bob.token, &["users:read"]).await;

    // Not before the administrator setting it has a second factor.
    let (status, body) = policy(&app, &ada.token, "admins").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("two_factor_required_first"))
    );
    let (status, body) = app.json(Method::GET, "/v1/account", &ada.token, None).await;
    assert_eq!(
        (status, &body["require_two_factor"]),
        (StatusCode::OK, &json!("none"))
    );
    enroll(&app, &ada.token).await;
    let (status, body) = policy(&app, &ada.token, "admins").await;
    assert_eq!(
        (status, &body["require_two_factor"]),
        (StatusCode::OK, &json!("admins")),
        "{body}"
    );

    // Bob's open session can only enroll now; so can a new one, which says so.
    refused(&app, &bob.token, Method::GET, "/v1/users", None).await;
    let (status, pair) = app.login(BOB, PASSWORD, Some(&ada.account_id)).await;
    assert_eq!(status, StatusCode::OK, "{pair}");
    assert_eq!(pair["two_factor_enrollment_required"], true);
    let restricted = pair["access_token"].as_str().unwrap().to_owned();
    // A refresh of the session says so too.
    let (status, again) = refresh(&app, pair["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, &again["two_factor_enrollment_required"]),
        (StatusCode::OK, &json!(true)),
        "{again}"
    );
    refused(&app, &restricted, Method::GET, "/v1/me", None).await;
    refused(&app, &restricted, Method::GET, "/v1/account", None).await;
    // Creating an API token is covered.
    let body = json!({"name": "escape", "scopes": ["users:read"]});
    refused(
        &app,
        &restricted,
        Method::POST,
        "/v1/api-tokens",
        Some(body),
    )
    .await;
    // The token he made before is the integrator's credential: unaffected.
    let res = app.get("/v1/users", &bob_api_token).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Ext is no admin: unaffected.
    let res = app.get("/v1/users", &ext.token).await;
    assert_eq!(res.status(), StatusCode::OK);

    // Enrolling is what the session may do; then the same token works everywhere.
    assert_eq!(two_factor_status(&app, &restricted).await["enabled"], false);
    enroll(&app, &restricted).await;
    let res = app.get("/v1/users", &restricted).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (status, later) = refresh(&app, again["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, &later["two_factor_enrollment_required"]),
        (StatusCode::OK, &json!(false)),
        "{later}"
    );
    app.assert_audited(&["account.updated", "two_factor.enabled"]);
}

#[tokio::test]
async fn a_policy_for_everyone_covers_external_users_and_switching_off_falls_back_under_it() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "basic").await;
    let group = app.workgroup(&ada.token, "Clients", true).await;
    let ext = app.join(&ada.token, "extranet", Some(&group), EXT).await;
    let (secret, _) = enroll(&app, &ada.token).await;
    let (status, _) = policy(&app, &ada.token, "everyone").await;
    assert_eq!(status, StatusCode::OK);
    refused(&app, &ext.token, Method::GET, "/v1/workgroups", None).await;
    // Someone joining now is told at once that the session can only enroll.
    let newcomer = "+14155550155";
    let res = app
        .post(
            "/v1/invitations",
            Some(&ada.token),
            json!({"type": "extranet", "workgroup_id": group,
                   "invitees": [{"phone": newcomer, "first_name": "Nia", "last_name": "Ode"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (status, accepted) = app.accept(&app.sms.token(newcomer, 0).await).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["two_factor_enrollment_required"], true);
    refused(
        &app,
        accepted["access_token"].as_str().unwrap(),
        Method::GET,
        "/v1/me",
        None,
    )
    .await;
    // Logging out is always allowed.
    let res = app
        .post("/v1/auth/logout", Some(&ext.token), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    // Ada switches two-step off: her session falls under the policy at once.
    let res = app
        .call(
            Method::DELETE,
            "/v1/network/profile/two-factor",
            Some(&ada.token),
            Some(json!({"current_password": PASSWORD, "code": fresh_code(&app, &secret)})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    refused(&app, &ada.token, Method::GET, "/v1/users", None).await;
    enroll(&app, &ada.token).await;
    // Back to none (she is covered by none then), and everyone is free again.
    let (status, _) = policy(&app, &ada.token, "none").await;
    assert_eq!(status, StatusCode::OK);
    let (status, pair) = app.login(EXT, PASSWORD, Some(&ada.account_id)).await;
    assert_eq!(
        (status, &pair["two_factor_enrollment_required"]),
        (StatusCode::OK, &json!(false))
    );
}
