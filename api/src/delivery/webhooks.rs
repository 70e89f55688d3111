//! The webhook delivery worker: claims due deliveries, signs and posts each event, and records
//! what the receiver said. Deliveries to one webhook are sent a few at a time by a task of
//! their own, so a slow or dead receiver holds up only its own deliveries — never API
//! requests, invitation messages (another worker), or other webhooks.
//!
//! Where it may connect is checked at every attempt, on the addresses the host resolves to
//! *now* ([`GuardedResolver`]: the connection goes to an address that was checked, so a name
//! re-pointed at an internal address after the webhook was saved gets nowhere); redirects are
//! not followed and no proxy is used.

use crate::clock::Clock;
use crate::config::WebhookSettings;
use crate::metrics::{DeliveryOutcome, Metrics};
use crate::secrets::TokenSealer;
use crate::shutdown::Stopping;
use domain::enums::Channel;
use domain::webhook::{check_resolved, retries, signed_content, Host, WebhookUrl};
use domain::DomainError;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use persistence::webhook_deliveries::{self, Claimed, Outcome};
use persistence::Database;
use rand::Rng;
use sha2::Sha256;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Deliveries claimed per round, over all webhooks.
const BATCH: i64 = 32;

/// Resolves webhook hosts (or takes their fixed address from `EXTRANET_WEBHOOK_RESOLVE`) and
/// refuses to hand out an address webhooks may not reach.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    allow_loopback: bool,
    fixed: Arc<Vec<(String, IpAddr)>>,
}

impl GuardedResolver {
    pub fn new(settings: &WebhookSettings) -> Self {
        Self {
            allow_loopback: settings.allow_loopback,
            fixed: Arc::new(settings.resolve.clone()),
        }
    }

    /// The addresses of `host`, each one allowed, or why not.
    pub async fn addresses(&self, host: &str) -> Result<Vec<IpAddr>, DomainError> {
        let host = host.to_ascii_lowercase();
        // A name given several fixed addresses has them all, as a DNS answer would: each is
        // checked, and one inside refuses the name.
        let fixed: Vec<IpAddr> = self
            .fixed
            .iter()
            .filter(|(name, _)| *name == host)
            .map(|(_, ip)| *ip)
            .collect();
        let found: Vec<IpAddr> = if fixed.is_empty() {
            tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map(|addrs| addrs.map(|a| a.ip()).collect())
                .unwrap_or_default()
        } else {
            fixed
        };
        check_resolved(&host, &found, self.allow_loopback)?;
        Ok(found)
    }

    /// Checks a URL about to be saved: its address, or every address its name resolves to.
    pub async fn check(&self, url: &WebhookUrl) -> Result<(), DomainError> {
        match url.host() {
            Some(Host::Name(name)) => self.addresses(&name).await.map(|_| ()),
            // Checked when parsed.
            Some(Host::Address(_)) | None => Ok(()),
        }
    }
}

/// A refusal of the resolver, as the HTTP client reports it.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let this = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = this.addresses(&host).await.map_err(|e| match e {
                DomainError::WebhookUrlNotAllowed(why) => Box::new(Refused(why)),
                other => Box::new(Refused(other.to_string())),
            })?;
            let addrs: reqwest::dns::Addrs =
                Box::new(found.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// The transport's reason in words: the error and its causes, never the URL (its query may
/// hold a receiver's key).
fn describe(e: reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!(
            "the receiver did not answer within {} ms",
            timeout.as_millis()
        );
    }
    let e = e.without_url();
    let mut words = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !words.contains(&text) {
            words.push_str(": ");
            words.push_str(&text);
        }
        cause = c.source();
    }
    words
}

pub struct WebhookWorker {
    db: Database,
    sealer: Arc<TokenSealer>,
    clock: Clock,
    wakeup: Arc<Notify>,
    settings: WebhookSettings,
    client: reqwest::Client,
    lease: chrono::Duration,
    /// Webhooks being sent to now.
    busy: Mutex<HashSet<String>>,
    metrics: Metrics,
}

impl WebhookWorker {
    pub fn new(
        db: Database,
        sealer: Arc<TokenSealer>,
        clock: Clock,
        wakeup: Arc<Notify>,
        settings: WebhookSettings,
        metrics: Metrics,
    ) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .dns_resolver(Arc::new(GuardedResolver::new(&settings)))
            .user_agent(concat!("extranet-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("webhook client: {e}"))?;
        // A claimed batch of one webhook is sent `concurrency` at a time.
        let rounds = u32::try_from(BATCH).unwrap_or(32)
            / u32::try_from(settings.concurrency.max(1)).unwrap_or(1)
            + 1;
        let lease = chrono::Duration::from_std(settings.timeout * rounds)
            .unwrap_or(chrono::Duration::minutes(10))
            + chrono::Duration::seconds(30);
        Ok(Self {
            db,
            sealer,
            clock,
            wakeup,
            settings,
            client,
            lease,
            busy: Mutex::new(HashSet::new()),
            metrics,
        })
    }

    /// One attempt of one delivery.
    async fn attempt(&self, d: &Claimed) -> Outcome {
        let now = self.clock.now();
        let failed = |status: Option<u16>, error: String| {
            let jitter = rand::thread_rng().gen::<f64>();
            Outcome::Failed {
                status,
                error,
                retry_at: retries(self.settings.retry_base)
                    .after(d.attempts + 1, jitter)
                    .map(|wait| now + wait),
            }
        };
        let url = match WebhookUrl::parse(&d.url, self.settings.allow_loopback) {
            Ok(url) => url,
            Err(e) => return failed(None, e.to_string()),
        };
        let Some(secret) = self.sealer.open(&d.sealed_secret) else {
            return failed(
                None,
                "the signing secret cannot be opened: the server's secret changed; set a new webhook secret".into(),
            );
        };
        let t = now.timestamp();
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return failed(None, "the signing secret is unusable".into());
        };
        mac.update(signed_content(t, &d.body).as_bytes());
        let signature = signature_header(t, &hex::encode(mac.finalize().into_bytes()));
        let sent = self
            .client
            .post(url.as_str())
            .header("Content-Type", "application/json")
            .header("X-Extranet-Event-Id", &d.event_id)
            .header("X-Extranet-Event", &d.event)
            .header("X-Extranet-Delivery", d.id.to_string())
            .header("X-Extranet-Signature", signature)
            .body(d.body.clone())
            .send()
            .await;
        match sent {
            Ok(res) if res.status().is_success() => Outcome::Sent {
                status: res.status().as_u16(),
            },
            Ok(res) if res.status().is_redirection() => failed(
                Some(res.status().as_u16()),
                format!(
                    "the receiver answered {} (redirects are not followed; use the final URL)",
                    res.status()
                ),
            ),
            Ok(res) => failed(
                Some(res.status().as_u16()),
                format!("the receiver answered {}", res.status()),
            ),
            Err(e) => failed(None, describe(e, self.settings.timeout)),
        }
    }

