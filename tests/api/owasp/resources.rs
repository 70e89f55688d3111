//! API4, unrestricted resource consumption: every cap the document states, tried one past it
//! on every operation that has it — bodies over the size limit (413), arrays over `maxItems`
//! and strings over `maxLength` in bodies (422), page `limit` past its maximum and below its
//! minimum, query strings past `maxLength` and a huge one — and the rate limits of every public
//! operation that documents 429, and the resend interval: 429 with `Retry-After`. (Elsewhere:
//! the 101-invitee batch and the sending quotas per account and per recipient in `limits.rs`,
//! failed logins per login in `login_throttling.rs`, the public buckets' `Retry-After` value in
//! `auth.rs`.)

use super::*;

/// Resolves `$ref`s.
fn resolved(doc: &Value, schema: &Value) -> Value {
    let mut schema = schema.clone();
    while let Some(r) = schema["$ref"].as_str() {
        schema = doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone();
    }
    schema
}

/// The top-level properties of a body schema (through `allOf`), resolved.
fn properties(doc: &Value, schema: &Value) -> Vec<(String, Value)> {
    let schema = resolved(doc, schema);
    let mut found: Vec<(String, Value)> = schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(n, p)| (n.clone(), resolved(doc, p)))
        .collect();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        found.extend(properties(doc, part));
    }
    found
}

fn path_of(op: &Operation, t: &Tenant) -> String {
    let ids: BTreeMap<String, String> = op
        .id_params()
        .iter()
        .map(|(n, k)| (n.clone(), t.ids(k)[0].clone()))
        .collect();
    op.fill(&ids)
}

#[tokio::test]
async fn every_cap_of_the_document_is_enforced_one_past_it() {
    let w = World::build().await;
    let a = &w.a;
    let doc = api::openapi::document();
    let mut tally = Tally::new("API4 resource consumption (caps)");
    let before = w.snapshot(a).await;
    let big = "x".repeat(api::extract::MAX_BODY_BYTES + 1);
    for op in operations() {
        let path = path_of(&op, a);
        let token = (!op.is_public()).then_some(a.admin.token.as_str());
        if let Some(body) = valid_body(&op, a) {
            // The body cap: 413 problem+json, before anything is parsed.
            tally.rows += 1;
            let mut over = body.clone();
            over["padding"] = json!(big);
            let (status, problem) = send(&w.app, op.method.clone(), &path, token, Some(over)).await;
            tally.requests += 1;
            assert_refused(
                status,
                &problem,
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
            );
            assert!(op.documents(status), "{} does not document 413", op.label());
            // Arrays and strings of the body, one past their caps.
            let schema = &op.op["requestBody"]["content"]["application/json"]["schema"];
            for (name, prop) in properties(&doc, schema) {
                // Present in the valid body or not: every capped field of the schema.
                let item = body
                    .get(&name)
                    .and_then(|v| v.as_array()?.first().cloned())
                    .or_else(|| resolved(&doc, &prop["items"])["enum"].get(0).cloned());
                let over = if let (Some(max), Some(item)) = (prop["maxItems"].as_u64(), item) {
                    json!(vec![item; max as usize + 1])
                } else if let Some(max) = prop["maxLength"].as_u64() {
                    json!("x".repeat(max as usize + 1))
                } else {
                    continue;
                };
                tally.rows += 1;
                let mut sent = body.clone();
                sent[name.as_str()] = over;
                let (status, problem) =
                    send(&w.app, op.method.clone(), &path, token, Some(sent)).await;
                tally.requests += 1;
                assert_eq!(
                    status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{} {name} over its cap: {problem}",
                    op.label()
                );
                assert!(
                    error_fields(&problem).iter().any(|f| f.starts_with(&name)),
                    "{} {name}: {problem}",
                    op.label()
                );
            }
        }
        // Query parameters: integers past their range, strings past their length.
        for p in op.params("query") {
            let name = p["name"].as_str().unwrap();
            let schema = &p["schema"];
            let mut tries = Vec::new();
            if let Some(max) = schema["maximum"].as_u64() {
                tries.push(format!("{}", max + 1));
                tries.push("1000000000000".to_owned());
            }
            if let Some(min) = schema["minimum"].as_i64() {
                tries.push(format!("{}", min - 1));
            }
            if let Some(max) = schema["maxLength"].as_u64() {
                tries.push("q".repeat(max as usize + 1));
                tries.push("q".repeat(8000));
            }
            for value in tries {
                tally.rows += 1;
                let (status, problem) = send(
                    &w.app,
                    op.method.clone(),
                    &format!("{path}?{name}={value}"),
                    token,
                    None,
                )
                .await;
                tally.requests += 1;
                assert!(
                    matches!(
                        status,
                        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
                    ),
                    "{}?{name}={:.20}…: {status} {problem}",
                    op.label(),
                    value
                );
                assert!(
                    op.documents(status),
                    "{} does not document {status}",
                    op.label()
                );
            }
            // At the maximum it answers.
            if let Some(max) = schema["maximum"].as_u64() {
                let (status, page) = send(
                    &w.app,
                    op.method.clone(),
                    &format!("{path}?{name}={max}"),
                    token,
                    None,
                )
                .await;
                tally.requests += 1;
                assert_eq!(
                    status,
                    StatusCode::OK,
                    "{}?{name}={max}: {page}",
                    op.label()
                );
            }
        }
    }
    assert_eq!(w.snapshot(a).await, before, "account A changed");
}

