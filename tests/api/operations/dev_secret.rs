//! The server as `make run` starts it — SQLite in a file, no `EXTRANET_JWT_SECRET` — keeps a
//! generated secret beside the database (`extranet.db.secret`, mode 0600), so a restart logs
//! nobody out and what it sealed before is still opened after; a secret file others may read
//! stops it at start. On PostgreSQL there is no such place: the key is random per start, said
//! at error level, and a restart ends every token.

use crate::support::delivery_peers::free_port;
use crate::support::helpers::*;
use crate::support::processes::{binary, ServerProcess};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NO_SECRET: &[&str] = &["EXTRANET_JWT_SECRET"];

/// The JSON log lines of a server (`EXTRANET_LOG_FORMAT=json`).
fn log_lines(output: &str) -> Vec<Value> {
    output
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("level").is_some())
        .collect()
}

/// The one log line that says which key the server signs with.
fn key_line(output: &str) -> Value {
    let lines: Vec<Value> = log_lines(output)
        .into_iter()
        .filter(|l| {
            l["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("EXTRANET_JWT_SECRET is not set"))
        })
        .collect();
    assert_eq!(lines.len(), 1, "one line about the key: {output}");
    lines[0].clone()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

async fn me(client: &reqwest::Client, server: &ServerProcess, token: &str) -> (StatusCode, Value) {
    let res = client
        .get(format!("{}/v1/me", server.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    json_of(res).await
}

async fn stop(mut server: ServerProcess) -> String {
    server.terminate();
    let status = server.exited_within(Duration::from_secs(30)).await;
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    server.output()
}

fn sign_up_body() -> Value {
    json!({"name": "Agency", "plan": "basic", "admin": {"email": "ada@agency.example",
           "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_make_run_server_keeps_its_tokens_and_sealed_messages_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("extranet.db").display());
    let file = dir.path().join("extranet.db.secret");
    let env = [
        ("EXTRANET_LOG_FORMAT", "json"),
        // Killed or stopped while sending, a server still holds its lease: keep it short.
        ("EXTRANET_OUTBOX_LEASE_SECONDS", "2"),
    ];
    // The first server's SMS gateway is down: its message stays sealed in the outbox.
    let dead = format!("http://127.0.0.1:{}/sms", free_port());
    let first = ServerProcess::start_without(&url, &dead, &env, NO_SECRET).await;
    assert_eq!(mode(&file), 0o600, "{}", file.display());
    let secret = std::fs::read_to_string(&file).unwrap();
    assert!(
        secret.trim().len() >= 32,
        "{} characters",
        secret.trim().len()
    );

    let client = reqwest::Client::new();
    let signed = first.sign_up(&client, sign_up_body()).await;
    let token = signed["access_token"].as_str().unwrap().to_owned();
    let (status, before) = me(&client, &first, &token).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    let res = client
        .post(format!("{}/v1/invitations", first.address))
        .bearer_auth(&token)
        .json(&json!({"type": "extranet", "workgroup": {"name": "Site"},
                      "invitees": [{"phone": "+14155550101", "first_name": "Bo", "last_name": "Ng"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let first_output = stop(first).await;

    // A new process on the same file: the same keys.
    let gateway = SmsGateway::start().await;
    let second = ServerProcess::start_without(&url, &gateway.url, &env, NO_SECRET).await;
    let (status, after) = me(&client, &second, &token).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the token of the first process: {after}"
    );
    assert_eq!(after, before);
    // The message the first one sealed is opened and sent by the second, with a live link.
    let texts = gateway
        .inbox
        .wait_for(1, Duration::from_secs(30), |m| m["to"] == "+14155550101")
        .await;
    let invitation = token_in(texts[0]["text"].as_str().unwrap());
    let res = client
        .post(format!("{}/v1/invitations/accept", second.address))
        .json(&json!({"token": invitation, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // The file is as it was made; each process said where it is, once, never what it holds.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), secret);
    assert_eq!(mode(&file), 0o600);
    let second_output = second.output();
    for (output, created) in [(&first_output, true), (&second_output, false)] {
        let line = key_line(output);
        assert_eq!(line["level"], "WARN", "{line}");
        assert_eq!(line["file"], file.display().to_string(), "{line}");
        assert_eq!(line["created"], created, "{line}");
        assert!(
            line["message"]
                .as_str()
                .unwrap()
                .contains("set EXTRANET_JWT_SECRET in production"),
            "{line}"
        );
        assert!(!output.contains(secret.trim()), "a log shows the secret");
    }
}

#[tokio::test]
async fn a_secret_file_others_may_read_stops_the_server_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("extranet.db.secret");
    let secret = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    std::fs::write(&file, format!("{secret}\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut child = Command::new(binary())
        .arg("serve")
        .current_dir(dir.path())
        .env("EXTRANET_BIND", "127.0.0.1:0")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("extranet.db").display()),
        )
        .env("EXTRANET_EMAIL", "console")
        .env("EXTRANET_SMS", "console")
        .env_remove("EXTRANET_JWT_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server started with a secret others may read");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success());
    assert!(stderr.contains("mode 0644"), "{stderr}");
    assert!(
        stderr.contains(&format!("chmod 600 {}", file.display())),
        "{stderr}"
    );
    assert!(!stderr.contains(secret), "the error shows the secret");
    // Left as it was: the operator decides.
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{secret}\n")
    );
    assert_eq!(mode(&file), 0o644);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_an_unset_secret_is_random_per_start_and_said_at_error_level() {
    if !std::env::var("TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        eprintln!(
            "skipped on SQLite: this test is about PostgreSQL, where no file holds the secret; \
             it runs when TEST_POSTGRES_URL is set"
        );
        return;
    }
    let (_db, url) = TestDatabase::create();
    let env = [("EXTRANET_LOG_FORMAT", "json")];
    let first = ServerProcess::start_without(&url, "console", &env, NO_SECRET).await;
    let client = reqwest::Client::new();
    let signed = first.sign_up(&client, sign_up_body()).await;
    let token = signed["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me(&client, &first, &token).await.0, StatusCode::OK);
    let first_output = stop(first).await;
    let line = key_line(&first_output);
    assert_eq!(line["level"], "ERROR", "{line}");
    assert!(
        line["message"]
            .as_str()
            .unwrap()
            .contains("using a random key"),
        "{line}"
    );
    assert!(line.get("file").is_none(), "{line}");

    let second = ServerProcess::start_without(&url, "console", &env, NO_SECRET).await;
    let (status, body) = me(&client, &second, &token).await;
    assert_refused(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
}
