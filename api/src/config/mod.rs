//! Configuration: defaults, then an optional TOML file (`extranet.toml`, or `--config PATH`),
//! then environment variables. The variable names are the ones DESIGN.md lists; operators'
//! scripts depend on them.

use domain::plan::Plans;
use domain::retention::{KeepFor, Retention};
use domain::sending::{CodeBudgets, SendingQuotas};
use domain::session::SessionPolicy;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use persistence::retention::Sweep;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where messages go: printed as JSON lines, or sent for real.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Console,
    Url(String),
}

/// How an SMTP connection is protected, as the URL says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://host` with no `tls`: in clear (a relay on this machine).
    Plain,
    /// `smtp://host?tls=required`: STARTTLS, or nothing is sent.
    StartTlsRequired,
    /// `smtp://host?tls=opportunistic`: STARTTLS when the server offers it.
    StartTlsOpportunistic,
    /// `smtps://host`: TLS from the first byte.
    Implicit,
}

impl SmtpSecurity {
    /// The protection `url` asks for (lettre's URL form), or why it is not understood.
    pub fn of(url: &reqwest::Url) -> Result<Self, String> {
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => Ok(Self::Plain),
            ("smtp", Some("required")) => Ok(Self::StartTlsRequired),
            ("smtp", Some("opportunistic")) => Ok(Self::StartTlsOpportunistic),
            ("smtps", None) => Ok(Self::Implicit),
            (scheme, tls) => Err(format!(
                "EXTRANET_EMAIL: `{scheme}://` with tls={tls:?} is not understood; use smtp://, \
                 smtp://…?tls=required, smtp://…?tls=opportunistic or smtps://"
            )),
        }
    }
}

impl Transport {
    fn parse(s: &str, schemes: &[&str], var: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() || s == "console" {
            return Ok(Self::Console);
        }
        if schemes.iter().any(|scheme| s.starts_with(scheme)) {
            Ok(Self::Url(s.to_owned()))
        } else {
            Err(format!(
                "{var} must be `console` or start with {}",
                schemes.join(" or ")
            ))
        }
    }
}

