//! What messages say, and when a failed delivery is tried again.

use crate::enums::Channel;
use crate::retry::Backoff;
use chrono::Duration;

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

/// An invitation by email (a full text) or by SMS (one short line with the link).
pub fn render_invitation(channel: Channel, m: &InvitationMessage<'_>) -> Rendered {
    let place = match m.workgroup_name {
        Some(group) => format!("the workgroup \"{group}\" of {}", m.account_name),
        None => m.account_name.to_owned(),
    };
    let subject = format!("{} invites you to {place}", m.inviter_name);
    let text = match channel {
        Channel::Sms => format!("{} invites you to {place}: {}", m.inviter_name, m.link),
        Channel::Email | Channel::Webhook => {
            let mut text = format!(
                "Hello {},\n\n{} invites you to join {place}.\n",
                m.invitee_first_name, m.inviter_name
            );
            if let Some(personal) = m.personal_message {
                text.push_str(&format!("\n\"{personal}\"\n"));
            }
            text.push_str(&format!("\nAccept the invitation here:\n{}\n\nIf you were not expecting it, ignore this message.\n", m.link));
            text
        }
    };
    Rendered { subject, text }
}

/// A membership invitation: an existing user is asked into another workgroup.
pub fn render_membership_invitation(
    account_name: &str,
    inviter_name: &str,
    workgroup_name: &str,
) -> Rendered {
    Rendered {
        subject: format!("{inviter_name} invites you to the workgroup \"{workgroup_name}\""),
        text: format!(
            "{inviter_name} invites you to the workgroup \"{workgroup_name}\" of {account_name}.\n\
             Sign in and accept it under your workgroup invitations."
        ),
    }
}

/// A confirmation code for a sign-up. Whoever asked for it has proved nothing yet, so it
/// carries no word of theirs (rule 11: not the account's name, not a person's name — our sender
/// would otherwise carry a stranger's text, links and numbers to anyone): only the code, the
/// product's name, and what to do if one did not ask. The account's name appears once it is
/// confirmed.
pub fn render_sign_up_code(channel: Channel, code: &str, minutes: i64) -> Rendered {
    let subject = format!("{code} is your code to create an account on {PRODUCT}");
    let text = match channel {
        Channel::Sms => format!(
            "{code} is your code to create an account on {PRODUCT}. It expires in {minutes} min. Not you? Ignore this."
        ),
        Channel::Email | Channel::Webhook => format!(
            "Hello,\n\nsomeone (we hope you) is creating an account on {PRODUCT} with this \
             address. To confirm, enter this code:\n\n    {code}\n\nIt expires in {minutes} \
             minutes. If it was not you, ignore this message: nothing is created without the code.\n"
        ),
    };
    Rendered { subject, text }
}

/// What the messages call the service.
pub const PRODUCT: &str = "Extranet";

/// The code that proves a profile's new login. Sent to the new address, which has not said
/// yes to anything yet: it says what the code would do, so a stranger can ignore it.
pub fn render_login_change_code(channel: Channel, code: &str, minutes: i64) -> Rendered {
    let subject = format!("{code} is your code to sign in with this address");
    let text = match channel {
        Channel::Sms => format!(
            "{code} is your code to make this number the login of your profile. It expires in {minutes} min. Not you? Ignore this."
        ),
        Channel::Email | Channel::Webhook => format!(
            "Hello,\n\nsomeone (we hope you) asked to make this address the login of their \
             profile. To confirm, enter this code:\n\n    {code}\n\nIt expires in {minutes} \
             minutes. If it was not you, ignore this message: nothing changes without the code.\n"
        ),
    };
    Rendered { subject, text }
}

/// The notice to a profile's old address that its login changed.
pub fn render_login_changed(channel: Channel, new_login: &str) -> Rendered {
    let subject = "Your login was changed".to_owned();
    let text = match channel {
        Channel::Sms => format!(
            "The login of your profile was changed to {new_login}. Not you? Contact your administrator."
        ),
        Channel::Email | Channel::Webhook => format!(
            "Hello,\n\nthe login of your profile was changed to {new_login}; this address no \
             longer signs in. If you did not do this, contact your administrator at once.\n"
        ),
    };
    Rendered { subject, text }
}

