//! The OWASP API Security Top 10 (2023) as a test matrix, one file per category:
//!
//! | OWASP item | file |
//! |---|---|
//! | API1 broken object level authorization | `bola.rs` |
//! | API2 broken authentication | `authn.rs` |
//! | API3 broken object property level authorization | `property.rs`, `secrets.rs` |
//! | API4 unrestricted resource consumption | `resources.rs` |
//! | API5 broken function level authorization | `function.rs`, `scope_data.rs`, `enrollment.rs` |
//! | API7 server side request forgery | `ssrf.rs` |
//! | API8 security misconfiguration | `misconfiguration.rs`, `cors.rs` |
//!
//! The rows come from the server's own OpenAPI document (`api::openapi::document()`): every
//! operation, its `security` (bearer, API token scope, public), the `x-extranet-id` tag of each
//! uuid parameter, its request body and its example. A new endpoint is in the matrix by itself,
//! and a sweep fails when it meets an operation it has no row for.
//!
//! Each test prints `OWASP <category>: <n> rows, <m> requests asserted` (run with
//! `--nocapture` to see it).

mod authn;
mod bola;
mod cors;
mod enrollment;
mod function;
mod misconfiguration;
mod property;
mod resources;
mod scope_data;
mod secrets;
mod ssrf;

use crate::support::helpers::*;
use crate::support::requests::{profile_token, session_of};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One operation of the document.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: Method,
    pub path: String,
    pub op: Value,
}

impl Operation {
    /// `POST /v1/invitations`, as the rows name it.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn security(&self) -> Vec<Value> {
        self.op["security"].as_array().cloned().unwrap_or_default()
    }

    /// No authentication at all (`security: [{}]`).
    pub fn is_public(&self) -> bool {
        self.security()
            .iter()
            .all(|s| s.as_object().is_some_and(|o| o.is_empty()))
    }

    /// What an API token needs for it: `Some(scope)`, or `None` when API tokens may not call
    /// it at all (the people behind them do that themselves).
    pub fn token_scope(&self) -> Option<Option<String>> {
        self.security().iter().find_map(|s| {
            s.get("api_token").map(|scopes| {
                scopes
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
        })
    }

    /// The uuid path parameters and what each names (`x-extranet-id`).
    pub fn id_params(&self) -> Vec<(String, String)> {
        self.params("path")
            .into_iter()
            .filter_map(|p| {
                Some((
                    p["name"].as_str()?.to_owned(),
                    p["schema"]["x-extranet-id"].as_str()?.to_owned(),
                ))
            })
            .collect()
    }

    pub fn params(&self, location: &str) -> Vec<Value> {
        self.op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == location)
            .cloned()
            .collect()
    }

    pub fn has_body(&self) -> bool {
        self.op.get("requestBody").is_some()
    }

    /// The document's example of the request body (the first, when it has several).
    pub fn example_body(&self) -> Option<Value> {
        let content = &self.op["requestBody"]["content"]["application/json"];
        if let Some(example) = content.get("example") {
            return Some(example.clone());
        }
        content["examples"]
            .as_object()
            .and_then(|e| e.values().next())
            .map(|e| e["value"].clone())
    }

    /// The response statuses the document lists.
    pub fn documents(&self, status: StatusCode) -> bool {
        self.op["responses"]
            .get(status.as_u16().to_string())
            .is_some()
    }

    /// The path with each `{name}` replaced by `ids[name]`.
    pub fn fill(&self, ids: &BTreeMap<String, String>) -> String {
        let mut path = self.path.clone();
        for (name, id) in ids {
            path = path.replace(&format!("{{{name}}}"), id);
        }
        assert!(!path.contains('{'), "{path}: a parameter left unfilled");
        path
    }

    /// The path with each id parameter filled with `t`'s first id of its kind.
    pub fn path_in(&self, t: &Tenant) -> String {
        let ids: BTreeMap<String, String> = self
            .id_params()
            .iter()
            .map(|(n, k)| (n.clone(), t.ids(k)[0].clone()))
            .collect();
        self.fill(&ids)
    }
}