/// A 429 with a `Retry-After` of whole seconds, problem+json, documented.
async fn assert_throttled(op: &Operation, res: reqwest::Response, code: &str) {
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    assert!(
        retry_after.is_some_and(|s| s >= 1),
        "{}: Retry-After {retry_after:?}",
        op.label()
    );
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, code).await;
    assert!(
        op.documents(StatusCode::TOO_MANY_REQUESTS),
        "{}",
        op.label()
    );
}

#[tokio::test]
async fn every_rate_limited_operation_answers_429_with_retry_after() {
    // A server of its own: a world's set-up would spend these small buckets.
    let app = TestApp::spawn_with(|c| {
        c.public_burst = 3;
        c.public_rate_per_second = 1;
    })
    .await;
    let admin = app.sign_up("ada@acme.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let invitation = app.invite_phone(&admin.token, &group, "+14155550101").await;
    let mut tally = Tally::new("API4 resource consumption (rate limits)");
    // Every public operation that documents 429: past its burst, from one client.
    for op in operations()
        .iter()
        .filter(|o| o.is_public() && o.documents(StatusCode::TOO_MANY_REQUESTS))
    {
        tally.rows += 1;
        let body = op.example_body();
        let mut throttled = None;
        for _ in 0..10 {
            let res = app
                .call(op.method.clone(), &op.path, None, body.clone())
                .await;
            tally.requests += 1;
            if res.status() == StatusCode::TOO_MANY_REQUESTS {
                throttled = Some(res);
                break;
            }
        }
        let res = throttled.unwrap_or_else(|| panic!("{}: never 429", op.label()));
        assert_throttled(op, res, "rate_limited").await;
    }
    assert!(
        tally.rows >= 5,
        "{} public operations document 429",
        tally.rows
    );
    // The resend interval of a pending invitation.
    let resend = operations()
        .into_iter()
        .find(|o| o.label() == "POST /v1/invitations/{id}/resend")
        .unwrap();
    tally.rows += 1;
    let path = format!(
        "/v1/invitations/{}/resend",
        invitation["id"].as_str().unwrap()
    );
    // Too soon after it was sent; a minute later it goes, and again too soon after that.
    let res = app
        .call(Method::POST, &path, Some(&admin.token), None)
        .await;
    assert_throttled(&resend, res, "rate_limited").await;
    app.clock.advance(chrono::TimeDelta::seconds(61));
    let res = app
        .call(Method::POST, &path, Some(&admin.token), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .call(Method::POST, &path, Some(&admin.token), None)
        .await;
    tally.requests += 3;
    assert_throttled(&resend, res, "rate_limited").await;
}
