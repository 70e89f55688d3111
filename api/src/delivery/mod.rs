//! The delivery worker: claims due outbox rows, writes each message, sends it, and records
//! the outcome; failures are retried with backoff and given up after a while. Woken at once
//! after a request commits a message, and every second anyway (retries, other processes,
//! messages left by a previous run).

pub mod transport;
pub mod webhooks;

use crate::clock::Clock;
use crate::metrics::{DeliveryOutcome, Metrics};
use crate::secrets::TokenSealer;
use crate::shutdown::Stopping;
use domain::access_end::reminders::Reminder;
use domain::delivery::access_ending::{
    render_access_ending, render_access_ending_to_inviter, AccessEnding,
};
use domain::delivery::{
    render_approval_decision, render_erasure_code, render_invitation, render_join_code,
    render_login_change_code, render_login_changed, render_membership_invitation,
    render_password_replaced, render_password_reset_code, render_sign_up_code,
    render_two_factor_changed, InvitationMessage, Rendered, TwoFactorChange, RETRIES,
};
use domain::enums::Channel;
use domain::locale::Locale;
use persistence::outbox::{self, Attempt, Claimed, Recorded};
use persistence::Database;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use transport::{EmailTransport, Outgoing, SmsTransport};

/// Messages claimed per round.
const BATCH: i64 = 64;

/// How long a worker waits after `failures` rounds in a row failed (the database does not
/// answer): 1 s, 2 s, 4 s, then 8 s, unless a committed message wakes it sooner.
pub(crate) fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1 << failures.saturating_sub(1).min(3))
}

