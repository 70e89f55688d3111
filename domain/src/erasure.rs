//! A person's data erased (issue #32, GDPR art. 17; rule 14). Two ways in:
//!
//! - **the person**, through the network profile, with the password, a code sent to the login
//!   and, when two-step is on, a second factor: every account's user of theirs is dismissed (by
//!   the system, `dismissal: erased`; its seat is free) and erased, their pending invitations
//!   are declined, and the profile itself is erased — the login is free again;
//! - **an administrator**, for a user of their account who is dismissed already: what the
//!   account holds about that user is erased; the profile goes too when no other account knows
//!   the person (else the person keeps using it there).
//!
//! Erased means: logins, names and message texts are gone from every row that held them —
//! replaced by a tombstone ([`ERASED_FIRST_NAME`] [`ERASED_LAST_NAME`], [`ERASED_TEXT`]) where
//! the row stays for what it means to others (a user in an account's lists, an invitation in
//! its history, an audit event in its trail, a webhook delivery in its log); deleted where it
//! served the person alone (sessions, codes, a second factor). Ids stay: they are pseudonyms,
//! linking an account's events to "an erased user" and to nothing else.

use crate::dismissal::{seat_of, Subject};
use crate::enums::UserStatus;
use crate::error::DomainError;
use crate::seats::SeatChange;
use serde_json::Value;

/// What an erased user's and profile's names read.
pub const ERASED_FIRST_NAME: &str = "Erased";
pub const ERASED_LAST_NAME: &str = "user";
/// What replaces a text that held something of the person's (a login, a name, a message).
pub const ERASED_TEXT: &str = "[erased]";
/// Minutes the confirmation code of an erasure stays good.
pub const CODE_TTL_MINUTES: i64 = 15;

/// Who asked for the erasure (the audit event's `by`; who and when, never what).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ErasedBy {
    /// The person, through the network profile.
    Person,
    /// An administrator of the account, for a dismissed user.
    Administrator,
}

impl ErasedBy {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One of the person's users, as the self-erasure decides on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErasedUser {
    pub subject: Subject,
    /// Whether it is erased already (an administrator's erasure came first).
    pub erased: bool,
    /// The account's active administrators, this user included when it is one.
    pub active_admins: u32,
}

/// The person erases themself: refused while they are the last active administrator of an
/// account (409 `last_admin`: someone must be left to run it). Otherwise each active user is
/// dismissed by the system, giving its seat back: the seat change of each, in order (`None`
/// for a user dismissed already).
pub fn decide_self_erasure(users: &[ErasedUser]) -> Result<Vec<Option<SeatChange>>, DomainError> {
    let last_admin = users.iter().any(|u| {
        u.subject.status == UserStatus::Active && u.subject.is_admin && u.active_admins <= 1
    });
    if last_admin {
        return Err(DomainError::LastAdmin);
    }
    Ok(users
        .iter()
        .map(|u| (u.subject.status == UserStatus::Active).then(|| seat_of(u.subject.user_type, -1)))
        .collect())
}

/// An administrator erases a user of their account: a dismissed one only (409
/// `not_dismissed`: dismiss first, which frees the seat and ends the access). Erasing an erased
/// user again changes nothing and says so (`false`).
pub fn decide_admin_erasure(subject: Option<Subject>, erased: bool) -> Result<bool, DomainError> {
    let subject = subject.ok_or(DomainError::NotFound("user"))?;
    if subject.status != UserStatus::Dismissed {
        return Err(DomainError::NotDismissed);
    }
    Ok(!erased)
}

/// Whether an administrator's erasure takes the profile with it: when every other user of the
/// person, in any account, is erased too (`others_erased[i]`). Else the person goes on using
/// the profile where they are known, and only this account forgets them.
pub fn profile_goes_too(others_erased: &[bool]) -> bool {
    others_erased.iter().all(|erased| *erased)
}

/// Whether an erasure by `by` erases a join request of the person: the person's own erasure
/// every one (a waiting one is withdrawn, its seat given back); an administrator's only those
/// decided — one still waiting is a new matter, for the account to decide.
pub fn request_erased(by: ErasedBy, waiting: bool) -> bool {
    by == ErasedBy::Person || !waiting
}

/// What is looked for in the rows an erasure reaches: the person's logins and the texts that
/// were theirs (the messages of their invitations), found anywhere in a text, and their names,
/// found as whole words only (an erased "Ann" leaves "Joanna" and "annual" alone). Case does not
/// matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traces {
    needles: Vec<String>,
    words: Vec<String>,
}

