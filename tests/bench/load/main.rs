//! `make bench`: the invitation path and the list endpoints under load, against the release
//! binary on SQLite (or PostgreSQL, with `--postgres`), with 10 k or 1 M invitations stored;
//! with the framework's and the storage's ceilings and the better-auth peer in the same run.
//!
//! It starts `target/release/extranet` on a fresh SQLite file (or PostgreSQL database), signs
//! up an account on the unlimited plan, seeds invitations straight into the database, then runs
//! `--clients` concurrent clients, each sending one request at a time over a kept-alive
//! connection, for `--seconds` per phase. It prints throughput, latency percentiles, the
//! server's peak resident memory (VmHWM) and, on SQLite, the WAL's peak and the bytes on disk
//! per stored invitation. On PostgreSQL it ends with the scale-out phase: single invitations
//! through haproxy in front of 1, 2 and 3 processes (`scale_out`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ceiling;
mod peer;
mod phase;
mod sampler;
mod scale_out;
mod server;
mod store;

use clap::Parser;
use phase::{phase, report, Outcome};
use sampler::mib;
use serde_json::{json, Value};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{seed, Store};

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
    /// Also measure the framework's ceiling (`/healthz`) and the storage's (the rows of an
    /// invitation written without HTTP), and report the invitation endpoint as a share of each.
    #[arg(long)]
    ceilings: bool,
    /// The better-auth peer's directory (with its `node_modules`): measured after this service,
    /// with the same clients, and the ratio printed.
    #[arg(long)]
    peer: Option<std::path::PathBuf>,
    /// Instead of the phases: seconds of full-rate single invitations, sampling the WAL, the
    /// database's size and the server's memory, a line every 10 s (0: the phases).
    #[arg(long, default_value_t = 0)]
    soak: u64,
    /// With `--postgres`: only the scale-out phase (haproxy in front of 1, 2, 3 processes).
    #[arg(long)]
    scale_out_only: bool,
}

/// The calls the phases make.
#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
    group: String,
    /// The server's process.
    pid: u32,
}

impl Api {
    /// One invitation of `invitees` new people, sent with an `Idempotency-Key` as an
    /// integrator's script sends it; true on 201.
    async fn invite(self, tag: &'static str, c: usize, i: u64, invitees: usize) -> bool {
        let invitees: Vec<Value> = (0..invitees)
            .map(|k| {
                json!({"email": format!("{tag}{c}-{i}-{k}@load.example"),
                    "first_name": "Load", "last_name": "Test"})
            })
            .collect();
        self.client
            .post(format!("{}/v1/invitations", self.base))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", format!("{tag}-{c}-{i}"))
            .json(&json!({"type": "extranet", "workgroup_id": self.group, "invitees": invitees}))
            .send()
            .await
            .is_ok_and(|r| r.status() == reqwest::StatusCode::CREATED)
    }

    /// A page read whole, as a client would (a body left unread costs the connection).
    async fn get(self, path: String) -> bool {
        let Ok(res) = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
        else {
            return false;
        };
        res.status().is_success() && res.bytes().await.is_ok()
    }

    fn inviting(
        &self,
        tag: &'static str,
        invitees: usize,
    ) -> impl Fn(usize, u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>
           + Send
           + Sync
           + 'static {
        let api = self.clone();
        move |c, i| Box::pin(api.clone().invite(tag, c, i, invitees))
    }

    fn getting(
        &self,
        path: &str,
    ) -> impl Fn(usize, u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>
           + Send
           + Sync
           + 'static {
        let (api, path) = (self.clone(), path.replace("GROUP", &self.group));
        move |_, _| Box::pin(api.clone().get(path.clone()))
    }
}

const LISTS: [(&str, &str); 5] = [
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
    ("GET /v1/account/usage", "/v1/account/usage"),
];

