//! API3, broken object property level authorization (mass assignment): every request body of
//! the document, public ones included, is sent valid but for one field a client must never set
//! — `type`, `status`, `is_admin`, `account_id`, `seats`, `user_limit`, `plan`, `id`,
//! `created_at`, `identity_id`, `role` — at the top and in every object nested in it, unless the
//! operation's schema declares that field there. Each is refused as the document says (closed
//! bodies: 422 `validation_failed` naming the field), and nothing changed. Where a body
//! declares one of them on purpose, the row checks who may set it (`PATCH /v1/users/{id}`'s
//! `is_admin`: administrators, `function.rs`; `plan`: `PUT /v1/account/plan`, administrators;
//! an invitation's `type`: chosen by whoever may invite). Responses and logs: `secrets.rs`.

use super::*;

const NEVER_FROM_CLIENTS: [&str; 11] = [
    "type",
    "status",
    "is_admin",
    "account_id",
    "seats",
    "user_limit",
    "plan",
    "id",
    "created_at",
    "identity_id",
    "role",
];

/// The properties `schema` declares at its top (through `$ref` and `allOf`).
fn declared(doc: &Value, schema: &Value) -> Vec<String> {
    let mut schema = schema.clone();
    while let Some(r) = schema["$ref"].as_str() {
        schema = doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone();
    }
    let mut names: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(schema["oneOf"].as_array().into_iter().flatten())
    {
        names.extend(declared(doc, part));
    }
    names
}

/// Where objects sit in `body`: JSON pointers ("" for the top), the first item of arrays.
fn objects(body: &Value, at: String, found: &mut Vec<String>) {
    match body {
        Value::Object(fields) => {
            found.push(at.clone());
            for (name, value) in fields {
                objects(value, format!("{at}/{name}"), found);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                objects(first, format!("{at}/0"), found);
            }
        }
        _ => {}
    }
}

/// The same pointer as a problem's field path: `/invitees/0/email` → `invitees[0].email`.
fn field_path(pointer: &str, name: &str) -> String {
    let mut path = String::new();
    for part in pointer.split('/').skip(1) {
        if part.chars().all(|c| c.is_ascii_digit()) {
            path.push_str(&format!("[{part}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(part);
        }
    }
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[tokio::test]
async fn no_body_takes_a_field_a_client_must_not_set() {
    let w = World::build().await;
    let a = &w.a;
    let doc = api::openapi::document();
    let mut tally = Tally::new("API3 property level (mass assignment)");
    let before = w.snapshot(a).await;
    let before_b = w.snapshot(&w.b).await;
    let mut closed = 0;
    for op in operations().iter().filter(|o| o.has_body()) {
        tally.rows += 1;
        let body = valid_body(op, a).unwrap();
        let top = declared(
            &doc,
            &op.op["requestBody"]["content"]["application/json"]["schema"],
        );
        let path = op.path_in(a);
        let token = (!op.is_public()).then_some(a.admin.token.as_str());
        let mut places = Vec::new();
        objects(&body, String::new(), &mut places);
        for place in &places {
            for field in NEVER_FROM_CLIENTS {
                let here = body.pointer(place).unwrap();
                if here.get(field).is_some() || (place.is_empty() && top.iter().any(|d| d == field))
                {
                    continue;
                }
                let mut sent = body.clone();
                sent.pointer_mut(place).unwrap()[field] = match field {
                    "is_admin" => json!(true),
                    "seats" | "user_limit" => json!(100_000),
                    "plan" => json!("enterprise"),
                    "account_id" => json!(w.b.account_id),
                    "identity_id" | "id" => json!(unknown_id()),
                    "role" => json!("owner"),
                    "status" => json!("active"),
                    "type" => json!("intranet"),
                    _ => json!("2000-01-01T00:00:00Z"),
                };
                let (status, problem) =
                    send(&w.app, op.method.clone(), &path, token, Some(sent)).await;
                tally.requests += 1;
                // The one field refused on purpose with its own words: the way to change a
                // user's type is named.
                if (op.label().as_str(), field) == ("PATCH /v1/users/{id}", "type") {
                    assert_refused(
                        status,
                        &problem,
                        StatusCode::CONFLICT,
                        "user_type_not_writable",
                    );
                    closed += 1;
                    continue;
                }
                assert!(
                    matches!(
                        status,
                        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
                    ),
                    "{} took {field} at {place:?}: {status} {problem}",
                    op.label()
                );
                assert!(
                    op.documents(status),
                    "{} does not document {status}",
                    op.label()
                );
                let named = field_path(place, field);
                assert!(
                    error_fields(&problem).contains(&named),
                    "{} with {named}: the problem does not name it: {problem}",
                    op.label()
                );
                closed += 1;
            }
        }
    }
    assert!(tally.rows >= 15, "{} bodies", tally.rows);
    eprintln!("OWASP API3: {closed} bodies with a field no client sets, all refused");
    assert_eq!(w.snapshot(a).await, before, "account A changed");
    assert_eq!(w.snapshot(&w.b).await, before_b, "account B changed");
}

/// The fields that bodies do declare on purpose are set only by those the contract names.
#[tokio::test]
async fn the_declared_sensitive_fields_are_set_only_by_administrators_and_never_type_or_status() {
    let w = World::build().await;
    let a = &w.a;
    let mut tally = Tally::new("API3 property level (declared fields)");
    let before = w.snapshot(a).await;
    let user = format!("/v1/users/{}", a.employee.id);
    for (who, token) in [
        ("the employee", &a.employee.token),
        ("the external user", &a.external.token),
    ] {
        for (method, path, body) in [
            (Method::PATCH, user.as_str(), json!({"is_admin": true})),
            (
                Method::PUT,
                "/v1/account/plan",
                json!({"plan": "enterprise"}),
            ),
            (
                Method::PATCH,
                "/v1/account",
                json!({"who_can_invite": "employees"}),
            ),
        ] {
            let (status, problem) =
                send(&w.app, method.clone(), path, Some(token), Some(body)).await;
            tally.rows += 1;
            tally.requests += 1;
            assert_eq!(
                (status, problem["code"].as_str()),
                (StatusCode::FORBIDDEN, Some("admin_required")),
                "{method} {path} as {who}: {problem}"
            );
        }
    }
    // Even an administrator never writes a user's type or status, nor makes an external user
    // an administrator (transfer first).
    for (body, status, code) in [
        (
            json!({"type": "extranet"}),
            StatusCode::CONFLICT,
            "user_type_not_writable",
        ),
        (
            json!({"is_admin": true, "type": "intranet"}),
            StatusCode::CONFLICT,
            "user_type_not_writable",
        ),
        (
            json!({"status": "dismissed"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ] {
        let (got, problem) = send(
            &w.app,
            Method::PATCH,
            &user,
            Some(&a.admin.token),
            Some(body.clone()),
        )
        .await;
        tally.rows += 1;
        tally.requests += 1;
        assert_refused(got, &problem, status, code);
    }
    let (status, problem) = send(
        &w.app,
        Method::PATCH,
        &format!("/v1/users/{}", a.external.id),
        Some(&a.admin.token),
        Some(json!({"is_admin": true})),
    )
    .await;
    tally.rows += 1;
    tally.requests += 1;
    assert!(
        status == StatusCode::CONFLICT || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{problem}"
    );
    assert_eq!(w.snapshot(a).await, before, "account A changed");
}