/// The raw settings, as the file and the environment give them (keys are the variable names
/// without `EXTRANET_`, lower-cased: `bind`, `jwt_secret`, …; `database_url` for `DATABASE_URL`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RawConfig {
    pub bind: String,
    pub database_url: String,
    pub jwt_secret: Option<String>,
    pub public_url: String,
    /// The frontend's address, where the accept and reset-password pages send people next
    /// (empty: none).
    pub app_url: String,
    pub email: String,
    pub sms: String,
    pub plans: Option<String>,
    pub log: String,
    pub log_format: String,
    /// Lifetime of access tokens, in seconds.
    pub token_ttl_seconds: u32,
    /// A session not refreshed for this many seconds ends (its refresh token's lifetime).
    pub session_idle_seconds: u32,
    /// No session lasts longer than this many seconds after its login.
    pub session_max_seconds: u32,
    /// The sender of emails.
    pub email_from: String,
    /// A PEM file of a certificate authority to trust for the SMTP server (besides the web's).
    pub email_ca_file: Option<String>,
    /// A pending invitation is resent at most once per this many seconds.
    pub resend_interval_seconds: u32,
    /// How long a delivery worker holds the messages it claimed; a worker that dies holding
    /// them delays them by at most this much.
    pub outbox_lease_seconds: u32,
    /// Connections in the database pool (reads on SQLite, everything on PostgreSQL).
    pub db_pool_size: u32,
    /// Requests a second each client may make to a public endpoint, over time.
    pub public_rate_per_second: u32,
    /// Requests a client may make to a public endpoint at once.
    pub public_burst: u32,
    /// Reverse proxies (addresses or CIDRs, comma-separated) whose `X-Forwarded-For` the rate
    /// limits believe.
    pub trusted_proxies: String,
    /// Failed logins a login may have at once before it is throttled.
    pub login_failure_burst: u32,
    /// Once throttled, a login may fail once per this many seconds.
    pub login_failure_interval_seconds: u32,
    /// Emails one account may send per hour (0: no limit).
    pub quota_email_per_hour: u32,
    /// Text messages one account may send per hour (0: no limit).
    pub quota_sms_per_hour: u32,
    /// Messages one address may receive per day, from all accounts together (0: no limit).
    pub quota_per_recipient_per_day: u32,
    /// Codes to prove a login (sign-up, login change) one address may receive per hour (0: no
    /// limit). They never count against the quotas above, which invitations rely on.
    pub code_per_recipient_per_hour: u32,
    /// Codes one client address may ask for per hour (0: no limit).
    pub code_per_client_per_hour: u32,
    /// Codes sent by email per hour, for everyone together (0: no limit).
    pub code_email_per_hour: u32,
    /// Codes sent by text message per hour, for everyone together (0: no limit): the ceiling
    /// on what strangers can make the SMS gateway cost. Reaching it logs `code_ceiling_reached`.
    pub code_sms_per_hour: u32,
    /// Whether an account may be signed up with a phone number (a code by SMS); `false` keeps
    /// sign-up to email.
    pub signup_sms: bool,
    /// The development inbox and clock (`/dev/…`): unset, served when a delivery goes to the
    /// console and the server listens on a loopback address; `true` wherever a delivery goes
    /// to the console (with a warning); `false` never.
    pub dev: Option<bool>,
    /// Webhooks may be sent to loopback addresses: for tests and local development only.
    pub webhook_allow_loopback: bool,
    /// How long a webhook receiver has to answer, in milliseconds.
    pub webhook_timeout_ms: u32,
    /// The first wait before a failed webhook delivery is tried again, in milliseconds;
    /// doubled after each failure (with jitter), at most six hours.
    pub webhook_retry_base_ms: u32,
    /// A webhook whose deliveries all failed for this many hours is switched off.
    pub webhook_disable_after_hours: u32,
    /// Deliveries one webhook may have in flight at once.
    pub webhook_concurrency: u32,
    /// Fixed addresses for webhook hosts, `name=address,…` (like curl's `--resolve`): for
    /// split DNS. A name may be listed more than once; every address is checked like a
    /// resolved one.
    pub webhook_resolve: String,
    /// Seconds a client has to send a request's head, and again its body; a slower one is
    /// answered 408 and its connection closed.
    pub request_read_timeout_seconds: u32,
    /// Origins (`scheme://host[:port]`, comma-separated) whose browser pages may call `/v1/`.
    pub cors_origins: String,
    /// Days a message's body and recipient are kept after it was sent or given up (0: forever).
    pub retention_message_days: u32,
    /// Days a webhook's delivery is kept after it was delivered or given up (0: forever).
    pub retention_webhook_delivery_days: u32,
    /// Days an ended or expired session is kept, with its refresh tokens (0: forever).
    pub retention_session_days: u32,
    /// Days a revoked or expired API token is kept (0: forever).
    pub retention_api_token_days: u32,
    /// Days an approved, rejected or joined join request is kept, with the person's login and
    /// names (0: forever).
    pub retention_join_request_days: u32,
    /// Days an audit event, and a closed access review, is kept (0: forever).
    pub retention_audit_days: u32,
    /// Rows the retention sweep erases or deletes per statement.
    pub retention_batch: u32,
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/extranet.db".into(),
            jwt_secret: None,
            public_url: "http://127.0.0.1:8080".into(),
            app_url: String::new(),
            email: "console".into(),
            sms: "console".into(),
            plans: None,
            log: "info".into(),
            log_format: "text".into(),
            token_ttl_seconds: 3600,
            session_idle_seconds: SessionPolicy::DEFAULT.idle_seconds as u32,
            session_max_seconds: SessionPolicy::DEFAULT.max_seconds as u32,
            email_from: "Extranet <no-reply@extranet.localhost>".into(),
            email_ca_file: None,
            resend_interval_seconds: domain::invitation::RESEND_INTERVAL_SECONDS,
            outbox_lease_seconds: 30,
            db_pool_size: 8,
            public_rate_per_second: 2,
            public_burst: 50,
            trusted_proxies: String::new(),
            login_failure_burst: 10,
            login_failure_interval_seconds: 30,
            quota_email_per_hour: SendingQuotas::DEFAULT_EMAIL_PER_ACCOUNT_HOUR,
            quota_sms_per_hour: SendingQuotas::DEFAULT_SMS_PER_ACCOUNT_HOUR,
            quota_per_recipient_per_day: SendingQuotas::DEFAULT_PER_RECIPIENT_DAY,
            code_per_recipient_per_hour: CodeBudgets::DEFAULT_PER_RECIPIENT_HOUR,
            code_per_client_per_hour: CodeBudgets::DEFAULT_PER_CLIENT_HOUR,
            code_email_per_hour: CodeBudgets::DEFAULT_EMAIL_PER_HOUR,
            code_sms_per_hour: CodeBudgets::DEFAULT_SMS_PER_HOUR,
            signup_sms: true,
            dev: None,
            webhook_allow_loopback: false,
            webhook_timeout_ms: 10_000,
            webhook_retry_base_ms: 30_000,
            webhook_disable_after_hours: u32::try_from(domain::webhook::DISABLE_AFTER_HOURS)
                .unwrap_or(72),
            webhook_concurrency: 4,
            webhook_resolve: String::new(),
            request_read_timeout_seconds: 10,
            cors_origins: String::new(),
            retention_message_days: Retention::DEFAULT_MESSAGE_DAYS,
            retention_webhook_delivery_days: Retention::DEFAULT_WEBHOOK_DELIVERY_DAYS,
            retention_session_days: Retention::DEFAULT_SESSION_DAYS,
            retention_api_token_days: Retention::DEFAULT_API_TOKEN_DAYS,
            retention_join_request_days: Retention::DEFAULT_JOIN_REQUEST_DAYS,
            retention_audit_days: Retention::DEFAULT_AUDIT_DAYS,
            retention_batch: Sweep::DEFAULT_BATCH,
        }
    }
}

