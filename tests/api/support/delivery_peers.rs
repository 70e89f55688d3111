//! Real delivery peers for the tests: an SMTP server (Python's aiosmtpd, in a child process)
//! and an HTTP SMS gateway (an actix-web listener in the test process).

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Messages received, shared with the thread or handler that receives them.
#[derive(Clone, Default)]
pub struct Inbox(Arc<Mutex<Vec<Value>>>);

impl Inbox {
    pub(crate) fn push(&self, v: Value) {
        self.0.lock().unwrap().push(v);
    }

    pub fn all(&self) -> Vec<Value> {
        self.0.lock().unwrap().clone()
    }

    /// Waits (up to `timeout`) until `count` messages match `matches`, and returns them.
    pub async fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
        matches: impl Fn(&Value) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let found: Vec<Value> = self.all().into_iter().filter(|m| matches(m)).collect();
            if found.len() >= count || Instant::now() > deadline {
                assert!(
                    found.len() >= count,
                    "waited {timeout:?} for {count} message(s); got {found:?}; all: {:?}",
                    self.all()
                );
                return found;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// The invitation token inside a message's text: what follows `token=` in its link.
impl Inbox {
    /// The emails whose recipients include `to`, once `count` have arrived (15 s at most).
    pub async fn wait_for_recipient(&self, to: &str, count: usize) -> Vec<Value> {
        let to = to.to_owned();
        self.wait_for(count, Duration::from_secs(15), move |m| {
            m["to"]
                .as_array()
                .is_some_and(|a| a.iter().any(|r| r == to.as_str()))
        })
        .await
    }
}

pub fn token_in(text: &str) -> String {
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A port nothing listens on now, for a peer that must be told its port before it starts (a
/// PostgreSQL of the test's own, a mail server started later). Taken outside the kernel's
/// ephemeral range (`ip_local_port_range`), from which every outgoing connection of the suite
/// takes its local port: a port from there (what binding port 0 gives) could be taken by one
/// of them before the peer binds it. A peer that can bind port 0 and say which port it got
/// does that instead (the `extranet` binary, the SMTP sink).
pub fn free_port() -> u16 {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok();
    let (low, high) = range
        .as_deref()
        .and_then(|r| {
            let mut it = r.split_whitespace().filter_map(|p| p.parse::<u16>().ok());
            Some((it.next()?, it.next()?))
        })
        .unwrap_or((32768, 60999));
    // Below the range when there is room there, else above it.
    let (from, to) = if low > 11_000 {
        (10_000, low)
    } else {
        (high.saturating_add(1), u16::MAX)
    };
    for _ in 0..1000 {
        let random = uuid::Uuid::new_v4().as_u128();
        let port = from + u16::try_from(random % u128::from(to - from)).unwrap();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An SMTP server on loopback.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub inbox: Inbox,
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// With the options of `tests/support/smtp_sink.py` (`--tls CERT KEY`, `--require-tls`,
    /// `--auth USER PASSWORD`).
    pub fn start_with(options: &[&str]) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/support/smtp_sink.py");
        // Port 0: the sink binds a port the system chooses and says which.
        let mut child = Command::new("python3")
            .arg(script)
            .arg("0")
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "python3 runs tests/support/smtp_sink.py (pip install aiosmtpd; `make test` does)",
            );
        let stdout = child.stdout.take().unwrap();
        let inbox = Inbox::default();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let sink = inbox.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let Ok(v) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if let Some(port) = v.get("ready").and_then(Value::as_u64) {
                    let _ = ready_tx.send(u16::try_from(port).unwrap());
                } else {
                    sink.push(v);
                }
            }
        });
        // Python's start is slow on a loaded machine: a generous deadline, but no waiting on a
        // sink that already died.
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        let port = loop {
            match ready_rx.recv_timeout(Duration::from_millis(100)) {
                Ok(port) => break port,
                Err(_) => {
                    if let Some(status) = child.try_wait().unwrap() {
                        panic!(
                            "the SMTP sink exited ({status}) before it listened; is aiosmtpd \
                             installed? `make test` installs it"
                        );
                    }
                    assert!(
                        std::time::Instant::now() < deadline,
                        "the SMTP sink did not listen within 120 s"
                    );
                }
            }
        };
        Self { child, port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages to `to`, once `count` have arrived.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Value> {
        self.inbox.wait_for_recipient(to, count).await
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP SMS gateway on loopback: records `{"id", "to", "text"}` bodies; can refuse the
/// first requests with 503, as a gateway that is down would, or answer slowly, or hold its
/// answers until a test lets them go. Whether a request is refused is decided when it arrives.
#[derive(Clone)]
pub struct SmsGateway {
    pub url: String,
    pub inbox: Inbox,
    refuse: Arc<AtomicUsize>,
    /// The status refusals answer with (503 unless a test says otherwise).
    refusal: Arc<AtomicUsize>,
    /// How long it takes to answer, in milliseconds (0 unless a test says otherwise).
    delay_ms: Arc<AtomicUsize>,
    /// Requests that have arrived, answered or not yet.
    arrivals: Arc<AtomicUsize>,
    /// While set, answers wait.
    held: Arc<AtomicBool>,
}

impl SmsGateway {
    pub async fn start() -> Self {
        let inbox = Inbox::default();
        let refuse = Arc::new(AtomicUsize::new(0));
        let refusal = Arc::new(AtomicUsize::new(503));
        let delay_ms = Arc::new(AtomicUsize::new(0));
        let arrivals = Arc::new(AtomicUsize::new(0));
        let held = Arc::new(AtomicBool::new(false));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://127.0.0.1:{}/sms",
            listener.local_addr().unwrap().port()
        );
        let (sink, gate, answer) = (inbox.clone(), refuse.clone(), refusal.clone());
        let (slow, arrived, hold) = (delay_ms.clone(), arrivals.clone(), held.clone());
        let server = HttpServer::new(move || {
            let (sink, gate, answer) = (sink.clone(), gate.clone(), answer.clone());
            let (slow, arrived, hold) = (slow.clone(), arrived.clone(), hold.clone());
            App::new().route(
                "/sms",
                web::post().to(move |body: web::Json<Value>| {
                    let (sink, gate, answer) = (sink.clone(), gate.clone(), answer.clone());
                    let (slow, arrived, hold) = (slow.clone(), arrived.clone(), hold.clone());
                    async move {
                        let refused = gate
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                        arrived.fetch_add(1, Ordering::SeqCst);
                        let wait = slow.load(Ordering::SeqCst);
                        if wait > 0 {
                            let wait = u64::try_from(wait).unwrap();
                            tokio::time::sleep(Duration::from_millis(wait)).await;
                        }
                        while hold.load(Ordering::SeqCst) {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                        if refused {
                            let status = u16::try_from(answer.load(Ordering::SeqCst)).unwrap();
                            return HttpResponse::build(
                                actix_web::http::StatusCode::from_u16(status).unwrap(),
                            )
                            .finish();
                        }
                        sink.push(body.into_inner());
                        HttpResponse::Accepted().finish()
                    }
                }),
            )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            url,
            inbox,
            refuse,
            refusal,
            delay_ms,
            arrivals,
            held,
        }
    }

    /// Answers wait until [`Self::release`] (requests still arrive and are counted).
    pub fn hold(&self) {
        self.held.store(true, Ordering::SeqCst);
    }

    /// Lets held answers go.
    pub fn release(&self) {
        self.held.store(false, Ordering::SeqCst);
    }

    /// Each request is answered `delay` after it arrived (received only then).
    pub fn answer_after(&self, delay: Duration) {
        let ms = usize::try_from(delay.as_millis()).unwrap();
        self.delay_ms.store(ms, Ordering::SeqCst);
    }

    /// Requests that have arrived so far, answered or not.
    pub fn arrivals(&self) -> usize {
        self.arrivals.load(Ordering::SeqCst)
    }

    /// Refusals answer `status` from now on.
    pub fn refuse_with(&self, status: u16) {
        self.refusal.store(usize::from(status), Ordering::SeqCst);
    }

    /// The next `n` requests are refused with 503.
    pub fn refuse_next(&self, n: usize) {
        self.refuse.store(n, Ordering::SeqCst);
    }

    /// The texts sent to `to`, once `count` have arrived.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Value> {
        let to = to.to_owned();
        self.inbox
            .wait_for(count, Duration::from_secs(15), move |m| {
                m["to"] == to.as_str()
            })
            .await
    }

    /// The token of the `nth` (0-based) text sent to `to`.
    pub async fn token(&self, to: &str, nth: usize) -> String {
        let texts = self.wait_for(to, nth + 1).await;
        token_in(texts[nth]["text"].as_str().unwrap())
    }

    pub fn count(&self) -> usize {
        self.inbox.all().len()
    }
}