/// A worker's loop, until told to stop: a round right after one that did something, else a
/// pause — a second, or [`backoff`] after failed rounds (logged as `what` failed) — cut short
/// by `wakeup` (a message committed) or the stop. The round in hand is always finished.
pub(crate) async fn rounds<F, Fut>(what: &str, wakeup: &Notify, stop: &Stopping, mut round: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize, String>>,
{
    let mut failures = 0;
    while !stop.is_set() {
        let pause = match round().await {
            Ok(n) if n > 0 => {
                failures = 0;
                continue;
            }
            Ok(_) => {
                failures = 0;
                Duration::from_secs(1)
            }
            Err(e) => {
                failures += 1;
                let pause = backoff(failures);
                tracing::error!(error = %e, failures, retry_in_ms = pause.as_millis(), "{what} round failed");
                pause
            }
        };
        tokio::select! {
            () = wakeup.notified() => {}
            () = tokio::time::sleep(pause) => {}
            () = stop.wait() => {}
        }
    }
}

pub struct Deliveries {
    pub db: Database,
    pub email: EmailTransport,
    pub sms: SmsTransport,
    pub sealer: Arc<TokenSealer>,
    pub public_url: String,
    pub wakeup: Arc<Notify>,
    /// How long a claimed message is this worker's alone.
    pub lease: chrono::Duration,
    pub clock: Clock,
    /// Where attempts are counted.
    pub metrics: Metrics,
}

fn text(payload: &Value, key: &str) -> Option<String> {
    payload.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// What a `two_factor_changed` message says happened: `how`, with `recovery_codes_left` for
/// a used recovery code and `by` (`"support"`) for a switch-off the operator made.
fn two_factor_change(payload: &Value) -> Result<TwoFactorChange, String> {
    match text(payload, "how").as_deref() {
        Some("enabled") => Ok(TwoFactorChange::Enabled),
        Some("disabled") => Ok(TwoFactorChange::Disabled {
            by_support: text(payload, "by").as_deref() == Some("support"),
        }),
        Some("recovery_code_used") => payload
            .get("recovery_codes_left")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .map(|left| TwoFactorChange::RecoveryCodeUsed { left })
            .ok_or_else(|| "the message says no number of recovery codes left".to_owned()),
        Some("recovery_codes_renewed") => Ok(TwoFactorChange::RecoveryCodesRenewed),
        other => Err(format!("unknown two-step change {other:?}")),
    }
}

/// `value` percent-encoded for a URL's fragment, read back by the page with
/// `URLSearchParams` (so `+` must not stay a `+`, which it would read as a space).
fn fragment_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' | b'@' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Deliveries {
    /// Writes the message a claimed row stands for.
    fn compose(&self, m: &Claimed) -> Result<Outgoing, String> {
        let p = &m.payload;
        let account = text(p, "account_name").unwrap_or_default();
        let inviter = text(p, "inviter_name").unwrap_or_default();
        // Decided when the message was queued; a message queued before there were languages
        // has none, and was English.
        let locale = text(p, "locale")
            .and_then(|l| Locale::parse(&l))
            .unwrap_or_default();
        match p.get("kind").and_then(Value::as_str) {
            Some("invitation") => {
                let sealed = text(p, "sealed_token").ok_or("the message has no token")?;
                let token = self.sealer.open(&sealed).ok_or(
                    "the token cannot be opened: the secret changed since the invitation was written; resend it",
                )?;
                // In the fragment: browsers never send it, so the token reaches no server log
                // and no `Referer` header.
                let link = format!("{}/accept#token={token}", self.public_url);
                let first = text(p, "invitee_first_name").unwrap_or_default();
                let group = text(p, "workgroup_name");
                let personal = text(p, "personal_message");
                let rendered = render_invitation(
                    locale,
                    m.channel,
                    &InvitationMessage {
                        account_name: &account,
                        inviter_name: &inviter,
                        invitee_first_name: &first,
                        workgroup_name: group.as_deref(),
                        personal_message: personal.as_deref(),
                        link: &link,
                    },
                );
                Ok(Outgoing {
                    id: m.id,
                    to: m.recipient.clone(),
                    subject: rendered.subject,
                    text: rendered.text,
                    link: Some(link),
                    code: None,
                })
            }
            Some("sign_up_code") => self.code_message(
                m,
                "the code cannot be opened: the secret changed since the sign-up; sign up again",
                domain::sign_up::CODE_TTL_MINUTES,
                |code, minutes| render_sign_up_code(locale, m.channel, code, minutes),
            ),
            Some("join_code") => self.code_message(
                m,
                "the code cannot be opened: the secret changed since it was asked for; ask again",
                domain::sign_up::CODE_TTL_MINUTES,
                |code, minutes| render_join_code(locale, m.channel, code, minutes),
            ),
            Some("login_change_code") => self.code_message(
                m,
                "the code cannot be opened: the secret changed since it was asked for; ask again",
                domain::login_change::CODE_TTL_MINUTES,
                |code, minutes| render_login_change_code(locale, m.channel, code, minutes),
            ),
            Some("erasure_code") => self.code_message(
                m,
                "the code cannot be opened: the secret changed since it was asked for; ask again",
                domain::erasure::CODE_TTL_MINUTES,
                |code, minutes| render_erasure_code(locale, m.channel, code, minutes),
            ),
            Some("login_changed") => {
                let new_login = text(p, "new_login").unwrap_or_default();
                let rendered = render_login_changed(locale, m.channel, &new_login);
                Ok(Outgoing {
                    id: m.id,
                    to: m.recipient.clone(),
                    subject: rendered.subject,
                    text: rendered.text,
                    link: None,
                    code: None,
                })
            }
            Some("password_reset_code") => {
                // The page opens at the code, for the login it went to (in the fragment, which
                // reaches no server).
                let login = text(p, "login").unwrap_or_default();
                let page = format!(
                    "{}/reset-password#login={}",
                    self.public_url,
                    fragment_value(&login)
                );
                let mut outgoing = self.code_message(
                    m,
                    "the code cannot be opened: the secret changed since it was asked for; ask again",
                    domain::password_reset::CODE_TTL_MINUTES,
                    |code, minutes| {
                        render_password_reset_code(locale, m.channel, code, minutes, &page)
                    },
                )?;
                outgoing.link = Some(page);
                Ok(outgoing)
            }
            Some("password_replaced") => {
                let reset = text(p, "how").as_deref() == Some("reset");
                let page = format!("{}/reset-password", self.public_url);
                let rendered = render_password_replaced(locale, m.channel, reset, &page);
                Ok(Outgoing {
                    id: m.id,
                    to: m.recipient.clone(),
                    subject: rendered.subject,
                    text: rendered.text,
                    link: None,
                    code: None,
                })
            }
            Some("two_factor_changed") => {
                let how = two_factor_change(p)?;
                let page = format!("{}/reset-password", self.public_url);
                let rendered = render_two_factor_changed(locale, m.channel, how, &page);
                Ok(Outgoing {
                    id: m.id,
                    to: m.recipient.clone(),
                    subject: rendered.subject,
                    text: rendered.text,
                    link: None,
                    code: None,
                })
            }
            Some("membership_invitation") => {
                let group = text(p, "workgroup_name").unwrap_or_default();
                let rendered = render_membership_invitation(locale, &account, &inviter, &group);
                Ok(Outgoing {
                    id: m.id,
                    to: m.recipient.clone(),
                    subject: rendered.subject,
                    text: rendered.text,
                    link: None,
                    code: None,
                })
            }
            Some("approval_decision") => {
                let approved = p.get("approved").and_then(Value::as_bool) == Some(true);
                let approver = text(p, "approver_name").unwrap_or_default();
                let invitee = text(p, "invitee").unwrap_or_default();
                let rendered =
                    render_approval_decision(locale, approved, &account, &approver, &invitee);
                Ok(Outgoing {
                    id: m.id,
                    to: m.recipient.clone(),
                    subject: rendered.subject,
                    text: rendered.text,
                    link: None,
                    code: None,
                })
            }
            Some("access_ending") => {
                let ends = p
                    .get("ends_at")
                    .and_then(Value::as_str)
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .ok_or("the message has no end of access")?
                    .with_timezone(&chrono::Utc);
                let reminder = text(p, "reminder")
                    .and_then(|r| Reminder::parse(&r))
                    .ok_or("the message names no reminder")?;
                let ending = AccessEnding {
                    reminder,
                    account_name: &account,
                    ends,
                };
                let rendered = match text(p, "to").as_deref() {
                    Some("inviter") => {
                        let user = text(p, "user").unwrap_or_default();
                        render_access_ending_to_inviter(locale, &ending, &user)
                    }
                    _ => {
                        let first = text(p, "first_name").unwrap_or_default();
                        let inviter = text(p, "inviter_name");
                        render_access_ending(locale, m.channel, &ending, &first, inviter.as_deref())
                    }
                };
                Ok(Outgoing {
                    id: m.id,
                    to: m.recipient.clone(),
                    subject: rendered.subject,
                    text: rendered.text,
                    link: None,
                    code: None,
                })
            }
            other => Err(format!("unknown message kind {other:?}")),
        }
    }

    /// A message carrying a confirmation code: the code sealed in the payload, opened now.
    fn code_message(
        &self,
        m: &Claimed,
        unopenable: &str,
        default_minutes: i64,
        render: impl FnOnce(&str, i64) -> Rendered,
    ) -> Result<Outgoing, String> {
        let sealed = text(&m.payload, "sealed_token").ok_or("the message has no code")?;
        let code = self.sealer.open(&sealed).ok_or(unopenable)?;
        let minutes = m
            .payload
            .get("expires_in_minutes")
            .and_then(Value::as_i64)
            .unwrap_or(default_minutes);
        let rendered = render(&code, minutes);
        Ok(Outgoing {
            id: m.id,
            to: m.recipient.clone(),
            subject: rendered.subject,
            text: rendered.text,
            link: None,
            code: Some(code),
        })
    }

    async fn attempt(&self, m: &Claimed) -> Attempt {
        let sent = match self.compose(m) {
            Ok(outgoing) => match m.channel {
                Channel::Email => self.email.send(&outgoing).await,
                Channel::Sms => self.sms.send(&outgoing).await,
                Channel::Webhook => Err("webhooks are not delivered yet".to_owned()),
            },
            Err(e) => Err(e),
        };
        match sent {
            Ok(()) => {
                self.metrics
                    .record_delivery(m.channel, DeliveryOutcome::Sent);
                Attempt::Sent
            }
            Err(error) => {
                let attempts = m.attempts + 1;
                let retry_at = RETRIES
                    .after(attempts, 1.0)
                    .map(|wait| self.clock.now() + wait);
                tracing::warn!(message_id = %m.id, channel = %m.channel, attempts, %error, gave_up = retry_at.is_none(), "delivery failed");
                let outcome = if retry_at.is_some() {
                    DeliveryOutcome::Retry
                } else {
                    DeliveryOutcome::GivenUp
                };
                self.metrics.record_delivery(m.channel, outcome);
                Attempt::Failed { error, retry_at }
            }
        }
    }

    /// One round: claim, send, record. Returns how many messages it handled.
    pub async fn round(&self) -> Result<usize, String> {
        let (db, lease, now) = (self.db.clone(), self.lease, self.clock.now());
        let claimed = actix_web::web::block(move || outbox::claim_due(&db, now, lease, BATCH))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let attempts =
            futures_util::future::join_all(claimed.iter().map(|m| self.attempt(m))).await;
        let outcomes: Vec<Recorded> = claimed
            .iter()
            .zip(attempts)
            .map(|(m, attempt)| Recorded {
                message: m.id,
                invitation: m.invitation_id().map(str::to_owned),
                attempts_before: m.attempts,
                attempt,
            })
            .collect();
        let n = outcomes.len();
        let (db, now) = (self.db.clone(), self.clock.now());
        actix_web::web::block(move || outbox::record_attempts(&db, outcomes, now))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        Ok(n)
    }

    /// Runs until told to stop: the round in hand is finished (its messages sent and their
    /// outcomes recorded), no new one is started. While the database is unreachable each
    /// round fails at once; the worker logs it and backs off (`backoff`).
    pub async fn run(self, stop: Stopping) {
        rounds("delivery", &self.wakeup, &stop, || self.round()).await;
        tracing::debug!("the delivery worker stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::{backoff, fragment_value, two_factor_change};
    use domain::delivery::TwoFactorChange;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn a_two_step_notice_reads_what_changed_and_refuses_what_it_cannot_say() {
        let read = |payload| two_factor_change(&payload);
        assert_eq!(
            read(json!({"how": "enabled"})),
            Ok(TwoFactorChange::Enabled)
        );
        assert_eq!(
            read(json!({"how": "disabled"})),
            Ok(TwoFactorChange::Disabled { by_support: false })
        );
        assert_eq!(
            read(json!({"how": "disabled", "by": "support"})),
            Ok(TwoFactorChange::Disabled { by_support: true })
        );
        assert_eq!(
            read(json!({"how": "recovery_code_used", "recovery_codes_left": 7})),
            Ok(TwoFactorChange::RecoveryCodeUsed { left: 7 })
        );
        for malformed in [
            json!({"how": "reinstated"}),
            json!({}),
            json!({"how": 1}),
            json!({"how": "recovery_code_used"}),
            json!({"how": "recovery_code_used", "recovery_codes_left": -1}),
            json!({"how": "recovery_code_used", "recovery_codes_left": "7"}),
        ] {
            assert!(read(malformed.clone()).is_err(), "{malformed}");
        }
    }

    #[test]
    fn a_login_in_a_link_reads_back_as_it_was() {
        assert_eq!(fragment_value("+14155550101"), "%2B14155550101");
        assert_eq!(
            fragment_value("ann.o-k_@client.example"),
            "ann.o-k_@client.example"
        );
        assert_eq!(fragment_value("a&b=c#d"), "a%26b%3Dc%23d");
    }

    #[test]
    fn a_failing_worker_waits_longer_each_time_up_to_eight_seconds() {
        let waits: Vec<u64> = (1..=6).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 8, 8]);
        assert_eq!(backoff(u32::MAX), Duration::from_secs(8));
    }
}