/// How webhooks are delivered, as configured.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub allow_loopback: bool,
    pub timeout: std::time::Duration,
    pub retry_base: chrono::Duration,
    pub disable_after: chrono::Duration,
    pub concurrency: usize,
    /// Fixed addresses of host names.
    pub resolve: Vec<(String, std::net::IpAddr)>,
}

fn parse_resolve(spec: &str) -> Result<Vec<(String, std::net::IpAddr)>, String> {
    spec.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, ip) = pair.split_once('=').ok_or_else(|| {
                format!("EXTRANET_WEBHOOK_RESOLVE: `{pair}` is not `name=address`")
            })?;
            let ip = ip
                .trim()
                .parse()
                .map_err(|_| format!("EXTRANET_WEBHOOK_RESOLVE: `{ip}` is not an IP address"))?;
            Ok((name.trim().to_ascii_lowercase(), ip))
        })
        .collect()
}

/// `EXTRANET_APP_URL`: empty for none, otherwise an absolute http(s) URL with a host and no
/// credentials (it is shown to people as a link).
fn parse_app_url(spec: &str) -> Result<Option<String>, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Ok(None);
    }
    let refused = || {
        format!(
            "EXTRANET_APP_URL must be the frontend's http(s) address, e.g. \
             https://app.example.com, not `{spec}`"
        )
    };
    let url = reqwest::Url::parse(spec).map_err(|_| refused())?;
    let fine = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none();
    if !fine {
        return Err(refused());
    }
    Ok(Some(url.to_string()))
}

/// Checked configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub database_url: String,
    /// `None`: on SQLite in a file, a generated secret kept beside the database
    /// (`secret_file`); otherwise a random key per start (tokens die with the process).
    pub jwt_secret: Option<SecretString>,
    pub public_url: String,
    /// The frontend's address (`EXTRANET_APP_URL`), an http(s) URL, if set.
    pub app_url: Option<String>,
    pub email: Transport,
    pub sms: Transport,
    pub plans: Plans,
    pub log: String,
    pub log_json: bool,
    pub token_ttl_seconds: u32,
    pub sessions: SessionPolicy,
    pub email_from: String,
    pub email_ca_file: Option<String>,
    pub resend_interval_seconds: u32,
    pub outbox_lease_seconds: u32,
    pub db_pool_size: u32,
    pub public_rate_per_second: u32,
    pub public_burst: u32,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub login_failure_burst: u32,
    pub login_failure_interval_seconds: u32,
    pub quotas: SendingQuotas,
    /// Whether sign-up by phone is open.
    pub signup_sms: bool,
    /// Whether the development inbox and clock are served (`EXTRANET_DEV`, `crate::dev`).
    pub dev: bool,
    pub webhooks: WebhookSettings,
    /// How long a client has to send a request's head, and again its body.
    pub request_read_timeout: std::time::Duration,
    /// The origins browser apps may call `/v1/` from (CORS), normalised.
    pub cors_origins: crate::cors::Origins,
    /// What the upkeep's retention sweep removes, and in what steps.
    pub retention: Sweep,
}

