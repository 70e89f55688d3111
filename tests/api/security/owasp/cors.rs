//! API8, security misconfiguration, for browser apps on other origins (`EXTRANET_CORS_ORIGINS`):
//! a listed origin gets exactly the documented CORS headers on every operation of the document,
//! its preflight (204) and its actual request, and on every kind of error answer, so a browser
//! app can read the problem; an unlisted origin — however much it looks like a listed one — and
//! every path outside `/v1/` get none, and their preflights are refused (400 problem+json), so a
//! browser never sends the request. Never `Access-Control-Allow-Credentials`. (Without any
//! origin configured, `misconfiguration.rs` proves that no answer grants any origin anything.)

use super::*;
use reqwest::header::HeaderMap;
use std::collections::BTreeSet;

/// As configured (case and spaces are normalised away at start)…
const CONFIGURED: &str = "https://App.Example, http://127.0.0.1:5173";
/// …and as a browser on it sends it.
const APP: &str = "https://app.example";

/// What a preflight asks for: every request header the API reads.
const ASKED_HEADERS: &str = "authorization, content-type, idempotency-key, x-request-id";

/// The `Access-Control-*` headers of an answer, by lower-case name.
fn cors_headers(h: &HeaderMap) -> BTreeMap<String, String> {
    h.iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-"))
        .map(|(name, v)| (name.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect()
}

/// A comma-separated list as a set of lower-case words.
fn set_of(list: &str) -> BTreeSet<String> {
    list.split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn words(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn names(cors: &BTreeMap<String, String>) -> Vec<&str> {
    cors.keys().map(String::as_str).collect()
}

/// Caches must keep answers to different origins apart.
fn assert_varies_by_origin(what: &str, h: &HeaderMap) {
    let vary = h.get("vary").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(set_of(vary).contains("origin"), "{what}: Vary is {vary:?}");
}

/// A preflight of `APP` allowed: 204, and exactly the documented headers.
fn assert_preflight_allowed(what: &str, res: &reqwest::Response) {
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "{what}");
    let h = res.headers();
    let cors = cors_headers(h);
    assert_eq!(
        names(&cors),
        [
            "access-control-allow-headers",
            "access-control-allow-methods",
            "access-control-allow-origin",
            "access-control-max-age"
        ],
        "{what}: {cors:?}"
    );
    assert_eq!(cors["access-control-allow-origin"], APP, "{what}");
    assert_eq!(
        set_of(&cors["access-control-allow-methods"]),
        words(&["delete", "get", "patch", "post", "put"]),
        "{what}"
    );
    assert_eq!(
        set_of(&cors["access-control-allow-headers"]),
        set_of(ASKED_HEADERS),
        "{what}"
    );
    assert_eq!(cors["access-control-max-age"], "600", "{what}");
    assert_varies_by_origin(what, h);
    assert_eq!(
        h.get("x-content-type-options").unwrap(),
        "nosniff",
        "{what}"
    );
}

/// An actual answer to `APP`: its origin allowed and the documented headers exposed, nothing
/// else of CORS.
fn assert_actual_allowed(what: &str, res: &reqwest::Response) {
    let h = res.headers();
    let cors = cors_headers(h);
    assert_eq!(
        names(&cors),
        [
            "access-control-allow-origin",
            "access-control-expose-headers"
        ],
        "{what} ({}): {cors:?}",
        res.status()
    );
    assert_eq!(cors["access-control-allow-origin"], APP, "{what}");
    assert_eq!(
        set_of(&cors["access-control-expose-headers"]),
        words(&["idempotent-replayed", "retry-after", "x-request-id"]),
        "{what}"
    );
    assert_varies_by_origin(what, h);
}

fn assert_no_cors(what: &str, res: &reqwest::Response) {
    let cors = cors_headers(res.headers());
    assert!(
        cors.is_empty(),
        "{what} ({}) grants something: {cors:?}",
        res.status()
    );
}

/// A preflight refused: 400 problem+json, and no CORS header (the browser stops there).
async fn assert_preflight_refused(what: &str, res: reqwest::Response) {
    assert_no_cors(what, &res);
    let (status, body) = json_of(res).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request")),
        "{what}: {body}"
    );
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A browser's preflight from `origin` for `method path` asking for `headers`.
async fn preflight(
    app: &TestApp,
    origin: &str,
    method: &str,
    path: &str,
    headers: &str,
) -> reqwest::Response {
    client()
        .request(Method::OPTIONS, app.url(path))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", headers)
        .send()
        .await
        .unwrap()
}

/// An actual request from `origin`.
fn from(app: &TestApp, origin: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
    client()
        .request(method, app.url(path))
        .header("Origin", origin)
}

#[tokio::test]
async fn a_listed_origin_gets_exactly_the_documented_headers_on_every_operation() {
    let w = World::build_with(|c| c.cors_origins = CONFIGURED.into()).await;
    let a = &w.a;
    let mut tally = Tally::new("API8 CORS (every operation, a listed and an unlisted origin)");
    let before = w.snapshot(a).await;
    for op in operations() {
        let path = op.path_in(a);
        let what = op.label();
        tally.rows += 1;
        if !op.path.starts_with("/v1/") {
            // The tools beside the API (the accept page, health, metrics, the document).
            let res = preflight(&w.app, APP, op.method.as_str(), &path, ASKED_HEADERS).await;
            assert_preflight_refused(&format!("preflight {what}"), res).await;
            let res = from(&w.app, APP, op.method.clone(), &path)
                .send()
                .await
                .unwrap();
            assert_no_cors(&what, &res);
            tally.requests += 2;
            continue;
        }
        let res = preflight(&w.app, APP, op.method.as_str(), &path, ASKED_HEADERS).await;
        assert_preflight_allowed(&format!("preflight {what}"), &res);
        // Without a token (401, or a public operation's refusal of an empty request)…
        let res = from(&w.app, APP, op.method.clone(), &path)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error(), "{what}: {}", res.status());
        assert_actual_allowed(&what, &res);
        // …and, for reads, the administrator's success.
        if op.method == Method::GET {
            let res = from(&w.app, APP, Method::GET, &path)
                .bearer_auth(&a.admin.token)
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success(), "{what}: {}", res.status());
            assert_actual_allowed(&what, &res);
            tally.requests += 1;
        }
        // The same server, an origin it does not list: nothing, and no preflight passes.
        let res = preflight(
            &w.app,
            "https://evil.example",
            op.method.as_str(),
            &path,
            ASKED_HEADERS,
        )
        .await;
        assert_preflight_refused(&format!("unlisted preflight {what}"), res).await;
        let mut req = from(&w.app, "https://evil.example", op.method.clone(), &path);
        if op.method == Method::GET {
            req = req.bearer_auth(&a.admin.token);
        }
        let res = req.send().await.unwrap();
        assert_no_cors(&format!("unlisted {what}"), &res);
        tally.requests += 4;
    }
    assert_eq!(w.snapshot(a).await, before, "a sweep changed the account");
}

#[tokio::test]
async fn error_answers_carry_the_headers_so_a_browser_app_can_read_the_problem() {
    let app = TestApp::spawn_with(|c| {
        c.cors_origins = CONFIGURED.into();
        c.login_failure_burst = 1;
    })
    .await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;
    let unknown = format!("/v1/users/{}", unknown_id());
    let huge = "x".repeat(300 * 1024);
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            "malformed JSON",
            from(&app, APP, Method::POST, "/v1/workgroups")
                .bearer_auth(&admin.token)
                .header("content-type", "application/json")
                .body("{"),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "no token",
            from(&app, APP, Method::GET, "/v1/me"),
            StatusCode::UNAUTHORIZED,
            "missing_token",
        ),
        (
            "a forged token",
            from(&app, APP, Method::GET, "/v1/me").bearer_auth("not.a.jwt"),
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        (
            "not an administrator",
            from(&app, APP, Method::PATCH, "/v1/account")
                .bearer_auth(&employee.token)
                .json(&json!({"who_can_invite": "admins"})),
            StatusCode::FORBIDDEN,
            "admin_required",
        ),
        (
            "an unknown id",
            from(&app, APP, Method::GET, &unknown).bearer_auth(&admin.token),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "an unknown path",
            from(&app, APP, Method::GET, "/v1/nothing-here").bearer_auth(&admin.token),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "a method the path has not",
            from(&app, APP, Method::DELETE, "/v1/account").bearer_auth(&admin.token),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "a body too large",
            from(&app, APP, Method::POST, "/v1/workgroups")
                .bearer_auth(&admin.token)
                .json(&json!({"name": huge})),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            "invalid fields",
            from(&app, APP, Method::POST, "/v1/workgroups")
                .bearer_auth(&admin.token)
                .json(&json!({"name": ""})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "a wrong password",
            from(&app, APP, Method::POST, "/v1/auth/login")
                .json(&json!({"login": "ada@agency.example", "password": "guess!!!1"})),
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ),
    ];
    for (what, req, status, code) in cases {
        let res = req
            .header("X-Request-Id", "cors-check-1")
            .send()
            .await
            .unwrap();
        assert_actual_allowed(what, &res);
        // What a browser app reads besides the body: the request's id, and when to come back.
        assert_eq!(res.headers()["x-request-id"], "cors-check-1", "{what}");
        assert_problem(res, status, code).await;
    }
    // Wrong passwords until the login is throttled: 429, and when to come back, readable.
    let throttled = 'guessing: {
        for _ in 0..5 {
            let res = from(&app, APP, Method::POST, "/v1/auth/login")
                .json(&json!({"login": "ada@agency.example", "password": "guess!!!1"}))
                .send()
                .await
                .unwrap();
            assert_actual_allowed("a wrong password", &res);
            if res.status() == StatusCode::TOO_MANY_REQUESTS {
                break 'guessing res;
            }
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        panic!("five wrong passwords in a row were never throttled");
    };
    assert!(throttled.headers().contains_key("retry-after"));
    assert_problem(throttled, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // A 5xx too: the database gone from under the server (PostgreSQL: dropped; a SQLite file
    // removed goes on being served from the inode the server holds open).
    if let Ok(server) = std::env::var("TEST_POSTGRES_URL") {
        use diesel::{Connection, RunQueryDsl};
        let name = app
            .database_url
            .rsplit('/')
            .next()
            .unwrap()
            .split('?')
            .next()
            .unwrap();
        let server = server.trim_end_matches('/');
        let mut pg = diesel::PgConnection::establish(&format!("{server}/postgres")).unwrap();
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut pg)
            .unwrap();
        let res = from(&app, APP, Method::GET, "/v1/me")
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap();
        assert_actual_allowed("the database gone", &res);
        let (status, body) = json_of(res).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("service_unavailable")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn nothing_outside_v1_nor_for_an_origin_that_only_looks_listed() {
    let app = TestApp::spawn_with(|c| c.cors_origins = CONFIGURED.into()).await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    // The tools beside the API: same-origin only, whoever asks.
    for path in [
        "/docs",
        "/docs/",
        "/openapi.json",
        "/accept",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        let res = from(&app, APP, Method::GET, path).send().await.unwrap();
        assert_no_cors(path, &res);
        let res = preflight(&app, APP, "GET", path, "authorization").await;
        assert_preflight_refused(&format!("preflight {path}"), res).await;
    }
    // Origins a listed one's owner does not hold, or a browser never sends for it.
    for origin in [
        "http://app.example",
        "https://app.example:8443",
        "https://app.example.evil.example",
        "https://evil.example/https://app.example",
        "https://sub.app.example",
        "https://APP.EXAMPLE",
        "null",
        "",
    ] {
        let res = preflight(&app, origin, "POST", "/v1/workgroups", ASKED_HEADERS).await;
        assert_preflight_refused(&format!("preflight from {origin:?}"), res).await;
        let res = from(&app, origin, Method::GET, "/v1/me")
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{origin:?}");
        assert_no_cors(&format!("from {origin:?}"), &res);
    }
    // The second listed origin, as configured.
    let res = preflight(
        &app,
        "http://127.0.0.1:5173",
        "DELETE",
        "/v1/api-tokens/x",
        "authorization",
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // A listed origin asking for a method or a request header the API does not use: refused,
    // and the refusal says why.
    for (method, headers) in [
        ("TRACE", "authorization"),
        ("CONNECT", "authorization"),
        ("POST", "authorization, cookie"),
        ("POST", "x-forwarded-for"),
        ("GET", "authorization, x-custom"),
    ] {
        let what = format!("preflight {method} with {headers}");
        let res = preflight(&app, APP, method, "/v1/workgroups", headers).await;
        assert_no_cors(&what, &res);
        let (status, body) = json_of(res).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains("does not use"),
            "{what}: {body}"
        );
    }
    // An OPTIONS that is no preflight (no method asked for) is an ordinary request: 405.
    let res = from(&app, APP, Method::OPTIONS, "/v1/workgroups")
        .send()
        .await
        .unwrap();
    assert_actual_allowed("OPTIONS without a method", &res);
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}
