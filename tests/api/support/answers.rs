//! What an answer says: its status and JSON body, the problem it is (asserted against the
//! document's codes), its `Retry-After`, the fields its errors name.

use reqwest::{Response, StatusCode};
use serde_json::Value;

/// A code that is surely not `code`: a wrong guess.
pub fn other_than(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// The seconds of a response's `Retry-After`.
pub fn retry_after(res: &Response) -> i64 {
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Status and JSON body of a response.
pub async fn json_of(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// Asserts a problem+json response with `status` and `code`; returns the problem.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (got, body) = json_of(res).await;
    assert_eq!(got, status, "unexpected status; body: {body}");
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["code"], code, "body: {body}");
    assert_eq!(body["status"], status.as_u16(), "body: {body}");
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    assert_documented(status, code);
    body
}

/// Asserts that a request answered with `status` and the problem `code`.
pub fn assert_refused(got: StatusCode, body: &Value, status: StatusCode, code: &str) {
    assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{body}");
    assert_documented(status, code);
}

/// Every problem a test meets is one the document lists, with its status: a client matching
/// on the document's codes meets no other.
pub fn assert_documented(status: StatusCode, code: &str) {
    let listed = api::problem::CODES
        .iter()
        .any(|(s, codes)| *s == status.as_u16() && codes.contains(&code));
    assert!(
        listed,
        "{} {code} is not in api::problem::CODES (the document's enums)",
        status.as_u16()
    );
}

/// The `field` of every entry of a problem's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
