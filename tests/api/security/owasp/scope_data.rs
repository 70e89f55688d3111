//! API5 (and API3), what an API token's scopes grant of data: a scope is a class of data
//! wherever it appears, not a list of endpoints (issue #24, item 3). Two sweeps, enumerated
//! from the document:
//! - every scope × every webhook event: a token with `webhooks:write` and one other scope
//!   subscribes to an event — creating a webhook, or changing one's events — only when that
//!   scope reads the event's data (`x-extranet-event-scopes`), otherwise 403
//!   `insufficient_scope` naming the scope it lacks;
//! - every operation whose answer holds a field marked `x-extranet-scope` (users' contact data,
//!   an invitation's invitee), however deep — a member's user, a batch's invitations, the
//!   answers to writes — × the scope of that field: a token with every scope but it gets the
//!   view without the field, a token with every scope gets it.

use super::*;

/// The scope the document says each subscribable event needs.
fn event_scopes() -> Vec<(String, Option<String>)> {
    let doc = api::openapi::document();
    let schema = &doc["components"]["schemas"]["SubscribableEvent"];
    let needs = &schema["x-extranet-event-scopes"];
    schema["enum"]
        .as_array()
        .expect("the events")
        .iter()
        .map(|e| {
            let e = e.as_str().unwrap().to_owned();
            let scope = needs[&e][0].as_str().map(str::to_owned);
            (e, scope)
        })
        .collect()
}

#[tokio::test]
async fn every_event_is_subscribed_to_only_with_the_scope_that_reads_its_data() {
    let w = World::build().await;
    let a = &w.a;
    let mut tally = Tally::new("API5 scopes × webhook events");
    let events = event_scopes();
    assert_eq!(events.len(), 36, "{events:?}");
    // What the document says is what each event carries: its resource's class of data.
    for (event, scope) in &events {
        let expected = match event.split('.').next().unwrap() {
            // A join request carries the person's login and names, as an invitation does; a
            // link only the link.
            "invitation" | "join_request" => "invitations:read",
            "join_link" if event == "join_link.joined" => "invitations:read",
            "join_link" => "workgroups:read",
            "user" => "users:read",
            "membership" | "workgroup" => "workgroups:read",
            // A review carries the ids of the users it kept and removed.
            "access_review" => "users:read",
            // A second factor's event carries the user it is about.
            "two_factor" => "users:read",
            other => panic!("{other}: which scope reads it?"),
        };
        assert_eq!(scope.as_deref(), Some(expected), "{event}");
    }
    // A webhook of the admin's, whose events each token tries to change.
    let (status, hook) = w
        .app
        .json(
            Method::POST,
            "/v1/webhooks",
            &a.admin.token,
            Some(json!({"url": "https://public.test/scopes", "events": ["user.dismissed"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let hook = format!("/v1/webhooks/{}", hook["id"].as_str().unwrap());
    for scope in all_scopes() {
        let scopes: Vec<&str> = if scope == "webhooks:write" {
            vec![scope]
        } else {
            vec!["webhooks:write", scope]
        };
        let (_, token) = crate::support::requests::api_token(&w.app, &a.admin.token, &scopes).await;
        for (event, needs) in &events {
            tally.rows += 1;
            let needs = needs.as_deref().unwrap();
            let allowed = needs == scope;
            let create = json!({"url": "https://public.test/scopes", "events": [event]});
            let change = json!({"events": [event]});
            for (method, path, body) in [
                (Method::POST, "/v1/webhooks".to_owned(), create),
                (Method::PATCH, hook.clone(), change),
            ] {
                let (status, answer) =
                    send(&w.app, method.clone(), &path, Some(&token), Some(body)).await;
                tally.requests += 1;
                if allowed {
                    assert!(
                        status.is_success(),
                        "{method} {path} {event} with {scopes:?}: {status} {answer}"
                    );
                } else {
                    assert_eq!(
                        (status, answer["code"].as_str()),
                        (StatusCode::FORBIDDEN, Some("insufficient_scope")),
                        "{method} {path} {event} with {scopes:?}: {answer}"
                    );
                    let detail = answer["detail"].as_str().unwrap();
                    assert!(
                        detail.contains(needs) && detail.contains(event.as_str()),
                        "{detail}"
                    );
                }
                if method == Method::POST && status == StatusCode::CREATED {
                    let made = format!("/v1/webhooks/{}", answer["id"].as_str().unwrap());
                    let res = w
                        .app
                        .call(Method::DELETE, &made, Some(&a.admin.token), None)
                        .await;
                    assert_eq!(res.status(), StatusCode::NO_CONTENT);
                }
            }
        }
    }
}

/// The fields of each response schema that some tokens may not read, and the scope each needs.
fn withheld_fields(doc: &Value) -> BTreeMap<String, Vec<(String, String)>> {
    let mut fields: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        for (property, p) in schema["properties"].as_object().into_iter().flatten() {
            if let Some(scope) = p["x-extranet-scope"].as_str() {
                fields
                    .entry(name.clone())
                    .or_default()
                    .push((property.clone(), scope.to_owned()));
            }
        }
    }
    fields
}

/// Every schema `value` refers to, directly or through others.
fn refs(doc: &Value, value: &Value, into: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    if into.insert(name.to_owned()) {
                        refs(doc, &doc["components"]["schemas"][name], into);
                    }
                }
            }
            map.values().for_each(|v| refs(doc, v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(doc, v, into)),
        _ => {}
    }
}

/// The objects inside `value` that are a `schema` (they hold every property it always sends).
fn objects_of<'a>(value: &'a Value, required: &[String], into: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            if required.iter().all(|r| map.contains_key(r)) {
                into.push(value);
            }
            map.values().for_each(|v| objects_of(v, required, into));
        }
        Value::Array(items) => items.iter().for_each(|v| objects_of(v, required, into)),
        _ => {}
    }
}

