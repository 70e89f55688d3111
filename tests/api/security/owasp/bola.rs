//! API1, broken object level authorization: every id-taking operation of the document, with
//! another account's real ids of the right kind (→ 404, like an id that does not exist: nothing
//! tells that it does), and with ids of the caller's own account that the caller may not see
//! (→ answered exactly as a random id is); the target account unchanged afterwards.
//! Ids in bodies and query strings too. (Single cases elsewhere: `users.rs`, `workgroups.rs`,
//! `api_tokens.rs`, `webhooks.rs` check one id each; this is the sweep over all of them.)

use super::*;

/// An operation's answer to `ids` (and `body`) as `token`.
async fn answer(
    w: &World,
    op: &Operation,
    ids: &BTreeMap<String, String>,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    send(&w.app, op.method.clone(), &op.fill(ids), Some(token), body).await
}

/// Every way to fill `op`'s id parameters with at least one of `foreign`'s ids, the others
/// from `own` (the first of the caller's own ids of their kind).
fn foreign_fillings(
    op: &Operation,
    foreign: &dyn Fn(&str) -> Vec<String>,
    own: &dyn Fn(&str) -> String,
) -> Vec<BTreeMap<String, String>> {
    let params = op.id_params();
    let mut fillings = Vec::new();
    // Every parameter foreign, each in turn with every id of its kind.
    for (name, kind) in &params {
        for id in foreign(kind) {
            let mut all_foreign: BTreeMap<String, String> = params
                .iter()
                .map(|(n, k)| {
                    (
                        n.clone(),
                        foreign(k).first().cloned().unwrap_or_else(|| own(k)),
                    )
                })
                .collect();
            all_foreign.insert(name.clone(), id.clone());
            fillings.push(all_foreign);
            if params.len() > 1 {
                let mut one_foreign: BTreeMap<String, String> =
                    params.iter().map(|(n, k)| (n.clone(), own(k))).collect();
                one_foreign.insert(name.clone(), id.clone());
                fillings.push(one_foreign);
            }
        }
    }
    fillings.sort();
    fillings.dedup();
    fillings
}

#[tokio::test]
async fn another_accounts_ids_are_not_found_on_every_operation_that_takes_one() {
    let w = World::build().await;
    let mut tally = Tally::new("API1 object level (other account's ids)");
    let before = w.snapshot(&w.a).await;
    let (a, b) = (&w.a, &w.b);
    let ops: Vec<Operation> = authenticated()
        .into_iter()
        .filter(|o| !o.id_params().is_empty())
        .collect();
    assert!(ops.len() >= 25, "{} id-taking operations", ops.len());
    for op in &ops {
        tally.rows += 1;
        // As B's admin, and as B's API token with every scope (where tokens may call it).
        let mut callers = vec![("B's admin", b.admin.token.clone())];
        if matches!(op.token_scope(), Some(Some(_))) {
            callers.push(("B's API token", b.token_secret.clone()));
        }
        let own = |kind: &str| b.ids(kind)[0].clone();
        let foreign = |kind: &str| a.ids(kind);
        for ids in foreign_fillings(op, &foreign, &own) {
            for (who, token) in &callers {
                let (status, problem) = answer(&w, op, &ids, token, valid_body(op, b)).await;
                tally.requests += 1;
                assert_eq!(
                    (status, problem["code"].as_str()),
                    (StatusCode::NOT_FOUND, Some("not_found")),
                    "{} as {who} with {ids:?}: {problem}",
                    op.label()
                );
                assert!(op.documents(StatusCode::NOT_FOUND), "{}", op.label());
            }
        }
    }
    assert_eq!(w.snapshot(&w.a).await, before, "account A changed");
}

