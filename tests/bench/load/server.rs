//! The server under test: `target/release/extranet serve` on the run's store, an account on the
//! unlimited plan signed up through the API, its admin's token and an extranet workgroup.

use crate::store::Store;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "bench-secret-bench-secret-bench-secret-01";

/// A child process killed when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The running server and what the phases need to call it.
pub struct Target {
    pub process: Process,
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
    pub account: String,
    pub inviter: String,
    pub group: String,
    /// More accounts (the scale-out phase's, one per client).
    pub others: Vec<Account>,
}

/// `target/release/extranet`, or the binary `EXTRANET_BIN` names (to compare two builds).
fn binary() -> std::path::PathBuf {
    if let Some(bin) = std::env::var_os("EXTRANET_BIN") {
        return bin.into();
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join("target/release/extranet");
    assert!(
        bin.exists(),
        "build it first: cargo build --release -p api --bin extranet"
    );
    bin
}

/// A free port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `url` answers 2xx.
pub async fn wait_ready(client: &reqwest::Client, url: &str) {
    let started = Instant::now();
    while !client
        .get(url)
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{url} did not answer"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A server process on the run's store, listening on a free port: the process, its address,
/// and the first `codes` confirmation codes it prints (console delivery; the rest of what it
/// prints is drained unread).
pub fn launch(
    store: &Store,
    log: &str,
    codes: usize,
) -> (Process, String, std::sync::mpsc::Receiver<String>) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut process = Process(
        Command::new(binary())
            .arg("serve")
            .env("DATABASE_URL", store.url())
            .env("EXTRANET_BIND", format!("127.0.0.1:{port}"))
            .env("EXTRANET_JWT_SECRET", SECRET)
            .env("EXTRANET_LOG", log)
            .env("EXTRANET_TOKEN_TTL_SECONDS", "86400")
            // A load test sends far more than a real agency: quotas it never reaches, but still
            // counted, so that what counting costs is measured.
            .env("EXTRANET_QUOTA_EMAIL_PER_HOUR", "1000000000")
            .env("EXTRANET_QUOTA_SMS_PER_HOUR", "1000000000")
            .env("EXTRANET_QUOTA_PER_RECIPIENT_PER_DAY", "1000")
            // The scale-out phase signs up an account per client, all from this address.
            .env("EXTRANET_CODE_PER_CLIENT_PER_HOUR", "0")
            // Behind haproxy (the scale-out phase), the client is who haproxy says.
            .env("EXTRANET_TRUSTED_PROXIES", "127.0.0.1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    // The console delivery prints every message on stdout: the sign-up codes are read from it,
    // then the rest is drained unread (parsing thousands of lines a second would take the
    // server's cores), so that the server never blocks on a full pipe.
    let (code_tx, code_rx) = std::sync::mpsc::channel::<String>();
    let stdout = process.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        let mut reader = std::io::BufReader::new(stdout);
        let mut line = String::new();
        let mut found = 0;
        while found < codes && reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            let code = serde_json::from_str::<Value>(&line)
                .ok()
                .and_then(|v| v["code"].as_str().map(str::to_owned));
            line.clear();
            if let Some(code) = code {
                let _ = code_tx.send(code);
                found += 1;
            }
        }
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    (process, base, code_rx)
}

/// An account signed up through the API: its admin's token, ids, and an extranet workgroup.
#[derive(Clone)]
pub struct Account {
    pub token: String,
    pub account: String,
    pub inviter: String,
    pub group: String,
}

/// Signs up an account whose admin is `email` at `base`, confirmed with the next code `codes`
/// gives, and creates its workgroup.
async fn sign_up(
    client: &reqwest::Client,
    base: &str,
    codes: &std::sync::mpsc::Receiver<String>,
    email: &str,
) -> Account {
    let started = client
        .post(format!("{base}/v1/accounts"))
        .json(
            &json!({"name": "Bench", "plan": "free", "admin": {"email": email,
               "password": "correct horse battery", "first_name": "Bench", "last_name": "Admin"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), reqwest::StatusCode::ACCEPTED);
    let code = codes.recv_timeout(Duration::from_secs(30)).unwrap();
    let confirm = json!({"login": email, "code": code});
    let signed = call(
        client,
        &format!("{base}/v1/accounts/confirm"),
        None,
        Some(confirm),
    )
    .await;
    let token = signed["access_token"].as_str().unwrap().to_owned();
    let account = signed["account"]["id"].as_str().unwrap().to_owned();
    let inviter = signed["user"]["id"].as_str().unwrap().to_owned();
    let group = json!({"name": "Bench", "kind": "project", "allow_external": true});
    let group = call(
        client,
        &format!("{base}/v1/workgroups"),
        Some(&token),
        Some(group),
    )
    .await;
    let group = group["id"].as_str().unwrap().to_owned();
    Account {
        token,
        account,
        inviter,
        group,
    }
}

/// Starts the server and signs up the bench's account, and `more` accounts besides (one per
/// client of the scale-out phase), one after the other.
pub async fn start(store: &Store, log: &str, clients: usize, more: usize) -> Target {
    let (process, base, codes) = launch(store, log, 1 + more);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients * 4)
        .build()
        .unwrap();
    wait_ready(&client, &format!("{base}/readyz")).await;
    let first = sign_up(&client, &base, &codes, "admin@bench.example").await;
    let mut others = Vec::new();
    for n in 0..more {
        others.push(sign_up(&client, &base, &codes, &format!("admin{n}@bench.example")).await);
    }
    Target {
        process,
        client,
        base,
        token: first.token,
        account: first.account,
        inviter: first.inviter,
        group: first.group,
        others,
    }
}

/// A setup call: POST with `body`, or GET without; the answer's JSON.
pub async fn call(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut request = match body {
        Some(body) => client.post(url).json(&body),
        None => client.get(url),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// A process's memory from `/proc`: `VmHWM` (peak) or `VmRSS` (now), in KiB.
pub fn memory_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system) a process has used so far, in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
