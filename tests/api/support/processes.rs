//! The `extranet` binary as a separate process, started on port 0 and read back from its log.

use crate::support::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary next to the test executable (`make test` builds it first).
pub fn binary() -> std::path::PathBuf {
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
        Self::start_without(database_url, sms_url, env, &[]).await
    }

    /// As [`ServerProcess::start_with`], with the variables `without` left out of the server's
    /// environment (`EXTRANET_JWT_SECRET`: the server as `make run` starts it).
    pub async fn start_without(
        database_url: &str,
        sms_url: &str,
        env: &[(&str, &str)],
        without: &[&str],
    ) -> Self {
        Self::start_binary(&binary(), database_url, sms_url, env, without).await
    }

    /// As [`ServerProcess::start_without`], the binary at `bin` (another release's, for an
    /// upgrade).
    pub async fn start_binary(
        bin: &std::path::Path,
        database_url: &str,
        sms_url: &str,
        env: &[(&str, &str)],
        without: &[&str],
    ) -> Self {
        let mut command = Command::new(bin);
        // Port 0: the server binds a port the system chooses and says which in its log.
        command
            .arg("serve")
            .env("EXTRANET_BIND", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("EXTRANET_JWT_SECRET", JWT_SECRET)
            .env("EXTRANET_SMS", sms_url)
            .env("EXTRANET_EMAIL", "console")
            // Everything the server says, so that a test can look for what it must not say.
            .env("EXTRANET_LOG", "debug")
            .envs(env.iter().copied());
        for name in without {
            command.env_remove(name);
        }
        let mut child = command
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