/// Ids in request bodies and query strings: another account's is answered as a random one.
#[tokio::test]
async fn another_accounts_ids_in_bodies_and_queries_are_answered_like_unknown_ones() {
    let w = World::build().await;
    let mut tally = Tally::new("API1 object level (ids in bodies and queries)");
    let before = w.snapshot(&w.a).await;
    let (a, b) = (&w.a, &w.b);
    let doc = api::openapi::document();
    for op in authenticated() {
        // Query parameters tagged as ids.
        for p in op.params("query") {
            let Some(kind) = p["schema"]["x-extranet-id"].as_str() else {
                continue;
            };
            tally.rows += 1;
            let name = p["name"].as_str().unwrap();
            let own = b.ids("workgroup")[0].clone();
            let ids: BTreeMap<String, String> = op
                .id_params()
                .iter()
                .map(|(n, k)| {
                    (
                        n.clone(),
                        if k == "workgroup" {
                            own.clone()
                        } else {
                            b.ids(k)[0].clone()
                        },
                    )
                })
                .collect();
            let path = op.fill(&ids);
            let unknown = send(
                &w.app,
                op.method.clone(),
                &format!("{path}?{name}={}", unknown_id()),
                Some(&b.admin.token),
                None,
            )
            .await;
            for id in a.ids(kind) {
                let got = send(
                    &w.app,
                    op.method.clone(),
                    &format!("{path}?{name}={id}"),
                    Some(&b.admin.token),
                    None,
                )
                .await;
                tally.requests += 1;
                assert_eq!(got, unknown, "{} ?{name}={id} ({kind} of A)", op.label());
            }
        }
        // Body fields tagged as ids, each filled with A's ids in turn.
        let Some(body) = valid_body(&op, b) else {
            continue;
        };
        for (field, kind) in body_ids(&doc, &op) {
            tally.rows += 1;
            let ids: BTreeMap<String, String> = op
                .id_params()
                .iter()
                .map(|(n, k)| (n.clone(), b.ids(k)[0].clone()))
                .collect();
            let path = op.fill(&ids);
            let with = |id: &str| {
                let mut body = body.clone();
                body[field.as_str()] = json!(id);
                body
            };
            let unknown = send(
                &w.app,
                op.method.clone(),
                &path,
                Some(&b.admin.token),
                Some(with(&unknown_id())),
            )
            .await;
            assert_eq!(
                unknown.0,
                StatusCode::NOT_FOUND,
                "{} {field}: {:?}",
                op.label(),
                unknown.1
            );
            for id in a.ids(&kind) {
                let got = send(
                    &w.app,
                    op.method.clone(),
                    &path,
                    Some(&b.admin.token),
                    Some(with(&id)),
                )
                .await;
                tally.requests += 1;
                assert_eq!(got, unknown, "{} {field}={id} ({kind} of A)", op.label());
            }
        }
    }
    // The one public body with an id: logging in to another account with one's own
    // credentials is answered like logging in to an account that does not exist.
    tally.rows += 1;
    let login = |account: String| json!({"login": b.admin_email, "password": PASSWORD, "account_id": account});
    let unknown = send(
        &w.app,
        Method::POST,
        "/v1/auth/login",
        None,
        Some(login(unknown_id())),
    )
    .await;
    let got = send(
        &w.app,
        Method::POST,
        "/v1/auth/login",
        None,
        Some(login(a.account_id.clone())),
    )
    .await;
    tally.requests += 1;
    assert!(unknown.0.is_client_error(), "{unknown:?}");
    assert_eq!(
        (got.0, &got.1["code"], &got.1["detail"]),
        (unknown.0, &unknown.1["code"], &unknown.1["detail"]),
        "logging in to another account"
    );
    assert!(tally.rows >= 5, "{} rows", tally.rows);
    assert_eq!(w.snapshot(&w.a).await, before, "account A changed");
}

/// The top-level fields of `op`'s request body that the document tags as ids, with their kind
/// (an account's id in a login is not another account's object: `account_id` of
/// `POST /v1/auth/login` chooses the caller's own account and is judged by its credentials).
fn body_ids(doc: &Value, op: &Operation) -> Vec<(String, String)> {
    let mut schema = op.op["requestBody"]["content"]["application/json"]["schema"].clone();
    while let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        schema = doc["components"]["schemas"][name].clone();
    }
    let mut found: Vec<(String, String)> = Vec::new();
    let mut parts = vec![schema.clone()];
    parts.extend(schema["allOf"].as_array().cloned().unwrap_or_default());
    for part in parts {
        for (name, prop) in part["properties"].as_object().into_iter().flatten() {
            let kind = prop["x-extranet-id"].as_str().or_else(|| {
                prop["oneOf"]
                    .as_array()
                    .and_then(|alts| alts.iter().find_map(|a| a["x-extranet-id"].as_str()))
            });
            if let Some(kind) = kind {
                found.push((name.clone(), kind.to_owned()));
            }
        }
    }
    found
}

