//! Every error is problem+json, actix's own included.

use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .post(app.url("/v1/accounts"))
        .header("content-type", "application/json")
        .body("{\"name\": \"Acme\",")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
}

#[tokio::test]
async fn invalid_fields_are_422_with_every_field_named() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/v1/accounts",
            None,
            json!({"name": "", "plan": "gold",
                   "admin": {"email": "ann@", "password": "short", "first_name": "Ann", "last_name": " "}}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        [
            "name",
            "plan",
            "admin.email",
            "admin.password",
            "admin.last_name"
        ]
    );
    let codes: Vec<_> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].clone())
        .collect();
    assert_eq!(
        codes,
        [
            json!("required"),
            json!("unknown_plan"),
            json!("invalid_email"),
            json!("password_too_short"),
            json!("required")
        ]
    );

    // Both logins, or neither.
    let res = app
        .post(
            "/v1/accounts",
            None,
            json!({"name": "A", "admin": {"email": "a@b.example", "phone": "+14155550101",
                   "password": PASSWORD, "first_name": "A", "last_name": "B"}}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["admin"]);

    // A missing field, a wrong type, a field that may not be set: each named.
    let admin =
        json!({"email": "a@b.example", "password": PASSWORD, "first_name": "A", "last_name": "B"});
    for (body, field, code) in [
        (
            json!({"admin": {"email": "a@b.example", "password": PASSWORD, "first_name": "A", "last_name": "B"}}),
            "name",
            "required",
        ),
        (
            json!({"name": 7, "admin": admin.clone()}),
            "name",
            "invalid_type",
        ),
        (
            json!({"name": "A", "is_admin": true, "admin": admin.clone()}),
            "is_admin",
            "unknown_field",
        ),
        (
            json!({"name": "A", "admin": {"email": "a@b.example", "password": PASSWORD, "first_name": "A", "last_name": "B", "type": "extranet"}}),
            "admin.type",
            "unknown_field",
        ),
        (
            json!({"name": "A", "admin": {"email": "a@b.example", "password": PASSWORD, "first_name": "A"}}),
            "admin.last_name",
            "required",
        ),
    ] {
        let res = app.post("/v1/accounts", None, body).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), [field]);
        assert_eq!(problem["errors"][0]["code"], code);
    }
    // Nothing was created by any of these.
    let (status, _) = app.login("a@b.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_content_type_is_415_and_a_huge_body_413() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .post(app.url("/v1/accounts"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;

    let huge = json!({"name": "x".repeat(300 * 1024), "admin": {}});
    let res = app.post("/v1/accounts", None, huge).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let app = TestApp::spawn().await;
    let res = app.call(Method::GET, "/v1/nothing-here", None, None).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    let res = app.call(Method::DELETE, "/v1/account", None, None).await;
    let allow = res
        .headers()
        .get("allow")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    assert_eq!(allow, "GET, PATCH");
    let res = app.call(Method::GET, "/v1/accounts", None, None).await;
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let (status, body) = json_of(app.call(Method::GET, "/healthz", None, None).await).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));
    let (status, body) = json_of(app.call(Method::GET, "/readyz", None, None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ready");
    let expected = if std::env::var("TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["database"], expected);
}
