//! The `extranet` binary as separate processes: several servers on one database, and a crash
//! (SIGKILL) right after an invitation was created. `crashes` kills and stops it under load.

use crate::delivery_peers::free_port;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary next to the test executable (`make test` builds it first).
fn binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let bin = dir.join("extranet");
    assert!(
        bin.exists(),
        "{} is missing: `cargo build -p api --bin extranet` (make test does it)",
        bin.display()
    );
    bin
}

/// The port of the "serving" line the server logs once it listens (text, with or without
/// colours, or JSON).
fn serving_port(output: &str) -> Option<u16> {
    let line = output.lines().find(|l| l.contains("serving; Swagger UI"))?;
    // Without the terminal's colour codes (`ESC [ … m`).
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    let at = plain
        .find("port=")
        .map(|i| i + "port=".len())
        .or_else(|| plain.find("\"port\":").map(|i| i + "\"port\":".len()))?;
    plain[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// A server process and everything it printed.
pub struct ServerProcess {
    child: Child,
    pub address: String,
    output: Arc<Mutex<String>>,
}

impl ServerProcess {
    pub async fn start(database_url: &str, sms_url: &str) -> Self {
        Self::start_with(database_url, sms_url, &[]).await
    }

    pub async fn start_with(database_url: &str, sms_url: &str, env: &[(&str, &str)]) -> Self {
        // Port 0: the server binds a port the system chooses and says which in its log.
        let mut child = Command::new(binary())
            .arg("serve")
            .env("EXTRANET_BIND", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("EXTRANET_JWT_SECRET", JWT_SECRET)
            .env("EXTRANET_SMS", sms_url)
            .env("EXTRANET_EMAIL", "console")
            // Everything the server says, so that a test can look for what it must not say.
            .env("EXTRANET_LOG", "debug")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        for mut stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sink = output.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        let port = loop {
            if let Some(port) = serving_port(&output.lock().unwrap()) {
                break port;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the server exited ({status}): {}", output.lock().unwrap());
            }
            assert!(
                Instant::now() < deadline,
                "the server did not say where it listens: {}",
                output.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let address = format!("http://127.0.0.1:{port}");
        loop {
            if let Ok(res) = reqwest::get(format!("{address}/readyz")).await {
                if res.status() == StatusCode::OK {
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the server did not start: {}",
                output.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            child,
            address,
            output,
        }
    }

    /// SIGKILL: no shutdown, no flushing, nothing.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM: the server is to shut down gracefully.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM failed");
    }

    /// The process's exit status, once it has exited (`None` if it is still running after
    /// `timeout`).
    pub async fn exited_within(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Signs up with `body` and confirms with the code the server printed (console delivery);
    /// returns the confirmation's body.
    pub async fn sign_up(
        &self,
        client: &reqwest::Client,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let login = body["admin"]["email"].as_str().unwrap().to_owned();
        let res = client
            .post(format!("{}/v1/accounts", self.address))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        let deadline = Instant::now() + Duration::from_secs(15);
        let code = loop {
            let printed = self.output().lines().find_map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                (v["to"] == login.as_str()).then(|| v["code"].as_str().map(str::to_owned))?
            });
            if let Some(code) = printed {
                break code;
            }
            assert!(
                Instant::now() < deadline,
                "no code printed: {}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let res = client
            .post(format!("{}/v1/accounts/confirm", self.address))
            .json(&json!({"login": login, "code": code}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json().await.unwrap()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
    tokio::time::sleep(Duration::from_millis(1500)).await;
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