fn normalised<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut all: Vec<String> = texts
        .into_iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Whether `word` stands in `text` (both lower case) with no letter or digit either side.
fn has_word(text: &str, word: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !alnum(before) && !alnum(after)
    })
}

impl Traces {
    /// Texts shorter than this are not looked for inside others (a login or message that short
    /// would match anything); they are still replaced where they are the whole text.
    pub const SHORTEST: usize = 3;

    /// The traces of these texts, found anywhere (empty and duplicate ones left out).
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            needles: normalised(texts),
            words: Vec::new(),
        }
    }

    /// Adds texts found anywhere.
    pub fn with<'a>(self, texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut needles = self.needles;
        needles.extend(normalised(texts));
        Self {
            needles: normalised(needles.iter().map(String::as_str)),
            words: self.words,
        }
    }

    /// Adds names, found as whole words.
    pub fn with_words<'a>(self, names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut words = self.words;
        words.extend(normalised(names));
        Self {
            needles: self.needles,
            words: normalised(words.iter().map(String::as_str)),
        }
    }

    /// The texts a `LIKE` looks for to find the rows that may hold a trace (whole words are
    /// then told apart by [`Self::found_in`]).
    pub fn searched(&self) -> impl Iterator<Item = &str> {
        self.needles
            .iter()
            .chain(&self.words)
            .filter(|n| n.chars().count() >= Self::SHORTEST)
            .map(String::as_str)
    }

    /// Whether `text` holds one of the traces (or is one, however short).
    pub fn found_in(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        let whole = text.trim();
        let anywhere = self
            .needles
            .iter()
            .any(|n| whole == n || (n.chars().count() >= Self::SHORTEST && text.contains(n)));
        anywhere || self.words.iter().any(|w| has_word(&text, w))
    }

    /// `text`, or [`ERASED_TEXT`] when it holds a trace.
    pub fn scrubbed(&self, text: &str) -> String {
        if self.found_in(text) {
            ERASED_TEXT.to_owned()
        } else {
            text.to_owned()
        }
    }

    /// Replaces every string of `value` (at any depth; keys stay) that holds a trace by
    /// [`ERASED_TEXT`]: the shape stays, the person goes. Whether anything changed.
    pub fn scrub_json(&self, value: &mut Value) -> bool {
        match value {
            Value::String(s) if self.found_in(s) => {
                *s = ERASED_TEXT.to_owned();
                true
            }
            Value::Array(items) => {
                let mut changed = false;
                for v in items {
                    changed |= self.scrub_json(v);
                }
                changed
            }
            Value::Object(fields) => {
                let mut changed = false;
                for v in fields.values_mut() {
                    changed |= self.scrub_json(v);
                }
                changed
            }
            _ => false,
        }
    }

    /// A JSON text scrubbed as [`Self::scrub_json`]; a text that is not JSON is scrubbed
    /// whole. `None` when nothing changed.
    pub fn scrub_json_text(&self, text: &str) -> Option<String> {
        match serde_json::from_str::<Value>(text) {
            Ok(mut value) => self.scrub_json(&mut value).then(|| value.to_string()),
            Err(_) => self.found_in(text).then(|| ERASED_TEXT.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::UserType;
    use crate::ids::UserId;
    use serde_json::json;
    use uuid::Uuid;

    fn user(n: u128, status: UserStatus, is_admin: bool, admins: u32) -> ErasedUser {
        ErasedUser {
            subject: Subject {
                user_id: UserId(Uuid::from_u128(n)),
                user_type: if is_admin {
                    UserType::Intranet
                } else {
                    UserType::Extranet
                },
                status,
                is_admin,
            },
            erased: false,
            active_admins: admins,
        }
    }

    #[test]
    fn the_person_goes_from_every_account_giving_each_active_seat_back() {
        let users = [
            user(1, UserStatus::Active, false, 1),
            user(2, UserStatus::Dismissed, false, 1),
            user(3, UserStatus::Active, true, 2),
        ];
        let seats = decide_self_erasure(&users).unwrap();
        assert_eq!(seats[0].map(|s| s.active_extranet), Some(-1));
        assert_eq!(seats[1], None);
        assert_eq!(seats[2].map(|s| s.active_intranet), Some(-1));
    }

    #[test]
    fn the_last_administrator_of_an_account_cannot_erase_themself() {
        let users = [
            user(1, UserStatus::Active, false, 1),
            user(2, UserStatus::Active, true, 1),
        ];
        assert_eq!(decide_self_erasure(&users), Err(DomainError::LastAdmin));
        // A dismissed administrator runs nothing.
        let users = [user(2, UserStatus::Dismissed, true, 0)];
        assert!(decide_self_erasure(&users).is_ok());
    }

    #[test]
    fn an_administrator_erases_a_dismissed_user_once() {
        let active = user(1, UserStatus::Active, false, 1).subject;
        let dismissed = user(2, UserStatus::Dismissed, false, 1).subject;
        assert_eq!(
            decide_admin_erasure(Some(active), false),
            Err(DomainError::NotDismissed)
        );
        assert_eq!(decide_admin_erasure(Some(dismissed), false), Ok(true));
        assert_eq!(decide_admin_erasure(Some(dismissed), true), Ok(false));
        assert_eq!(
            decide_admin_erasure(None, false),
            Err(DomainError::NotFound("user"))
        );
    }

    #[test]
    fn the_person_withdraws_waiting_requests_an_administrator_leaves_them() {
        assert!(request_erased(ErasedBy::Person, true));
        assert!(request_erased(ErasedBy::Person, false));
        assert!(!request_erased(ErasedBy::Administrator, true));
        assert!(request_erased(ErasedBy::Administrator, false));
    }

    #[test]
    fn the_profile_goes_only_when_no_other_account_knows_the_person() {
        assert!(profile_goes_too(&[]));
        assert!(profile_goes_too(&[true, true]));
        assert!(!profile_goes_too(&[true, false]));
    }

    #[test]
    fn traces_are_found_whatever_the_case_and_short_ones_only_whole() {
        let traces = Traces::of(["Ann@Client.example", "Li", "  ", "Quixote"]);
        assert!(traces.found_in("sent to ann@client.example today"));
        assert!(traces.found_in("QUIXOTE"));
        assert!(traces.found_in(" li "));
        assert!(!traces.found_in("the limit"));
        assert!(!traces.found_in("nothing here"));
        assert_eq!(
            traces.searched().collect::<Vec<_>>(),
            ["ann@client.example", "quixote"]
        );
        assert_eq!(traces.scrubbed("Dear Quixote"), ERASED_TEXT);
        assert_eq!(traces.scrubbed("Dear you"), "Dear you");
    }

    #[test]
    fn json_keeps_its_shape_and_loses_the_person() {
        let traces = Traces::of(["ann@client.example", "Ann", "Welcome aboard"]);
        let mut value = json!({
            "email": "ann@client.example",
            "first_name": "Ann",
            "nested": [{"message": "Welcome aboard, Ann!"}, 3, null],
            "workgroup": "Ops",
        });
        assert!(traces.scrub_json(&mut value));
        assert_eq!(
            value,
            json!({
                "email": ERASED_TEXT,
                "first_name": ERASED_TEXT,
                "nested": [{"message": ERASED_TEXT}, 3, null],
                "workgroup": "Ops",
            })
        );
        assert!(!traces.scrub_json(&mut value));
        assert_eq!(traces.scrub_json_text("{\"a\": \"b\"}"), None);
        assert_eq!(
            traces
                .scrub_json_text("not json ann@client.example")
                .as_deref(),
            Some(ERASED_TEXT)
        );
    }

    #[test]
    fn names_are_found_as_whole_words_only() {
        let traces = Traces::of(["ann@client.example"]).with_words(["Ann", "Ann Lee", "Li"]);
        assert!(traces.found_in("Ann"));
        assert!(traces.found_in("Dear Ann, welcome"));
        assert!(traces.found_in("ANN LEE invited you"));
        assert!(traces.found_in("li"));
        assert!(traces.found_in("Mr. Li"));
        assert!(!traces.found_in("Joanna"));
        assert!(!traces.found_in("the annual review"));
        assert!(!traces.found_in("a limit"));
        assert!(traces.found_in("sent to ann@client.example"));
        // Searched for by LIKE: the login, and the names long enough to.
        assert_eq!(
            traces.searched().collect::<Vec<_>>(),
            ["ann@client.example", "ann", "ann lee"]
        );
        let mut value = json!({"inviter": "Ann Lee", "other": "Joanna Annan"});
        assert!(traces.scrub_json(&mut value));
        assert_eq!(
            value,
            json!({"inviter": ERASED_TEXT, "other": "Joanna Annan"})
        );
    }

    #[test]
    fn more_traces_join_without_duplicates() {
        let traces = Traces::of(["a@b.example"]).with(["A@B.example", "Zed"]);
        assert_eq!(traces.searched().count(), 2);
        assert!(!Traces::of([""]).with([]).searched().any(|_| true));
    }
}
