//! API4, unrestricted resource consumption: every cap the document states, tried one past it
//! on every operation that has it — bodies over the size limit (413, also chunked without a
//! length, or announced longer than the cap), arrays over `maxItems`
//! and strings over `maxLength` in bodies (422), page `limit` past its maximum and below its
//! minimum, query strings past `maxLength` and a huge one — and the rate limits of every public
//! operation that documents 429, and the resend interval: 429 with `Retry-After`. (Elsewhere:
//! the 101-invitee batch and the sending quotas per account and per recipient in `limits.rs`,
//! failed logins per person in `login_throttling.rs`, the public buckets' `Retry-After` value in
//! `auth.rs`, the read deadline of heads and bodies in `slow_clients.rs`.)

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

#[tokio::test]
async fn every_cap_of_the_document_is_enforced_one_past_it() {
    let w = World::build().await;
    let a = &w.a;
    let doc = api::openapi::document();
    let mut tally = Tally::new("API4 resource consumption (caps)");
    let before = w.snapshot(a).await;
    let big = "x".repeat(api::extract::MAX_BODY_BYTES + 1);
    for op in operations() {
        let path = op.path_in(a);
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
            // The body's read deadline (`slow_clients.rs` shows it): documented too.
            assert!(
                op.documents(StatusCode::REQUEST_TIMEOUT),
                "{} does not document 408",
                op.label()
            );
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

/// Sends a request as raw bytes (what reqwest will not send: a body longer than it says, or
/// chunked without a length) and returns the status and the body of the answer.
async fn raw(app: &TestApp, head: String, body: &[u8]) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (and close) before it has read everything.
    let _ = socket.write_all(body).await;
    // Read the answer up to the end of its body (the connection may linger after it).
    let mut answer = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let complete = |answer: &[u8]| {
        let text = String::from_utf8_lossy(answer).to_ascii_lowercase();
        let Some((headers, body)) = text.split_once("\r\n\r\n") else {
            return false;
        };
        let length = headers
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        body.len() >= length
    };
    let mut buf = vec![0u8; 16 * 1024];
    while !complete(&answer) {
        match tokio::time::timeout_at(deadline, socket.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&buf[..n]),
            Ok(_) => break,
            Err(_) => panic!("no answer within 5 s to {head}"),
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, headers.to_ascii_lowercase(), body.to_owned())
}

/// The body cap holds however the body comes: chunked without a length, or announced larger
/// than the cap (answered at once, without waiting for it).
#[tokio::test]
async fn the_body_cap_holds_for_chunked_bodies_and_announced_lengths() {
    let w = World::build().await;
    let a = &w.a;
    let mut tally = Tally::new("API4 resource consumption (body framing)");
    let before = w.snapshot(a).await;
    let chunk = vec![b' '; 64 * 1024];
    let mut chunked = Vec::new();
    for _ in 0..5 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    for op in operations().iter().filter(|o| o.has_body()) {
        tally.rows += 1;
        let path = op.path_in(a);
        let auth = if op.is_public() {
            String::new()
        } else {
            format!("Authorization: Bearer {}\r\n", a.admin.token)
        };
        let start = format!(
            "{} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n{auth}Connection: close\r\n",
            op.method
        );
        for (framing, head, body) in [
            (
                "chunked",
                format!("{start}Transfer-Encoding: chunked\r\n\r\n"),
                &chunked[..],
            ),
            (
                "announced",
                format!("{start}Content-Length: 10000000\r\n\r\n"),
                &b"{"[..],
            ),
        ] {
            let (status, headers, body) = raw(&w.app, head, body).await;
            tally.requests += 1;
            assert_eq!(status, 413, "{} {framing}: {headers}\n{body}", op.label());
            assert!(
                headers.contains("content-type: application/problem+json")
                    && body.contains("payload_too_large"),
                "{} {framing}: {headers}\n{body}",
                op.label()
            );
        }
    }
    assert_eq!(w.snapshot(a).await, before, "account A changed");
}