/// Whether `host` (a name or an address, maybe with brackets) is this machine's loopback.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The host part of `host:port` or `[v6]:port`.
fn host_of_bind(bind: &str) -> &str {
    match bind.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => bind,
    }
}

impl Config {
    /// What an operator must hear at start: settings that work but are unsafe where they are.
    /// The console delivery prints live invitation links and codes on stdout, which is right on
    /// a developer's machine and wrong on a reachable server; plain SMTP to another host sends
    /// them in clear.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let console: Vec<&str> = [("EXTRANET_EMAIL", &self.email), ("EXTRANET_SMS", &self.sms)]
            .into_iter()
            .filter(|(_, t)| **t == Transport::Console)
            .map(|(name, _)| name)
            .collect();
        let public_host = reqwest::Url::parse(&self.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let exposed = !is_loopback(host_of_bind(&self.bind)) || !is_loopback(&public_host);
        if !console.is_empty() && exposed {
            warnings.push(format!(
                "{} = console: invitation links and confirmation codes are printed on stdout, yet \
                 the server listens on {} with links to {}; set EXTRANET_EMAIL to an SMTP server \
                 and EXTRANET_SMS to a gateway",
                console.join(" and "),
                self.bind,
                self.public_url
            ));
        }
        if let Transport::Url(url) = &self.email {
            if let Ok(parsed) = reqwest::Url::parse(url) {
                let host = parsed.host_str().unwrap_or_default();
                if SmtpSecurity::of(&parsed) == Ok(SmtpSecurity::Plain) && !is_loopback(host) {
                    warnings.push(format!(
                        "EXTRANET_EMAIL sends in clear to {host}: add ?tls=required or use smtps://"
                    ));
                }
            }
        }
        if self.dev && !is_loopback(host_of_bind(&self.bind)) {
            warnings.push(format!(
                "EXTRANET_DEV = true: the development inbox and clock (/dev/inbox, /dev/messages, \
                 /dev/clock) are served on {}: whoever reaches it reads every code and link sent \
                 and moves the server's clock",
                self.bind
            ));
        }
        if self.webhooks.allow_loopback {
            warnings.push(
                "EXTRANET_WEBHOOK_ALLOW_LOOPBACK = true: webhooks may be sent to this machine's own \
                 services; for tests and local development only"
                    .to_owned(),
            );
        }
        warnings
    }

