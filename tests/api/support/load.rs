//! A steady invitation load for the crash tests: clients that each invite one person at a time
//! until told to stop, and what every request got.

use crate::support::helpers::*;
use crate::support::processes::ServerProcess;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// A server under load: no seat limit on the `free` plan, no sending quotas.
pub const UNLIMITED: [(&str, &str); 4] = [
    ("EXTRANET_PLANS", "free=0,basic=5"),
    ("EXTRANET_QUOTA_EMAIL_PER_HOUR", "0"),
    ("EXTRANET_QUOTA_SMS_PER_HOUR", "0"),
    ("EXTRANET_QUOTA_PER_RECIPIENT_PER_DAY", "0"),
];

/// What one request got.
#[derive(Debug, Clone)]
pub enum Answer {
    Response {
        status: StatusCode,
        body: Value,
        content_type: String,
        retry_after: Option<String>,
    },
    /// No response: the connection failed or broke.
    Failed(String),
}

/// One invitation request.
#[derive(Debug, Clone)]
pub struct Sent {
    pub login: String,
    pub started: Instant,
    pub finished: Instant,
    pub answer: Answer,
}

impl Sent {
    pub fn status(&self) -> Option<StatusCode> {
        match &self.answer {
            Answer::Response { status, .. } => Some(*status),
            Answer::Failed(_) => None,
        }
    }

    /// The invitation's id, when it was created (201).
    pub fn invitation(&self) -> Option<String> {
        match &self.answer {
            Answer::Response { status, body, .. } if *status == StatusCode::CREATED => body
                ["results"][0]["invitation"]["id"]
                .as_str()
                .map(str::to_owned),
            _ => None,
        }
    }

    pub fn took(&self) -> Duration {
        self.finished - self.started
    }
}

/// The login the `i`th request of client `c` invites: a phone or an email, every one new.
fn login(c: usize, i: usize) -> String {
    if i.is_multiple_of(2) && i / 2 < 1000 {
        format!("+1415555{:04}", (c % 10) * 1000 + i / 2)
    } else {
        format!("c{c}-{i}@load.example")
    }
}

/// Clients inviting steadily.
pub struct Load {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
    log: Arc<Mutex<Vec<Sent>>>,
}

impl Load {
    /// `clients` clients invite into `group` on `address`, one person per request, `pause`
    /// between requests; with `stop_at_failure` a client stops at its first request that got
    /// no response (the server is gone).
    pub fn start(
        address: &str,
        token: &str,
        group: &str,
        clients: usize,
        pause: Duration,
        stop_at_failure: bool,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let tasks = (0..clients)
            .map(|c| {
                let (stop, log, http) = (stop.clone(), log.clone(), http.clone());
                let url = format!("{address}/v1/invitations");
                let (token, group) = (token.to_owned(), group.to_owned());
                tokio::spawn(async move {
                    for i in 0.. {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let login = login(c, i);
                        let field = if login.starts_with('+') { "phone" } else { "email" };
                        let started = Instant::now();
                        let res = http
                            .post(&url)
                            .bearer_auth(&token)
                            .json(&json!({"type": "extranet", "workgroup_id": group,
                                "invitees": [{field: login, "first_name": "Lo", "last_name": "Ad"}]}))
                            .send()
                            .await;
                        let answer = match res {
                            Ok(res) => {
                                let header = |name: &str| {
                                    res.headers()
                                        .get(name)
                                        .and_then(|v| v.to_str().ok())
                                        .map(str::to_owned)
                                };
                                let content_type = header("content-type").unwrap_or_default();
                                let retry_after = header("retry-after");
                                match json_of_checked(res).await {
                                    Ok((status, body)) => Answer::Response {
                                        status,
                                        body,
                                        content_type,
                                        retry_after,
                                    },
                                    Err(e) => Answer::Failed(e),
                                }
                            }
                            Err(e) => Answer::Failed(e.to_string()),
                        };
                        let failed = matches!(answer, Answer::Failed(_));
                        log.lock().unwrap().push(Sent {
                            login,
                            started,
                            finished: Instant::now(),
                            answer,
                        });
                        if failed && stop_at_failure {
                            break;
                        }
                        tokio::time::sleep(pause).await;
                    }
                })
            })
            .collect();
        Self { stop, tasks, log }
    }

    /// Every request so far.
    pub fn so_far(&self) -> Vec<Sent> {
        self.log.lock().unwrap().clone()
    }

    /// How many requests got 201 so far.
    pub fn created(&self) -> usize {
        self.so_far()
            .iter()
            .filter(|s| s.status() == Some(StatusCode::CREATED))
            .count()
    }

    /// Waits until `n` requests got 201 (60 s at most).
    pub async fn wait_for_created(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.created() < n {
            assert!(
                Instant::now() < deadline,
                "{} of {n} invitations created",
                self.created()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops the clients (each finishes its request in hand) and returns every request.
    pub async fn finish(self) -> Vec<Sent> {
        self.stop.store(true, Ordering::SeqCst);
        for task in self.tasks {
            task.await.unwrap();
        }
        let log = self.log.lock().unwrap().clone();
        log
    }
}

/// The status and JSON body, or why the body could not be read (the connection broke).
async fn json_of_checked(res: reqwest::Response) -> Result<(StatusCode, Value), String> {
    let status = res.status();
    let text = res.text().await.map_err(|e| e.to_string())?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok((status, body))
}

/// An account on the unlimited plan, signed up on `server` (its code read from `mail` when
/// given, from the server's console otherwise), and a workgroup open to external users: the
/// admin's token and the workgroup's id.
pub async fn account(
    server: &ServerProcess,
    client: &reqwest::Client,
    mail: Option<&MailSink>,
) -> (String, String) {
    let email = "ada@agency.example";
    let body = json!({"name": "Agency", "plan": "free", "admin": {"email": email,
        "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}});
    let confirmed = match mail {
        None => server.sign_up(client, body).await,
        Some(mail) => {
            let res = client
                .post(format!("{}/v1/accounts", server.address))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::ACCEPTED);
            let sent = mail.wait_for(email, 1).await;
            let subject = sent[0]["subject"].as_str().unwrap();
            let code = subject.split(' ').next().unwrap();
            let res = client
                .post(format!("{}/v1/accounts/confirm", server.address))
                .json(&json!({"login": email, "code": code}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json().await.unwrap()
        }
    };
    let token = confirmed["access_token"].as_str().unwrap().to_owned();
    let res = client
        .post(format!("{}/v1/workgroups", server.address))
        .bearer_auth(&token)
        .json(&json!({"name": "Site", "kind": "project", "allow_external": true}))
        .send()
        .await
        .unwrap();
    let (status, group) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    (token, group["id"].as_str().unwrap().to_owned())
}

/// Every invitation of the account, through the API (pages of 200).
pub async fn all_invitations(address: &str, client: &reqwest::Client, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{address}/v1/invitations?limit=200");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let res = client.get(url).bearer_auth(token).send().await.unwrap();
        let (status, page) = json_of(res).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return all,
        }
    }
}

/// The invitation's login: its email or its phone.
pub fn login_of(invitation: &Value) -> String {
    invitation["email"]
        .as_str()
        .or(invitation["phone"].as_str())
        .unwrap()
        .to_owned()
}