/// Every operation of the document, in its order.
pub fn operations() -> Vec<Operation> {
    let doc = api::openapi::document();
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            if op.get("responses").is_none() {
                continue;
            }
            found.push(Operation {
                method,
                path: path.clone(),
                op: op.clone(),
            });
        }
    }
    assert!(
        found.len() > 40,
        "the document lists {} operations",
        found.len()
    );
    found
}

/// The operations a caller authenticates for.
pub fn authenticated() -> Vec<Operation> {
    operations()
        .into_iter()
        .filter(|o| !o.is_public())
        .collect()
}

/// Counts what a category asserted, and prints it at the end.
pub struct Tally {
    category: &'static str,
    pub rows: usize,
    pub requests: usize,
    /// What `requests` counts.
    pub unit: &'static str,
}

impl Tally {
    pub fn new(category: &'static str) -> Self {
        Self {
            category,
            rows: 0,
            requests: 0,
            unit: "requests asserted",
        }
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            eprintln!(
                "OWASP {}: {} rows, {} {}",
                self.category, self.rows, self.requests, self.unit
            );
        }
    }
}

/// A random id: what any id the caller cannot see must be answered like.
pub fn unknown_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// One account with everyone and everything the matrix asks about.
pub struct Tenant {
    pub account_id: String,
    pub admin_email: String,
    pub admin: Person,
    /// An employee who is not an administrator, in no workgroup.
    pub employee: Person,
    /// An external user, a member of `shared` only.
    pub external: Person,
    /// The extranet workgroup the external user is in (its owner: the admin).
    pub shared: String,
    /// A workgroup the external user is not in; the employee has a pending membership
    /// invitation to it.
    pub hidden: String,
    pub invitation: String,
    /// The admin's API token with every scope: its id and secret.
    pub token_id: String,
    pub token_secret: String,
    pub webhook: String,
    pub delivery: String,
    /// A session of the admin's of its own (one the matrix may end).
    pub session: String,
    /// A join link of `shared` that needs approval, and a request waiting through it.
    pub join_link: String,
    pub join_request: String,
    /// An open access review of `shared` (about the external user), due in 30 days.
    pub access_review: String,
}

impl Tenant {
    /// The ids of `kind` this account holds.
    pub fn ids(&self, kind: &str) -> Vec<String> {
        match kind {
            "user" => vec![
                self.admin.id.clone(),
                self.employee.id.clone(),
                self.external.id.clone(),
            ],
            "workgroup" => vec![self.shared.clone(), self.hidden.clone()],
            "invitation" => vec![self.invitation.clone()],
            "api_token" => vec![self.token_id.clone()],
            "webhook" => vec![self.webhook.clone()],
            "webhook_delivery" => vec![self.delivery.clone()],
            "session" => vec![self.session.clone()],
            "join_link" => vec![self.join_link.clone()],
            "join_request" => vec![self.join_request.clone()],
            "access_review" => vec![self.access_review.clone()],
            other => panic!("no row for ids of kind {other}: add them to owasp::Tenant"),
        }
    }
}

/// Every scope there is: an API token with all of them (the domain's list, so that a new
/// scope is in the matrix's tokens by itself).
pub fn all_scopes() -> Vec<&'static str> {
    domain::scope::Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .collect()
}

/// Two accounts, each a [`Tenant`], on one server.
pub struct World {
    pub app: TestApp,
    pub a: Tenant,
    pub b: Tenant,
}

impl World {
    pub async fn build() -> Self {
        Self::build_with(|_| {}).await
    }

    pub async fn build_with(configure: impl FnOnce(&mut api::config::RawConfig)) -> Self {
        let app = TestApp::spawn_with(|c| {
            c.webhook_resolve = "public.test=93.184.215.14".into();
            // The receiver never answers (no internet here): its deliveries stay waiting.
            c.webhook_retry_base_ms = 600_000;
            c.webhook_timeout_ms = 200;
            c.public_burst = 1000;
            c.public_rate_per_second = 1000;
            configure(c);
        })
        .await;
        let a = tenant(&app, "a", "+14155550100").await;
        let b = tenant(&app, "b", "+14155550200").await;
        Self { app, a, b }
    }

