//! The `extranet` binary as separate processes: several servers on one database, and a crash
//! (SIGKILL) right after an invitation was created. `crashes` kills and stops it under load.

use crate::support::delivery_peers::free_port;
use crate::support::helpers::*;
use crate::support::processes::ServerProcess;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn several_server_processes_on_one_database_never_oversubscribe() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let servers = [
        ServerProcess::start(&app.database_url, &app.sms.url).await,
        ServerProcess::start(&app.database_url, &app.sms.url).await,
    ];
    let client = reqwest::Client::new();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let url = format!("{}/v1/invitations", servers[i % 2].address);
            let (client, token, group) = (client.clone(), admin.token.clone(), group.clone());
            tokio::spawn(async move {
                let res = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"type": "extranet", "workgroup_id": group, "invitees": [
                        {"phone": format!("+1415555{i:04}"), "first_name": "P", "last_name": "Q"}]}))
                    .send()
                    .await
                    .unwrap();
                let (status, body) = json_of(res).await;
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            (StatusCode::CREATED, _) => created += 1,
            (StatusCode::CONFLICT, code) if code == "user_limit_reached" => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(created, 4);
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_invitations"].clone(),
            usage["available"].clone()
        ),
        (json!(4), json!(0))
    );
    // Three delivery workers share the outbox: each message goes out exactly once.
    app.sms
        .inbox
        .wait_for(4, Duration::from_secs(15), |_| true)
        .await;
    crate::support::drain::outbox_drained(&app).await;
    let mut recipients: Vec<String> = app
        .sms
        .inbox
        .all()
        .iter()
        .map(|m| m["to"].as_str().unwrap().to_owned())
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(
        (app.sms.count(), recipients.len()),
        (4, 4),
        "a message was sent twice or not at all"
    );
}

/// Whether `needle` is anywhere in the database: every byte of a SQLite file (and its WAL),
/// or every row of every table of a PostgreSQL database.
fn database_contains(url: &str, needle: &str) -> bool {
    if let Some(path) = url.strip_prefix("sqlite://") {
        return [path.to_owned(), format!("{path}-wal")].iter().any(|p| {
            std::fs::read(p)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        });
    }
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        j: String,
    }
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    let tables: Vec<Row> =
        diesel::sql_query("SELECT tablename::text AS j FROM pg_tables WHERE schemaname = 'public'")
            .load(&mut conn)
            .unwrap();
    tables.iter().any(|t| {
        let rows: Vec<Row> = diesel::sql_query(format!(
            "SELECT row_to_json(t)::text AS j FROM \"{}\" t",
            t.j
        ))
        .load(&mut conn)
        .unwrap();
        rows.iter().any(|r| r.j.contains(needle))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_committed_before_a_crash_is_delivered_after_the_restart() {
    let (_db, url) = TestDatabase::create();
    let gateway = SmsGateway::start().await;
    // The first server's gateway is down: whatever it tries, it cannot deliver.
    let dead = format!("http://127.0.0.1:{}/sms", free_port());
    // Killed in the middle of an attempt, it still holds its lease: keep that short.
    let lease = [("EXTRANET_OUTBOX_LEASE_SECONDS", "2")];
    let mut first = ServerProcess::start_with(&url, &dead, &lease).await;
    let client = reqwest::Client::new();
    let mut responses = String::new();
    let signed = first
        .sign_up(
            &client,
            json!({"name": "Agency", "plan": "basic", "admin": {"email": "ada@agency.example",
               "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}}),
        )
        .await;
    let token = signed["access_token"].as_str().unwrap().to_owned();
    let res = client
        .post(format!("{}/v1/invitations", first.address))
        .bearer_auth(&token)
        .json(&json!({"type": "extranet", "workgroup": {"name": "Site"},
                      "invitees": [{"phone": "+14155550101", "first_name": "Bo", "last_name": "Ng"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    first.kill();
    responses.push_str(&res.text().await.unwrap());

    // A new server on the same database delivers what the first one committed.
    let second = ServerProcess::start(&url, &gateway.url).await;
    let texts = gateway
        .inbox
        .wait_for(1, Duration::from_secs(20), |m| m["to"] == "+14155550101")
        .await;
    let invitation_token = token_in(texts[0]["text"].as_str().unwrap());
    assert_eq!(invitation_token.len(), 43);

    // The link works…
    let res = client
        .post(format!("{}/v1/invitations/accept", second.address))
        .json(&json!({"token": invitation_token, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    responses.push_str(&res.text().await.unwrap());
    for path in ["/v1/invitations", "/v1/users", "/v1/account/usage"] {
        let res = client
            .get(format!("{}{path}", second.address))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        responses.push_str(&res.text().await.unwrap());
    }
    // …and the token is in no response, no log line of either server, no database column.
    assert!(
        !responses.contains(&invitation_token),
        "a response carried the token"
    );
    for (name, output) in [("first", first.output()), ("second", second.output())] {
        assert!(
            output.contains("request finished"),
            "the {name} server logged nothing: {output}"
        );
        assert!(
            !output.contains(&invitation_token),
            "the {name} server logged the token"
        );
    }
    assert!(
        !database_contains(&url, &invitation_token),
        "the database holds the token in clear"
    );
    // The check itself can see what is there.
    assert!(database_contains(&url, "+14155550101"));
}

#[tokio::test]
async fn a_failed_delivery_is_retried() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    app.sms.refuse_next(1);
    app.invite_phone(&admin.token, &group, "+14155550101").await;
    // Refused once, then sent after the backoff (2 s).
    let started = Instant::now();
    let token = app.sms.token("+14155550101", 0).await;
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "no backoff before the retry"
    );
    assert_eq!(app.accept(&token).await.0, StatusCode::CREATED);
}
