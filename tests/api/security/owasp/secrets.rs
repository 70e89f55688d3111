//! API3 again, the other half: no secret in any response or log line. The real binary with
//! debug logging as JSON lines (`ServerProcess` keeps everything it prints) goes through a whole
//! story — sign up, log in, a wrong password, a workgroup, an email invitation, its lookup and
//! acceptance, an API token used once, a webhook with a secret and its ping, a login change, a
//! password change and a password reset — and then no log line holds a password, a password hash, an access token (or its
//! signature), an API token's secret or hash, a webhook secret, an invitation token or its
//! hash, a confirmation code or the JWT secret; and responses carry secrets only where the
//! contract says (an access token where one is issued; an API token's secret and a webhook's
//! signing secret once each, at creation).
//!
//! The `console` email/SMS transport prints each message as a JSON line on stdout *by design*:
//! that is the delivery (what `make run` shows instead of a mail server), not a log line, and
//! it holds the invitation link and the codes. Log lines are the JSON lines with a `level`
//! (on stderr); transport lines are those with a `delivery`. Transport lines are held to
//! everything but the codes and links they exist to carry.

use super::*;
use crate::support::processes::ServerProcess;
use std::time::{Duration, Instant};

/// The story's client: every answer is kept, with what was asked.
struct Recorder {
    client: reqwest::Client,
    address: String,
    answers: Vec<(String, String)>,
}

impl Recorder {
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.address));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = format!("{:?}", res.headers());
        let text = res.text().await.unwrap();
        self.answers
            .push((format!("{method} {path}"), format!("{headers}\n{text}")));
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// The console line sent to `to` that has `field`, once printed.
async fn printed(server: &ServerProcess, to: &str, field: &str) -> String {
    printed_with(server, to, field, "").await
}

/// The last console line sent to `to` that has `field` and holds `text`, once printed.
async fn printed_with(server: &ServerProcess, to: &str, field: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found = server.output().lines().rev().find_map(|line| {
            let v: Value = serde_json::from_str(line).ok()?;
            let addressed = v["to"] == to
                || v["to"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|t| t == to));
            (addressed && v.get("delivery").is_some() && line.contains(text))
                .then(|| v[field].as_str().map(str::to_owned))?
        });
        if let Some(found) = found {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "nothing with {field} printed for {to}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn column(url: &str, sql: &str) -> Vec<String> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let db = persistence::Database::connect(url, &persistence::PoolOptions::default()).unwrap();
    db.read(|conn| Ok(diesel::sql_query(sql).load::<Row>(conn)?))
        .unwrap()
        .into_iter()
        .map(|r| r.v)
        .collect()
}