    /// Loads defaults, then `file` (or `extranet.toml` when it exists), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(format!(
                    "configuration file {} does not exist",
                    path.display()
                ))
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("extranet.toml")),
        }
        let figment = figment
            .merge(Env::prefixed("EXTRANET_"))
            .merge(Env::raw().only(&["DATABASE_URL"]));
        let raw: RawConfig = figment.extract().map_err(|e| e.to_string())?;
        Self::from_raw(raw)
    }

    pub fn from_raw(raw: RawConfig) -> Result<Self, String> {
        let plans = match raw.plans.as_deref() {
            Some(spec) => Plans::parse(spec).map_err(|e| format!("EXTRANET_PLANS: {e}"))?,
            None => Plans::default(),
        };
        let jwt_secret = match raw.jwt_secret {
            Some(s) if s.len() < 32 => {
                return Err("EXTRANET_JWT_SECRET must have at least 32 characters".into())
            }
            other => other.map(SecretString::from),
        };
        if !(1..=86_400).contains(&raw.token_ttl_seconds) {
            return Err("EXTRANET_TOKEN_TTL_SECONDS must be 1 to 86400".into());
        }
        if raw.session_idle_seconds < 60 || raw.session_idle_seconds > raw.session_max_seconds {
            return Err("EXTRANET_SESSION_IDLE_SECONDS must be at least 60 and at most EXTRANET_SESSION_MAX_SECONDS".into());
        }
        let email = Transport::parse(&raw.email, &["smtp://", "smtps://"], "EXTRANET_EMAIL")?;
        let sms = Transport::parse(&raw.sms, &["http://", "https://"], "EXTRANET_SMS")?;
        let dev = serves_dev_tools(raw.dev, &email, &sms, &raw.bind);
        Ok(Self {
            dev,
            log_json: match raw.log_format.as_str() {
                "json" => true,
                "text" | "" => false,
                other => {
                    return Err(format!(
                        "EXTRANET_LOG_FORMAT must be `text` or `json`, not `{other}`"
                    ))
                }
            },
            bind: raw.bind,
            database_url: raw.database_url,
            jwt_secret,
            public_url: raw.public_url.trim_end_matches('/').to_owned(),
            app_url: parse_app_url(&raw.app_url)?,
            plans,
            log: raw.log,
            token_ttl_seconds: raw.token_ttl_seconds,
            sessions: SessionPolicy {
                idle_seconds: i64::from(raw.session_idle_seconds),
                max_seconds: i64::from(raw.session_max_seconds),
            },
            email_from: raw.email_from,
            email_ca_file: raw.email_ca_file.filter(|f| !f.is_empty()),
            resend_interval_seconds: raw.resend_interval_seconds,
            outbox_lease_seconds: raw.outbox_lease_seconds.clamp(1, 3600),
            db_pool_size: raw.db_pool_size.clamp(1, 256),
            public_rate_per_second: raw.public_rate_per_second.max(1),
            public_burst: raw.public_burst.max(1),
            trusted_proxies: crate::rate_limit::parse_trusted_proxies(&raw.trusted_proxies)?,
            login_failure_burst: raw.login_failure_burst.max(1),
            login_failure_interval_seconds: raw.login_failure_interval_seconds.max(1),
            quotas: SendingQuotas::new(
                raw.quota_email_per_hour,
                raw.quota_sms_per_hour,
                raw.quota_per_recipient_per_day,
            )
            .with_codes(CodeBudgets::new(
                raw.code_per_recipient_per_hour,
                raw.code_per_client_per_hour,
                raw.code_email_per_hour,
                raw.code_sms_per_hour,
            )),
            signup_sms: raw.signup_sms,
            webhooks: WebhookSettings {
                allow_loopback: raw.webhook_allow_loopback,
                timeout: std::time::Duration::from_millis(u64::from(
                    raw.webhook_timeout_ms.clamp(100, 60_000),
                )),
                retry_base: chrono::Duration::milliseconds(i64::from(
                    raw.webhook_retry_base_ms.max(1),
                )),
                disable_after: chrono::Duration::hours(i64::from(
                    raw.webhook_disable_after_hours.max(1),
                )),
                concurrency: usize::try_from(raw.webhook_concurrency.clamp(1, 64)).unwrap_or(4),
                resolve: parse_resolve(&raw.webhook_resolve)?,
            },
            request_read_timeout: std::time::Duration::from_secs(u64::from(
                raw.request_read_timeout_seconds.clamp(1, 3600),
            )),
            cors_origins: crate::cors::Origins::parse(&raw.cors_origins)?,
            retention: Sweep {
                retention: Retention {
                    messages: KeepFor::days(raw.retention_message_days),
                    webhook_deliveries: KeepFor::days(raw.retention_webhook_delivery_days),
                    sessions: KeepFor::days(raw.retention_session_days),
                    api_tokens: KeepFor::days(raw.retention_api_token_days),
                    join_requests: KeepFor::days(raw.retention_join_request_days),
                    audit_events: KeepFor::days(raw.retention_audit_days),
                },
                batch: i64::from(raw.retention_batch.clamp(1, 10_000)),
                budget: Sweep::DEFAULT_BUDGET,
            },
            email,
            sms,
        })
    }
}

/// Whether the development inbox and clock are served: only when a delivery goes to the
/// console (they show nothing its output does not), and then on a loopback address unless
/// `EXTRANET_DEV` says otherwise.
fn serves_dev_tools(dev: Option<bool>, email: &Transport, sms: &Transport, bind: &str) -> bool {
    let console = *email == Transport::Console || *sms == Transport::Console;
    console && dev.unwrap_or_else(|| is_loopback(host_of_bind(bind)))
}

#[cfg(test)]
mod tests;
