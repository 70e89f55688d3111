//! What messages say, in the language each is written in (the words are the catalogues':
//! [`crate::catalogue`]), and when a failed delivery is tried again.

use crate::catalogue::{self, Arg, Book};
use crate::enums::Channel;
use crate::locale::Locale;
use crate::retry::Backoff;
use chrono::Duration;

pub mod access_ending;
mod two_factor_changed;

pub use two_factor_changed::{render_two_factor_changed, TwoFactorChange, FEW_RECOVERY_CODES};

/// How messages are retried: after 2, 4, 8 … seconds, at most an hour apart, the whole wait
/// (no jitter: a message's recipient is one mailbox, not a crowd), given up after 12 attempts.
pub const RETRIES: Backoff = Backoff {
    base: Duration::seconds(2),
    cap: Duration::hours(1),
    attempts: 12,
};

/// The facts an invitation message is written from.
#[derive(Debug, Clone, Copy)]
pub struct InvitationMessage<'a> {
    pub account_name: &'a str,
    pub inviter_name: &'a str,
    pub invitee_first_name: &'a str,
    pub workgroup_name: Option<&'a str>,
    pub personal_message: Option<&'a str>,
    pub link: &'a str,
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
}

/// The message `id` of the messages' catalogue in `locale`.
fn say(locale: Locale, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    catalogue::text(locale, Book::Messages, id, args)
}

/// `id`, or `id-workgroup` when the message names a workgroup.
fn with_group(id: &str, group: Option<&str>) -> String {
    match group {
        Some(_) => format!("{id}-workgroup"),
        None => id.to_owned(),
    }
}

/// An invitation by email (a full text) or by SMS (one short line with the link).
pub fn render_invitation(locale: Locale, channel: Channel, m: &InvitationMessage<'_>) -> Rendered {
    let args = [
        ("inviter", Arg::Text(m.inviter_name)),
        ("account", Arg::Text(m.account_name)),
        ("workgroup", Arg::Text(m.workgroup_name.unwrap_or_default())),
        ("first_name", Arg::Text(m.invitee_first_name)),
        ("link", Arg::Text(m.link)),
    ];
    let group = m.workgroup_name;
    let subject = say(locale, &with_group("invitation-subject", group), &args);
    let text = match channel {
        Channel::Sms => say(locale, &with_group("invitation-sms", group), &args),
        Channel::Email | Channel::Webhook => {
            let mut text = say(locale, &with_group("invitation-email-intro", group), &args);
            text.push('\n');
            if let Some(personal) = m.personal_message {
                text.push_str(&format!("\n\"{personal}\"\n"));
            }
            text.push('\n');
            text.push_str(&say(locale, "invitation-email-accept", &args));
            text.push('\n');
            text
        }
    };
    Rendered { subject, text }
}

/// A membership invitation: an existing user is asked into another workgroup.
pub fn render_membership_invitation(
    locale: Locale,
    account_name: &str,
    inviter_name: &str,
    workgroup_name: &str,
) -> Rendered {
    let args = [
        ("inviter", Arg::Text(inviter_name)),
        ("account", Arg::Text(account_name)),
        ("workgroup", Arg::Text(workgroup_name)),
    ];
    Rendered {
        subject: say(locale, "membership-subject", &args),
        text: say(locale, "membership-text", &args),
    }
}

/// The notice to an employee whose invitation waited for an administrator's approval: what
/// the administrator (`approver_name`) decided about the invitation of `invitee` (the person's
/// name and login). One text for email and SMS alike.
pub fn render_approval_decision(
    locale: Locale,
    approved: bool,
    account_name: &str,
    approver_name: &str,
    invitee: &str,
) -> Rendered {
    let kind = if approved {
        "invitation-approved"
    } else {
        "invitation-rejected"
    };
    let args = [
        ("approver", Arg::Text(approver_name)),
        ("account", Arg::Text(account_name)),
        ("invitee", Arg::Text(invitee)),
    ];
    Rendered {
        subject: say(locale, &format!("{kind}-subject"), &args),
        text: say(locale, &format!("{kind}-text"), &args),
    }
}

