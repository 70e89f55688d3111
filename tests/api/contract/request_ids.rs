//! `X-Request-Id`: a client's sensible id is kept, in the response, the audit events and the
//! log line; anything else is replaced by one of the server's.

use crate::support::helpers::{invite_body, json_of, TestApp};
use crate::support::processes::ServerProcess;
use reqwest::{Method, StatusCode};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Invites `email` with `X-Request-Id: given`; returns the id the response names.
async fn invite_with_id(
    app: &TestApp,
    token: &str,
    group: &str,
    email: &str,
    given: &str,
) -> String {
    let res = app
        .client
        .post(app.url("/v1/invitations"))
        .bearer_auth(token)
        .header("X-Request-Id", given)
        .json(&invite_body(group, email))
        .send()
        .await
        .unwrap();
    let answered = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let (status, body) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    answered
}

/// The request id of the `invitation.created` event of the invitation sent to `email`.
async fn audited_request_id(app: &TestApp, token: &str, email: &str) -> String {
    let (status, page) = app
        .json(
            Method::GET,
            "/v1/audit-events?action=invitation.created",
            token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (_, invitations) = app
        .json(Method::GET, "/v1/invitations?limit=100", token, None)
        .await;
    let id = invitations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == email)
        .unwrap_or_else(|| panic!("no invitation of {email}: {invitations}"))["id"]
        .clone();
    let event = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target"]["id"] == id)
        .unwrap_or_else(|| panic!("no event of {email}: {page}"));
    event["request_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_sensible_request_id_is_kept_in_the_response_and_the_audit_trail() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let given = "edge-7f3a:req.42@lb1/a+b=c_d";
    let answered = invite_with_id(&app, &admin.token, &group, "ann@client.example", given).await;
    assert_eq!(answered, given);
    assert_eq!(
        audited_request_id(&app, &admin.token, "ann@client.example").await,
        given
    );
    let longest = "r".repeat(128);
    let answered = invite_with_id(&app, &admin.token, &group, "bo@client.example", &longest).await;
    assert_eq!(answered, longest);
    assert_eq!(
        audited_request_id(&app, &admin.token, "bo@client.example").await,
        longest
    );
}

#[tokio::test]
async fn a_malformed_request_id_is_replaced_by_the_servers_everywhere() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let too_long = "r".repeat(129);
    for (email, given) in [
        ("ann@client.example", too_long.as_str()),
        ("bo@client.example", "has spaces in it"),
        ("cy@client.example", "semi;colon"),
        ("di@client.example", "\"quoted\""),
    ] {
        let answered = invite_with_id(&app, &admin.token, &group, email, given).await;
        assert_ne!(answered, given);
        let generated: Uuid = answered
            .parse()
            .unwrap_or_else(|_| panic!("`{answered}` is no UUID"));
        assert_eq!(generated.get_version_num(), 7);
        assert_eq!(
            audited_request_id(&app, &admin.token, email).await,
            answered
        );
    }
    // No header at all: one of the server's, different each time.
    let a = app.call(Method::GET, "/healthz", None, None).await;
    let b = app.call(Method::GET, "/healthz", None, None).await;
    let (a, b) = (&a.headers()["x-request-id"], &b.headers()["x-request-id"]);
    assert_ne!(a, b);
    assert!(a.to_str().unwrap().parse::<Uuid>().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_log_line_of_a_request_carries_its_id_at_the_top_level() {
    let app = TestApp::spawn().await;
    let server = ServerProcess::start_with(
        &app.database_url,
        &app.sms.url,
        &[("EXTRANET_LOG_FORMAT", "json"), ("EXTRANET_LOG", "info")],
    )
    .await;
    let client = reqwest::Client::new();
    let given = "json-log-check.1";
    let res = client
        .get(format!("{}/v1/no-such-thing", server.address))
        .header("X-Request-Id", given)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["x-request-id"], given);
    let deadline = Instant::now() + Duration::from_secs(10);
    let line = loop {
        let found = server.output().lines().find_map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).ok()?;
            (v["message"] == "request finished" && v["request_id"] == given).then_some(v)
        });
        if let Some(line) = found {
            break line;
        }
        assert!(Instant::now() < deadline, "no line: {}", server.output());
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(line["status"], 404, "{line}");
    assert_eq!(line["span"]["request_id"], given, "{line}");
    assert_eq!(line["span"]["path"], "/v1/no-such-thing", "{line}");
}
