//! `make bench`: the invitation path and the list endpoints under load, against the release
//! binary on SQLite (or PostgreSQL, with `--postgres`), with 10 k and with 1 M invitations
//! already stored.
//!
//! It starts `target/release/extranet` on a fresh SQLite file (or PostgreSQL database), signs up an account on the
//! unlimited plan, seeds invitations straight into the database (an API batch would take
//! minutes for a million), then runs `--clients` concurrent clients, each sending one request
//! at a time over a kept-alive connection, for `--seconds`: first single invitations (one
//! invitee each, by email), then list requests. It prints throughput, latency percentiles and
//! the server's peak resident memory (VmHWM).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use hdrhistogram::Histogram;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Invitations stored before the run.
    #[arg(long, default_value_t = 10_000)]
    seed: u64,
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Seconds of each measured phase.
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// The server's log filter.
    #[arg(long, default_value = "warn")]
    log: String,
    /// Run on PostgreSQL instead of SQLite: the server URL (a database of its own is created
    /// on it and dropped after), e.g. `postgres://postgres@127.0.0.1:5432`.
    #[arg(long)]
    postgres: Option<String>,
}

/// Where the server keeps its data for the run.
enum Store {
    Sqlite {
        path: String,
        _dir: tempfile::TempDir,
    },
    Postgres {
        server: String,
        name: String,
    },
}

impl Store {
    fn create(postgres: Option<&str>) -> Self {
        match postgres {
            None => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("bench.db").display().to_string();
                Self::Sqlite { path, _dir: dir }
            }
            Some(server) => {
                let server = server.trim_end_matches('/').to_owned();
                let name = format!("extranet_bench_{}", std::process::id());
                let mut admin =
                    diesel::PgConnection::establish(&format!("{server}/postgres")).unwrap();
                // One statement each: a multi-statement string runs as one transaction.
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .unwrap();
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                Self::Postgres { server, name }
            }
        }
    }

    fn url(&self) -> String {
        match self {
            Self::Sqlite { path, .. } => format!("sqlite://{path}"),
            Self::Postgres { server, name } => format!("{server}/{name}"),
        }
    }

    fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "SQLite",
            Self::Postgres { .. } => "PostgreSQL",
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Self::Postgres { server, name } = self {
            if let Ok(mut admin) = diesel::PgConnection::establish(&format!("{server}/postgres")) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

const SECRET: &str = "bench-secret-bench-secret-bench-secret-01";

fn binary() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join("target/release/extranet");
    assert!(
        bin.exists(),
        "build it first: cargo build --release -p api --bin extranet"
    );
    bin
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn peak_memory_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Stores `n` invitations (and their sent messages and audit events) for the account, as
/// the API would have, in one transaction.
fn seed(store: &Store, account: &str, group: &str, inviter: &str, n: u64) {
    match store {
        Store::Sqlite { path, .. } => seed_sqlite(path, account, group, inviter, n),
        Store::Postgres { .. } => seed_postgres(&store.url(), account, group, inviter, n),
    }
}

fn seed_postgres(url: &str, account: &str, group: &str, inviter: &str, n: u64) {
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    let started = Instant::now();
    let id = "'00000000-0000-7000-8000-' || lpad(x::text, 12, '0')";
    conn.batch_execute(&format!(
        "BEGIN;
         INSERT INTO invitations (id, account_id, invitation_type, status, email, phone, login, first_name,
             last_name, workgroup_id, message, invited_by, token_hash, expires_at, sent_count, last_sent_at,
             created_at, updated_at)
         SELECT {id}, '{account}', 'extranet', 'pending',
             'seed' || x || '@seed.example', NULL, 'seed' || x || '@seed.example', 'Seed', 'Person',
             '{group}', NULL, '{inviter}', md5(random()::text) || md5(random()::text), '2099-01-01 00:00:00',
             1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
         FROM generate_series(1, {n}) x;
         INSERT INTO outbox (id, account_id, channel, recipient, payload, status, attempts, next_attempt_at,
             created_at, sent_at)
         SELECT {id}, '{account}', 'email', 'seed' || x || '@seed.example',
             '{{}}', 'sent', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
         FROM generate_series(1, {n}) x;
         INSERT INTO audit_events (id, account_id, actor_user_id, action, subject_type, subject_id, details, created_at)
         SELECT {id}, '{account}', '{inviter}', 'invitation.created',
             'invitation', {id}, '{{}}', '2026-01-01 00:00:00'
         FROM generate_series(1, {n}) x;
         UPDATE accounts SET pending_invitations = pending_invitations + {n} WHERE id = '{account}';
         COMMIT;"
    ))
    .unwrap();
    conn.batch_execute("VACUUM ANALYZE").unwrap();
    eprintln!(
        "seeded {n} invitations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn seed_sqlite(path: &str, account: &str, group: &str, inviter: &str, n: u64) {
    let mut conn = diesel::SqliteConnection::establish(path).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 60000;").unwrap();
    let started = Instant::now();
    conn.batch_execute(&format!(
        "BEGIN IMMEDIATE;
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n})
         INSERT INTO invitations (id, account_id, invitation_type, status, email, phone, login, first_name,
             last_name, workgroup_id, message, invited_by, token_hash, expires_at, sent_count, last_sent_at,
             created_at, updated_at)
         SELECT printf('00000000-0000-7000-8000-%012d', x), '{account}', 'extranet', 'pending',
             'seed' || x || '@seed.example', NULL, 'seed' || x || '@seed.example', 'Seed', 'Person',
             '{group}', NULL, '{inviter}', lower(hex(randomblob(32))), '2099-01-01 00:00:00',
             1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
         FROM c;
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n})
         INSERT INTO outbox (id, account_id, channel, recipient, payload, status, attempts, next_attempt_at,
             created_at, sent_at)
         SELECT printf('00000000-0000-7000-8000-%012d', x), '{account}', 'email', 'seed' || x || '@seed.example',
             '{{}}', 'sent', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
         FROM c;
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n})
         INSERT INTO audit_events (id, account_id, actor_user_id, action, subject_type, subject_id, details, created_at)
         SELECT printf('00000000-0000-7000-8000-%012d', x), '{account}', '{inviter}', 'invitation.created',
             'invitation', printf('00000000-0000-7000-8000-%012d', x), '{{}}', '2026-01-01 00:00:00'
         FROM c;
         UPDATE accounts SET pending_invitations = pending_invitations + {n} WHERE id = '{account}';
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .unwrap();
    eprintln!(
        "seeded {n} invitations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[derive(Default)]
struct Outcome {
    latencies: Option<Histogram<u64>>,
    ok: u64,
    failed: u64,
}

/// Runs `clients` loops of `request` for `seconds`; merges their latencies.
async fn phase<F, Fut>(clients: usize, seconds: u64, request: F) -> Outcome
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
                let (mut ok, mut failed, mut i) = (0, 0, 0);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let good = request(c, i).await;
                    h.record(t.elapsed().as_micros() as u64).unwrap();
                    if good {
                        ok += 1
                    } else {
                        failed += 1
                    }
                    i += 1;
                }
                (h, ok, failed)
            })
        })
        .collect();
    let mut out = Outcome::default();
    for t in tasks {
        let (h, ok, failed) = t.await.unwrap();
        out.ok += ok;
        out.failed += failed;
        match &mut out.latencies {
            Some(all) => all.add(&h).unwrap(),
            None => out.latencies = Some(h),
        }
    }
    out
}

