//! The notice to each login of a profile that its two-step authentication changed (issue #31):
//! switched on, switched off, or a recovery code used to sign in. Like the password notices it
//! says plainly what happened and what to do if it was not them: reset the password at once
//! and tell their administrator.

use super::Rendered;
use crate::catalogue::{self, Arg, Book};
use crate::enums::Channel;
use crate::locale::Locale;

/// What changed in a profile's two-step authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoFactorChange {
    /// Switched on; the profile's other sessions were signed out.
    Enabled,
    /// Switched off: by the person, or (`by_support`) by the service's operator at their
    /// request.
    Disabled { by_support: bool },
    /// A recovery code was used to sign in; `left` unused codes remain.
    RecoveryCodeUsed { left: u32 },
    /// A new set of recovery codes was made; the old ones no longer work.
    RecoveryCodesRenewed,
}

/// At most this many recovery codes left, the notice also says how to get a new set: make
/// one in the profile (`POST /v1/network/profile/two-factor/recovery-codes`).
pub const FEW_RECOVERY_CODES: u32 = 3;

fn say(locale: Locale, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    catalogue::text(locale, Book::Messages, id, args)
}

/// The notice that `how` happened, by email (a greeting and two paragraphs, the second with
/// `page`, where the password is reset) or by SMS (one line; the page left out to stay one
/// message, as the password notices do).
pub fn render_two_factor_changed(
    locale: Locale,
    channel: Channel,
    how: TwoFactorChange,
    page: &str,
) -> Rendered {
    let (kind, count) = match how {
        TwoFactorChange::Enabled => ("two-factor-enabled", 0),
        TwoFactorChange::Disabled { by_support: false } => ("two-factor-disabled", 0),
        TwoFactorChange::Disabled { by_support: true } => ("two-factor-disabled-by-support", 0),
        TwoFactorChange::RecoveryCodeUsed { left } => ("two-factor-recovery-code-used", left),
        TwoFactorChange::RecoveryCodesRenewed => ("two-factor-recovery-codes-renewed", 0),
    };
    // With few codes left, the text (not the subject) also says how to get new ones.
    let text_kind = match how {
        TwoFactorChange::RecoveryCodeUsed { left } if left <= FEW_RECOVERY_CODES => {
            format!("{kind}-few")
        }
        _ => kind.to_owned(),
    };
    let args = [
        ("page", Arg::Text(page)),
        ("count", Arg::Number(i64::from(count))),
    ];
    let text = match channel {
        Channel::Sms => say(locale, &format!("{text_kind}-sms"), &args),
        Channel::Email | Channel::Webhook => {
            say(locale, &format!("{text_kind}-email"), &args) + "\n"
        }
    };
    Rendered {
        subject: say(locale, &format!("{kind}-subject"), &args),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "http://127.0.0.1:8080/reset-password";

    fn every_change() -> [TwoFactorChange; 7] {
        [
            TwoFactorChange::Enabled,
            TwoFactorChange::Disabled { by_support: false },
            TwoFactorChange::Disabled { by_support: true },
            TwoFactorChange::RecoveryCodeUsed { left: 7 },
            TwoFactorChange::RecoveryCodeUsed { left: 2 },
            TwoFactorChange::RecoveryCodeUsed { left: 0 },
            TwoFactorChange::RecoveryCodesRenewed,
        ]
    }

    #[test]
    fn switching_on_says_so_and_that_other_sessions_were_signed_out() {
        let r =
            render_two_factor_changed(Locale::En, Channel::Email, TwoFactorChange::Enabled, PAGE);
        assert_eq!(r.subject, "Two-step authentication was switched on");
        assert!(
            r.text.contains("was switched on for your Extranet profile")
                && r.text.contains("every other session was signed out"),
            "{}",
            r.text
        );
        assert!(
            r.text.ends_with(&format!(
                "Not you? Reset your password at once at {PAGE} and tell your administrator.\n"
            )),
            "{}",
            r.text
        );
    }

    #[test]
    fn switching_off_says_only_the_password_is_needed_and_who_did_it() {
        let own = TwoFactorChange::Disabled { by_support: false };
        let r = render_two_factor_changed(Locale::En, Channel::Email, own, PAGE);
        assert_eq!(r.subject, "Two-step authentication was switched off");
        assert!(r.text.contains("need only the password"), "{}", r.text);
        assert!(!r.text.contains("support"), "{}", r.text);
        let support = TwoFactorChange::Disabled { by_support: true };
        let r = render_two_factor_changed(Locale::En, Channel::Email, support, PAGE);
        assert_eq!(
            r.subject,
            "Two-step authentication was switched off by support"
        );
        assert!(
            r.text
                .contains("at your request, Extranet support switched off")
                && r.text.contains("need only the password")
                && r.text.contains(PAGE),
            "{}",
            r.text
        );
        let sms = render_two_factor_changed(Locale::En, Channel::Sms, support, PAGE).text;
        assert!(
            sms.contains("support") && sms.contains("your request"),
            "{sms}"
        );
    }

    #[test]
    fn a_used_recovery_code_says_how_many_are_left_in_the_languages_plural() {
        let used = |l, channel, left| {
            render_two_factor_changed(l, channel, TwoFactorChange::RecoveryCodeUsed { left }, PAGE)
        };
        let r = used(Locale::En, Channel::Email, 7);
        assert_eq!(r.subject, "A recovery code was used to sign in");
        assert!(r.text.contains("7 recovery codes are left"), "{}", r.text);
        assert!(!r.text.contains("in your profile"), "{}", r.text);
        assert!(used(Locale::En, Channel::Email, 1)
            .text
            .contains("1 recovery code is left"));
        assert!(used(Locale::En, Channel::Email, 0)
            .text
            .contains("No recovery codes are left"));
        assert!(used(Locale::En, Channel::Sms, 7).text.contains("7 left"));
        assert!(used(Locale::Ru, Channel::Email, 1)
            .text
            .contains("Остался 1 код"));
        assert!(used(Locale::Ru, Channel::Email, 3)
            .text
            .contains("Осталось 3 кода"));
        assert!(used(Locale::Ru, Channel::Email, 7)
            .text
            .contains("Осталось 7 кодов"));
        assert!(used(Locale::Ru, Channel::Sms, 21)
            .text
            .contains("остался 21 код"));
        assert!(used(Locale::De, Channel::Email, 1)
            .text
            .contains("1 Wiederherstellungscode"));
        // French counts 0 and 1 alike ("one"): none left is said as such, not as "0 code".
        assert!(used(Locale::Fr, Channel::Email, 0)
            .text
            .contains("Il ne vous reste plus aucun code"));
    }

    #[test]
    fn with_few_recovery_codes_left_the_notice_says_how_to_get_new_ones() {
        for left in [FEW_RECOVERY_CODES, 1, 0] {
            for channel in [Channel::Email, Channel::Sms] {
                let how = TwoFactorChange::RecoveryCodeUsed { left };
                let text = render_two_factor_changed(Locale::En, channel, how, PAGE).text;
                assert!(text.contains("in your profile"), "{left}: {text}");
            }
        }
        let how = TwoFactorChange::RecoveryCodeUsed {
            left: FEW_RECOVERY_CODES + 1,
        };
        for channel in [Channel::Email, Channel::Sms] {
            let text = render_two_factor_changed(Locale::En, channel, how, PAGE).text;
            assert!(!text.contains("in your profile"), "{text}");
        }
    }

    #[test]
    fn every_language_renders_each_change_with_the_page_and_a_one_line_sms() {
        for &l in Locale::ALL {
            let mut subjects = Vec::new();
            for how in every_change() {
                let email = render_two_factor_changed(l, Channel::Email, how, PAGE);
                assert!(email.text.contains(PAGE), "{l} {how:?}: {}", email.text);
                assert!(
                    !email.subject.is_empty() && !email.subject.contains("two-factor-"),
                    "{l} {how:?}: {}",
                    email.subject
                );
                assert!(email.text.contains(crate::delivery::PRODUCT), "{l} {how:?}");
                let sms = render_two_factor_changed(l, Channel::Sms, how, PAGE).text;
                assert!(
                    !sms.contains('\n') && sms.chars().count() <= 160,
                    "{l} {how:?} ({} chars): {sms}",
                    sms.chars().count()
                );
                if let TwoFactorChange::RecoveryCodeUsed { left } = how {
                    if left > 0 {
                        let n = left.to_string();
                        assert!(email.text.contains(&n) && sms.contains(&n), "{l} {how:?}");
                    }
                }
                subjects.push(email.subject);
            }
            // The kinds of change read differently (a used code's share one subject).
            subjects.dedup();
            assert_eq!(subjects.len(), 5, "{l}: {subjects:?}");
        }
    }
}
