//! Starts the real server on port 0 against a fresh database and talks to it over HTTP.
//!
//! The backend comes from the environment: with `TEST_POSTGRES_URL` (a server URL such as
//! `postgres://postgres@127.0.0.1:5432`) every test gets a fresh PostgreSQL database, dropped
//! when the test ends; without it, a fresh SQLite file in a temporary folder.

use api::clock::Clock;
use api::config::{Config, RawConfig};
use api::Application;
use diesel::{Connection, RunQueryDsl};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::Once;
use uuid::Uuid;

pub use crate::support::answers::*;
pub use crate::support::delivery_peers::{token_in, SmsGateway, SmtpServer};
pub use crate::support::mail_sink::MailSink;

pub const PASSWORD: &str = "correct horse battery";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

static TRACING: Once = Once::new();

/// A fresh database that disappears with the test.
pub enum TestDatabase {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { server: String, name: String },
}

/// Local PostgreSQL, no TLS: libpq's OpenSSL, cleaned up at exit, crashed the test process.
const LOCAL: &str = "?sslmode=disable";

impl TestDatabase {
    /// A fresh, empty database and its URL.
    pub fn create() -> (Self, String) {
        match std::env::var("TEST_POSTGRES_URL") {
            Ok(server) if !server.is_empty() => {
                let server = server.trim_end_matches('/').to_owned();
                let name = format!("extranet_test_{}", Uuid::new_v4().simple());
                let mut admin =
                    diesel::PgConnection::establish(&format!("{server}/postgres{LOCAL}"))
                        .expect("connect to PostgreSQL (TEST_POSTGRES_URL)");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create a test database");
                let url = format!("{server}/{name}{LOCAL}");
                (Self::Postgres { server, name }, url)
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("extranet.db").display());
                (Self::Sqlite { _dir: dir }, url)
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { server, name } = self {
            if let Ok(mut admin) =
                diesel::PgConnection::establish(&format!("{server}/postgres{LOCAL}"))
            {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}

/// A running server and a client for it, with an SMS gateway (and, when asked for, an SMTP
/// server) that receive what it sends.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database_url: String,
    pub sms: SmsGateway,
    /// Where email goes, unless the test asked for the Python SMTP server (`smtp`).
    pub mail: MailSink,
    pub smtp: Option<SmtpServer>,
    /// The server's clock: `clock.advance(…)` lets time pass for it.
    pub clock: Clock,
    /// The server's upkeep, run once on demand: what the minute's tick would have done.
    pub upkeep: api::upkeep::Upkeep,
    _db: TestDatabase,
}

/// What a sign-up gave back.
pub struct SignedUp {
    pub account_id: String,
    pub user_id: String,
    pub token: String,
    pub body: Value,
}

impl TestApp {
    /// Moves the server's clock to a minute past the next full hour, so that a test counting
    /// messages in hourly and daily windows does not straddle the end of one (the top of the
    /// hour comes round while the suite runs).
    pub fn at_the_start_of_an_hour(&self) {
        use chrono::{DurationRound, TimeDelta};
        let now = self.clock.now();
        let hour = TimeDelta::hours(1);
        let next = (now + hour).duration_trunc(hour).unwrap() + TimeDelta::minutes(1);
        self.clock.advance(next - now);
    }

    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// A server that sends email to a real SMTP server of its own.
    pub async fn spawn_with_mail() -> Self {
        Self::start(Some(SmtpServer::start()), |_| {}).await
    }

    /// A server that sends email to `smtp`, configured further by `configure` (which may
    /// change how it reaches it: `EXTRANET_EMAIL` defaults to `smtp.url()`).
    pub async fn spawn_with_smtp(smtp: SmtpServer, configure: impl FnOnce(&mut RawConfig)) -> Self {
        Self::start(Some(smtp), configure).await
    }

    /// Starts a server after `configure` has had its say on the configuration.
    pub async fn spawn_with(configure: impl FnOnce(&mut RawConfig)) -> Self {
        Self::start(None, configure).await
    }

    async fn start(smtp: Option<SmtpServer>, configure: impl FnOnce(&mut RawConfig)) -> Self {
        TRACING.call_once(|| {
            api::telemetry::init(
                &std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()),
                false,
            )
        });
        let (db, url) = TestDatabase::create();
        let sms = SmsGateway::start().await;
        let mail_sink = MailSink::start().await;
        let mut raw = RawConfig {
            bind: "127.0.0.1:0".into(),
            database_url: url.clone(),
            jwt_secret: Some(JWT_SECRET.into()),
            sms: sms.url.clone(),
            email: smtp.as_ref().map_or(mail_sink.url(), SmtpServer::url),
            ..RawConfig::default()
        };
        configure(&mut raw);
        let config = Config::from_raw(raw).expect("valid test configuration");
        let clock = Clock::system();
        let app = Application::build_with_clock(config, clock.clone())
            .await
            .expect("server starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let upkeep = app.upkeep();
        tokio::spawn(app.run());
        Self {
            address,
            client: reqwest::Client::new(),
            database_url: url,
            sms,
            mail: mail_sink,
            smtp,
            clock,
            upkeep,
            _db: db,
        }
    }

    /// Runs the server's upkeep once, now (the expiry sweep, ended access, reminders, reviews
    /// due), as the minute's tick would.
    pub async fn run_upkeep(&self) {
        self.upkeep.run_once().await.expect("the upkeep runs");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The invitation token of the `nth` (0-based) email with a link sent to `to`.
    pub async fn email_token(&self, to: &str, nth: usize) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let inbox = match &self.smtp {
                Some(smtp) => smtp.inbox.all(),
                None => self.mail.inbox.all(),
            };
            let links: Vec<String> = inbox
                .iter()
                .filter(|m| {
                    m["to"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|r| r == to))
                })
                .filter_map(|m| m["body"].as_str())
                .filter(|body| body.contains("token="))
                .map(token_in)
                .collect();
            if let Some(token) = links.get(nth) {
                return token.clone();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no link {nth} for {to} arrived; inbox: {inbox:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Sends `body` as JSON (when given) with `token` as bearer (when given).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// Signs up an account on `plan` with an admin whose email is `email`, and confirms it with
    /// the code that arrives by email.
    pub async fn sign_up(&self, email: &str, plan: &str) -> SignedUp {
        let body = json!({
            "name": format!("Account of {email}"),
            "plan": plan,
            "admin": {"email": email, "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}
        });
        let (status, body) = self.sign_up_with(body).await;
        assert_eq!(status, StatusCode::CREATED, "sign-up failed: {body}");
        SignedUp {
            account_id: body["account"]["id"]
                .as_str()
                .expect("account id")
                .to_owned(),
            user_id: body["user"]["id"].as_str().expect("user id").to_owned(),
            token: body["access_token"].as_str().expect("token").to_owned(),
            body,
        }
    }

    /// Sends a sign-up (202), then confirms it with the code sent to its login; returns what
    /// the confirmation answered.
    pub async fn sign_up_with(&self, body: Value) -> (StatusCode, Value) {
        let login = body["admin"]["email"]
            .as_str()
            .or(body["admin"]["phone"].as_str())
            .expect("a login")
            .to_owned();
        let before = self.codes_sent(&login).len();
        let (status, started) = json_of(self.post("/v1/accounts", None, body).await).await;
        assert_eq!(status, StatusCode::ACCEPTED, "sign-up refused: {started}");
        let code = self.code_sent(&login, before).await;
        json_of(
            self.post(
                "/v1/accounts/confirm",
                None,
                json!({"login": login, "code": code}),
            )
            .await,
        )
        .await
    }

    /// The confirmation codes sent to `login` so far (by email or SMS), oldest first.
    pub fn codes_sent(&self, login: &str) -> Vec<String> {
        let messages = match &self.smtp {
            _ if login.starts_with('+') => self.sms.inbox.all(),
            Some(smtp) => smtp.inbox.all(),
            None => self.mail.inbox.all(),
        };
        messages
            .iter()
            .filter(|m| {
                m["to"] == login
                    || m["to"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|r| r == login))
            })
            .filter_map(|m| {
                let text = m["subject"].as_str().or(m["text"].as_str())?;
                let (code, rest) = text.split_once(' ')?;
                (rest.starts_with("is your code") && code.len() == 6).then(|| code.to_owned())
            })
            .collect()
    }

    /// The `nth` (0-based) confirmation code sent to `login`, once it has arrived.
    pub async fn code_sent(&self, login: &str, nth: usize) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            if let Some(code) = self.codes_sent(login).get(nth) {
                return code.clone();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no code {nth} for {login} arrived"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Logs in; returns the status and the body.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        account_id: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut body = json!({"login": login, "password": password});
        if let Some(a) = account_id {
            body["account_id"] = json!(a);
        }
        json_of(self.post("/v1/auth/login", None, body).await).await
    }
}

impl TestApp {
    /// The server's database, for what a test must read that no API shows yet: the audit trail
    /// and the outbox.
    pub fn database(&self) -> persistence::Database {
        persistence::Database::connect(&self.database_url, &persistence::PoolOptions::default())
            .unwrap()
    }

    /// Creates a workgroup; returns its id.
    pub async fn workgroup(&self, token: &str, name: &str, allow_external: bool) -> String {
        let res = self
            .post(
                "/v1/workgroups",
                Some(token),
                json!({"name": name, "kind": "project", "allow_external": allow_external}),
            )
            .await;
        let (status, body) = json_of(res).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Invites one person by phone into a workgroup; returns the invitation.
    pub async fn invite_phone(&self, token: &str, workgroup_id: &str, phone: &str) -> Value {
        let res = self
            .post(
                "/v1/invitations",
                Some(token),
                json!({"type": "extranet", "workgroup_id": workgroup_id,
                       "invitees": [{"phone": phone, "first_name": "Pat", "last_name": "Doe"}]}),
            )
            .await;
        let (status, body) = json_of(res).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["results"][0]["invitation"].clone()
    }

    /// Accepts with a new profile; returns status and body.
    pub async fn accept(&self, token: &str) -> (StatusCode, Value) {
        json_of(
            self.post(
                "/v1/invitations/accept",
                None,
                json!({"token": token, "password": PASSWORD}),
            )
            .await,
        )
        .await
    }

    /// The audit trail's actions, oldest first (read from the database: its endpoint comes later).
    pub fn audit_actions(&self) -> Vec<String> {
        use diesel::prelude::*;
        use persistence::schema::audit_events;
        self.database()
            .read(|conn| {
                Ok(audit_events::table
                    .order(audit_events::id.asc())
                    .select(audit_events::action)
                    .load(conn)?)
            })
            .unwrap()
    }

    /// Asserts that the audit trail holds each of `actions`.
    pub fn assert_audited(&self, actions: &[&str]) {
        let recorded = self.audit_actions();
        for action in actions {
            assert!(
                recorded.iter().any(|r| r == action),
                "{action} in {recorded:?}"
            );
        }
    }

    pub async fn usage(&self, token: &str) -> Value {
        json_of(self.get("/v1/account/usage", token).await).await.1
    }

    /// Who holds the account's seats: the usage without its sending quota part.
    pub async fn seats(&self, token: &str) -> Value {
        let mut usage = self.usage(token).await;
        if let Some(fields) = usage.as_object_mut() {
            fields.remove("sending");
        }
        usage
    }
}

/// A user who joined through an invitation: its id and access token.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub token: String,
}

impl TestApp {
    /// Invites `phone` (`intranet`, or `extranet` into `workgroup`) and accepts with a new
    /// profile: an employee or an external user of the account.
    pub async fn join(
        &self,
        inviter: &str,
        user_type: &str,
        workgroup: Option<&str>,
        phone: &str,
    ) -> Person {
        let mut body = json!({"type": user_type,
            "invitees": [{"phone": phone, "first_name": "Pat", "last_name": phone}]});
        if let Some(group) = workgroup {
            body["workgroup_id"] = json!(group);
        }
        let (status, created) =
            json_of(self.post("/v1/invitations", Some(inviter), body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, accepted) = self.accept(&self.sms.token(phone, 0).await).await;
        assert_eq!(status, StatusCode::CREATED, "{accepted}");
        Person {
            id: accepted["user"]["id"].as_str().unwrap().to_owned(),
            token: accepted["access_token"].as_str().unwrap().to_owned(),
        }
    }

    /// Dismisses `user` as `by` (an admin).
    pub async fn dismiss(&self, by: &str, user: &str) {
        let (status, body) = self
            .json(Method::POST, &format!("/v1/users/{user}/dismiss"), by, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Adds `user` to `group` as `by`, with `role`; the user accepts.
    pub async fn add_and_accept(&self, by: &str, group: &str, user: &Person, role: &str) {
        let (status, body) = self
            .json(
                Method::POST,
                &format!("/v1/workgroups/{group}/members"),
                by,
                Some(json!({"user_id": user.id, "role": role})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = self
            .json(
                Method::POST,
                &format!("/v1/me/workgroup-invitations/{group}/accept"),
                &user.token,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Resends invitation `id` as `token`.
    pub async fn resend(&self, token: &str, id: &str) -> Response {
        self.post(
            &format!("/v1/invitations/{id}/resend"),
            Some(token),
            json!({}),
        )
        .await
    }

    /// Sends a request; returns the status and the JSON body.
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        json_of(self.call(method, path, Some(token), body).await).await
    }
}

/// The body of an extranet invitation of one person, by email, into `group`.
pub fn invite_body(group: &str, email: &str) -> Value {
    json!({"type": "extranet", "workgroup_id": group,
           "invitees": [{"email": email, "first_name": "Ann", "last_name": "Lee"}]})
}

/// PATCHes `path` as `token`; returns the status and the body.
pub async fn patch(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    app.json(Method::PATCH, path, token, Some(body)).await
}

/// PATCHes `path` (the account's or a workgroup's settings), which must work.
pub async fn change(app: &TestApp, token: &str, path: &str, body: Value) {
    let (status, changed) = patch(app, path, token, body).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
}

/// A fresh access token for the account's first admin (after the clock moved past the old one).
pub async fn admin_token(app: &TestApp, email: &str, account_id: &str) -> String {
    let (status, body) = app.login(email, PASSWORD, Some(account_id)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// The body of a sign-up whose admin logs in with `login` and `password`.
pub fn sign_up_body(login: &str, password: &str) -> Value {
    json!({"name": "Totally Legit Ltd", "plan": "free",
           "admin": {"email": login, "password": password, "first_name": "Eve", "last_name": "Mallory"}})
}