/// A search no invitation matches: it reads every one of the account's rows.
const SLOW_SEARCH: &str = "/v1/invitations?q=nobody-matches-this&limit=50";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let store = Store::create(args.postgres.as_deref());
    // The scale-out phase (PostgreSQL) also invites into an account per client.
    let more = if args.postgres.is_some() {
        args.clients
    } else {
        0
    };
    let target = server::start(&store, &args.log, args.clients, more).await;
    seed(
        &store,
        &target.account,
        &target.group,
        &target.inviter,
        args.seed,
    );
    let pid = target.process.0.id();
    let _ = phase::SERVER.set(pid);
    let readings = sampler::start(pid, store.sqlite_path());
    let api = Api {
        client: target.client.clone(),
        base: target.base.clone(),
        token: target.token.clone(),
        group: target.group.clone(),
        pid,
    };
    let (clients, secs, short) = (args.clients, args.seconds, args.seconds.min(10));
    println!(
        "\n{}: {} invitations stored, {clients} clients, {secs} s per phase\n",
        store.backend(),
        args.seed,
    );
    println!("| phase | throughput | p50 | p90 | p99 | max | errors | server RSS after |");
    println!("|---|---|---|---|---|---|---|---|");
    // Warm-up: connections, caches, prepared statements.
    phase(clients, 2, api.inviting("warm", 1)).await;
    if args.soak > 0 {
        soak(&api, clients, args.soak, &readings).await;
        return;
    }
    if args.scale_out_only {
        assert!(args.postgres.is_some(), "--scale-out-only needs --postgres");
        scale_out::run(&api, &target.others, &store, &args.log, clients, secs).await;
        return;
    }
    let cpu = server::cpu_seconds(pid);
    let singles = phase(clients, secs, api.inviting("load", 1)).await;
    let cpu_per_invitation = (server::cpu_seconds(pid) - cpu) / singles.ok.max(1) as f64;
    report("POST /v1/invitations (1 invitee)", secs, &singles);
    let batch_clients = (clients / 4).max(1);
    let o = phase(batch_clients, short, api.inviting("batch", 100)).await;
    let name = format!("POST /v1/invitations (100 invitees, {batch_clients} clients)");
    report(&name, short, &o);
    // The batches leave tens of thousands of messages behind: lists are measured once the
    // delivery worker has sent them (the time it takes is a figure of its own), and beside
    // invitations below.
    let drain = Instant::now();
    let backlog = store.pending_messages();
    while store.pending_messages() > 0 && drain.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "message backlog after the batches: {backlog}, sent in {:.1} s",
        drain.elapsed().as_secs_f64()
    );
    for (name, path) in LISTS {
        report(name, short, &phase(clients, short, api.getting(path)).await);
    }
    // Lists while invitations are written: half the clients each.
    let half = (clients / 2).max(1);
    let (written, listed) = tokio::join!(
        phase(half, short, api.inviting("beside", 1)),
        phase(half, short, api.getting(LISTS[0].1)),
    );
    report(
        &format!("POST /v1/invitations, {half} clients, beside lists"),
        short,
        &written,
    );
    report(
        &format!("GET /v1/invitations?limit=50, {half} clients, beside invitations"),
        short,
        &listed,
    );
    // Searches that read every row, more at once than there are reader connections, beside
    // invitations: what they must not hold up.
    let searchers = clients * 2;
    let (written, searched) = tokio::join!(
        phase(half, short, api.inviting("search", 1)),
        phase(searchers, short, api.getting(SLOW_SEARCH)),
    );
    report(
        &format!("POST /v1/invitations, {half} clients, beside {searchers} slow searches"),
        short,
        &written,
    );
    report(
        &format!("GET /v1/invitations?q=… (no match: every row read), {searchers} clients"),
        short,
        &searched,
    );
    let health = if args.ceilings {
        let o = phase(clients, short, api.getting("/healthz")).await;
        report("GET /healthz (the framework's ceiling)", short, &o);
        Some(o)
    } else {
        None
    };
    println!(
        "\nserver CPU per single invitation: {:.3} ms; peak resident memory (VmHWM): {:.1} MiB \
         (sampled RSS peak {:.1} MiB)",
        cpu_per_invitation * 1000.0,
        server::memory_kib(pid, "VmHWM:") as f64 / 1024.0,
        readings.rss_peak_kib.load(Relaxed) as f64 / 1024.0
    );
    if store.sqlite_path().is_some() {
        let url = format!("{}/v1/account/usage", api.base);
        let usage = server::call(&api.client, &url, Some(&api.token), None).await;
        let stored = usage["pending_invitations"].as_u64().unwrap_or(0).max(1);
        let bytes = readings.database.load(Relaxed);
        println!(
            "WAL peak {:.1} MiB; database {:.1} MiB for {stored} invitations ({} bytes each, \
             with their messages, audit events and idempotency records)",
            mib(readings.wal_peak.load(Relaxed)),
            mib(bytes),
            bytes / stored
        );
    }
    if args.postgres.is_some() {
        scale_out::run(&api, &target.others, &store, &args.log, clients, secs).await;
    }
    let owner = ceiling::Owner {
        account: target.account.clone(),
        inviter: target.inviter.clone(),
        group: target.group.clone(),
    };
    // The server stops: the peer and the storage's ceiling have the machine to themselves.
    drop(target);
    let rate = |o: &Outcome, s: u64| o.ok as f64 / s as f64;
    let ours = rate(&singles, secs);
    if let Some(dir) = &args.peer {
        let peer = peer::start(dir, &api.client).await;
        let peer = Arc::new(peer);
        let inviting = |tag: &'static str| {
            let (peer, client) = (peer.clone(), api.client.clone());
            move |c: usize, i: u64| {
                let (peer, client) = (peer.clone(), client.clone());
                async move {
                    peer.invite(&client, format!("{tag}{c}-{i}@bench.test"))
                        .await
                }
            }
        };
        phase(clients, 2, inviting("warm")).await;
        let o = phase(clients, secs, inviting("load")).await;
        println!();
        report("peer: better-auth invite-member", secs, &o);
        println!(
            "peer peak resident memory (VmHWM): {:.1} MiB; single invitations: {:.1}× the peer's",
            server::memory_kib(peer.process.0.id(), "VmHWM:") as f64 / 1024.0,
            ours / rate(&o, secs).max(0.001)
        );
    }
    if let Some(health) = health {
        let o = ceiling::run(&store.url(), &owner, clients, short);
        println!();
        report("storage ceiling: an invitation's rows, no HTTP", short, &o);
        println!(
            "single invitations: {:.0}% of the framework's ceiling, {:.0}% of the storage's",
            100.0 * ours / rate(&health, short).max(0.001),
            100.0 * ours / rate(&o, short).max(0.001)
        );
    }
}

