//! Sending quotas: how many messages the service sends for one account and to one address, so
//! that nobody can use it to spam people, run up SMS bills (toll fraud) or phish in the
//! account's and inviter's names. Counted per fixed window: per account and channel per hour
//! (UTC hours), per recipient address per day (UTC days) across all accounts. The defaults are
//! far above what a real agency sends; an operator changes them, or switches one off.
//!
//! Codes that prove a login (a sign-up's, a login change's) are asked for by people who have
//! proved nothing about the address they name: they never count against an account's or the
//! recipient's quota above, which invitations rely on (rule 11), but against budgets of their
//! own ([`CodeBudgets`]): per recipient and per client address each hour, and a ceiling per
//! hour and channel for all of them together.

use crate::enums::Channel;
use crate::error::DomainError;
use crate::ids::AccountId;
use chrono::{DateTime, Duration, DurationRound, Utc};

/// The budgets of codes sent to prove a login, each `None` when switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeBudgets {
    /// Codes one address (email or phone) may receive per hour.
    pub per_recipient_hour: Option<u32>,
    /// Codes one client address may ask for per hour.
    pub per_client_hour: Option<u32>,
    /// Codes sent by email per hour, for everyone together.
    pub email_per_hour: Option<u32>,
    /// Codes sent by text message per hour, for everyone together (each costs money).
    pub sms_per_hour: Option<u32>,
}

impl CodeBudgets {
    pub const DEFAULT_PER_RECIPIENT_HOUR: u32 = 3;
    pub const DEFAULT_PER_CLIENT_HOUR: u32 = 20;
    pub const DEFAULT_EMAIL_PER_HOUR: u32 = 1_000;
    pub const DEFAULT_SMS_PER_HOUR: u32 = 100;

    /// From configured numbers, where 0 switches a budget off.
    pub fn new(per_recipient_hour: u32, per_client_hour: u32, email: u32, sms: u32) -> Self {
        let limit = |n: u32| (n > 0).then_some(n);
        Self {
            per_recipient_hour: limit(per_recipient_hour),
            per_client_hour: limit(per_client_hour),
            email_per_hour: limit(email),
            sms_per_hour: limit(sms),
        }
    }

    fn per_channel_hour(&self, channel: Channel) -> Option<u32> {
        match channel {
            Channel::Email => self.email_per_hour,
            Channel::Sms => self.sms_per_hour,
            Channel::Webhook => None,
        }
    }
}

impl Default for CodeBudgets {
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_PER_RECIPIENT_HOUR,
            Self::DEFAULT_PER_CLIENT_HOUR,
            Self::DEFAULT_EMAIL_PER_HOUR,
            Self::DEFAULT_SMS_PER_HOUR,
        )
    }
}

/// The limits, each `None` when switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendingQuotas {
    /// Emails one account may send per hour.
    pub email_per_account_hour: Option<u32>,
    /// Text messages one account may send per hour.
    pub sms_per_account_hour: Option<u32>,
    /// Messages one address (email or phone) may receive per day, from every account together.
    pub per_recipient_day: Option<u32>,
    /// What codes to prove a login may cost.
    pub codes: CodeBudgets,
}

impl SendingQuotas {
    pub const DEFAULT_EMAIL_PER_ACCOUNT_HOUR: u32 = 2_000;
    pub const DEFAULT_SMS_PER_ACCOUNT_HOUR: u32 = 500;
    pub const DEFAULT_PER_RECIPIENT_DAY: u32 = 10;

    /// From configured numbers, where 0 switches a limit off.
    pub fn new(
        email_per_account_hour: u32,
        sms_per_account_hour: u32,
        per_recipient_day: u32,
    ) -> Self {
        let limit = |n: u32| (n > 0).then_some(n);
        Self {
            email_per_account_hour: limit(email_per_account_hour),
            sms_per_account_hour: limit(sms_per_account_hour),
            per_recipient_day: limit(per_recipient_day),
            codes: CodeBudgets::default(),
        }
    }

    /// With `codes` as the budgets of codes.
    pub fn with_codes(self, codes: CodeBudgets) -> Self {
        Self { codes, ..self }
    }