/// The code to reset a profile's password, sent to the login someone named. Whoever asked
/// has proved nothing, so it carries none of their words (rule 11): the code, the product, the
/// page where the code is typed (`page`, the server's own address), and what to do if one did
/// not ask. A text message leaves the page out to stay one message.
pub fn render_password_reset_code(
    channel: Channel,
    code: &str,
    minutes: i64,
    page: &str,
) -> Rendered {
    let subject = format!("{code} is your code to reset your {PRODUCT} password");
    let text = match channel {
        Channel::Sms => format!(
            "{code} is your code to reset your {PRODUCT} password. It expires in {minutes} min. Not you? Ignore this."
        ),
        Channel::Email | Channel::Webhook => format!(
            "Hello,\n\nsomeone (we hope you) asked to reset the password of the {PRODUCT} \
             profile that signs in with this address. To choose a new password, enter this \
             code:\n\n    {code}\n\nat {page}\n\nIt expires in {minutes} minutes. If it was \
             not you, ignore this message: your password stays as it is.\n"
        ),
    };
    Rendered { subject, text }
}

/// The notice to each login of a profile that its password was replaced — changed by its
/// owner (`reset` false: the other sessions were signed out) or reset with a code (`reset`
/// true: every session was). It says what to do if it was not them: reset the password at
/// `page`.
pub fn render_password_replaced(channel: Channel, reset: bool, page: &str) -> Rendered {
    let (subject, what, sessions) = if reset {
        (
            "Your password was reset",
            "was reset with a code sent to one of its logins",
            "every session was signed out",
        )
    } else {
        (
            "Your password was changed",
            "was changed",
            "every other session was signed out",
        )
    };
    let text = match channel {
        Channel::Sms => format!(
            "The password of your {PRODUCT} profile {what}. Not you? Reset it at once and tell your administrator."
        ),
        Channel::Email | Channel::Webhook => format!(
            "Hello,\n\nthe password of your {PRODUCT} profile {what}, and {sessions}.\n\nIf \
             you did not do this, reset your password at once at {page} and tell your \
             administrator.\n"
        ),
    };
    Rendered {
        subject: subject.to_owned(),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_up_code_says_only_the_code_the_product_and_what_to_do_if_unasked() {
        for channel in [Channel::Sms, Channel::Email] {
            let r = render_sign_up_code(channel, "048213", 15);
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
        assert!(render_sign_up_code(Channel::Sms, "048213", 15).text.len() <= 160);
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
            let code = render_login_change_code(channel, "048213", 15);
            assert!(code.subject.contains("048213") && code.text.contains("048213"));
            assert!(code.text.contains("15"));
            let notice = render_login_changed(channel, "new@home.example");
            assert!(notice.text.contains("new@home.example"));
        }
        assert!(!render_login_change_code(Channel::Sms, "1", 1)
            .text
            .contains('\n'));
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
        let email = render_invitation(Channel::Email, &m);
        assert_eq!(
            email.subject,
            "Ada Lovelace invites you to the workgroup \"Client site\" of Acme"
        );
        assert!(
            email.text.contains("Hello Ann")
                && email.text.contains("Welcome aboard")
                && email.text.contains(m.link)
        );
        let sms = render_invitation(Channel::Sms, &m);
        assert!(sms.text.ends_with(m.link) && !sms.text.contains('\n'));
    }
    #[test]
    fn a_reset_code_says_only_the_code_the_product_the_page_and_what_to_do_if_unasked() {
        let page = "http://127.0.0.1:8080/reset-password";
        for channel in [Channel::Sms, Channel::Email] {
            let r = render_password_reset_code(channel, "048213", 15, page);
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
            render_password_reset_code(Channel::Email, "048213", 15, page)
                .text
                .contains(page)
        );
        let sms = render_password_reset_code(Channel::Sms, "048213", 15, page).text;
        assert!(sms.len() <= 160 && !sms.contains('\n'), "{sms}");
    }

    #[test]
    fn a_password_notice_says_what_happened_and_where_to_reset_it() {
        let page = "http://127.0.0.1:8080/reset-password";
        let changed = render_password_replaced(Channel::Email, false, page);
        assert_eq!(changed.subject, "Your password was changed");
        assert!(changed.text.contains("every other session") && changed.text.contains(page));
        let reset = render_password_replaced(Channel::Email, true, page);
        assert_eq!(reset.subject, "Your password was reset");
        assert!(reset.text.contains("every session was signed out"));
        for reset in [false, true] {
            let sms = render_password_replaced(Channel::Sms, reset, page).text;
            assert!(sms.len() <= 160 && !sms.contains('\n'), "{sms}");
        }
    }
}
