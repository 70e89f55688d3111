//! The reminders that an external user's access ends (issue #30,
//! [`crate::access_end::reminders`]): to the user, and to whoever invited them. They say when
//! it ends (date and time, UTC) and whom to ask for more time, and carry no text but the names
//! the account already shows (its own, the user's, the inviter's).

use super::Rendered;
use crate::access_end::reminders::Reminder;
use crate::catalogue::{self, Arg, Book};
use crate::enums::Channel;
use crate::locale::Locale;
use chrono::{DateTime, Utc};

/// What both reminders are written from.
#[derive(Debug, Clone, Copy)]
pub struct AccessEnding<'a> {
    pub reminder: Reminder,
    pub account_name: &'a str,
    /// The end of the access.
    pub ends: DateTime<Utc>,
}

/// An instant as the reminders write it: to the minute, in UTC, the same in every language
/// (`2026-12-20 09:30 UTC`).
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn say(locale: Locale, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    catalogue::text(locale, Book::Messages, id, args)
}

/// `week` or `day`, as the subjects' ids name the reminders.
fn within(reminder: Reminder) -> &'static str {
    match reminder {
        Reminder::SevenDays => "week",
        Reminder::OneDay => "day",
    }
}

/// The reminder to the user (`first_name`): by email a greeting and two paragraphs, by SMS one
/// line. More time is asked of `inviter` (their name) or an administrator; of an administrator
/// alone when nobody who invited them is still there.
pub fn render_access_ending(
    locale: Locale,
    channel: Channel,
    m: &AccessEnding<'_>,
    first_name: &str,
    inviter: Option<&str>,
) -> Rendered {
    let ends = when(m.ends);
    let args = [
        ("account", Arg::Text(m.account_name)),
        ("ends", Arg::Text(&ends)),
        ("first_name", Arg::Text(first_name)),
        ("inviter", Arg::Text(inviter.unwrap_or_default())),
    ];
    let ask = if inviter.is_some() { "" } else { "-admins" };
    let subject = say(
        locale,
        &format!("access-ending-{}-subject", within(m.reminder)),
        &args,
    );
    let text = match channel {
        Channel::Sms => say(locale, &format!("access-ending-sms{ask}"), &args),
        Channel::Email | Channel::Webhook => {
            say(locale, &format!("access-ending-email{ask}"), &args) + "\n"
        }
    };
    Rendered { subject, text }
}

/// The reminder to the person who invited the user (`user`: their name and login), by email or
/// SMS alike: when the access ends, and that an administrator can extend it.
pub fn render_access_ending_to_inviter(
    locale: Locale,
    m: &AccessEnding<'_>,
    user: &str,
) -> Rendered {
    let ends = when(m.ends);
    let args = [
        ("account", Arg::Text(m.account_name)),
        ("ends", Arg::Text(&ends)),
        ("user", Arg::Text(user)),
    ];
    Rendered {
        subject: say(
            locale,
            &format!("access-ending-inviter-{}-subject", within(m.reminder)),
            &args,
        ),
        text: say(locale, "access-ending-inviter-text", &args) + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ending(reminder: Reminder) -> AccessEnding<'static> {
        AccessEnding {
            reminder,
            account_name: "Acme",
            ends: DateTime::parse_from_rfc3339("2026-12-20T09:30:59.5+01:00")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn the_user_is_told_when_in_utc_and_whom_to_ask() {
        let email = render_access_ending(
            Locale::En,
            Channel::Email,
            &ending(Reminder::SevenDays),
            "Ann",
            Some("Ada Lovelace"),
        );
        assert_eq!(email.subject, "Your access to Acme ends within a week");
        assert!(email.text.starts_with("Hello Ann,"), "{}", email.text);
        assert!(
            email.text.contains("2026-12-20 08:30 UTC") && email.text.contains("Ada Lovelace"),
            "{}",
            email.text
        );
        let day = render_access_ending(
            Locale::En,
            Channel::Email,
            &ending(Reminder::OneDay),
            "Ann",
            None,
        );
        assert_eq!(day.subject, "Your access to Acme ends within a day");
        assert!(
            day.text.contains("an administrator of Acme"),
            "{}",
            day.text
        );
        for inviter in [Some("Ada Lovelace"), None] {
            let sms = render_access_ending(
                Locale::En,
                Channel::Sms,
                &ending(Reminder::OneDay),
                "Ann",
                inviter,
            )
            .text;
            assert!(
                !sms.contains('\n') && sms.contains("2026-12-20 08:30 UTC"),
                "{sms}"
            );
            assert!(sms.len() <= 160, "{sms}");
        }
    }

    #[test]
    fn the_inviter_is_told_whose_access_ends_and_when() {
        let r = render_access_ending_to_inviter(
            Locale::En,
            &ending(Reminder::SevenDays),
            "Ann Lee (ann@client.example)",
        );
        assert_eq!(
            r.subject,
            "The access of Ann Lee (ann@client.example) ends within a week"
        );
        assert!(r.text.contains("2026-12-20 08:30 UTC") && r.text.contains("Acme"));
    }

    #[test]
    fn every_language_writes_the_date_alike() {
        for &l in Locale::ALL {
            for reminder in [Reminder::SevenDays, Reminder::OneDay] {
                let m = ending(reminder);
                let to_user = render_access_ending(l, Channel::Email, &m, "Ann", Some("Ada"));
                let to_inviter = render_access_ending_to_inviter(l, &m, "Ann Lee");
                for text in [&to_user.text, &to_inviter.text] {
                    assert!(text.contains("2026-12-20 08:30 UTC"), "{l}: {text}");
                }
                assert!(to_user.subject.contains("Acme"), "{l}");
                assert!(to_inviter.subject.contains("Ann Lee"), "{l}");
            }
        }
        let de = render_access_ending(
            Locale::De,
            Channel::Email,
            &ending(Reminder::OneDay),
            "Ann",
            None,
        );
        assert!(de.subject.contains("Zugang"), "{}", de.subject);
    }
}