    /// What account `t` looks like to its admin: every list the API has, and the audit trail.
    /// A sweep that must change nothing compares it before and after.
    pub async fn snapshot(&self, t: &Tenant) -> Value {
        let token = &t.admin.token;
        let mut state = serde_json::Map::new();
        let mut paths = vec![
            "/v1/account".to_owned(),
            "/v1/account/usage".to_owned(),
            "/v1/users?limit=200".to_owned(),
            "/v1/workgroups?limit=200".to_owned(),
            "/v1/invitations?limit=200".to_owned(),
            "/v1/api-tokens?limit=200".to_owned(),
            "/v1/webhooks?limit=200".to_owned(),
            "/v1/audit-events?limit=200".to_owned(),
            format!("/v1/webhooks/{}/deliveries?limit=200", t.webhook),
            "/v1/access-reviews?limit=200".to_owned(),
            format!("/v1/access-reviews/{}/items?limit=200", t.access_review),
        ];
        for group in [&t.shared, &t.hidden] {
            paths.push(format!("/v1/workgroups/{group}"));
            paths.push(format!("/v1/workgroups/{group}/members?limit=200"));
            paths.push(format!("/v1/workgroups/{group}/join-links"));
            paths.push(format!("/v1/workgroups/{group}/join-requests"));
        }
        for path in paths {
            let (status, mut body) = self.app.json(Method::GET, &path, token, None).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            // What the deliveries' worker writes as it tries (it keeps trying on its own).
            for d in body["items"].as_array_mut().into_iter().flatten() {
                for moving in [
                    "attempts",
                    "next_attempt_at",
                    "last_error",
                    "status",
                    "response_status",
                    "last_attempt_at",
                ] {
                    if path.contains("/deliveries") {
                        d.as_object_mut().map(|o| o.remove(moving));
                    }
                }
                // An invitation's message is sent by the delivery worker when it gets to it,
                // before or during the sweep.
                if path.starts_with("/v1/invitations") {
                    d.as_object_mut().map(|o| o.remove("delivery"));
                }
                // A token's last use moves as the sweep uses it.
                if path.starts_with("/v1/api-tokens") {
                    d.as_object_mut().map(|o| o.remove("last_used_at"));
                }
            }
            if path == "/v1/account/usage" {
                body.as_object_mut().map(|o| o.remove("sending"));
            }
            // The one read that is recorded: an administrator's export of a user (who and
            // when, issue #32). It changes nothing of the account.
            if path.starts_with("/v1/audit-events") {
                if let Some(items) = body["items"].as_array_mut() {
                    items.retain(|e| e["action"] != "user.exported");
                }
            }
            state.insert(path, body);
        }
        Value::Object(state)
    }
}