/// A message carrying a code: `{kind}-subject`, and `{kind}-sms` or the email's request,
/// the code on a line of its own, `between` (a line, when given) and its expiry.
fn code_message(
    locale: Locale,
    kind: &str,
    channel: Channel,
    code: &str,
    minutes: i64,
    between: Option<String>,
) -> Rendered {
    let args = [("code", Arg::Text(code)), ("minutes", Arg::Number(minutes))];
    let subject = say(locale, &format!("{kind}-subject"), &args);
    let text = match channel {
        Channel::Sms => say(locale, &format!("{kind}-sms"), &args),
        Channel::Email | Channel::Webhook => {
            let mut text = say(locale, &format!("{kind}-email-ask"), &args);
            text.push_str(&format!("\n\n    {code}\n\n"));
            if let Some(line) = between {
                text.push_str(&line);
                text.push_str("\n\n");
            }
            text.push_str(&say(locale, &format!("{kind}-email-expiry"), &args));
            text.push('\n');
            text
        }
    };
    Rendered { subject, text }
}

/// A confirmation code for a sign-up. Whoever asked for it has proved nothing yet, so it
/// carries no word of theirs (rule 11: not the account's name, not a person's name — our sender
/// would otherwise carry a stranger's text, links and numbers to anyone): only the code, the
/// product's name, and what to do if one did not ask. The account's name appears once it is
/// confirmed. (The language a stranger's header picked is one of our fixed texts.)
pub fn render_sign_up_code(locale: Locale, channel: Channel, code: &str, minutes: i64) -> Rendered {
    code_message(locale, "sign-up-code", channel, code, minutes, None)
}

/// The code that proves a login asking to join a workgroup through a join link. Whoever asked
/// has proved nothing, so, as a sign-up's, it carries none of their words, nor the account's or
/// the workgroup's names (rule 11): only the code, the product, and what to do if unasked.
pub fn render_join_code(locale: Locale, channel: Channel, code: &str, minutes: i64) -> Rendered {
    code_message(locale, "join-code", channel, code, minutes, None)
}

/// What the messages call the service.
pub const PRODUCT: &str = "Extranet";

/// The code that proves a profile's new login. Sent to the new address, which has not said
/// yes to anything yet: it says what the code would do, so a stranger can ignore it.
pub fn render_login_change_code(
    locale: Locale,
    channel: Channel,
    code: &str,
    minutes: i64,
) -> Rendered {
    code_message(locale, "login-change-code", channel, code, minutes, None)
}

/// The code that confirms a person's own erasure (rule 14), sent to the profile's login. The
/// person asked for it signed in and with the password: the message says what the code would
/// do, and that someone else asking means the password is known.
pub fn render_erasure_code(locale: Locale, channel: Channel, code: &str, minutes: i64) -> Rendered {
    code_message(locale, "erasure-code", channel, code, minutes, None)
}

/// The notice to a profile's old address that its login changed.
pub fn render_login_changed(locale: Locale, channel: Channel, new_login: &str) -> Rendered {
    let args = [("new_login", Arg::Text(new_login))];
    let text = match channel {
        Channel::Sms => say(locale, "login-changed-sms", &args),
        Channel::Email | Channel::Webhook => say(locale, "login-changed-email", &args) + "\n",
    };
    Rendered {
        subject: say(locale, "login-changed-subject", &args),
        text,
    }
}

/// The code to reset a profile's password, sent to the login someone named. Whoever asked
/// has proved nothing, so it carries none of their words (rule 11): the code, the product, the
/// page where the code is typed (`page`, the server's own address), and what to do if one did
/// not ask. A text message leaves the page out to stay one message.
pub fn render_password_reset_code(
    locale: Locale,
    channel: Channel,
    code: &str,
    minutes: i64,
    page: &str,
) -> Rendered {
    let at = say(
        locale,
        "password-reset-code-email-page",
        &[("page", Arg::Text(page))],
    );
    code_message(
        locale,
        "password-reset-code",
        channel,
        code,
        minutes,
        Some(at),
    )
}

