//! A real HTTP receiver of webhooks on this machine: it records every request (headers and the
//! raw body), answers with the statuses a test lines up (then 200), or never answers at all.

use crate::support::delivery_peers::Inbox;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub port: u16,
    pub inbox: Inbox,
    answers: Arc<Mutex<VecDeque<u16>>>,
    hang: Arc<AtomicBool>,
    /// Requests being held without an answer right now.
    pub hanging: Arc<AtomicUsize>,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let this = Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            port,
            inbox: Inbox::default(),
            answers: Arc::default(),
            hang: Arc::default(),
            hanging: Arc::default(),
        };
        let shared = this.clone();
        let server = HttpServer::new(move || {
            let shared = shared.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let shared = shared.clone();
                async move { shared.answer(&req, &body).await }
            }))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        this
    }

    async fn answer(&self, req: &HttpRequest, body: &[u8]) -> HttpResponse {
        let headers: serde_json::Map<String, Value> = req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), json!(v.to_str().unwrap_or_default())))
            .collect();
        let raw = String::from_utf8_lossy(body).into_owned();
        self.inbox.push(json!({
            "path": req.path(),
            "headers": headers,
            "raw": raw,
            "event": serde_json::from_str::<Value>(&raw).unwrap_or(Value::Null),
        }));
        if self.hang.load(Ordering::SeqCst) {
            self.hanging.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        let status = self.answers.lock().unwrap().pop_front().unwrap_or(200);
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
    }

    /// The next requests are answered with `statuses`, in order; then 200 again.
    pub fn answer_next(&self, statuses: &[u16]) {
        self.answers.lock().unwrap().extend(statuses);
    }

    /// Forgets the statuses lined up: 200 from now on.
    pub fn answer_ok(&self) {
        self.answers.lock().unwrap().clear();
    }

    /// From now on, requests get no answer at all.
    pub fn never_answer(&self) {
        self.hang.store(true, Ordering::SeqCst);
    }

    /// The requests received of `event`, once `count` have arrived (15 s at most).
    pub async fn wait_for(&self, event: &str, count: usize) -> Vec<Value> {
        let event = event.to_owned();
        self.inbox
            .wait_for(count, Duration::from_secs(15), move |r| {
                r["event"]["type"] == event.as_str()
            })
            .await
    }

    pub fn received(&self, event: &str) -> Vec<Value> {
        self.inbox
            .all()
            .into_iter()
            .filter(|r| r["event"]["type"] == event)
            .collect()
    }
}

/// Checks a received request's signature as a receiver would: `t=<unix seconds>,v1=<hex
/// HMAC-SHA256 of "<t>.<raw body>">`, with `t` at most five minutes old.
pub fn signature_is_valid(request: &Value, secret: &str) -> bool {
    signature_is_valid_at(request, secret, chrono::Utc::now())
}

/// As [`signature_is_valid`], for a receiver whose clock reads `now` (a test moved the
/// server's clock ahead).
pub fn signature_is_valid_at(
    request: &Value,
    secret: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    let Some(header) = request["headers"]["x-extranet-signature"].as_str() else {
        return false;
    };
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = Some(value.to_owned()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    if (now.timestamp() - t).abs() > 300 {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", request["raw"].as_str().unwrap()).as_bytes());
    let Ok(expected) = hex::decode(v1) else {
        return false;
    };
    mac.verify_slice(&expected).is_ok()
}