/// Signs up account `name` and fills it.
async fn tenant(app: &TestApp, name: &str, phones: &str) -> Tenant {
    let admin_email = format!("admin@{name}.example");
    let signed = app.sign_up(&admin_email, "standard").await;
    let admin = Person {
        id: signed.user_id.clone(),
        token: signed.token.clone(),
    };
    let shared = app
        .workgroup(&admin.token, &format!("{name} shared"), true)
        .await;
    let hidden = app
        .workgroup(&admin.token, &format!("{name} hidden"), true)
        .await;
    let base = &phones[..phones.len() - 1];
    let employee = app
        .join(&admin.token, "intranet", None, &format!("{base}1"))
        .await;
    let external = app
        .join(&admin.token, "extranet", Some(&shared), &format!("{base}2"))
        .await;
    // The employee is asked into the hidden group (a membership invitation to answer).
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{hidden}/members"),
            &admin.token,
            Some(json!({"user_id": employee.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let invitation = app
        .invite_phone(&admin.token, &shared, &format!("{base}3"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, token) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            Some(json!({"name": "everything", "scopes": all_scopes()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let (status, hook) = app
        .json(
            Method::POST,
            "/v1/webhooks",
            &admin.token,
            Some(
                json!({"url": "https://public.test/hook", "events": ["user.dismissed"],
                        "secret": format!("whsec-{name}-0123456789abcdef")}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let webhook = hook["id"].as_str().unwrap().to_owned();
    let (status, ping) = app
        .json(
            Method::POST,
            &format!("/v1/webhooks/{webhook}/ping"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{ping}");
    let (_, log) = app
        .json(
            Method::GET,
            &format!("/v1/webhooks/{webhook}/deliveries"),
            &admin.token,
            None,
        )
        .await;
    let delivery = log["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a delivery after the ping: {log}"))
        .to_owned();
    let (status, second) = app
        .login(&admin_email, PASSWORD, Some(&signed.account_id))
        .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let session = session_of(app, second["access_token"].as_str().unwrap()).await;
    let (join_link, join_request) = waiting_join_request(app, &admin.token, &shared, name).await;
    let (status, review) = app
        .json(
            Method::POST,
            "/v1/access-reviews",
            &admin.token,
            Some(json!({"workgroup_id": shared, "on_no_answer": "keep",
                        "due_at": (app.clock.now() + chrono::Duration::days(30)).to_rfc3339()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{review}");
    let access_review = review["id"].as_str().unwrap().to_owned();
    Tenant {
        access_review,
        join_link,
        join_request,
        session,
        account_id: signed.account_id,
        admin_email,
        admin,
        employee,
        external,
        shared,
        hidden,
        invitation,
        token_id: token["id"].as_str().unwrap().to_owned(),
        token_secret: token["token"].as_str().unwrap().to_owned(),
        webhook,
        delivery,
    }
}

/// A join link of `group` that needs approval, and a request made through it that waits.
async fn waiting_join_request(
    app: &TestApp,
    admin: &str,
    group: &str,
    name: &str,
) -> (String, String) {
    let (status, link) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{group}/join-links"),
            admin,
            Some(json!({"approval": "required"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let code = link["url"]
        .as_str()
        .unwrap()
        .split_once("#code=")
        .unwrap()
        .1
        .to_owned();
    let login = format!("joiner@{name}.example");
    let (status, asked) = json_of(
        app.post(
            "/v1/join-links/request",
            None,
            json!({"code": code, "email": login, "first_name": "Jo", "last_name": "Iner"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{asked}");
    let sent = app.code_sent(&login, 0).await;
    let (status, waiting) = json_of(
        app.post(
            "/v1/join-links/confirm",
            None,
            json!({"code": code, "login": login, "confirmation_code": sent, "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{waiting}");
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{group}/join-requests"),
            admin,
            None,
        )
        .await;
    (
        link["id"].as_str().unwrap().to_owned(),
        list["items"][0]["id"].as_str().unwrap().to_owned(),
    )
}

/// A request body that passes validation for `op`, acting in `t` (so that a sweep reaches the
/// lookup of the ids it tries, rather than stopping at the body).
pub fn valid_body(op: &Operation, t: &Tenant) -> Option<Value> {
    if !op.has_body() {
        return None;
    }
    Some(match (op.method.as_str(), op.path.as_str()) {
        ("PATCH", "/v1/users/{id}") => json!({"is_admin": false}),
        ("PATCH", "/v1/workgroups/{id}") => json!({"description": "unchanged?"}),
        ("POST", "/v1/workgroups/{id}/members") => json!({"user_id": t.employee.id}),
        ("PATCH", "/v1/workgroups/{id}/members/{user_id}") => json!({"role": "moderator"}),
        ("PATCH", "/v1/webhooks/{id}") => json!({"active": false}),
        // Its scope has an open review already: a valid body that starts nothing (409).
        ("POST", "/v1/access-reviews") => json!({"workgroup_id": t.shared, "on_no_answer": "keep",
            "due_at": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339()}),
        ("POST", "/v1/invitations") => json!({"type": "extranet", "workgroup_id": t.shared,
            "invitees": [{"email": "matrix@client.example", "first_name": "Mat", "last_name": "Rix"}]}),
        _ => op
            .example_body()
            .unwrap_or_else(|| panic!("{}: no example body", op.label())),
    })
}

/// Sends `body` (when given) to `path` with `token`, and returns status, problem code and
/// whether `WWW-Authenticate` came with it.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let res = app.call(method, path, token, body).await;
    let problem = res
        .headers()
        .get("content-type")
        .is_some_and(|v| v == "application/problem+json");
    let (status, body) = json_of(res).await;
    if status.is_client_error() {
        assert!(problem, "{path}: {status} without problem+json: {body}");
    }
    (status, body)
}
