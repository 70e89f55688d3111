//! haproxy (Debian's package; `make test` installs it) in front of `extranet serve` processes,
//! as README's scale-out section configures it: round robin, `/readyz` as the health check,
//! `X-Forwarded-For` added, and a request that failed before any server answered it sent to
//! another server. The HTTP suite's balancer tests and `make bench`'s scale-out phase start it.
//!
//! Plain `std`: this crate's library has no dependencies. The caller gives a directory for the
//! configuration, the runtime socket and the log, and owns it.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The backend's name in the configuration and on the runtime socket.
pub const BACKEND: &str = "extranet";

/// How often a server is checked, and how many checks in a row mark it down or up.
pub const CHECK_INTERVAL_MS: u64 = 200;
pub const FALL: u32 = 2;
pub const RISE: u32 = 2;

/// The configuration for a frontend on `port` in front of `servers` (`host:port` each, named
/// `s1`, `s2`, … in order), with its runtime socket at `socket`.
pub fn config(port: u16, socket: &Path, servers: &[String]) -> String {
    let mut text = format!(
        "global
    maxconn 2000
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout check 3s
    # The client's address for the servers' rate limits (EXTRANET_TRUSTED_PROXIES).
    option forwardfor

frontend api
    bind 127.0.0.1:{port}
    default_backend {BACKEND}

backend {BACKEND}
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server check inter {CHECK_INTERVAL_MS}ms fall {FALL} rise {RISE}
    # A request that never reached a server (refused: a stopped process) goes to another one;
    # one that reached it and met a closed connection without an answer (a killed process, a
    # kept-alive connection closed under it) only when sending it again is safe: reads, and
    # writes with an Idempotency-Key (the server answers a key again with its first answer).
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    http-request disable-l7-retry unless METH_GET || METH_HEAD || {{ req.hdr(idempotency-key) -m found }}
",
        socket = socket.display()
    );
    for (i, server) in servers.iter().enumerate() {
        text.push_str(&format!("    server {} {server}\n", name(i)));
    }
    text
}

/// The name of the `i`th server (0-based): `s1`, `s2`, ….
pub fn name(i: usize) -> String {
    format!("s{}", i + 1)
}

/// A running haproxy, killed when dropped.
pub struct Haproxy {
    child: Child,
    /// `http://127.0.0.1:PORT`, where clients send their requests.
    pub address: String,
    socket: PathBuf,
    log: PathBuf,
}

/// A free port on the loopback interface (free when asked; haproxy binds it just after).
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Haproxy {
    /// Starts haproxy in front of `servers` (`host:port` each), its files in `dir`; returns
    /// once it accepts connections. Another free port is tried when the one picked was taken
    /// meanwhile.
    pub fn start(dir: &Path, servers: &[String]) -> Result<Self, String> {
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port().map_err(|e| format!("no free port: {e}"))?;
            let socket = dir.join("haproxy.sock");
            let file = dir.join("haproxy.cfg");
            let log = dir.join("haproxy.log");
            std::fs::write(&file, config(port, &socket, servers))
                .map_err(|e| format!("{}: {e}", file.display()))?;
            let out = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
            let err = out.try_clone().map_err(|e| e.to_string())?;
            // -db: in the foreground, so that killing the child stops it.
            let child = Command::new(binary())
                .arg("-db")
                .arg("-f")
                .arg(&file)
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .map_err(|e| {
                    format!("haproxy did not start ({e}): install it (make test-setup)")
                })?;
            let mut haproxy = Self {
                child,
                address: format!("http://127.0.0.1:{port}"),
                socket,
                log,
            };
            match haproxy.wait_listening(port) {
                Ok(()) => return Ok(haproxy),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn wait_listening(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("haproxy exited ({status}): {}", self.log()));
            }
            let listening = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
            if listening && self.command("show info").is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("haproxy did not listen: {}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until every server is `UP` (`timeout` at most).
    pub fn wait_all_up(&self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            let servers = self.servers()?;
            if servers.iter().all(|s| s.status == "UP") {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("not every server is up: {servers:?}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What haproxy wrote (warnings, alerts).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// One command on the runtime socket (management.txt); its answer.
    pub fn command(&self, command: &str) -> Result<String, String> {
        let mut stream = UnixStream::connect(&self.socket)
            .map_err(|e| format!("{}: {e}", self.socket.display()))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .map_err(|e| e.to_string())?;
        stream
            .write_all(format!("{command}\n").as_bytes())
            .map_err(|e| e.to_string())?;
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .map_err(|e| e.to_string())?;
        Ok(answer)
    }

    /// Each server of the backend as haproxy sees it, in order: its `status` (`UP`, `DOWN`,
    /// `UP 1/2` going down, `DOWN 1/2` coming up, `MAINT`) and the requests it was sent
    /// (`stot`), from `show stat`.
    pub fn servers(&self) -> Result<Vec<ServerStat>, String> {
        let csv = self.command("show stat")?;
        let mut lines = csv.lines();
        let header: Vec<&str> = lines
            .next()
            .ok_or("no answer to show stat")?
            .trim_start_matches("# ")
            .split(',')
            .collect();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .ok_or(format!("no column {name} in show stat"))
        };
        let (px, sv, status, stot) = (
            column("pxname")?,
            column("svname")?,
            column("status")?,
            column("stot")?,
        );
        let mut servers: Vec<ServerStat> = lines
            .map(|l| l.split(',').collect::<Vec<&str>>())
            .filter(|f| f.len() > stot && f[px] == BACKEND && f[sv].starts_with('s'))
            .map(|f| ServerStat {
                name: f[sv].to_owned(),
                status: f[status].to_owned(),
                sessions: f[stot].parse().unwrap_or(0),
            })
            .collect();
        servers.sort_by_key(|s| s.name[1..].parse::<usize>().unwrap_or(usize::MAX));
        Ok(servers)
    }

    /// Points the `i`th server (0-based) at `host:port`: where its process listens now.
    pub fn set_address(&self, i: usize, host: &str, port: u16) -> Result<(), String> {
        let answer = self.command(&format!(
            "set server {BACKEND}/{} addr {host} port {port}",
            name(i)
        ))?;
        if answer.contains("changed") || answer.trim().is_empty() {
            Ok(())
        } else {
            Err(answer)
        }
    }
}

/// One server of the backend, from `show stat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerStat {
    pub name: String,
    pub status: String,
    /// Requests (sessions) sent to it so far.
    pub sessions: u64,
}

/// `haproxy` on the `PATH`, else Debian's `/usr/sbin/haproxy` (not on a user's `PATH`).
fn binary() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join("haproxy").is_file()))
        .unwrap_or(false);
    if on_path {
        "haproxy".into()
    } else {
        "/usr/sbin/haproxy".into()
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
