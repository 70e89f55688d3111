//! Webhooks: who manages them, what a webhook is made of, how a delivery is signed, when a
//! failed one is tried again, when a webhook that keeps failing is switched off, and what
//! becomes of the deliveries of a switched-off one. Which URLs may receive them is
//! [`address`]; which events there are is [`event`]; who answers for a webhook, and while
//! when it may post, is [`owner`].

pub mod address;
pub mod event;
pub mod owner;

pub use address::{check_address, check_resolved, Host, WebhookUrl, MAX_URL_CHARS, URL_PATTERN};
pub use event::{EventType, EventTypes};
pub use owner::{decide_change, may_subscribe, owner_stands, Owner, OwnerFacts, SwitchOff};

use crate::access::{may_administer_account, AccountUser};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::retry::Backoff;
use chrono::{DateTime, Duration, Utc};

/// An account has at most this many webhooks.
pub const MAX_WEBHOOKS_PER_ACCOUNT: u32 = 20;
/// A secret given by the client has 16 to 128 printable characters.
pub const SECRET_MIN_CHARS: usize = 16;
pub const SECRET_MAX_CHARS: usize = 128;
/// A delivery is given up (`failed`, redeliverable) after this many attempts.
pub const MAX_ATTEMPTS: u32 = 12;
/// The longest wait between two attempts.
pub const MAX_BACKOFF_SECONDS: i64 = 6 * 3600;
/// A webhook whose deliveries have all failed for this long is switched off.
pub const DISABLE_AFTER_HOURS: i64 = 72;
/// How long after its event a paused delivery (its webhook switched off) waits to be sent if
/// the webhook is switched on again; past it, it is given up.
pub const DELIVERY_LIFETIME_HOURS: i64 = 72;

/// Managing webhooks: administrators (and tokens they made with `webhooks:write`).
pub fn may_manage_webhooks(user: &AccountUser) -> Result<(), DomainError> {
    may_administer_account(user)
}

/// What a client's secret is made of: printable ASCII, no spaces.
pub const SECRET_PATTERN: &str = "^[!-~]+$";

/// One more webhook for an account that has `existing` ones: at most
/// [`MAX_WEBHOOKS_PER_ACCOUNT`].
pub fn may_add_webhook(existing: u32) -> Result<(), DomainError> {
    if existing >= MAX_WEBHOOKS_PER_ACCOUNT {
        Err(DomainError::TooManyWebhooks {
            max: MAX_WEBHOOKS_PER_ACCOUNT,
        })
    } else {
        Ok(())
    }
}