    /// Sends one webhook's claimed deliveries, a few at a time, recording each; once the
    /// worker is to stop, starts no more of them.
    async fn send_all(self: Arc<Self>, webhook: String, deliveries: Vec<Claimed>, stop: Stopping) {
        let concurrency = self.settings.concurrency;
        futures_util::stream::iter(deliveries)
            .for_each_concurrent(concurrency, |d| {
                let this = self.clone();
                let stop = stop.clone();
                async move {
                    if stop.is_set() {
                        return;
                    }
                    let outcome = this.attempt(&d).await;
                    let counted = match &outcome {
                        Outcome::Sent { .. } => DeliveryOutcome::Sent,
                        Outcome::Failed { error, retry_at, .. } => {
                            tracing::warn!(delivery = %d.id, webhook = %d.webhook_id, event = %d.event, %error, gave_up = retry_at.is_none(), "webhook delivery failed");
                            if retry_at.is_some() {
                                DeliveryOutcome::Retry
                            } else {
                                DeliveryOutcome::GivenUp
                            }
                        }
                    };
                    this.metrics.record_delivery(Channel::Webhook, counted);
                    let (db, now, after) =
                        (this.db.clone(), this.clock.now(), this.settings.disable_after);
                    let recorded = crate::blocking::run(move || {
                        webhook_deliveries::record(&db, d.id, d.webhook_id, outcome, now, after)
                    })
                    .await;
                    match recorded {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => tracing::error!(error = %e, "recording a webhook delivery failed"),
                        Err(e) => tracing::error!(error = %e, "recording a webhook delivery failed"),
                    }
                }
            })
            .await;
        if let Ok(mut busy) = self.busy.lock() {
            busy.remove(&webhook);
        }
        self.wakeup.notify_one();
    }

    /// One round: claim what is due for webhooks not being sent to, and start sending.
    async fn round(self: &Arc<Self>, stop: &Stopping) -> Result<usize, String> {
        let busy: Vec<String> = match self.busy.lock() {
            Ok(busy) => busy.iter().cloned().collect(),
            Err(_) => return Err("the webhook worker's state is poisoned".into()),
        };
        let (db, lease, now) = (self.db.clone(), self.lease, self.clock.now());
        let claimed =
            crate::blocking::run(move || webhook_deliveries::claim(&db, now, lease, BATCH, busy))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
        // Webhooks whose owner no longer stands (a token expired): switched off, their
        // deliveries paused, before anything more is claimed.
        for webhook in claimed.orphaned.iter().copied() {
            let (db, now) = (self.db.clone(), self.clock.now());
            let done = crate::blocking::run(move || {
                webhook_deliveries::switch_off_orphaned(&db, webhook, now)
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
            if !done {
                tracing::debug!(%webhook, "the webhook's owner stands again: not switched off");
            }
        }
        let n = claimed.deliveries.len() + claimed.orphaned.len();
        let mut by_webhook: HashMap<String, Vec<Claimed>> = HashMap::new();
        for d in claimed.deliveries {
            by_webhook
                .entry(d.webhook_id.to_string())
                .or_default()
                .push(d);
        }
        for (webhook, deliveries) in by_webhook {
            if let Ok(mut busy) = self.busy.lock() {
                busy.insert(webhook.clone());
            }
            tokio::spawn(self.clone().send_all(webhook, deliveries, stop.clone()));
        }
        Ok(n)
    }

    /// Runs until told to stop; then waits for the deliveries being sent. Those claimed but
    /// not yet started stay claimed until their lease runs out, and the next process sends
    /// them.
    pub async fn run(self: Arc<Self>, stop: Stopping) {
        super::rounds("webhook delivery", &self.wakeup, &stop, || {
            self.round(&stop)
        })
        .await;
        while self.busy.lock().is_ok_and(|busy| !busy.is_empty()) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tracing::debug!("the webhook worker stopped");
    }
}

/// The `X-Extranet-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
/// `signed_content`>`.
fn signature_header(t: i64, hex_mac: &str) -> String {
    format!("t={t},v1={hex_mac}")
}