/// Ids of the caller's own account that the caller may not see: answered exactly as a random
/// id is (404, or the same 403 every id gets when the caller may not use the operation at all).
#[tokio::test]
async fn ids_the_caller_may_not_see_in_its_own_account_are_answered_like_unknown_ones() {
    let w = World::build().await;
    let mut tally = Tally::new("API1 object level (own account, not visible)");
    let before = w.snapshot(&w.a).await;
    let a = &w.a;
    // The external user sees itself, the members of its group and its group; the employee
    // sees every user and workgroup but not the admin's API tokens, the webhooks, nor the
    // access reviews (of workgroups it does not moderate).
    let external_hidden: Vec<(&str, String)> = vec![
        ("user", a.employee.id.clone()),
        ("workgroup", a.hidden.clone()),
        ("invitation", a.invitation.clone()),
        ("api_token", a.token_id.clone()),
        ("webhook", a.webhook.clone()),
        ("webhook_delivery", a.delivery.clone()),
        ("access_review", a.access_review.clone()),
    ];
    let employee_hidden: Vec<(&str, String)> = vec![
        ("api_token", a.token_id.clone()),
        ("webhook", a.webhook.clone()),
        ("webhook_delivery", a.delivery.clone()),
        // It reviews no workgroup.
        ("access_review", a.access_review.clone()),
    ];
    let visible = |kind: &str| match kind {
        "user" => a.admin.id.clone(),
        "workgroup" => a.shared.clone(),
        other => a.ids(other)[0].clone(),
    };
    let mut not_found = 0;
    let mut forbidden = Vec::new();
    for op in authenticated().iter().filter(|o| !o.id_params().is_empty()) {
        tally.rows += 1;
        for (who, caller, hidden) in [
            ("A's external user", &a.external, &external_hidden),
            ("A's employee", &a.employee, &employee_hidden),
        ] {
            for (name, kind) in op.id_params() {
                for (_, id) in hidden.iter().filter(|(k, _)| *k == kind) {
                    let mut ids: BTreeMap<String, String> = op
                        .id_params()
                        .iter()
                        .map(|(n, k)| (n.clone(), visible(k)))
                        .collect();
                    let body = valid_body(op, a);
                    ids.insert(name.clone(), unknown_id());
                    let unknown = answer(&w, op, &ids, &caller.token, body.clone()).await;
                    ids.insert(name.clone(), id.clone());
                    let got = answer(&w, op, &ids, &caller.token, body).await;
                    tally.requests += 2;
                    assert!(
                        matches!(got.0, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                        "{} as {who} with {ids:?}: {got:?}",
                        op.label()
                    );
                    assert_eq!(
                        (got.0, &got.1["code"]),
                        (unknown.0, &unknown.1["code"]),
                        "{} as {who}: {name} = a {kind} it may not see is answered unlike a random id",
                        op.label()
                    );
                    assert!(
                        op.documents(got.0),
                        "{} does not document {}",
                        op.label(),
                        got.0
                    );
                    if got.0 == StatusCode::NOT_FOUND {
                        not_found += 1;
                    } else {
                        forbidden.push(format!(
                            "{} as {who} ({kind}): {}",
                            op.label(),
                            got.1["code"].as_str().unwrap_or_default()
                        ));
                    }
                }
            }
        }
    }
    eprintln!(
        "OWASP API1 (own account): {not_found} hidden ids answered 404; {} answered the 403 every id gets:\n  {}",
        forbidden.len(),
        forbidden.join("\n  ")
    );
    assert_eq!(w.snapshot(&w.a).await, before, "account A changed");
}