fn report(name: &str, seconds: u64, o: &Outcome) {
    let h = o.latencies.as_ref().unwrap();
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "| {name} | {:.0}/s | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {} |",
        o.ok as f64 / seconds as f64,
        ms(0.5),
        ms(0.9),
        ms(0.99),
        h.max() as f64 / 1000.0,
        o.failed
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let store = Store::create(args.postgres.as_deref());
    let url = store.url();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Server(
        Command::new(binary())
            .arg("serve")
            .env("DATABASE_URL", &url)
            .env("EXTRANET_BIND", format!("127.0.0.1:{port}"))
            .env("EXTRANET_JWT_SECRET", SECRET)
            .env("EXTRANET_LOG", &args.log)
            .env("EXTRANET_TOKEN_TTL_SECONDS", "86400")
            // A load test sends far more than a real agency: quotas it never reaches, but still
            // counted, so that what counting costs is measured.
            .env("EXTRANET_QUOTA_EMAIL_PER_HOUR", "1000000000")
            .env("EXTRANET_QUOTA_SMS_PER_HOUR", "1000000000")
            .env("EXTRANET_QUOTA_PER_RECIPIENT_PER_DAY", "1000")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    // The console delivery prints every message on stdout: the sign-up code is read from it,
    // the rest drained so that the server never blocks on a full pipe.
    let (code_tx, code_rx) = std::sync::mpsc::channel::<String>();
    let stdout = server.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if let Some(code) = v["code"].as_str() {
                    let _ = code_tx.send(code.to_owned());
                }
            }
        }
    });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients * 2)
        .build()
        .unwrap();
    let started = Instant::now();
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let started = client
        .post(format!("{base}/v1/accounts"))
        .json(
            &json!({"name": "Bench", "plan": "free", "admin": {"email": "admin@bench.example",
               "password": "correct horse battery", "first_name": "Bench", "last_name": "Admin"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), reqwest::StatusCode::ACCEPTED);
    let code = code_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    let signed: Value = client
        .post(format!("{base}/v1/accounts/confirm"))
        .json(&json!({"login": "admin@bench.example", "code": code}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = signed["access_token"].as_str().unwrap().to_owned();
    let account = signed["account"]["id"].as_str().unwrap().to_owned();
    let inviter = signed["user"]["id"].as_str().unwrap().to_owned();
    let group: Value = client
        .post(format!("{base}/v1/workgroups"))
        .bearer_auth(&token)
        .json(&json!({"name": "Bench", "kind": "project", "allow_external": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let group = group["id"].as_str().unwrap().to_owned();
    seed(&store, &account, &group, &inviter, args.seed);
    // The WAL's largest size over the measured phases, sampled four times a second.
    let wal_peak = Arc::new(std::sync::atomic::AtomicU64::new(0));
    if let Store::Sqlite { path, .. } = &store {
        let (wal, peak) = (format!("{path}-wal"), wal_peak.clone());
        std::thread::spawn(move || loop {
            let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
            peak.fetch_max(size, std::sync::atomic::Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(250));
        });
    }

    println!(
        "\n{}: {} invitations stored, {} clients, {} s per phase\n",
        store.backend(),
        args.seed,
        args.clients,
        args.seconds
    );
    println!("| phase | throughput | p50 | p90 | p99 | max | errors |");
    println!("|---|---|---|---|---|---|---|");
    let invite = |tag: &'static str| {
        let (client, base, token, group) =
            (client.clone(), base.clone(), token.clone(), group.clone());
        move |c: usize, i: u64| {
            let (client, base, token, group) =
                (client.clone(), base.clone(), token.clone(), group.clone());
            async move {
                client
                    .post(format!("{base}/v1/invitations"))
                    .bearer_auth(token)
                    .json(&json!({"type": "extranet", "workgroup_id": group, "invitees": [
                        {"email": format!("{tag}{c}-{i}@load.example"), "first_name": "Load", "last_name": "Test"}]}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == reqwest::StatusCode::CREATED)
            }
        }
    };
    // Warm-up: connections, caches, prepared statements.
    phase(args.clients, 2, invite("warm")).await;
    let o = phase(args.clients, args.seconds, invite("load")).await;
    report("POST /v1/invitations (1 invitee)", args.seconds, &o);
    // Batches of 100, from a quarter of the clients: integrators' imports.
    let batch = {
        let (client, base, token, group) =
            (client.clone(), base.clone(), token.clone(), group.clone());
        move |c: usize, i: u64| {
            let (client, base, token, group) =
                (client.clone(), base.clone(), token.clone(), group.clone());
            async move {
                let invitees: Vec<Value> = (0..100)
                    .map(|k| {
                        json!({"email": format!("batch{c}-{i}-{k}@load.example"),
                                    "first_name": "Load", "last_name": "Batch"})
                    })
                    .collect();
                client
                    .post(format!("{base}/v1/invitations"))
                    .bearer_auth(token)
                    .json(&json!({"type": "extranet", "workgroup_id": group, "invitees": invitees}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == reqwest::StatusCode::CREATED)
            }
        }
    };
    let batch_clients = (args.clients / 4).max(1);
    let o = phase(batch_clients, args.seconds.min(10), batch).await;
    report(
        &format!("POST /v1/invitations (100 invitees, {batch_clients} clients)"),
        args.seconds.min(10),
        &o,
    );

    for (name, path) in [
        ("GET /v1/invitations?limit=50", "/v1/invitations?limit=50"),
        (
            "GET /v1/invitations?status=pending&limit=50",
            "/v1/invitations?status=pending&limit=50",
        ),
        ("GET /v1/users?limit=50", "/v1/users?limit=50"),
        (
            "GET /v1/workgroups/{id}/members",
            "/v1/workgroups/GROUP/members?limit=50",
        ),
    ] {
        let url = format!("{base}{}", path.replace("GROUP", &group));
        let (client, token) = (client.clone(), token.clone());
        let o = phase(args.clients, args.seconds.min(10), move |_, _| {
            let (client, token, url) = (client.clone(), token.clone(), url.clone());
            async move {
                client
                    .get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .await;
        report(name, args.seconds.min(10), &o);
    }
    println!(
        "\nserver peak resident memory (VmHWM): {:.1} MiB",
        peak_memory_kib(server.0.id()) as f64 / 1024.0
    );
    if let Store::Sqlite { path, .. } = &store {
        let usage: Value = client
            .get(format!("{base}/v1/account/usage"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let stored = usage["pending_invitations"].as_u64().unwrap_or(0).max(1);
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        println!(
            "WAL peak {:.1} MiB; database {:.1} MiB for {stored} invitations ({} bytes each, with their messages and audit events)",
            mib(wal_peak.load(std::sync::atomic::Ordering::Relaxed)),
            mib(bytes),
            bytes / stored
        );
    }
}