/// What one call of a row needs: made for each token afresh (`n`: 0, 1, …), so that writes
/// that change state (a dismissal, a transfer, a revocation) have a subject each time.
struct Fixtures {
    /// Employees to dismiss; employees dismissed, to reinstate; external users to transfer.
    to_dismiss: Vec<String>,
    to_reinstate: Vec<String>,
    to_transfer: Vec<String>,
    /// Employees dismissed, to erase.
    to_erase: Vec<String>,
    /// Extranet workgroups to add the employee to; invitations to resend and to revoke.
    groups: Vec<String>,
    to_resend: Vec<String>,
    to_revoke: Vec<String>,
    /// Workgroups the employee was asked into, for its own tokens to accept.
    asked_in: Vec<String>,
    /// The employee's invitations held for approval, to approve and to reject.
    to_approve: Vec<String>,
    to_reject: Vec<String>,
    /// Extranet workgroups with an external member each, to start an access review of.
    to_review: Vec<String>,
}

async fn fixtures(w: &World, n: usize) -> Fixtures {
    let (app, admin) = (&w.app, &w.a.admin.token);
    let mut f = Fixtures {
        to_dismiss: Vec::new(),
        to_reinstate: Vec::new(),
        to_transfer: Vec::new(),
        to_erase: Vec::new(),
        groups: Vec::new(),
        to_resend: Vec::new(),
        to_revoke: Vec::new(),
        asked_in: Vec::new(),
        to_approve: Vec::new(),
        to_reject: Vec::new(),
        to_review: Vec::new(),
    };
    for i in 0..n {
        let phone = |k: usize| format!("+1415555{:02}{k}{i}", 70);
        f.to_dismiss
            .push(app.join(admin, "intranet", None, &phone(1)).await.id);
        let gone = app.join(admin, "intranet", None, &phone(2)).await.id;
        app.dismiss(admin, &gone).await;
        f.to_reinstate.push(gone);
        let erased = app.join(admin, "intranet", None, &phone(9)).await.id;
        app.dismiss(admin, &erased).await;
        f.to_erase.push(erased);
        f.to_transfer.push(
            app.join(admin, "extranet", Some(&w.a.shared), &phone(3))
                .await
                .id,
        );
        f.groups
            .push(app.workgroup(admin, &format!("matrix {i}"), true).await);
        let reviewed = app.workgroup(admin, &format!("reviewed {i}"), true).await;
        app.join(admin, "extranet", Some(&reviewed), &phone(8))
            .await;
        f.to_review.push(reviewed);
        for (list, k) in [(&mut f.to_resend, 4), (&mut f.to_revoke, 5)] {
            let invited = app.invite_phone(admin, &w.a.shared, &phone(k)).await;
            list.push(invited["id"].as_str().unwrap().to_owned());
        }
        let group = app.workgroup(admin, &format!("asked {i}"), false).await;
        let (status, body) = app
            .json(
                Method::POST,
                &format!("/v1/workgroups/{group}/members"),
                admin,
                Some(json!({"user_id": w.a.employee.id})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        f.asked_in.push(group);
        // For a while the employee's invitations wait for approval.
        let with_approval = |who: &str| json!({"who_can_invite": who});
        let settings = Some(with_approval("employees_with_approval"));
        let (status, _) = app
            .json(Method::PATCH, "/v1/account", admin, settings)
            .await;
        assert_eq!(status, StatusCode::OK);
        for (list, k) in [(&mut f.to_approve, 6), (&mut f.to_reject, 7)] {
            let body = json!({"type": "intranet",
                "invitees": [{"phone": phone(k), "first_name": "Held", "last_name": "Back"}]});
            let (status, held) = app
                .json(
                    Method::POST,
                    "/v1/invitations",
                    &w.a.employee.token,
                    Some(body),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{held}");
            let held = &held["results"][0]["invitation"];
            assert_eq!(held["status"], "awaiting_approval");
            list.push(held["id"].as_str().unwrap().to_owned());
        }
        let settings = Some(with_approval("admins"));
        let (status, _) = app
            .json(Method::PATCH, "/v1/account", admin, settings)
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    f
}

/// Calls `label` as `token` for the `n`th time; `None` for an operation with no row here.
async fn call(
    w: &World,
    f: &Fixtures,
    op: &Operation,
    n: usize,
    token: &str,
) -> Option<(StatusCode, Value)> {
    let a = &w.a;
    let (path, body) = match op.label().as_str() {
        "GET /v1/me" | "GET /v1/users" | "GET /v1/invitations" => (op.path.clone(), None),
        "GET /v1/users/{id}" => (format!("/v1/users/{}", a.admin.id), None),
        // The external user: its invitation, its message.
        "GET /v1/users/{id}/export" => (format!("/v1/users/{}/export", a.external.id), None),
        "PATCH /v1/users/{id}" => (
            format!("/v1/users/{}", a.employee.id),
            Some(json!({"is_admin": false})),
        ),
        "POST /v1/users/{id}/dismiss" => (format!("/v1/users/{}/dismiss", f.to_dismiss[n]), None),
        "POST /v1/users/{id}/erase" => (format!("/v1/users/{}/erase", f.to_erase[n]), None),
        "POST /v1/users/{id}/reinstate" => {
            (format!("/v1/users/{}/reinstate", f.to_reinstate[n]), None)
        }
        "POST /v1/users/{id}/transfer-to-intranet" => (
            format!("/v1/users/{}/transfer-to-intranet", f.to_transfer[n]),
            None,
        ),
        "GET /v1/workgroups/{id}/members" => (format!("/v1/workgroups/{}/members", a.shared), None),
        "POST /v1/workgroups/{id}/members" => (
            format!("/v1/workgroups/{}/members", f.groups[n]),
            Some(json!({"user_id": a.employee.id})),
        ),
        "PATCH /v1/workgroups/{id}/members/{user_id}" => (
            format!("/v1/workgroups/{}/members/{}", a.shared, a.external.id),
            Some(json!({"role": "member"})),
        ),
        "POST /v1/invitations" => (
            op.path.clone(),
            Some(
                json!({"type": "extranet", "workgroup_id": a.shared, "message": "Hello",
                "invitees": [{"email": format!("matrix{n}@client.example"),
                              "first_name": "Mat", "last_name": "Rix"}]}),
            ),
        ),
        "GET /v1/invitations/{id}" => (format!("/v1/invitations/{}", a.invitation), None),
        "POST /v1/invitations/{id}/resend" => (
            format!("/v1/invitations/{}/resend", f.to_resend[n]),
            Some(json!({})),
        ),
        "POST /v1/invitations/{id}/revoke" => {
            (format!("/v1/invitations/{}/revoke", f.to_revoke[n]), None)
        }
        "POST /v1/invitations/{id}/approve" => {
            (format!("/v1/invitations/{}/approve", f.to_approve[n]), None)
        }
        "POST /v1/invitations/{id}/reject" => {
            (format!("/v1/invitations/{}/reject", f.to_reject[n]), None)
        }
        "POST /v1/access-reviews" => (
            op.path.clone(),
            Some(
                json!({"workgroup_id": f.to_review[n], "on_no_answer": "keep",
                        "due_at": (w.app.clock.now() + chrono::Duration::days(7)).to_rfc3339()}),
            ),
        ),
        "GET /v1/access-reviews/{id}/items" => (
            format!("/v1/access-reviews/{}/items", a.access_review),
            None,
        ),
        "PUT /v1/access-reviews/{id}/items/{user_id}" => (
            format!(
                "/v1/access-reviews/{}/items/{}",
                a.access_review, a.external.id
            ),
            Some(json!({"decision": "keep"})),
        ),
        "POST /v1/me/workgroup-invitations/{workgroup_id}/accept" => (
            format!("/v1/me/workgroup-invitations/{}/accept", f.asked_in[n]),
            None,
        ),
        _ => return None,
    };
    Some(send(&w.app, op.method.clone(), &path, Some(token), body).await)
}

/// Operations whose answer holds withheld fields but that no token gets a success from.
const NEVER_SUCCEED: &[&str] = &[
    // Exists to say there is no such transfer.
    "POST /v1/users/{id}/transfer-to-extranet",
];

#[tokio::test]
async fn every_view_embedding_peoples_data_shows_it_only_to_tokens_with_its_scope() {
    let w = World::build_with(|c| c.resend_interval_seconds = 0).await;
    let a = &w.a;
    let doc = api::openapi::document();
    let withheld = withheld_fields(&doc);
    assert!(
        withheld.contains_key("UserView") && withheld.contains_key("InvitationView"),
        "{withheld:?}"
    );
    let mut tally = Tally::new("API5 scopes × views embedding people's data");
    let f = fixtures(&w, 2).await;
    let every = all_scopes();
    let mut tokens: BTreeMap<(String, bool, bool), String> = BTreeMap::new();
    for op in authenticated() {
        if op.token_scope().is_none() {
            continue; // API tokens never call it
        }
        let mut reached = std::collections::BTreeSet::new();
        for (status, response) in op.op["responses"].as_object().unwrap() {
            if status.starts_with('2') {
                refs(&doc, response, &mut reached);
            }
        }
        let classes: std::collections::BTreeSet<&str> = reached
            .iter()
            .filter_map(|s| withheld.get(s))
            .flatten()
            .map(|(_, scope)| scope.as_str())
            .collect();
        if classes.is_empty() || NEVER_SUCCEED.contains(&op.label().as_str()) {
            continue;
        }
        tally.rows += 1;
        for (i, class) in classes.iter().enumerate() {
            for with in [false, true] {
                let n = 2 * i + usize::from(with);
                // A read takes no fixture of its own, however many classes its answer holds.
                assert!(
                    n < 2 || op.method == Method::GET,
                    "{}: more classes than fixtures made",
                    op.label()
                );
                // The employee's own tokens accept the employee's invitations.
                let own = op.path.starts_with("/v1/me/");
                let owner = if own {
                    &a.employee.token
                } else {
                    &a.admin.token
                };
                let key = (class.to_string(), with, own);
                if !tokens.contains_key(&key) {
                    let scopes: Vec<&str> = every
                        .iter()
                        .copied()
                        .filter(|s| with || s != class)
                        .collect();
                    let (_, t) = crate::support::requests::api_token(&w.app, owner, &scopes).await;
                    tokens.insert(key.clone(), t);
                }
                let Some((status, body)) = call(&w, &f, &op, n, &tokens[&key]).await else {
                    panic!(
                        "{}: its answer holds fields of `{class}`; give it a row in owasp::scope_data::call",
                        op.label()
                    );
                };
                tally.requests += 1;
                if !with && op.token_scope() == Some(Some(class.to_string())) {
                    // The operation is that class's own: without the scope, no answer at all.
                    assert_eq!(
                        (status, body["code"].as_str()),
                        (StatusCode::FORBIDDEN, Some("insufficient_scope")),
                        "{}: {body}",
                        op.label()
                    );
                    continue;
                }
                assert!(status.is_success(), "{}: {status} {body}", op.label());
                let mut seen = 0;
                for (schema, fields) in &withheld {
                    let required: Vec<String> = doc["components"]["schemas"][schema]["required"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r.as_str().unwrap().to_owned())
                        .collect();
                    let mut found = Vec::new();
                    objects_of(&body, &required, &mut found);
                    for object in found {
                        for (field, scope) in fields.iter().filter(|(_, s)| s == class) {
                            seen += 1;
                            assert_eq!(
                                object.get(field).is_some(),
                                with,
                                "{} as a token {} `{scope}`: {schema}.{field} in {object}",
                                op.label(),
                                if with { "with" } else { "without" },
                            );
                        }
                    }
                }
                assert!(seen > 0, "{}: no {class} field found in {body}", op.label());
            }
        }
    }
    assert!(tally.rows >= 15, "{} operations", tally.rows);
}
