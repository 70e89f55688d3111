//! Reminders that an external user's access ends (issue #30): 7 days and 1 day before its end,
//! to the user and to whoever invited them, each at most once per end date.
//!
//! What was sent is kept as marks, one pair per recipient ([`Marks`]): the end date each
//! reminder was last sent for. A reminder is due when its window has come and its mark is not
//! the end of now — so moving the end (an extension, or an earlier end) re-arms both, and a
//! reminder that could not be sent yet (a sending quota refused it) stays due until it is. The
//! 1-day reminder settles the 7-day one of the same end: a 7-day reminder never follows it.

use crate::enums::UserStatus;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// One of the two reminders.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Reminder {
    /// Within 7 days of the end.
    SevenDays,
    /// Within 1 day of the end.
    OneDay,
}

impl Reminder {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// How long before the end it is due.
    pub fn before(self) -> Duration {
        match self {
            Self::SevenDays => Duration::days(7),
            Self::OneDay => Duration::days(1),
        }
    }
}

/// The end dates the reminders were last sent for, to one recipient (`None`: never).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    pub seven_days: Option<DateTime<Utc>>,
    pub one_day: Option<DateTime<Utc>>,
}

impl Marks {
    /// The marks once `reminder` was sent (or settled) for `end`: the 1-day reminder settles
    /// the 7-day one too.
    pub fn after(self, reminder: Reminder, end: DateTime<Utc>) -> Self {
        match reminder {
            Reminder::SevenDays => Self {
                seven_days: Some(end),
                ..self
            },
            Reminder::OneDay => Self {
                seven_days: Some(end),
                one_day: Some(end),
            },
        }
    }
}

/// The latest end a reminder may be due for at `now`: what a search for due reminders looks
/// at (ends after `now` and at most this).
pub fn horizon(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Reminder::SevenDays.before()
}

/// Which reminder of access ending at `end` is due at `now` to a recipient with `marks`:
/// within 1 day of the end the 1-day one, unless it was sent for this end; within 7 days the
/// 7-day one, unless it (or the 1-day one) was sent for this end; nothing once the end has
/// come, and nothing earlier than 7 days before it.
pub fn due(end: DateTime<Utc>, marks: Marks, now: DateTime<Utc>) -> Option<Reminder> {
    if super::has_ended(Some(end), now) {
        return None;
    }
    let left = end - now;
    let sent = |mark: Option<DateTime<Utc>>| mark == Some(end);
    if left <= Reminder::OneDay.before() {
        return (!sent(marks.one_day)).then_some(Reminder::OneDay);
    }
    if left <= Reminder::SevenDays.before() && !sent(marks.seven_days) && !sent(marks.one_day) {
        return Some(Reminder::SevenDays);
    }
    None
}