/// A signing secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let n = s.chars().count();
        if !(SECRET_MIN_CHARS..=SECRET_MAX_CHARS).contains(&n) {
            return Err(FieldError::new(
                "",
                "invalid_length",
                format!("{SECRET_MIN_CHARS} to {SECRET_MAX_CHARS} characters"),
            ));
        }
        if !s.chars().all(|c| c.is_ascii_graphic()) {
            return Err(FieldError::new(
                "",
                "invalid_format",
                "printable ASCII characters, no spaces",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// A secret the server made (already random and well-formed).
    pub fn generated(s: String) -> Self {
        Self(s)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn parse_events(events: &[String]) -> Result<EventTypes, FieldError> {
    if events.is_empty() {
        return Err(FieldError::new(
            "",
            "required",
            "subscribe to at least one event",
        ));
    }
    let most = EventType::subscribable().count();
    if events.len() > most {
        return Err(FieldError::new(
            "",
            "too_many",
            format!("at most {most} events: each one once"),
        ));
    }
    let mut set = Vec::with_capacity(events.len());
    for (i, name) in events.iter().enumerate() {
        match EventType::parse(name) {
            Some(EventType::Ping) | None => {
                return Err(FieldError::new(
                    format!("[{i}]"),
                    "unknown_event",
                    format!(
                        "`{name}` is not an event; one of: {}",
                        EventType::subscribable()
                            .map(|e| e.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
            Some(e) => set.push(e),
        }
    }
    Ok(EventTypes::of(set))
}

/// Collects a URL's field problems with the others'; a URL refused for where it points is
/// kept aside, reported once every field is well-formed.
fn url_field(
    errors: &mut FieldErrors,
    parsed: Result<WebhookUrl, DomainError>,
    refusal: &mut Option<DomainError>,
) -> Option<WebhookUrl> {
    match parsed {
        Ok(url) => Some(url),
        Err(DomainError::Invalid(fields)) => {
            fields.into_iter().for_each(|f| errors.push(f));
            None
        }
        Err(refused) => {
            *refusal = Some(refused);
            None
        }
    }
}

/// A webhook to create: where, for which events, and its secret if the client chose one.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: WebhookUrl,
    pub events: EventTypes,
    pub secret: Option<Secret>,
}

impl NewWebhook {
    /// Every field's problems at once; a URL refused for where it points is its own error
    /// (`webhook_url_not_allowed`), once the rest is well-formed.
    pub fn parse(
        url: &str,
        events: &[String],
        secret: Option<&str>,
        allow_loopback: bool,
    ) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let mut refusal = None;
        let events = errors.check("events", parse_events(events));
        let secret = secret.map(|s| errors.check("secret", Secret::parse(s)));
        let url = url_field(
            &mut errors,
            WebhookUrl::parse(url, allow_loopback),
            &mut refusal,
        );
        errors.finish()?;
        if let Some(refused) = refusal {
            return Err(refused);
        }
        match (url, events, secret) {
            (Some(url), Some(events), secret) => Ok(Self {
                url,
                events,
                secret: secret.flatten(),
            }),
            _ => Err(DomainError::invalid(
                "",
                "invalid",
                "the webhook is invalid",
            )),
        }
    }
}

/// What a `PATCH` of a webhook changes; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct WebhookChange {
    pub url: Option<WebhookUrl>,
    pub events: Option<EventTypes>,
    pub secret: Option<Secret>,
    /// `true` switches a webhook on again (its failure streak forgotten); `false` pauses it.
    pub active: Option<bool>,
}

impl WebhookChange {
    pub fn parse(
        url: Option<&str>,
        events: Option<&[String]>,
        secret: Option<&str>,
        active: Option<bool>,
        allow_loopback: bool,
    ) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let mut refusal = None;
        let events = events.and_then(|e| errors.check("events", parse_events(e)));
        let secret = secret.and_then(|s| errors.check("secret", Secret::parse(s)));
        let url = url.and_then(|u| {
            url_field(
                &mut errors,
                WebhookUrl::parse(u, allow_loopback),
                &mut refusal,
            )
        });
        errors.finish()?;
        if let Some(refused) = refusal {
            return Err(refused);
        }
        Ok(Self {
            url,
            events,
            secret,
            active,
        })
    }
}

/// The text a delivery's signature is computed over: `"<t>.<body>"`, `t` in Unix seconds.
pub fn signed_content(t: i64, body: &str) -> String {
    format!("{t}.{body}")
}

/// How a webhook's deliveries are retried: after `base` (`EXTRANET_WEBHOOK_RETRY_BASE_SECONDS`),
/// doubling each time, at most [`MAX_BACKOFF_SECONDS`] apart, of which a random half is waited
/// so that deliveries failing together do not come back together; given up after
/// [`MAX_ATTEMPTS`] attempts.
pub fn retries(base: Duration) -> Backoff {
    Backoff {
        base,
        cap: Duration::seconds(MAX_BACKOFF_SECONDS),
        attempts: MAX_ATTEMPTS,
    }
}

/// Whether a webhook whose deliveries have failed without a success since `failing_since`
/// is switched off now.
pub fn should_disable(
    failing_since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    after: Duration,
) -> bool {
    failing_since.is_some_and(|since| now - since >= after)
}

/// What the admins read on a webhook that was switched off.
pub fn disabled_reason(failing_since: DateTime<Utc>, last_error: &str) -> String {
    format!(
        "switched off: every delivery failed since {}; the last one: {last_error}. Fix the receiver, then PATCH the webhook with `active: true` and redeliver what it missed",
        failing_since.format("%Y-%m-%d %H:%M UTC")
    )
}

/// The switch-off of a webhook whose deliveries failed since `failing_since`.
pub fn failing(failing_since: DateTime<Utc>, last_error: &str, now: DateTime<Utc>) -> SwitchOff {
    SwitchOff {
        cause: crate::enums::SwitchOffCause::Failing,
        at: now,
        reason: disabled_reason(failing_since, last_error),
    }
}

/// Whether a delivery made at `created_at`, waiting while its webhook is switched off, is
/// past its lifetime at `now` ([`DELIVERY_LIFETIME_HOURS`]): then it is given up.
pub fn outlived(created_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - created_at >= Duration::hours(DELIVERY_LIFETIME_HOURS)
}

/// Why a paused delivery past its lifetime was given up.
pub fn outlived_reason() -> String {
    format!(
        "given up: its webhook was switched off for more than the {DELIVERY_LIFETIME_HOURS} hours a delivery waits after its event; redeliver it once the webhook is on"
    )
}

/// Where a webhook's delivery stands as its log shows it at `now`: a paused one past its
/// lifetime is given up (whether or not a switch-on has written it so).
pub fn delivery_status(
    stored: crate::enums::DeliveryStatus,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> crate::enums::DeliveryStatus {
    use crate::enums::DeliveryStatus::{Failed, Paused};
    if stored == Paused && outlived(created_at, now) {
        Failed
    } else {
        stored
    }
}

/// Redelivering to a webhook: only while it is switched on (a switched-off webhook is sent
/// nothing; its pings, which try the receiver, still go).
pub fn may_redeliver(active: bool) -> Result<(), DomainError> {
    if active {
        Ok(())
    } else {
        Err(DomainError::WebhookInactive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_has_at_most_twenty_webhooks() {
        assert!(may_add_webhook(0).is_ok());
        assert!(may_add_webhook(MAX_WEBHOOKS_PER_ACCOUNT - 1).is_ok());
        let e = may_add_webhook(MAX_WEBHOOKS_PER_ACCOUNT).unwrap_err();
        assert_eq!(e.code(), "too_many_webhooks");
    }

    #[test]
    fn a_webhook_failing_for_long_enough_is_switched_off() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let after = Duration::hours(DISABLE_AFTER_HOURS);
        assert!(!should_disable(None, now, after));
        assert!(!should_disable(Some(now - Duration::hours(71)), now, after));
        assert!(should_disable(Some(now - after), now, after));
        let why = disabled_reason(now, "HTTP 500");
        assert!(why.contains("HTTP 500") && why.contains("active: true"));
    }

    #[test]
    fn a_paused_delivery_waits_for_its_lifetime_then_is_given_up() {
        use crate::enums::DeliveryStatus::{Failed, Paused, Pending};
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let young = now - Duration::hours(DELIVERY_LIFETIME_HOURS - 1);
        let old = now - Duration::hours(DELIVERY_LIFETIME_HOURS);
        assert_eq!(delivery_status(Paused, young, now), Paused);
        assert_eq!(delivery_status(Paused, old, now), Failed);
        assert_eq!(delivery_status(Pending, old, now), Pending);
        assert!(outlived_reason().contains("72 hours"));
        assert_eq!(may_redeliver(false).unwrap_err().code(), "webhook_inactive");
        assert!(may_redeliver(true).is_ok());
        let off = failing(old, "HTTP 500", now);
        assert_eq!(off.cause, crate::enums::SwitchOffCause::Failing);
        assert!(off.reason.contains("HTTP 500"));
    }

    #[test]
    fn webhooks_are_parsed_whole() {
        let ok = NewWebhook::parse(
            "https://hooks.example.com/x",
            &["invitation.created".into(), "user.dismissed".into()],
            None,
            false,
        )
        .unwrap();
        assert!(ok.events.contains(EventType::UserDismissed));
        let e = NewWebhook::parse("nope", &["ping".into()], Some("short"), false).unwrap_err();
        let fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["events[0]", "secret", "url"]);
        let e = NewWebhook::parse("ftp://x.example/", &["user.dismissed".into()], None, false)
            .unwrap_err();
        assert_eq!(e.code(), "webhook_url_not_allowed");
        let e = NewWebhook::parse("https://x.example/", &[], None, false).unwrap_err();
        assert_eq!(e.field_errors()[0].field, "events");
        let many = vec!["user.dismissed".to_owned(); EventType::ALL.len()];
        let e = NewWebhook::parse("https://x.example/", &many, None, false).unwrap_err();
        assert_eq!(e.field_errors()[0].code, "too_many");
        assert!(Secret::parse("with a space in it!!").is_err());
        assert!(Secret::parse("0123456789abcdef").is_ok());
        let change = WebhookChange::parse(None, None, None, Some(true), false).unwrap();
        assert_eq!(change.active, Some(true));
        assert_eq!(signed_content(5, "{}"), "5.{}");
    }
}
