//! The committed `openapi.yaml` is what the code generates, and the server serves it with a
//! Swagger UI that needs no network.

use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[test]
fn committed_openapi_yaml_matches_the_code() {
    let generated = api::openapi::yaml().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is stale: run `make openapi` and commit the result"
    );
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let doc = serde_json::to_value(api::openapi::document()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 10);
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let errors: Vec<_> = responses
                .keys()
                .filter(|s| s.starts_with('4') || s.starts_with('5'))
                .collect();
            let public = op.get("security").is_some_and(|s| {
                s.as_array().is_some_and(|a| {
                    a.iter()
                        .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
                })
            });
            if !public {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} does not document 401"
                );
            }
            if path.starts_with("/v1") {
                assert!(!errors.is_empty(), "{method} {path} documents no error");
            }
            // Anything the client gives can be malformed: a parameter, a body.
            let takes = op.get("parameters").is_some() || op.get("requestBody").is_some();
            if takes {
                assert!(
                    responses.contains_key("400"),
                    "{method} {path} takes input but does not document 400"
                );
            }
            for status in errors {
                let r = &responses[status.as_str()];
                assert!(
                    r.get("$ref").is_some(),
                    "{method} {path} {status} is not a problem response"
                );
            }
        }
    }
    // Each error response is a Problem whose `code` is one of its status's codes, with an
    // example of its own.
    for (name, status, code) in [
        ("BadRequest", 400, "malformed_json"),
        ("Unauthorized", 401, "invalid_token"),
        ("NotFound", 404, "not_found"),
        ("Conflict", 409, "user_limit_reached"),
        ("Unprocessable", 422, "validation_failed"),
        ("TooManyRequests", 429, "sending_quota_exceeded"),
    ] {
        let problem = &doc["components"]["responses"][name]["content"]["application/problem+json"];
        let parts = &problem["schema"]["allOf"];
        assert!(parts[0]["$ref"].as_str().unwrap().ends_with("/Problem"));
        let codes = parts[1]["properties"]["code"]["enum"].as_array().unwrap();
        assert!(codes.iter().any(|c| c == code), "{name}: {codes:?}");
        assert_eq!(problem["example"]["status"], status, "{name}");
    }
    assert!(
        doc["components"]["responses"]["TooManyRequests"]["headers"]["Retry-After"].is_object()
    );
}

#[tokio::test]
async fn swagger_ui_and_the_document_are_served_offline() {
    let app = TestApp::spawn().await;
    let res = app.call(Method::GET, "/docs/", None, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // Every asset the page loads comes from this server.
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-initializer.js",
    ] {
        let res = app
            .call(Method::GET, &format!("/docs/{asset}"), None, None)
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{asset}");
    }
    assert!(
        !html.contains("https://"),
        "the page loads something from the network"
    );
    // `/docs`, as README writes it, leads there.
    let res = app.call(Method::GET, "/docs", None, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.url().path(), "/docs/", "redirected there");
    let (status, doc) = json_of(app.call(Method::GET, "/openapi.json", None, None).await).await;
    assert_eq!(status, StatusCode::OK);
    // The committed document, but for where the API is: the served one says "here".
    let mut doc = doc;
    assert_eq!(doc["servers"][0]["url"], "/");
    let mut committed = api::openapi::document();
    doc["servers"] = Value::Null;
    committed["servers"] = Value::Null;
    assert_eq!(doc, committed);
}

#[tokio::test]
async fn the_pages_are_served_with_their_assets_under_a_strict_policy() {
    let app = TestApp::spawn().await;
    for (path, content_type, contains) in [
        ("/accept", "text/html", "accept.js"),
        (
            "/accept/accept.js",
            "text/javascript",
            "/v1/invitations/lookup",
        ),
        ("/accept/accept.css", "text/css", "{"),
        ("/reset-password", "text/html", "reset-password.js"),
        (
            "/reset-password/reset-password.js",
            "text/javascript",
            "/v1/auth/password-reset/confirm",
        ),
        ("/reset-password/reset-password.css", "text/css", "{"),
    ] {
        let res = app.call(Method::GET, path, None, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let headers = res.headers().clone();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type),
            "{path}"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        let body = res.text().await.unwrap();
        assert!(body.contains(contains), "{path}");
        // Nothing is loaded from elsewhere.
        assert!(
            !body.contains("https://") && !body.contains("http://"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_pages_link_to_the_app_when_its_address_is_set_and_say_so_when_not() {
    let unset = TestApp::spawn().await;
    let app =
        TestApp::spawn_with(|c| c.app_url = "https://app.example/portal?a=1&b=\"2\"".into()).await;
    for page in ["/accept", "/reset-password"] {
        let html = app
            .call(Method::GET, page, None, None)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(
                r#"<meta name="extranet-app-url" content="https://app.example/portal?a=1&amp;b=%222%22">"#
            ),
            "{page}: {html}"
        );
        let html = unset
            .call(Method::GET, page, None, None)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(r#"<meta name="extranet-app-url" content="">"#),
            "{page}: {html}"
        );
    }
    // Each page's script says what to do either way, in the words the page carries (its
    // strings, from the catalogue).
    for (page, script, words) in [
        ("/accept", "/accept/accept.js", "accept-no-app"),
        (
            "/reset-password",
            "/reset-password/reset-password.js",
            "reset-no-app",
        ),
    ] {
        let js = unset
            .call(Method::GET, script, None, None)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            js.contains("extranet-app-url") && js.contains(words),
            "{script}"
        );
        let html = unset
            .call(Method::GET, page, None, None)
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("does not know the address"), "{page}");
    }
}
