//! Reminders that external users' access ends (issue #30), sent by the upkeep: 7 days and 1 day
//! before the end, to the user and to whoever invited them (the inviter of the invitation it
//! accepted, while that user is active), each in their language, through the outbox.
//!
//! Which reminder is due to whom is the domain's (`access_end::reminders::due`), from the
//! marks of what was sent for which end date, one pair per recipient. Each account's due users
//! are reminded in its transaction, under its lock, in batches: a message and its mark are
//! written together, so two processes (or two runs) never send one reminder twice, and a
//! moved end re-arms both.
//!
//! The messages count against the account's sending quotas like every other message. When a
//! quota refuses one, nothing of it is counted or written and its mark stays as it was: the next
//! upkeep (every minute) tries it again, and a refusal of one of a user's two messages holds
//! back that one only. A reminder still refused when the next one falls due is replaced by it
//! (the 1-day one settles the 7-day one); none is sent once the access has ended.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::shared::tx::{self, Sweep};
use crate::tables::accounts::{account_by_id, AccountRecord};
use crate::tables::invitations::inviter::inviter_of;
use crate::tables::outbox::{self, NewMessage};
use crate::tables::sending_counters::consume_if_within;
use crate::tables::users::reminders::{
    accounts_with_reminders_due, reminders_due_in, set_reminded, AccessEnding,
};
use crate::tables::users::{chosen_locale, user_by_id, UserRecord};
use chrono::{DateTime, Utc};
use domain::access_end::reminders::{due, inviter_is_told, Reminder};
use domain::enums::Channel;
use domain::ids::{AccountId, UserId};
use domain::locale;
use domain::sending::{Sending, SendingQuotas};
use serde_json::{json, Value};
use uuid::Uuid;

/// Accounts read at a time.
const ACCOUNTS: i64 = 100;
/// Users reminded in one transaction of their account.
const BATCH: i64 = 50;

/// Messages of one kind, per reminder.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PerReminder {
    pub seven_days: u32,
    pub one_day: u32,
}

impl PerReminder {
    fn count(&mut self, reminder: Reminder) {
        match reminder {
            Reminder::SevenDays => self.seven_days += 1,
            Reminder::OneDay => self.one_day += 1,
        }
    }

    fn add(&mut self, other: Self) {
        self.seven_days += other.seven_days;
        self.one_day += other.one_day;
    }