#[tokio::test]
async fn no_secret_in_any_log_line_and_in_responses_only_where_the_contract_says() {
    let mut tally = Tally::new("API3 secrets in responses and logs");
    let (_db, url) = TestDatabase::create();
    let sms = SmsGateway::start().await;
    let server = ServerProcess::start_with(
        &url,
        &sms.url,
        &[
            ("EXTRANET_LOG_FORMAT", "json"),
            ("EXTRANET_WEBHOOK_RESOLVE", "public.test=93.184.215.14"),
            ("EXTRANET_WEBHOOK_TIMEOUT_MS", "300"),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    let mut r = Recorder {
        client: client.clone(),
        address: server.address.clone(),
        answers: Vec::new(),
    };
    let ann_password = "Ann's own passphrase 77";
    let ann_second = "Ann's changed passphrase 88";
    let ann_third = "Ann's reset passphrase 99";
    let wrong_password = "not the right passphrase 13";
    let webhook_secret = "whsec-story-0123456789abcdef0123456789";

    let signed = server
        .sign_up(&client, sign_up_body("ada@acme.example", PASSWORD))
        .await;
    r.answers
        .push(("POST /v1/accounts/confirm".into(), signed.to_string()));
    let sign_up_code = printed(&server, "ada@acme.example", "code").await;
    let account = signed["account"]["id"].as_str().unwrap().to_owned();
    let first = signed["access_token"].as_str().unwrap().to_owned();
    let (_, login) = r
        .call(
            Method::POST,
            "/v1/auth/login",
            None,
            Some(json!({"login": "ada@acme.example", "password": PASSWORD, "account_id": account})),
        )
        .await;
    let admin = login["access_token"].as_str().unwrap().to_owned();
    let (status, _) = r
        .call(
            Method::POST,
            "/v1/auth/login",
            None,
            Some(json!({"login": "ada@acme.example", "password": wrong_password})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, group) = r
        .call(
            Method::POST,
            "/v1/workgroups",
            Some(&admin),
            Some(json!({"name": "Site", "kind": "project", "allow_external": true})),
        )
        .await;
    let group = group["id"].as_str().unwrap().to_owned();
    let (status, invited) = r
        .call(
            Method::POST,
            "/v1/invitations",
            Some(&admin),
            Some(invite_body(&group, "ann@client.example")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    let invitation_token = token_in(&printed(&server, "ann@client.example", "link").await);
    let (status, _) = r
        .call(
            Method::POST,
            "/v1/invitations/lookup",
            None,
            Some(json!({"token": invitation_token})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, accepted) = r
        .call(
            Method::POST,
            "/v1/invitations/accept",
            None,
            Some(json!({"token": invitation_token, "password": ann_password})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    let ann = accepted["access_token"].as_str().unwrap().to_owned();
    let (status, key) = r
        .call(
            Method::POST,
            "/v1/api-tokens",
            Some(&admin),
            Some(json!({"name": "CRM", "scopes": all_scopes()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let key = key["token"].as_str().unwrap().to_owned();
    let (status, _) = r.call(Method::GET, "/v1/users", Some(&key), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, hook) = r.call(Method::POST, "/v1/webhooks", Some(&key), Some(json!({"url": "https://public.test/hook", "events": ["invitation.created"], "secret": webhook_secret}))).await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let hook = hook["id"].as_str().unwrap().to_owned();
    r.call(
        Method::PATCH,
        &format!("/v1/webhooks/{hook}"),
        Some(&admin),
        Some(json!({"secret": format!("{webhook_secret}-2")})),
    )
    .await;
    r.call(
        Method::POST,
        &format!("/v1/webhooks/{hook}/ping"),
        Some(&admin),
        None,
    )
    .await;
    r.call(
        Method::POST,
        "/v1/invitations",
        Some(&admin),
        Some(invite_body(&group, "bo@client.example")),
    )
    .await;
    let (status, _) = r
        .call(
            Method::POST,
            "/v1/network/profile/login-change",
            Some(&ann),
            Some(json!({"new_email": "ann@home.example", "current_password": ann_password})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let change_code = printed(&server, "ann@home.example", "code").await;
    let (status, _) = r
        .call(
            Method::POST,
            "/v1/network/profile/login-change/confirm",
            Some(&ann),
            Some(json!({"code": change_code})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = r
        .call(
            Method::POST,
            "/v1/network/profile/password",
            Some(&ann),
            Some(json!({"current_password": ann_password, "new_password": ann_second})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = r
        .call(
            Method::POST,
            "/v1/auth/password-reset",
            None,
            Some(json!({"login": "ann@home.example"})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let reset_code = printed_with(&server, "ann@home.example", "code", "reset your").await;
    let (status, _) = r
        .call(
            Method::POST,
            "/v1/auth/password-reset/confirm",
            None,
            Some(
                json!({"login": "ann@home.example", "code": reset_code, "new_password": ann_third}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The webhook worker has tried the receiver (and logged what it did).
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, log) = r
            .call(
                Method::GET,
                &format!("/v1/webhooks/{hook}/deliveries"),
                Some(&admin),
                None,
            )
            .await;
        if log["items"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["attempts"].as_u64() >= Some(1)))
        {
            break;
        }
        assert!(Instant::now() < deadline, "no delivery attempt: {log}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for path in [
        "/v1/api-tokens",
        "/v1/webhooks",
        &format!("/v1/webhooks/{hook}"),
        "/v1/invitations",
        "/v1/me",
        "/v1/network/profile",
        "/v1/audit-events",
    ] {
        r.call(Method::GET, path, Some(&admin), None).await;
    }
    r.call(Method::GET, "/v1/network/profile", Some(&ann), None)
        .await;

    let stored = |sql: &str| column(&url, sql);
    let signature = |jwt: &str| jwt.rsplit('.').next().unwrap().to_owned();
    // (what, secret, may a transport line carry it)
    let mut secrets: Vec<(&str, String, bool)> = vec![
        ("the admin's password", PASSWORD.into(), false),
        ("Ann's password", ann_password.into(), false),
        ("Ann's changed password", ann_second.into(), false),
        ("Ann's reset password", ann_third.into(), false),
        ("a wrong password", wrong_password.into(), false),
        ("the JWT secret", JWT_SECRET.into(), false),
        ("the API token's secret", key.clone(), false),
        ("the webhook secret", webhook_secret.into(), false),
        (
            "the webhook's new secret",
            format!("{webhook_secret}-2"),
            false,
        ),
        ("the invitation token", invitation_token.clone(), true),
        ("the sign-up code", sign_up_code.clone(), true),
        ("the login-change code", change_code.clone(), true),
        ("the password-reset code", reset_code.clone(), true),
    ];
    for (who, jwt) in [("sign-up", &first), ("login", &admin), ("acceptance", &ann)] {
        secrets.push((
            Box::leak(format!("the {who} access token").into_boxed_str()),
            jwt.clone(),
            false,
        ));
        secrets.push((
            Box::leak(format!("the {who} access token's signature").into_boxed_str()),
            signature(jwt),
            false,
        ));
    }
    for hash in stored("SELECT password_hash AS v FROM identities") {
        secrets.push(("a password hash", hash, false));
    }
    for hash in stored("SELECT secret_hash AS v FROM api_tokens") {
        secrets.push(("an API token's hash", hash, false));
    }
    for hash in stored("SELECT token_hash AS v FROM invitations") {
        secrets.push(("an invitation token's hash", hash, false));
    }
    for hash in stored(
        "SELECT code_hash AS v FROM sign_ups UNION ALL SELECT code_hash AS v FROM login_changes \
         UNION ALL SELECT code_hash AS v FROM password_resets",
    ) {
        secrets.push(("a code's hash", hash, false));
    }

    // Logs.
    let output = server.output();
    let (mut logs, mut transport, mut other) = (0, 0, 0);
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        let parsed: Option<Value> = serde_json::from_str(line).ok();
        let is_transport = parsed.as_ref().is_some_and(|v| v.get("delivery").is_some());
        // A code is six digits: the line's own time may hold six digits too.
        let judged = match parsed.clone() {
            Some(Value::Object(mut fields)) => {
                fields.remove("timestamp");
                Value::Object(fields).to_string()
            }
            _ => line.to_owned(),
        };
        match &parsed {
            Some(v) if v.get("level").is_some() => logs += 1,
            _ if is_transport => transport += 1,
            _ => other += 1,
        }
        for (what, secret, in_transport) in &secrets {
            if is_transport && *in_transport {
                continue;
            }
            tally.requests += 1;
            assert!(
                !judged.contains(secret.as_str()),
                "{what} in a printed line: {line}"
            );
        }
    }
    assert!(
        logs > 20,
        "only {logs} log lines: is debug logging on?\n{output}"
    );
    assert!(transport >= 4, "{transport} transport lines");
    eprintln!("OWASP API3 secrets: {logs} log lines, {transport} console transport lines, {other} other lines checked against {} secrets", secrets.len());

    // Responses: an access token in the answer that issues it, the API token's secret in its
    // creation's, nothing else anywhere.
    for (asked, answer) in &r.answers {
        for (what, secret, _) in &secrets {
            let allowed = (what.contains("access token")
                && [
                    "POST /v1/accounts/confirm",
                    "POST /v1/auth/login",
                    "POST /v1/invitations/accept",
                ]
                .contains(&asked.as_str()))
                || (*what == "the API token's secret" && asked == "POST /v1/api-tokens")
                || (*what == "the webhook secret" && asked == "POST /v1/webhooks");
            if allowed {
                continue;
            }
            tally.requests += 1;
            assert!(
                !answer.contains(secret.as_str()),
                "{what} in the answer to {asked}: {answer}"
            );
        }
    }
    tally.rows = secrets.len();
    tally.unit = "checks (a secret against a printed line or a response)";
    let issued_once = r
        .answers
        .iter()
        .filter(|(_, a)| a.contains(key.as_str()))
        .count();
    assert_eq!(issued_once, 1, "the API token's secret is shown once");
    let shown = r
        .answers
        .iter()
        .filter(|(_, a)| a.contains(webhook_secret))
        .count();
    assert_eq!(shown, 1, "the webhook's secret is shown once");
}