    /// The account's hourly limit for a channel (webhooks are not messages to people).
    pub fn per_account_hour(&self, channel: Channel) -> Option<u32> {
        match channel {
            Channel::Email => self.email_per_account_hour,
            Channel::Sms => self.sms_per_account_hour,
            Channel::Webhook => None,
        }
    }
}

impl Default for SendingQuotas {
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_EMAIL_PER_ACCOUNT_HOUR,
            Self::DEFAULT_SMS_PER_ACCOUNT_HOUR,
            Self::DEFAULT_PER_RECIPIENT_DAY,
        )
    }
}

/// What one message counts against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counter {
    /// The sending account's messages of a channel, per hour.
    Account {
        account: AccountId,
        channel: Channel,
    },
    /// An address's messages from anyone, per day.
    Recipient(String),
    /// Codes of one purpose sent to an address, per hour: a stranger who asks for sign-up codes
    /// to someone's address spends that budget only, never the one their password reset needs.
    CodesTo(CodePurpose, String),
    /// Codes a client address asked for, per hour.
    CodesFrom(String),
    /// Codes sent on a channel, for everyone, per hour.
    Codes(Channel),
}

impl Counter {
    /// The name the storage counts it under.
    pub fn key(&self) -> String {
        match self {
            Self::Account { account, channel } => format!("account:{account}:{channel}"),
            Self::Recipient(address) => format!("recipient:{address}"),
            Self::CodesTo(purpose, address) => format!("codes-to:{purpose}:{address}"),
            Self::CodesFrom(client) => format!("codes-from:{client}"),
            Self::Codes(channel) => format!("codes:{channel}"),
        }
    }

    fn window(&self) -> Duration {
        match self {
            Self::Recipient(_) => Duration::days(1),
            Self::Account { .. } | Self::CodesTo(..) | Self::CodesFrom(_) | Self::Codes(_) => {
                Duration::hours(1)
            }
        }
    }

    /// Whether it is the ceiling of codes for everyone: reaching it is an operator's matter.
    pub fn is_code_ceiling(&self) -> bool {
        matches!(self, Self::Codes(_))
    }

    /// The start of the window `now` falls in (UTC hours and days).
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now.duration_trunc(self.window()).unwrap_or(now)
    }

    /// When the window `now` falls in ends, and the count starts over.
    pub fn window_end(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.window_start(now) + self.window()
    }

    pub fn limit(&self, quotas: &SendingQuotas) -> Option<u32> {
        match self {
            Self::Account { channel, .. } => quotas.per_account_hour(*channel),
            Self::Recipient(_) => quotas.per_recipient_day,
            Self::CodesTo(..) => quotas.codes.per_recipient_hour,
            Self::CodesFrom(_) => quotas.codes.per_client_hour,
            Self::Codes(channel) => quotas.codes.per_channel_hour(*channel),
        }
    }
}

/// One message about to be sent: its channel and its recipient's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sending<'a> {
    pub channel: Channel,
    pub recipient: &'a str,
}

/// The counters a request's messages count against, each with how many it adds, in one stable
/// order (the storage takes their locks in that order, so two requests never deadlock). An
/// account's counters are left out for messages sent for no account (sign-up codes); counters
/// with no limit are left out altogether.
pub fn counters_for(
    account: Option<AccountId>,
    messages: &[Sending<'_>],
    quotas: &SendingQuotas,
) -> Vec<(Counter, u32)> {
    let mut counters: Vec<(Counter, u32)> = Vec::new();
    let mut add = |counter: Counter| {
        if counter.limit(quotas).is_none() {
            return;
        }
        match counters.iter_mut().find(|(c, _)| *c == counter) {
            Some((_, n)) => *n += 1,
            None => counters.push((counter, 1)),
        }
    };
    for m in messages {
        if m.channel == Channel::Webhook {
            continue;
        }
        if let Some(account) = account {
            add(Counter::Account {
                account,
                channel: m.channel,
            });
        }
        add(Counter::Recipient(m.recipient.to_owned()));
    }
    counters.sort_by_cached_key(|(c, _)| c.key());
    counters
}

/// What a code is sent for: each has its own budget per recipient address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum CodePurpose {
    SignUp,
    LoginChange,
    PasswordReset,
    JoinLink,
    /// A person's own erasure confirmed (rule 14).
    Erasure,
}

