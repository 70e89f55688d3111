//! A steady invitation load for the crash and balancer tests: clients that each invite one
//! person at a time until told to stop, and what every request got; and what became of the
//! invitations afterwards (their deliveries, the messages the transports received).

use crate::support::helpers::*;
use crate::support::processes::ServerProcess;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
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
    /// What it got in the end (after its retries, for a retrying load).
    pub answer: Answer,
    /// The attempts it took (1 unless a retrying load sent it again).
    pub attempts: u32,
    /// Whether the answer was a replay (`Idempotent-Replayed: true`): an earlier attempt had
    /// committed.
    pub replayed: bool,
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

/// What a client does when a request got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnFailure {
    /// Goes on with its next request.
    Continue,
    /// Stops: the server is gone.
    Stop,
    /// Sends it again with the same `Idempotency-Key` (every request carries one) until it is
    /// answered: what the contract makes safe. A 502, 503 or 504 counts as no answer.
    Retry,
}

/// How long a retrying client keeps sending one request again.
const RETRY_FOR: Duration = Duration::from_secs(60);

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
        let on_failure = if stop_at_failure {
            OnFailure::Stop
        } else {
            OnFailure::Continue
        };
        Self::spawn(address, token, group, clients, pause, on_failure)
    }

    /// As [`Load::start`] without pauses, each request with an `Idempotency-Key` of its own,
    /// sent again with it while it gets no answer (a broken connection, 502, 503, 504), as
    /// an integrator's script would: the answer a request ends with is in its [`Sent`].
    pub fn start_retrying(address: &str, token: &str, group: &str, clients: usize) -> Self {
        Self::spawn(
            address,
            token,
            group,
            clients,
            Duration::ZERO,
            OnFailure::Retry,
        )
    }

    fn spawn(
        address: &str,
        token: &str,
        group: &str,
        clients: usize,
        pause: Duration,
        on_failure: OnFailure,
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
                        let field = if login.starts_with('+') {
                            "phone"
                        } else {
                            "email"
                        };
                        let body = json!({"type": "extranet", "workgroup_id": group,
                            "invitees": [{field: login, "first_name": "Lo", "last_name": "Ad"}]});
                        let key = (on_failure == OnFailure::Retry).then(|| format!("load-{c}-{i}"));
                        let started = Instant::now();
                        let mut attempts = 0;
                        let (answer, replayed) = loop {
                            attempts += 1;
                            let (answer, replayed) =
                                send(&http, &url, &token, &body, key.as_deref()).await;
                            let unanswered = match &answer {
                                Answer::Failed(_) => true,
                                Answer::Response { status, .. } => {
                                    matches!(status.as_u16(), 502..=504)
                                }
                            };
                            if on_failure != OnFailure::Retry
                                || !unanswered
                                || started.elapsed() > RETRY_FOR
                            {
                                break (answer, replayed);
                            }
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        };
                        let failed = matches!(answer, Answer::Failed(_));
                        log.lock().unwrap().push(Sent {
                            login,
                            started,
                            finished: Instant::now(),
                            answer,
                            attempts,
                            replayed,
                        });
                        if failed && on_failure == OnFailure::Stop {
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

/// One attempt of an invitation request: what it got, and whether it was a replay.
async fn send(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: &Value,
    key: Option<&str>,
) -> (Answer, bool) {
    let mut request = http.post(url).bearer_auth(token).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let res = match request.send().await {
        Ok(res) => res,
        Err(e) => return (Answer::Failed(e.to_string()), false),
    };
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let retry_after = header("retry-after");
    let replayed = header("idempotent-replayed").is_some_and(|v| v == "true");
    let answer = match json_of_checked(res).await {
        Ok((status, body)) => Answer::Response {
            status,
            body,
            content_type,
            retry_after,
        },
        Err(e) => Answer::Failed(e),
    };
    (answer, replayed)
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
    match mail {
        Some(mail) => account_at(&server.address, client, mail, email, "free").await,
        None => {
            let body = json!({"name": "Agency", "plan": "free", "admin": {"email": email,
                "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}});
            let confirmed = server.sign_up(client, body).await;
            let token = confirmed["access_token"].as_str().unwrap().to_owned();
            let group = open_workgroup(&server.address, client, &token).await;
            (token, group)
        }
    }
}

/// An account on `plan` whose admin is `email`, signed up at `address` with the code `mail`
/// received, and a workgroup open to external users: the admin's token and the workgroup's id.
pub async fn account_at(
    address: &str,
    client: &reqwest::Client,
    mail: &MailSink,
    email: &str,
    plan: &str,
) -> (String, String) {
    let body = json!({"name": "Agency", "plan": plan, "admin": {"email": email,
        "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}});
    let res = client
        .post(format!("{address}/v1/accounts"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let sent = mail.wait_for(email, 1).await;
    let subject = sent[0]["subject"].as_str().unwrap();
    let code = subject.split(' ').next().unwrap();
    let res = client
        .post(format!("{address}/v1/accounts/confirm"))
        .json(&json!({"login": email, "code": code}))
        .send()
        .await
        .unwrap();
    let (status, confirmed) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{confirmed}");
    let token = confirmed["access_token"].as_str().unwrap().to_owned();
    let group = open_workgroup(address, client, &token).await;
    (token, group)
}

/// A new workgroup open to external users; its id.
async fn open_workgroup(address: &str, client: &reqwest::Client, token: &str) -> String {
    let res = client
        .post(format!("{address}/v1/workgroups"))
        .bearer_auth(token)
        .json(&json!({"name": "Site", "kind": "project", "allow_external": true}))
        .send()
        .await
        .unwrap();
    let (status, group) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    group["id"].as_str().unwrap().to_owned()
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

/// Every invitation of the account once the delivery of each is `sent` (60 s at most).
pub async fn wait_until_all_sent(
    address: &str,
    client: &reqwest::Client,
    token: &str,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let all = all_invitations(address, client, token).await;
        let unsent: Vec<&Value> = all
            .iter()
            .filter(|i| i["delivery"]["state"] != "sent")
            .collect();
        if unsent.is_empty() {
            return all;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} invitations' messages are not sent: {:?}",
            unsent.len(),
            all.len(),
            unsent.first()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A message as a transport received it: its id, its recipient, and everything it said.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Received {
    pub id: String,
    pub to: String,
    pub content: String,
}

/// The texts the SMS gateway got (`{"id", "to", "text"}`) and the emails the mail sink got
/// (`Message-ID: <id@domain>`).
pub fn received(sms: &SmsGateway, mail: &MailSink) -> Vec<Received> {
    let texts = sms.inbox.all().into_iter().map(|m| Received {
        id: m["id"].as_str().expect("a text carries its id").to_owned(),
        to: m["to"].as_str().unwrap().to_owned(),
        content: m["text"].as_str().unwrap().to_owned(),
    });
    let emails = mail.inbox.all().into_iter().map(|m| {
        let message_id = m["message_id"].as_str().expect("an email has a Message-ID");
        let (id, _domain) = message_id.split_once('@').unwrap();
        Received {
            id: id.to_owned(),
            to: m["to"][0].as_str().unwrap().to_owned(),
            content: format!("{}\n{}", m["subject"], m["body"]),
        }
    });
    texts.chain(emails).collect()
}

/// The invitations' messages (every message but those to the load's admins, `…@agency.example`)
/// are one message per committed invitation: each arrived, under one id — copies of a message
/// carry its id and say the same — and no invitee got two. Returns how many copies arrived and
/// for how many ids.
pub fn one_id_per_invitation(
    sms: &SmsGateway,
    mail: &MailSink,
    committed_logins: &BTreeSet<String>,
) -> (usize, usize) {
    let messages: Vec<Received> = received(sms, mail)
        .into_iter()
        .filter(|m| !m.to.ends_with("@agency.example"))
        .collect();
    let mut by_id: BTreeMap<&str, Vec<&Received>> = BTreeMap::new();
    for m in &messages {
        by_id.entry(&m.id).or_default().push(m);
    }
    // Copies of one message are the same message: recipient and content.
    for (id, copies) in &by_id {
        assert!(
            copies.iter().all(|c| *c == copies[0]),
            "message {id} was sent with different contents: {copies:?}"
        );
    }
    // One message per committed invitation, by id: every one arrived, none under two ids.
    let recipients: Vec<&str> = by_id.values().map(|c| c[0].to.as_str()).collect();
    let distinct: BTreeSet<&str> = recipients.iter().copied().collect();
    assert_eq!(
        recipients.len(),
        distinct.len(),
        "an invitee got two different messages"
    );
    assert_eq!(
        distinct,
        committed_logins.iter().map(String::as_str).collect(),
        "the messages' recipients are not the committed invitations'"
    );
    (messages.len(), by_id.len())
}
