//! The peer measured side by side in the same run: better-auth's organization plugin on SQLite
//! (`../shared/peers/better-auth`, copied and `npm ci`-ed by `make bench`), driven by this
//! load generator with the same clients as this service, so that the ratio compares servers,
//! not load tools. Its own `bench.sh` (wrk + Lua) gives the same figures within noise.

use crate::server::{free_port, wait_ready, Process};
use std::path::Path;
use std::process::{Command, Stdio};

/// The running peer: its base URL, the owner's session cookie and the organization's id.
pub struct Peer {
    pub process: Process,
    pub base: String,
    pub cookie: String,
    pub organization: String,
}

fn node(dir: &Path, script: &str, port: u16) -> Command {
    let mut command = Command::new("node");
    command
        .arg(script)
        .current_dir(dir)
        .env("PORT", port.to_string())
        .env("DB_PATH", "bench.db")
        .env("SQLITE_JOURNAL", "WAL");
    command
}

/// Starts the peer on a fresh database in `dir` and signs up its owner and organization.
pub async fn start(dir: &Path, client: &reqwest::Client) -> Peer {
    for file in ["bench.db", "bench.db-wal", "bench.db-shm"] {
        let _ = std::fs::remove_file(dir.join(file));
    }
    let port = free_port();
    let migrated = node(dir, "migrate.mjs", port)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(migrated.success(), "the peer's migration failed");
    let process = Process(
        node(dir, "server.mjs", port)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(client, &format!("{base}/api/auth/ok")).await;
    let setup = node(dir, "setup.mjs", port)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(setup.success(), "the peer's setup failed");
    let cookie = std::fs::read_to_string(dir.join("state/owner.cookie")).unwrap();
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("state/state.json")).unwrap())
            .unwrap();
    Peer {
        process,
        base,
        cookie: cookie.trim().to_owned(),
        organization: state["organizationId"].as_str().unwrap().to_owned(),
    }
}

impl Peer {
    /// One `invite-member` with a new email, as the peer's own `bench/invite.lua` sends it;
    /// true on its 200.
    pub async fn invite(&self, client: &reqwest::Client, email: String) -> bool {
        client
            .post(format!("{}/api/auth/organization/invite-member", self.base))
            .header("Cookie", &self.cookie)
            .header("Origin", &self.base)
            .json(&serde_json::json!({"email": email, "role": "member",
                "organizationId": self.organization}))
            .send()
            .await
            .is_ok_and(|r| r.status() == reqwest::StatusCode::OK)
    }
}
