//! Three `extranet serve` processes on one PostgreSQL database behind haproxy
//! (`extranet_tests::haproxy`: round robin, `/readyz` as the health check, `X-Forwarded-For`),
//! as README's scale-out section runs them, with the peers they send to: a rolling restart, a
//! SIGKILL, and the limits that must hold whichever process answers.
//!
//! The servers trust 127.0.0.1's `X-Forwarded-For` (`EXTRANET_TRUSTED_PROXIES`): haproxy's. The
//! tests' client connects from that address too, so a test names the client it plays in its
//! own `X-Forwarded-For` (haproxy adds its peer after it), or is the client 127.0.0.1.

use crate::support::helpers::*;
use crate::support::processes::{binary, ServerProcess};
use extranet_tests::haproxy::{self, Haproxy, ServerStat};
use std::path::Path;
use std::time::{Duration, Instant};

/// The servers' environment besides what a test adds: haproxy is the trusted proxy, a
/// delivery worker that died holding messages holds them 2 s, and a line per request is
/// enough of a log under load.
const ENV: [(&str, &str); 3] = [
    ("EXTRANET_TRUSTED_PROXIES", "127.0.0.1"),
    ("EXTRANET_OUTBOX_LEASE_SECONDS", "2"),
    ("EXTRANET_LOG", "info"),
];

/// haproxy in front of server processes on one database, and the peers they deliver to.
pub struct Cluster {
    pub haproxy: Haproxy,
    /// haproxy's address: where clients send their requests.
    pub address: String,
    pub servers: Vec<ServerProcess>,
    pub client: reqwest::Client,
    pub sms: SmsGateway,
    pub mail: MailSink,
    pub database_url: String,
    env: Vec<(String, String)>,
    _dir: tempfile::TempDir,
    _db: TestDatabase,
}

/// Whether the suite runs on PostgreSQL; on SQLite says on stderr that `test` does not run:
/// processes behind a balancer share a PostgreSQL database (a SQLite file belongs to one
/// process, which counts its limits itself).
pub fn on_postgres(test: &str) -> bool {
    let on = std::env::var("TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty());
    if !on {
        eprintln!(
            "{test}: skipped on SQLite (processes behind a balancer share a PostgreSQL database; \
             a SQLite file belongs to one process): it runs when TEST_POSTGRES_URL is set"
        );
    }
    on
}

/// `host:port` of a server's `http://host:port`.
fn host_port(address: &str) -> String {
    address.trim_start_matches("http://").to_owned()
}

impl Cluster {
    /// `n` server processes with `env` (beside [`ENV`], email to `mail`, texts to `sms`) on a
    /// fresh database, and haproxy in front of them, every server seen up.
    pub async fn start(n: usize, env: &[(&str, &str)]) -> Self {
        Self::start_of(&binary(), n, env).await
    }

    /// As [`Cluster::start`], each server the binary at `bin` (another release's, for an
    /// upgrade).
    pub async fn start_of(bin: &Path, n: usize, env: &[(&str, &str)]) -> Self {
        let (db, url) = TestDatabase::create();
        let sms = SmsGateway::start().await;
        let mail = MailSink::start().await;
        let mut all: Vec<(String, String)> = ENV
            .iter()
            .chain(env)
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        all.push(("EXTRANET_EMAIL".into(), mail.url()));
        let mut servers = Vec::new();
        for _ in 0..n {
            servers.push(start_server(bin, &url, &sms.url, &all).await);
        }
        let dir = tempfile::tempdir().unwrap();
        let backends: Vec<String> = servers.iter().map(|s| host_port(&s.address)).collect();
        let proxy = tokio::task::block_in_place(|| Haproxy::start(dir.path(), &backends))
            .unwrap_or_else(|e| panic!("{e}"));
        let cluster = Self {
            address: proxy.address.clone(),
            haproxy: proxy,
            servers,
            client: reqwest::Client::new(),
            sms,
            mail,
            database_url: url,
            env: all,
            _dir: dir,
            _db: db,
        };
        for i in 0..n {
            cluster.wait_for(i, "UP").await;
        }
        cluster
    }

    /// The servers as haproxy sees them.
    pub fn stats(&self) -> Vec<ServerStat> {
        tokio::task::block_in_place(|| self.haproxy.servers()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Waits until haproxy sees the `i`th server (0-based) `UP` or `DOWN` (30 s at most; its
    /// checks run every 200 ms and take two in a row).
    pub async fn wait_for(&self, i: usize, status: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let stats = self.stats();
            if stats[i].status == status {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "haproxy does not see {} {status}: {stats:?}\n{}",
                haproxy::name(i),
                self.haproxy.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A rolling restart's step for the `i`th server: SIGTERM; haproxy sees it down; it exits
    /// 0 (it finished what it had in flight); a new process takes its place, haproxy is told
    /// where it listens and sees it up. Returns how long the process took to exit.
    pub async fn restart(&mut self, i: usize) -> Duration {
        self.restart_as(i, &binary()).await
    }

    /// As [`Cluster::restart`], the new process the binary at `bin` (an upgrade's step).
    pub async fn restart_as(&mut self, i: usize, bin: &Path) -> Duration {
        self.servers[i].terminate();
        let signalled = Instant::now();
        self.wait_for(i, "DOWN").await;
        let exit = self.servers[i]
            .exited_within(Duration::from_secs(30))
            .await
            .expect("a server did not exit within 30 s of SIGTERM");
        let took = signalled.elapsed();
        assert!(exit.success(), "{exit:?}: {}", self.servers[i].output());
        let next = start_server(bin, &self.database_url, &self.sms.url, &self.env).await;
        self.point(i, &next);
        self.servers[i] = next;
        self.wait_for(i, "UP").await;
        took
    }

    /// SIGKILL of the `i`th server; returns once haproxy sees it down.
    pub async fn kill(&mut self, i: usize) {
        self.servers[i].kill();
        self.wait_for(i, "DOWN").await;
    }

    fn point(&self, i: usize, server: &ServerProcess) {
        let port: u16 = server.address.rsplit(':').next().unwrap().parse().unwrap();
        tokio::task::block_in_place(|| self.haproxy.set_address(i, "127.0.0.1", port))
            .unwrap_or_else(|e| panic!("haproxy: {e}"));
    }
}

async fn start_server(bin: &Path, url: &str, sms: &str, env: &[(String, String)]) -> ServerProcess {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    ServerProcess::start_binary(bin, url, sms, &env, &[]).await
}