impl CodePurpose {
    /// The purpose in a sentence: "sign-up", "login change", "password reset".
    pub fn words(self) -> &'static str {
        match self {
            Self::SignUp => "sign-up",
            Self::LoginChange => "login change",
            Self::PasswordReset => "password reset",
            Self::JoinLink => "join link",
            Self::Erasure => "erasure",
        }
    }
}

/// The counters a code to prove a login counts against: its recipient's budget for codes of
/// its purpose, its asker's client address's and its channel's budgets of codes, never an
/// account's or the recipient's daily quota (rule 11). In one stable order, as
/// [`counters_for`].
pub fn code_counters(
    code: &Sending<'_>,
    purpose: CodePurpose,
    client: &str,
    quotas: &SendingQuotas,
) -> Vec<(Counter, u32)> {
    let mut counters: Vec<(Counter, u32)> = [
        Counter::CodesTo(purpose, code.recipient.to_owned()),
        Counter::CodesFrom(client.to_owned()),
        Counter::Codes(code.channel),
    ]
    .into_iter()
    .filter(|c| c.limit(quotas).is_some())
    .map(|c| (c, 1))
    .collect();
    counters.sort_by_cached_key(|(c, _)| c.key());
    counters
}

/// Whether the messages fit: `used` is each counter's count with them included. Over any
/// limit, the whole request is refused (429 `sending_quota_exceeded`), with the time until the
/// window that ran out starts over.
pub fn check_sending_quota(
    used: &[(Counter, u32)],
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    for (counter, used) in used {
        let Some(limit) = counter.limit(quotas) else {
            continue;
        };
        if *used > limit {
            let wait = (counter.window_end(now) - now).num_seconds().max(1);
            let what = match counter {
                Counter::Account { channel, .. } => {
                    format!("the account may send {limit} {channel} messages an hour")
                }
                Counter::Recipient(address) => {
                    format!("`{address}` may receive {limit} messages a day")
                }
                Counter::CodesTo(purpose, _) => {
                    format!(
                        "this address may receive {limit} {} codes an hour",
                        purpose.words()
                    )
                }
                Counter::CodesFrom(_) => {
                    format!("this client address may ask for {limit} codes an hour")
                }
                Counter::Codes(channel) => format!(
                    "the server sends at most {limit} codes by {channel} an hour; try later or \
                     use another way to sign in"
                ),
            };
            return Err(DomainError::SendingQuotaExceeded {
                what,
                retry_after_seconds: u32::try_from(wait).unwrap_or(u32::MAX),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, h, m, 0).unwrap()
    }

    #[test]
    fn zero_switches_a_limit_off() {
        let q = SendingQuotas::new(0, 5, 0);
        assert_eq!(q.per_account_hour(Channel::Email), None);
        assert_eq!(q.per_account_hour(Channel::Sms), Some(5));
        assert_eq!(q.per_recipient_day, None);
    }

    #[test]
    fn messages_count_against_their_account_channel_and_each_recipient() {
        let account = AccountId(Uuid::from_u128(1));
        let quotas = SendingQuotas::default();
        let messages = [
            Sending {
                channel: Channel::Email,
                recipient: "b@x.example",
            },
            Sending {
                channel: Channel::Sms,
                recipient: "+14155550101",
            },
            Sending {
                channel: Channel::Email,
                recipient: "a@x.example",
            },
        ];
        let counters = counters_for(Some(account), &messages, &quotas);
        let keys: Vec<(String, u32)> = counters.iter().map(|(c, n)| (c.key(), *n)).collect();
        assert_eq!(
            keys,
            [
                (format!("account:{account}:email"), 2),
                (format!("account:{account}:sms"), 1),
                ("recipient:+14155550101".into(), 1),
                ("recipient:a@x.example".into(), 1),
                ("recipient:b@x.example".into(), 1),
            ]
        );
        // No account: sign-up codes count against their recipient only.
        assert_eq!(counters_for(None, &messages[..1], &quotas).len(), 1);
        // A switched-off limit is not counted at all.
        let off = SendingQuotas::new(0, 0, 0);
        assert!(counters_for(Some(account), &messages, &off).is_empty());
    }

    #[test]
    fn a_code_counts_against_the_budgets_of_codes_never_an_accounts_or_the_recipients_quota() {
        let quotas = SendingQuotas::default();
        let code = Sending {
            channel: Channel::Sms,
            recipient: "+14155550101",
        };
        let keys: Vec<(String, u32)> =
            code_counters(&code, CodePurpose::SignUp, "198.51.100.7", &quotas)
                .iter()
                .map(|(c, n)| (c.key(), *n))
                .collect();
        assert_eq!(
            keys,
            [
                ("codes-from:198.51.100.7".into(), 1),
                ("codes-to:sign_up:+14155550101".into(), 1),
                ("codes:sms".into(), 1),
            ]
        );
        assert!(keys.iter().all(|(k, _)| !k.starts_with("recipient:")));
        let limits: Vec<Option<u32>> =
            code_counters(&code, CodePurpose::SignUp, "198.51.100.7", &quotas)
                .iter()
                .map(|(c, _)| c.limit(&quotas))
                .collect();
        assert_eq!(
            limits,
            [
                Some(CodeBudgets::DEFAULT_PER_CLIENT_HOUR),
                Some(CodeBudgets::DEFAULT_PER_RECIPIENT_HOUR),
                Some(CodeBudgets::DEFAULT_SMS_PER_HOUR),
            ]
        );
        // Hourly windows; the ceiling for everyone is the operator's to hear of.
        let now = at(10, 45);
        assert_eq!(
            Counter::CodesTo(CodePurpose::SignUp, "x".into()).window_end(now),
            at(11, 0)
        );
        assert!(Counter::Codes(Channel::Sms).is_code_ceiling());
        assert!(!Counter::CodesTo(CodePurpose::SignUp, "x".into()).is_code_ceiling());
        // Switched off, a budget is not counted.
        let off = quotas.with_codes(CodeBudgets::new(0, 0, 5, 0));
        let keys: Vec<String> = code_counters(&code, CodePurpose::SignUp, "198.51.100.7", &off)
            .iter()
            .map(|(c, _)| c.key())
            .collect();
        assert!(keys.is_empty(), "{keys:?}");
        let over = check_sending_quota(
            &[(
                Counter::CodesTo(CodePurpose::PasswordReset, "+14155550101".into()),
                4,
            )],
            &quotas,
            now,
        )
        .unwrap_err();
        assert_eq!(over.code(), "sending_quota_exceeded");
        // The refusal does not repeat the address a stranger named.
        assert!(!over.to_string().contains("+1415"), "{over}");
    }

    #[test]
    fn over_a_limit_the_request_waits_for_its_window_to_start_over() {
        let account = AccountId(Uuid::from_u128(1));
        let quotas = SendingQuotas::new(3, 3, 2);
        let email = Counter::Account {
            account,
            channel: Channel::Email,
        };
        let now = at(10, 45);
        assert_eq!(email.window_start(now), at(10, 0));
        assert!(check_sending_quota(&[(email.clone(), 3)], &quotas, now).is_ok());
        let Err(DomainError::SendingQuotaExceeded {
            retry_after_seconds,
            ..
        }) = check_sending_quota(&[(email, 4)], &quotas, now)
        else {
            panic!("expected the quota to be exceeded")
        };
        assert_eq!(retry_after_seconds, 15 * 60);
        let recipient = Counter::Recipient("a@x.example".into());
        assert_eq!(recipient.window_end(now), at(0, 0) + Duration::days(1));
        let err = check_sending_quota(&[(recipient, 3)], &quotas, now).unwrap_err();
        assert_eq!(err.code(), "sending_quota_exceeded");
        assert!(err.to_string().contains("a@x.example"));
    }
}