/// The notice to each login of a profile that its password was replaced — changed by its
/// owner (`reset` false: the other sessions were signed out) or reset with a code (`reset`
/// true: every session was). It says what to do if it was not them: reset the password at
/// `page`.
pub fn render_password_replaced(
    locale: Locale,
    channel: Channel,
    reset: bool,
    page: &str,
) -> Rendered {
    let kind = if reset {
        "password-reset"
    } else {
        "password-changed"
    };
    let args = [("page", Arg::Text(page))];
    let text = match channel {
        Channel::Sms => say(locale, &format!("{kind}-sms"), &args),
        Channel::Email | Channel::Webhook => say(locale, &format!("{kind}-email"), &args) + "\n",
    };
    Rendered {
        subject: say(locale, &format!("{kind}-subject"), &args),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_up_code_says_only_the_code_the_product_and_what_to_do_if_unasked() {
        for channel in [Channel::Sms, Channel::Email] {
            let r = render_sign_up_code(Locale::En, channel, "048213", 15);
            assert!(
                r.subject.starts_with("048213 is your code"),
                "{}",
                r.subject
            );
            assert!(r.text.contains("048213"), "{}", r.text);
            assert!(
                r.text.contains(PRODUCT) && r.text.contains("15 min"),
                "{}",
                r.text
            );
            assert!(r.text.contains("gnore this"), "{}", r.text);
        }
        // One short text message.
        assert!(
            render_sign_up_code(Locale::En, Channel::Sms, "048213", 15)
                .text
                .len()
                <= 160
        );
    }

    #[test]
    fn messages_are_retried_after_doubling_waits_then_given_up() {
        let after = |n| RETRIES.after(n, 1.0);
        assert_eq!(after(1), Some(Duration::seconds(2)));
        assert_eq!(after(3), Some(Duration::seconds(8)));
        assert_eq!(after(11), Some(Duration::seconds(2048)));
        assert_eq!(after(RETRIES.attempts), None);
        let waits: Vec<_> = (1..RETRIES.attempts).filter_map(after).collect();
        assert!(waits.windows(2).all(|w| w[0] < w[1]));
        assert!(waits.iter().all(|w| *w <= Duration::hours(1)));
    }

    #[test]
    fn login_change_messages_carry_the_code_or_the_new_login() {
        for channel in [Channel::Email, Channel::Sms] {
            let code = render_login_change_code(Locale::En, channel, "048213", 15);
            assert!(code.subject.contains("048213") && code.text.contains("048213"));
            assert!(code.text.contains("15"));
            let notice = render_login_changed(Locale::En, channel, "new@home.example");
            assert!(notice.text.contains("new@home.example"));
        }
        assert!(!render_login_change_code(Locale::En, Channel::Sms, "1", 1)
            .text
            .contains('\n'));
    }

    #[test]
    fn an_inviter_is_told_what_became_of_a_held_invitation_in_their_language() {
        let approved = render_approval_decision(
            Locale::En,
            true,
            "Acme",
            "Ada Lovelace",
            "Ann Lee (ann@client.example)",
        );
        assert!(approved.subject.contains("Ann Lee (ann@client.example)"));
        assert!(approved.text.contains("Ada Lovelace approved") && approved.text.contains("Acme"));
        let rejected = render_approval_decision(Locale::De, false, "Acme", "Ada", "Ann Lee");
        assert!(
            rejected.subject.contains("nicht freigegeben"),
            "{}",
            rejected.subject
        );
        assert!(rejected.text.contains("Ada") && rejected.text.contains("Ann Lee"));
    }

    #[test]
    fn messages_carry_the_link() {
        let m = InvitationMessage {
            account_name: "Acme",
            inviter_name: "Ada Lovelace",
            invitee_first_name: "Ann",
            workgroup_name: Some("Client site"),
            personal_message: Some("Welcome aboard"),
            link: "http://x/accept?token=abc",
        };
        let email = render_invitation(Locale::En, Channel::Email, &m);
        assert_eq!(
            email.subject,
            "Ada Lovelace invites you to the workgroup \"Client site\" of Acme"
        );
        assert!(
            email.text.contains("Hello Ann")
                && email.text.contains("Welcome aboard")
                && email.text.contains(m.link)
        );
        let sms = render_invitation(Locale::En, Channel::Sms, &m);
        assert!(sms.text.ends_with(m.link) && !sms.text.contains('\n'));
    }
    #[test]
    fn a_reset_code_says_only_the_code_the_product_the_page_and_what_to_do_if_unasked() {
        let page = "http://127.0.0.1:8080/reset-password";
        for channel in [Channel::Sms, Channel::Email] {
            let r = render_password_reset_code(Locale::En, channel, "048213", 15, page);
            assert!(
                r.subject.starts_with("048213 is your code"),
                "{}",
                r.subject
            );
            assert!(
                r.text.contains("048213") && r.text.contains(PRODUCT),
                "{}",
                r.text
            );
            assert!(
                r.text.contains("15 min") && r.text.contains("gnore this"),
                "{}",
                r.text
            );
        }
        assert!(
            render_password_reset_code(Locale::En, Channel::Email, "048213", 15, page)
                .text
                .contains(page)
        );
        let sms = render_password_reset_code(Locale::En, Channel::Sms, "048213", 15, page).text;
        assert!(sms.len() <= 160 && !sms.contains('\n'), "{sms}");
    }

    #[test]
    fn a_password_notice_says_what_happened_and_where_to_reset_it() {
        let page = "http://127.0.0.1:8080/reset-password";
        let changed = render_password_replaced(Locale::En, Channel::Email, false, page);
        assert_eq!(changed.subject, "Your password was changed");
        assert!(changed.text.contains("every other session") && changed.text.contains(page));
        let reset = render_password_replaced(Locale::En, Channel::Email, true, page);
        assert_eq!(reset.subject, "Your password was reset");
        assert!(reset.text.contains("every session was signed out"));
        for reset in [false, true] {
            let sms = render_password_replaced(Locale::En, Channel::Sms, reset, page).text;
            assert!(sms.len() <= 160 && !sms.contains('\n'), "{sms}");
        }
    }

    /// The English texts, word for word as they were before the catalogues.
    #[test]
    fn english_is_word_for_word() {
        let m = InvitationMessage {
            account_name: "Acme",
            inviter_name: "Ada Lovelace",
            invitee_first_name: "Ann",
            workgroup_name: None,
            personal_message: Some("Welcome aboard"),
            link: "http://x/accept#token=abc",
        };
        let email = render_invitation(Locale::En, Channel::Email, &m);
        assert_eq!(email.subject, "Ada Lovelace invites you to Acme");
        assert_eq!(
            email.text,
            "Hello Ann,\n\nAda Lovelace invites you to join Acme.\n\n\"Welcome aboard\"\n\nAccept the invitation here:\nhttp://x/accept#token=abc\n\nIf you were not expecting it, ignore this message.\n"
        );
        let group = InvitationMessage {
            workgroup_name: Some("Site"),
            personal_message: None,
            ..m
        };
        assert_eq!(
            render_invitation(Locale::En, Channel::Email, &group).text,
            "Hello Ann,\n\nAda Lovelace invites you to join the workgroup \"Site\" of Acme.\n\nAccept the invitation here:\nhttp://x/accept#token=abc\n\nIf you were not expecting it, ignore this message.\n"
        );
        assert_eq!(
            render_invitation(Locale::En, Channel::Sms, &group).text,
            "Ada Lovelace invites you to the workgroup \"Site\" of Acme: http://x/accept#token=abc"
        );
        let membership = render_membership_invitation(Locale::En, "Acme", "Ada", "Site");
        assert_eq!(
            membership.subject,
            "Ada invites you to the workgroup \"Site\""
        );
        assert_eq!(
            membership.text,
            "Ada invites you to the workgroup \"Site\" of Acme.\nSign in and accept it under your workgroup invitations."
        );
        let code = render_sign_up_code(Locale::En, Channel::Email, "048213", 15);
        assert_eq!(
            code.subject,
            "048213 is your code to create an account on Extranet"
        );
        assert_eq!(
            code.text,
            "Hello,\n\nsomeone (we hope you) is creating an account on Extranet with this address. To confirm, enter this code:\n\n    048213\n\nIt expires in 15 minutes. If it was not you, ignore this message: nothing is created without the code.\n"
        );
        assert_eq!(
            render_sign_up_code(Locale::En, Channel::Sms, "048213", 15).text,
            "048213 is your code to create an account on Extranet. It expires in 15 min. Not you? Ignore this."
        );
        let login = render_login_change_code(Locale::En, Channel::Email, "048213", 15);
        assert_eq!(
            login.subject,
            "048213 is your code to sign in with this address"
        );
        assert_eq!(
            login.text,
            "Hello,\n\nsomeone (we hope you) asked to make this address the login of their profile. To confirm, enter this code:\n\n    048213\n\nIt expires in 15 minutes. If it was not you, ignore this message: nothing changes without the code.\n"
        );
        assert_eq!(
            render_login_changed(Locale::En, Channel::Email, "n@x.example").text,
            "Hello,\n\nthe login of your profile was changed to n@x.example; this address no longer signs in. If you did not do this, contact your administrator at once.\n"
        );
        let page = "http://x/reset-password";
        let reset = render_password_reset_code(Locale::En, Channel::Email, "048213", 15, page);
        assert_eq!(
            reset.subject,
            "048213 is your code to reset your Extranet password"
        );
        assert_eq!(
            reset.text,
            "Hello,\n\nsomeone (we hope you) asked to reset the password of the Extranet profile that signs in with this address. To choose a new password, enter this code:\n\n    048213\n\nat http://x/reset-password\n\nIt expires in 15 minutes. If it was not you, ignore this message: your password stays as it is.\n"
        );
        assert_eq!(
            render_password_replaced(Locale::En, Channel::Email, false, page).text,
            "Hello,\n\nthe password of your Extranet profile was changed, and every other session was signed out.\n\nIf you did not do this, reset your password at once at http://x/reset-password and tell your administrator.\n"
        );
        assert_eq!(
            render_password_replaced(Locale::En, Channel::Sms, true, page).text,
            "The password of your Extranet profile was reset with a code sent to one of its logins. Not you? Reset it at once and tell your administrator."
        );
    }

    #[test]
    fn a_german_invitation_is_german() {
        let m = InvitationMessage {
            account_name: "Acme",
            inviter_name: "Ada Lovelace",
            invitee_first_name: "Ann",
            workgroup_name: Some("Kundenportal"),
            personal_message: None,
            link: "http://x/accept#token=abc",
        };
        let email = render_invitation(Locale::De, Channel::Email, &m);
        assert_eq!(
            email.subject,
            "Ada Lovelace lädt Sie in die Arbeitsgruppe „Kundenportal“ von Acme ein"
        );
        assert!(email.text.starts_with("Hallo Ann,\n\n"), "{}", email.text);
        assert!(email.text.contains("http://x/accept#token=abc"));
        let sms = render_invitation(Locale::De, Channel::Sms, &m).text;
        assert!(sms.ends_with(m.link) && !sms.contains('\n'), "{sms}");
    }

    #[test]
    fn every_language_keeps_texts_to_one_line_and_codes_and_links_in_them() {
        let page = "http://127.0.0.1:8080/reset-password";
        for &l in Locale::ALL {
            for sms in [
                render_sign_up_code(l, Channel::Sms, "048213", 15).text,
                render_join_code(l, Channel::Sms, "048213", 15).text,
                render_login_change_code(l, Channel::Sms, "048213", 15).text,
                render_password_reset_code(l, Channel::Sms, "048213", 15, page).text,
                render_password_replaced(l, Channel::Sms, true, page).text,
                render_password_replaced(l, Channel::Sms, false, page).text,
            ] {
                assert!(
                    !sms.contains('\n') && sms.chars().count() <= 160,
                    "{l}: {sms}"
                );
            }
            let email = render_password_reset_code(l, Channel::Email, "048213", 15, page);
            assert!(
                email.subject.contains("048213") && email.text.contains(page),
                "{l}"
            );
            assert!(email.text.contains("\n\n    048213\n\n"), "{l}");
        }
    }
}
