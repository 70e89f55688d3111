//! Development tools, the part Mailpit and letter_opener play elsewhere: what the console
//! delivery "sent" kept in memory for `/dev/messages` and the `/dev/inbox` page, and the
//! server's clock moved forward from there (`/dev/clock`), so that QA can sign up, follow an
//! invitation's link and see it expire without leaving the browser.
//!
//! Served only where they can do no harm: when email or SMS goes to the console — whose
//! output shows the same codes and links — and the server listens on a loopback address, or
//! where `EXTRANET_DEV=true` says so (with a warning at start). Everywhere else the paths are
//! unknown (404). They are not in the OpenAPI document: they are not part of the API.

use crate::clock::Clock;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

/// Messages the inbox keeps: the newest, the oldest giving way.
pub const KEPT: usize = 500;

/// One message the console delivery printed.
#[derive(Debug, Clone, Serialize)]
pub struct DevMessage {
    /// The outbox row's id (the same on a copy sent again).
    pub id: uuid::Uuid,
    /// When it was "sent", by the server's clock.
    pub sent_at: DateTime<Utc>,
    /// `email` or `sms`.
    pub channel: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The link it carries (an invitation's, a reset page's), if any.
    pub link: Option<String>,
    /// The code it carries (a sign-up's, a login change's, a reset's), if any.
    pub code: Option<String>,
}

/// What the console delivery sent, newest last, at most [`KEPT`].
pub struct DevInbox {
    clock: Clock,
    messages: Mutex<VecDeque<DevMessage>>,
}

impl DevInbox {
    pub fn new(clock: Clock) -> Self {
        Self {
            clock,
            messages: Mutex::new(VecDeque::new()),
        }
    }

    /// Keeps a message just printed (its `sent_at` is set here, by the server's clock).
    pub fn record(&self, mut message: DevMessage) {
        message.sent_at = self.clock.now();
        let mut messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        if messages.len() == KEPT {
            messages.pop_front();
        }
        messages.push_back(message);
    }

    /// Up to `limit` messages, newest first; only those to `to` when given.
    pub fn newest(&self, limit: usize, to: Option<&str>) -> Vec<DevMessage> {
        let messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        messages
            .iter()
            .rev()
            .filter(|m| to.is_none_or(|to| m.to.eq_ignore_ascii_case(to)))
            .take(limit)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(to: &str) -> DevMessage {
        DevMessage {
            id: uuid::Uuid::new_v4(),
            sent_at: DateTime::<Utc>::default(),
            channel: "email",
            to: to.to_owned(),
            subject: "Subject".into(),
            text: "Text".into(),
            link: None,
            code: Some("123456".into()),
        }
    }

    #[test]
    fn the_inbox_keeps_the_newest_first_and_forgets_the_oldest() {
        let inbox = DevInbox::new(Clock::system());
        for i in 0..KEPT + 3 {
            inbox.record(outgoing(&format!("p{i}@client.example")));
        }
        let newest = inbox.newest(2, None);
        assert_eq!(newest[0].to, format!("p{}@client.example", KEPT + 2));
        assert_eq!(newest[1].to, format!("p{}@client.example", KEPT + 1));
        assert_eq!(inbox.newest(KEPT * 2, None).len(), KEPT);
        assert!(inbox.newest(10, Some("p0@client.example")).is_empty());
        assert_eq!(inbox.newest(10, Some("P5@client.example")).len(), 1);
    }
}