    pub fn total(&self) -> u32 {
        self.seven_days + self.one_day
    }
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reminded {
    /// Messages queued.
    pub queued: PerReminder,
    /// Messages a sending quota held back: tried again at the next run.
    pub held_back: PerReminder,
}

/// Sends every reminder due at `now`, account by account; what it queued and held back.
pub fn send_due(
    db: &Database,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<Reminded, StoreError> {
    let mut done = Reminded::default();
    let mut after_account = None;
    loop {
        let accounts =
            db.read(|conn| accounts_with_reminders_due(conn, now, after_account, ACCOUNTS))?;
        for &account in &accounts {
            let mut after_user = None;
            loop {
                let quotas = *quotas;
                let (batch, last) = tx::in_account(db, account, Sweep::No, now, move |conn| {
                    remind_batch(conn, account, &quotas, after_user, now)
                })?;
                done.queued.add(batch.queued);
                done.held_back.add(batch.held_back);
                match last {
                    Some(last) => after_user = Some(last),
                    None => break,
                }
            }
        }
        match accounts.last() {
            Some(&last) if accounts.len() >= ACCOUNTS as usize => after_account = Some(last),
            _ => return Ok(done),
        }
    }
}

/// Reminds a batch of the account's users (after `after`, re-read under its lock); what it did,
/// and the last user read when there may be more.
fn remind_batch(
    conn: &mut DbConnection,
    account: AccountId,
    quotas: &SendingQuotas,
    after: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(Reminded, Option<UserId>), StoreError> {
    let due_users = reminders_due_in(conn, account, now, after, BATCH)?;
    if due_users.is_empty() {
        return Ok((Reminded::default(), None));
    }
    let mut run = Run {
        account: &account_by_id(conn, account)?,
        quotas,
        now,
        done: Reminded::default(),
    };
    for ending in &due_users {
        run.remind(conn, ending)?;
    }
    let more = due_users.len() >= BATCH as usize;
    Ok((
        run.done,
        due_users.last().filter(|_| more).map(|u| u.user_id),
    ))
}

/// Where a message to a user goes: its email, else its phone by SMS.
fn address(user: &UserRecord) -> Option<(Channel, String)> {
    match (&user.email, &user.phone) {
        (Some(email), _) => Some((Channel::Email, email.clone())),
        (None, Some(phone)) => Some((Channel::Sms, phone.clone())),
        (None, None) => None,
    }
}

/// "First Last" of a user.
fn name(user: &UserRecord) -> String {
    format!("{} {}", user.first_name, user.last_name)
}

/// One batch of an account's reminders.
struct Run<'a> {
    account: &'a AccountRecord,
    quotas: &'a SendingQuotas,
    now: DateTime<Utc>,
    done: Reminded,
}

impl Run<'_> {
    /// Sends what is due to one user and its inviter, and writes the marks: of each message
    /// sent, and of a reminder to nobody (no inviter to tell, or no address) as settled.
    fn remind(&mut self, conn: &mut DbConnection, ending: &AccessEnding) -> Result<(), StoreError> {
        let (account, now, end) = (self.account, self.now, ending.end);
        let (to_user, to_inviter) = (due(end, ending.user, now), due(end, ending.inviter, now));
        if to_user.is_none() && to_inviter.is_none() {
            return Ok(());
        }
        let Some(user) = user_by_id(conn, account.id, ending.user_id)?.map(|u| u.as_of(now)) else {
            return Ok(());
        };
        let inviter = match inviter_of(conn, account.id, user.id)? {
            Some(id) => user_by_id(conn, account.id, id)?.map(|u| u.as_of(now)),
            None => None,
        };
        let inviter = inviter.filter(|i| inviter_is_told(Some(i.status)));
        let (mut user_marks, mut inviter_marks) = (ending.user, ending.inviter);
        if let Some(reminder) = to_user {
            let payload = json!({
                "to": "user",
                "account_name": account.name,
                "ends_at": end,
                "first_name": user.first_name,
                "inviter_name": inviter.as_ref().map(name),
            });
            if self.send(conn, &user, reminder, payload)? {
                user_marks = user_marks.after(reminder, end);
            }
        }
        if let Some(reminder) = to_inviter {
            let sent = match &inviter {
                Some(inviter) => {
                    let shown = match user.email.as_deref().or(user.phone.as_deref()) {
                        Some(login) => format!("{} ({login})", name(&user)),
                        None => name(&user),
                    };
                    let payload = json!({
                        "to": "inviter",
                        "account_name": account.name,
                        "ends_at": end,
                        "user": shown,
                    });
                    self.send(conn, inviter, reminder, payload)?
                }
                // Nobody to tell: settled.
                None => true,
            };
            if sent {
                inviter_marks = inviter_marks.after(reminder, end);
            }
        }
        if (user_marks, inviter_marks) != (ending.user, ending.inviter) {
            set_reminded(conn, user.id, user_marks, inviter_marks)?;
        }
        Ok(())
    }

    /// Queues `reminder` to `to`, in their language, when the sending quotas allow it: `true`
    /// when it was queued or there is no address to send it to (settled), `false` when a quota
    /// held it back (nothing counted, nothing queued).
    fn send(
        &mut self,
        conn: &mut DbConnection,
        to: &UserRecord,
        reminder: Reminder,
        mut payload: Value,
    ) -> Result<bool, StoreError> {
        let Some((channel, recipient)) = address(to) else {
            return Ok(true);
        };
        let (account, now) = (self.account, self.now);
        let sending = Sending {
            channel,
            recipient: &recipient,
        };
        if !consume_if_within(conn, Some(account.id), &[sending], self.quotas, now)? {
            self.done.held_back.count(reminder);
            return Ok(false);
        }
        let locale = locale::for_person(
            chosen_locale(conn, to.id)?,
            Some(account.settings.locale),
            None,
        );
        payload["kind"] = json!("access_ending");
        payload["reminder"] = json!(reminder.as_str());
        payload["locale"] = json!(locale);
        let message = NewMessage {
            id: Uuid::now_v7(),
            account_id: Some(account.id),
            channel,
            recipient,
            payload,
        };
        outbox::enqueue(conn, &message, now)?;
        self.done.queued.count(reminder);
        Ok(true)
    }
}
