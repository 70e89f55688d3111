//! PostgreSQL stopped under a running server and a steady load, three ways (`pg_ctl stop -m
//! fast`, `-m immediate`, SIGKILL of the postmaster): every request answers 503 problem+json
//! with `Retry-After` within seconds (not after the pool's whole wait), `/readyz` says 503, and
//! once the database is back the server serves again by itself. Nothing that got 201 is lost.
//!
//! The test stops and starts a PostgreSQL of its own (initdb into a temporary folder, a free
//! port), never the shared one. It runs in the PostgreSQL run of the suite (`TEST_POSTGRES_URL`),
//! where it fails if PostgreSQL's programs are missing; the SQLite run skips it, saying so.

use crate::support::delivery_peers::free_port;
use crate::support::helpers::*;
use crate::support::load::{self, Answer, Load, Sent};
use crate::support::processes::ServerProcess;
use diesel::{Connection, RunQueryDsl};
use reqwest::StatusCode;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A PostgreSQL server of the test's own.
struct PrivatePostgres {
    bin: PathBuf,
    /// Holds the data folder, the socket and the log; removed with the test.
    dir: tempfile::TempDir,
    port: u16,
    /// PostgreSQL refuses to run as root: as root, its programs run as `postgres`.
    as_postgres: bool,
}