/// Full-rate single invitations for `seconds`, a line every 10 s: rate, WAL, database, RSS.
async fn soak(api: &Api, clients: usize, seconds: u64, readings: &Arc<sampler::Readings>) {
    let pid = api.pid;
    println!("\nsoak: {seconds} s of single invitations at full rate\n");
    println!("| after | invitations/s | p99 | WAL | database | RSS |");
    println!("|---|---|---|---|---|---|");
    let started = Instant::now();
    let mut round = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        round += 1;
        // A tag of its own per round: new logins and new idempotency keys.
        let tag: &'static str = Box::leak(format!("soak{round}-").into_boxed_str());
        let o = phase(clients, 10, api.inviting(tag, 1)).await;
        let h = o.latencies.as_ref().unwrap();
        println!(
            "| {} s | {:.0} | {:.1} ms | {:.1} MiB | {:.1} MiB | {:.1} MiB |",
            round * 10,
            o.ok as f64 / 10.0,
            h.value_at_quantile(0.99) as f64 / 1000.0,
            mib(readings.wal.load(Relaxed)),
            mib(readings.database.load(Relaxed)),
            readings.rss_kib.load(Relaxed) as f64 / 1024.0
        );
    }
    println!(
        "soak peaks: WAL {:.1} MiB, RSS {:.1} MiB (VmHWM {:.1} MiB); database {:.1} MiB",
        mib(readings.wal_peak.load(Relaxed)),
        readings.rss_peak_kib.load(Relaxed) as f64 / 1024.0,
        server::memory_kib(pid, "VmHWM:") as f64 / 1024.0,
        mib(readings.database.load(Relaxed)),
    );
}