/// Whether the person who invited the user is told too: only while that user is active (its
/// status as of now, [`super::status_at`]); nobody is when the user joined otherwise (a join
/// link: `None`) or the inviter was dismissed since.
pub fn inviter_is_told(inviter_status: Option<UserStatus>) -> bool {
    inviter_status == Some(UserStatus::Active)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    fn end() -> DateTime<Utc> {
        at("2026-12-20T09:30:00Z")
    }

    const NONE: Marks = Marks {
        seven_days: None,
        one_day: None,
    };

    #[test]
    fn nothing_is_due_more_than_seven_days_ahead() {
        let just_before = end() - Duration::days(7) - Duration::milliseconds(1);
        assert_eq!(due(end(), NONE, just_before), None);
        assert_eq!(due(end(), NONE, end() - Duration::days(10)), None);
    }

    #[test]
    fn the_seven_day_reminder_is_due_from_seven_days_before_to_one_day_before() {
        assert_eq!(
            due(end(), NONE, end() - Duration::days(7)),
            Some(Reminder::SevenDays)
        );
        assert_eq!(
            due(
                end(),
                NONE,
                end() - Duration::days(1) - Duration::milliseconds(1)
            ),
            Some(Reminder::SevenDays)
        );
        assert_eq!(
            due(end(), NONE, end() - Duration::days(1)),
            Some(Reminder::OneDay)
        );
    }

    #[test]
    fn the_one_day_reminder_is_due_until_the_end_and_nothing_once_it_came() {
        assert_eq!(
            due(end(), NONE, end() - Duration::milliseconds(1)),
            Some(Reminder::OneDay)
        );
        assert_eq!(due(end(), NONE, end()), None);
        assert_eq!(due(end(), NONE, end() + Duration::days(1)), None);
        assert!(horizon(end() - Duration::days(7)) >= end());
        assert!(horizon(end() - Duration::days(7) - Duration::seconds(1)) < end());
    }

    #[test]
    fn each_reminder_goes_at_most_once_per_end() {
        let mut marks = NONE;
        let mut sent = Vec::new();
        // Every hour from ten days before to past the end.
        let mut now = end() - Duration::days(10);
        while now < end() + Duration::hours(2) {
            if let Some(r) = due(end(), marks, now) {
                sent.push((r, now));
                marks = marks.after(r, end());
            }
            now += Duration::hours(1);
        }
        assert_eq!(
            sent,
            [
                (Reminder::SevenDays, end() - Duration::days(7)),
                (Reminder::OneDay, end() - Duration::days(1)),
            ]
        );
    }

    #[test]
    fn the_one_day_reminder_settles_the_seven_day_one() {
        // The end set (or the first upkeep run) within a day of it: one reminder only.
        let now = end() - Duration::hours(12);
        assert_eq!(due(end(), NONE, now), Some(Reminder::OneDay));
        let marks = NONE.after(Reminder::OneDay, end());
        assert_eq!(marks.seven_days, Some(end()));
        assert_eq!(due(end(), marks, now), None);
        // Even if the clock went back, no 7-day reminder follows the 1-day one.
        let one_day_only = Marks {
            seven_days: None,
            one_day: Some(end()),
        };
        assert_eq!(due(end(), one_day_only, end() - Duration::days(3)), None);
    }

    #[test]
    fn a_moved_end_re_arms_both() {
        let marks = NONE
            .after(Reminder::SevenDays, end())
            .after(Reminder::OneDay, end());
        assert_eq!(due(end(), marks, end() - Duration::hours(3)), None);
        // Extended by 30 days: nothing until 7 days before the new end, then each once more.
        let later = end() + Duration::days(30);
        assert_eq!(due(later, marks, end() - Duration::hours(3)), None);
        assert_eq!(
            due(later, marks, later - Duration::days(7)),
            Some(Reminder::SevenDays)
        );
        assert_eq!(
            due(later, marks, later - Duration::days(1)),
            Some(Reminder::OneDay)
        );
        // Moved earlier, within the week: the 7-day reminder again, for the new date.
        let sooner = end() - Duration::days(2);
        let marks = NONE.after(Reminder::SevenDays, end());
        assert_eq!(
            due(sooner, marks, sooner - Duration::days(3)),
            Some(Reminder::SevenDays)
        );
    }

    #[test]
    fn a_reminder_not_sent_stays_due() {
        // A quota refused it: no mark, so the next run finds it due again.
        let now = end() - Duration::days(6);
        assert_eq!(due(end(), NONE, now), Some(Reminder::SevenDays));
        assert_eq!(
            due(end(), NONE, now + Duration::hours(1)),
            Some(Reminder::SevenDays)
        );
    }

    #[test]
    fn only_an_active_inviter_is_told() {
        assert!(inviter_is_told(Some(UserStatus::Active)));
        assert!(!inviter_is_told(Some(UserStatus::Dismissed)));
        assert!(!inviter_is_told(None));
    }

    #[test]
    fn reminders_are_words() {
        assert_eq!(Reminder::SevenDays.as_str(), "seven_days");
        assert_eq!(Reminder::parse("one_day"), Some(Reminder::OneDay));
        assert_eq!(Reminder::parse("two_days"), None);
    }
}