/// Where PostgreSQL's programs are: the newest `/usr/lib/postgresql/*/bin` with `initdb`.
fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PrivatePostgres {
    /// A new cluster, started.
    fn start() -> Self {
        let bin = postgres_bin().expect(
            "PostgreSQL's programs (initdb, pg_ctl) are not in /usr/lib/postgresql/*/bin: \
             the PostgreSQL run needs them to stop and start a database of its own",
        );
        let dir = tempfile::tempdir().unwrap();
        let as_postgres = is_root();
        if as_postgres {
            let chown = Command::new("chown")
                .args(["postgres:", dir.path().to_str().unwrap()])
                .status()
                .unwrap();
            assert!(chown.success());
        }
        let pg = Self {
            bin,
            dir,
            port: free_port(),
            as_postgres,
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ],
        );
        pg.start_again();
        let mut admin = diesel::PgConnection::establish(&pg.url("postgres")).unwrap();
        diesel::sql_query("CREATE DATABASE extranet")
            .execute(&mut admin)
            .unwrap();
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs one of PostgreSQL's programs (as `postgres` when the test runs as root).
    fn output(&self, program: &str, args: &[&str]) -> Output {
        let path = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.output(program, args);
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server and returns once it accepts connections (`pg_ctl -w`). After a
    /// SIGKILL its orphaned backends may hold the shared memory a moment: tried again then.
    fn start_again(&self) {
        let (data, log) = (self.data(), self.dir.path().join("log"));
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let args = [
            "-D",
            data.to_str().unwrap(),
            "-l",
            log.to_str().unwrap(),
            "-w",
            "-t",
            "60",
            "-o",
            &options,
            "start",
        ];
        for _ in 0..20 {
            if self.output("pg_ctl", &args).status.success() {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        self.run("pg_ctl", &args);
    }

    /// Stops it: `fast`, `immediate`, or `kill` (SIGKILL to the postmaster).
    fn stop(&self, how: &str) {
        let data = self.data();
        if how == "kill" {
            let pid = std::fs::read_to_string(data.join("postmaster.pid")).unwrap();
            let pid = pid.lines().next().unwrap().trim().to_owned();
            // Its backends outlive it a moment (each exits when it notices): the database is
            // down once the postmaster and every one of them are gone.
            let mut processes = children(&pid);
            assert!(Command::new("kill")
                .args(["-KILL", &pid])
                .status()
                .unwrap()
                .success());
            processes.push(pid);
            let deadline = Instant::now() + Duration::from_secs(60);
            while processes.iter().any(|p| alive(p))
                || std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            {
                assert!(Instant::now() < deadline, "PostgreSQL survived SIGKILL");
                std::thread::sleep(Duration::from_millis(10));
            }
            return;
        }
        self.run(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", how, "-w", "stop"],
        );
    }
}

/// A process's state and parent, from `/proc/PID/stat` (`pid (comm) state ppid …`; the name
/// may hold spaces and parentheses).
fn state_and_parent(pid: &str) -> Option<(String, String)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut rest = stat[stat.rfind(')')? + 1..].split_whitespace();
    Some((rest.next()?.to_owned(), rest.next()?.to_owned()))
}

/// The processes whose parent is `pid`.
fn children(pid: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|p| state_and_parent(p).is_some_and(|(_, parent)| parent == pid))
        .collect()
}

/// Still running: neither gone nor a zombie waiting to be reaped.
fn alive(pid: &str) -> bool {
    state_and_parent(pid).is_some_and(|(state, _)| state != "Z")
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.output(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

/// What one outage showed.
///
/// Only what the test can know is judged: the database is surely down from the instant the stop
/// returned (`down`) to the instant just before the start was asked for (`restarting`). When it
/// accepts connections again within `pg_ctl start` is not known (PostgreSQL accepts them before
/// `pg_ctl`'s poll sees it), so a request that ends after `restarting` may rightly be served,
/// and the times to recover are counted from `restarting`, a bound on the real return.
struct Outage {
    how: &'static str,
    down: Instant,
    restarting: Instant,
    /// `/readyz` while it was down: status and how long each answer took.
    readiness: Vec<(StatusCode, Duration)>,
    /// From `restarting` to `/readyz` 200.
    ready_after: Duration,
}

/// `/readyz`'s status and how long it took to answer.
async fn readyz(client: &reqwest::Client, address: &str) -> (StatusCode, Duration) {
    let started = Instant::now();
    let res = client
        .get(format!("{address}/readyz"))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    (res.status(), started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_postgresql_stopped_requests_get_503_at_once_and_the_server_recovers_by_itself() {
    if !std::env::var("TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        eprintln!(
            "skipped on SQLite: this test stops and starts a PostgreSQL of its own; it runs when \
             TEST_POSTGRES_URL is set"
        );
        return;
    }
    let pg = PrivatePostgres::start();
    let sms = SmsGateway::start().await;
    let mut env = load::UNLIMITED.to_vec();
    env.push(("EXTRANET_OUTBOX_LEASE_SECONDS", "2"));
    let server = ServerProcess::start_with(&pg.url("extranet"), &sms.url, &env).await;
    let client = reqwest::Client::new();
    let (token, group) = load::account(&server, &client, None).await;
    let load = Load::start(
        &server.address,
        &token,
        &group,
        4,
        Duration::from_millis(20),
        false,
    );

    let mut outages = Vec::new();
    for how in ["fast", "immediate", "kill"] {
        let before = load.created();
        load.wait_for_created(before + 20).await;
        tokio::task::block_in_place(|| pg.stop(how));
        let down = Instant::now();
        // Three seconds down, asking whether it is ready meanwhile.
        let mut readiness = Vec::new();
        while down.elapsed() < Duration::from_secs(3) {
            readiness.push(readyz(&client, &server.address).await);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let restarting = Instant::now();
        tokio::task::block_in_place(|| pg.start_again());
        let ready_after = loop {
            let (status, _) = readyz(&client, &server.address).await;
            if status == StatusCode::OK {
                break restarting.elapsed();
            }
            assert!(
                restarting.elapsed() < Duration::from_secs(75),
                "not ready 75 s after PostgreSQL was started again ({how}): {}",
                server.output()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        // Served again: a request made after the start was asked for gets 201.
        let deadline = Instant::now() + Duration::from_secs(60);
        while !load
            .so_far()
            .iter()
            .any(|s| s.started > restarting && s.status() == Some(StatusCode::CREATED))
        {
            assert!(
                Instant::now() < deadline,
                "no 201 60 s after PostgreSQL was ready again ({how})"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        outages.push(Outage {
            how,
            down,
            restarting,
            readiness,
            ready_after,
        });
    }
    let sent = load.finish().await;

    // Every answer is 201, or 503 problem+json with Retry-After, within 5 s.
    for s in &sent {
        match &s.answer {
            Answer::Response { status, .. } if *status == StatusCode::CREATED => {}
            Answer::Response {
                status,
                body,
                content_type,
                retry_after,
            } => {
                assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
                assert_eq!(content_type, "application/problem+json", "{body}");
                assert_eq!(body["code"], "service_unavailable", "{body}");
                assert_documented(*status, "service_unavailable");
                assert!(retry_after.is_some(), "503 without Retry-After: {body}");
                assert!(
                    s.took() < Duration::from_secs(5),
                    "a 503 took {:?}",
                    s.took()
                );
            }
            Answer::Failed(e) => panic!("a request got no answer: {e}"),
        }
    }
    let mut figures = Vec::new();
    for o in &outages {
        // Made while it was surely down: each refused.
        let during: Vec<&Sent> = sent
            .iter()
            .filter(|s| s.started >= o.down && s.finished <= o.restarting)
            .collect();
        let in_flight: Vec<(Option<StatusCode>, Duration)> = sent
            .iter()
            .filter(|s| s.finished > o.down && s.started < o.restarting)
            .map(|s| (s.status(), s.took()))
            .collect();
        assert!(
            !during.is_empty(),
            "no request made while PostgreSQL was down ({}) was answered before it was started \
             again: requests hang through an outage (those in flight while it was down got, and \
             took: {:?})",
            o.how,
            in_flight
        );
        assert!(
            during
                .iter()
                .all(|s| s.status() == Some(StatusCode::SERVICE_UNAVAILABLE)),
            "a request made while PostgreSQL was down ({}) was not refused",
            o.how
        );
        assert!(
            o.readiness
                .iter()
                .all(|(status, took)| *status == StatusCode::SERVICE_UNAVAILABLE
                    && *took < Duration::from_secs(5)),
            "/readyz while PostgreSQL was down ({}): {:?}",
            o.how,
            o.readiness
        );
        let slowest = during.iter().map(|s| s.took()).max().unwrap_or_default();
        let mut took: Vec<Duration> = during.iter().map(|s| s.took()).collect();
        took.sort();
        let median = took[took.len() / 2];
        let ready_slowest = o
            .readiness
            .iter()
            .map(|(_, t)| *t)
            .max()
            .unwrap_or_default();
        let first_201 = sent
            .iter()
            .filter(|s| s.started > o.restarting && s.status() == Some(StatusCode::CREATED))
            .map(|s| s.finished - o.restarting)
            .min()
            .unwrap();
        figures.push(format!(
            "stop {}: {} requests while down, all 503 (median {} ms, slowest {} ms), /readyz 503 \
             ×{} (slowest {} ms); from the start asked for: first 201 after {} ms, /readyz 200 \
             after {} ms",
            o.how,
            during.len(),
            median.as_millis(),
            slowest.as_millis(),
            o.readiness.len(),
            ready_slowest.as_millis(),
            first_201.as_millis(),
            o.ready_after.as_millis()
        ));
    }

    // Nothing that got 201 is lost, and the delivery worker lived through it: every message
    // goes out.
    let created: Vec<String> = sent.iter().filter_map(Sent::invitation).collect();
    let all = load::all_invitations(&server.address, &client, &token).await;
    let ids: std::collections::BTreeSet<&str> =
        all.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let lost: Vec<&String> = created
        .iter()
        .filter(|id| !ids.contains(id.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "invitations that got 201 are lost: {lost:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let all = load::all_invitations(&server.address, &client, &token).await;
        let unsent = all
            .iter()
            .filter(|i| i["delivery"]["state"] != "sent")
            .count();
        if unsent == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{unsent} messages not sent");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!(
        "crash figures [postgres, a private server stopped under 4 clients]: {} requests, {} \
         answered 201, 0 of them lost, every message sent after; {}",
        sent.len(),
        created.len(),
        figures.join("; ")
    );
}
