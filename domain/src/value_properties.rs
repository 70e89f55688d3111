//! Properties of the domain's value types over generated input: parsing never panics, what is
//! accepted is exactly what the documented policy says, and an accepted value is normalised
//! (parsing it again gives it back; however it was typed, one value compares equal).

use crate::account::ExternalDomains;
use crate::ids::{InvitationId, UserId};
use crate::login::{is_domain_name, Email, Login, Phone};
use crate::names::{parse_search, AccountName, PersonName, MAX_SEARCH_CHARS};
use crate::password::Password;
use crate::scope::{Scope, Scopes};
use crate::webhook::address::{check_address, Host, WebhookUrl, MAX_URL_CHARS};
use crate::webhook::event::{EventType, EventTypes};
use crate::webhook::{retries, Secret, MAX_ATTEMPTS, MAX_BACKOFF_SECONDS};
use chrono::Duration;
use proptest::prelude::*;
use std::net::IpAddr;
use uuid::Uuid;

/// A DNS name with 2 to 4 labels and an alphabetic top-level label.
fn domain_name() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", 1..4),
        "[a-z]{2,6}",
    )
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

/// A local part as people write them: dots between runs of allowed characters.
fn local_part() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-z0-9_%+-]{1,8}", 1..4).prop_map(|runs| runs.join("."))
}

/// Text with blanks around it and, sometimes, upper case: how people type a login.
fn typed(s: String, upper: bool, pad: (usize, usize)) -> String {
    let s = if upper { s.to_uppercase() } else { s };
    format!("{}{s}{}", " ".repeat(pad.0), "\t".repeat(pad.1))
}

proptest! {
    #[test]
    fn parsing_never_panics_on_any_text(s in "\\PC{0,300}|.{0,40}") {
        let _ = Email::parse(&s);
        let _ = Phone::parse(&s);
        let _ = Login::parse(&s);
        let _ = PersonName::parse(&s);
        let _ = AccountName::parse(&s);
        let _ = parse_search(Some(&s));
        let _ = Password::parse(&s);
        let _ = Secret::parse(&s);
        let _ = WebhookUrl::parse(&s, false);
        let _ = Scopes::from_words(&s);
        let _ = EventTypes::from_words(&s);
        let _ = s.parse::<UserId>();
    }

    #[test]
    fn an_address_people_type_is_one_email_however_it_is_typed(
        local in local_part(), domain in domain_name(), upper: bool, pad in (0usize..3, 0usize..3),
    ) {
        let plain = format!("{local}@{domain}");
        prop_assume!(plain.len() <= Email::MAX_LEN && local.len() <= 64);
        let email = Email::parse(&plain).unwrap();
        prop_assert_eq!(email.as_str(), plain.as_str());
        prop_assert_eq!(email.domain(), domain.as_str());
        prop_assert_eq!(Email::parse(&typed(plain, upper, pad)), Ok(email.clone()));
        prop_assert_eq!(Login::parse(email.as_str()), Ok(Login::Email(email)));
    }

    #[test]
    fn an_accepted_email_is_normal_and_parses_to_itself(s in "[ A-Za-z0-9.@_+-]{0,40}") {
        if let Ok(email) = Email::parse(&s) {
            let e = email.as_str();
            prop_assert_eq!(e, s.trim().to_lowercase());
            prop_assert!(e.len() <= Email::MAX_LEN);
            prop_assert_eq!(e.matches('@').count(), 1);
            prop_assert!(is_domain_name(email.domain()));
            prop_assert_eq!(Email::parse(e), Ok(email.clone()));
        }
    }

    #[test]
    fn a_phone_number_is_its_digits_whatever_separates_them(
        first in 1u8..10, rest in proptest::collection::vec(0u8..10, 7..15),
        seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just("."), Just("("), Just(")")], 15),
    ) {
        let digits: String = std::iter::once(first).chain(rest).map(|d| char::from(b'0' + d)).collect();
        let canonical = format!("+{digits}");
        let typed: String = std::iter::once("+".to_owned())
            .chain(digits.chars().zip(&seps).map(|(d, s)| format!("{d}{s}")))
            .collect();
        let phone = Phone::parse(&typed).unwrap();
        prop_assert_eq!(phone.as_str(), canonical.as_str());
        prop_assert_eq!(Phone::parse(&canonical), Ok(phone.clone()));
        prop_assert_eq!(Login::parse(&typed), Ok(Login::Phone(phone)));
    }

    #[test]
    fn a_phone_number_has_eight_to_fifteen_digits_the_first_not_zero(s in "\\+?[0-9 ]{0,20}") {
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let expected = s.trim().starts_with('+')
            && (8..=15).contains(&digits.len())
            && !digits.starts_with('0');
        prop_assert_eq!(Phone::parse(&s).is_ok(), expected, "{:?}", s);
        if let Ok(p) = Phone::parse(&s) {
            prop_assert_eq!(p.as_str(), format!("+{digits}"));
        }
    }

    #[test]
    fn a_login_prints_as_it_parses(s in "[a-z0-9.@+ -]{0,30}") {
        if let Ok(login) = Login::parse(&s) {
            prop_assert_eq!(Login::parse(&login.to_string()), Ok(login));
        }
    }

    #[test]
    fn names_are_trimmed_bounded_and_free_of_control_characters(s in "\\s{0,2}(\\PC|[\\x00-\\x1f]){0,210}\\s{0,2}") {
        let t = s.trim();
        let valid = |max: usize| !t.is_empty() && t.chars().count() <= max && !t.chars().any(char::is_control);
        match PersonName::parse(&s) {
            Ok(name) => {
                prop_assert!(valid(PersonName::MAX_CHARS));
                prop_assert_eq!(name.as_str(), t);
                prop_assert_eq!(PersonName::parse(name.as_str()), Ok(name.clone()));
            }
            Err(_) => prop_assert!(!valid(PersonName::MAX_CHARS)),
        }
        prop_assert_eq!(AccountName::parse(&s).is_ok(), valid(AccountName::MAX_CHARS));
    }

    #[test]
    fn a_search_is_blank_or_trimmed_and_bounded(s in "\\s{0,3}\\PC{0,250}") {
        let t = s.trim();
        match parse_search(Some(&s)) {
            Ok(None) => prop_assert!(t.is_empty()),
            Ok(Some(q)) => {
                prop_assert_eq!(q.as_str(), t);
                prop_assert!(q.chars().count() <= MAX_SEARCH_CHARS);
            }
            Err(_) => prop_assert!(t.chars().count() > MAX_SEARCH_CHARS),
        }
    }

    #[test]
    fn a_password_is_accepted_exactly_by_the_policy(s in "\\PC{0,140}|(a{1,140})") {
        let n = s.chars().count();
        let one_char_repeated = s.chars().all(|c| s.starts_with(c));
        let expected = (Password::MIN_CHARS..=Password::MAX_CHARS).contains(&n) && !one_char_repeated;
        prop_assert_eq!(Password::parse(&s).is_ok(), expected);
    }

    #[test]
    fn a_webhook_secret_is_16_to_128_printable_ascii_characters(s in "[!-~]{0,140}|[ -~\\x{80}-\\x{ff}]{10,40}") {
        let n = s.chars().count();
        let expected = (16..=128).contains(&n) && s.chars().all(|c| c.is_ascii_graphic());
        prop_assert_eq!(Secret::parse(&s).is_ok(), expected);
    }

    #[test]
    fn scopes_and_events_print_as_they_parse(scope_bits in 0u16..2048, event_bits in 0u32..(1 << 18)) {
        let scopes: Vec<Scope> = Scope::ALL.iter().enumerate().filter(|(i, _)| scope_bits & (1 << i) != 0).map(|(_, s)| *s).collect();
        let set = Scopes::of(scopes.iter().copied());
        prop_assert_eq!(Scopes::from_words(&set.to_words()), Some(set));
        for s in Scope::ALL {
            prop_assert_eq!(set.contains(s), scopes.contains(&s));
            prop_assert_eq!(Scope::parse(s.as_str()), Some(s));
        }
        let events: Vec<EventType> = EventType::ALL.iter().enumerate().filter(|(i, _)| u64::from(event_bits) & (1u64 << i) != 0).map(|(_, e)| *e).collect();
        let set = EventTypes::of(events.iter().copied());
        prop_assert_eq!(EventTypes::from_words(&set.to_words()), Some(set));
        for e in EventType::ALL {
            prop_assert_eq!(set.contains(e), events.contains(&e));
        }
    }

    #[test]
    fn ids_print_as_they_parse_and_never_as_another_kind(n: u128) {
        let id = UserId(Uuid::from_u128(n));
        prop_assert_eq!(id.to_string().parse::<UserId>(), Ok(id));
        prop_assert_eq!(id.to_string().parse::<InvitationId>().map(|i| i.0), Ok(id.0));
    }

    #[test]
    fn domain_lists_are_normal_and_cover_their_subdomains(
        domains in proptest::collection::vec(domain_name(), 1..5), sub in "[a-z]{1,6}", allow: bool,
    ) {
        let typed: Vec<String> = domains.iter().map(|d| format!(" @{} ", d.to_uppercase())).collect();
        let parsed = if allow {
            ExternalDomains::parse(Some(&typed), None)
        } else {
            ExternalDomains::parse(None, Some(&typed))
        }.unwrap();
        let list = match &parsed {
            ExternalDomains::Allow(l) | ExternalDomains::Deny(l) => l.clone(),
            ExternalDomains::Any => unreachable!(),
        };
        // Lower case, no `@`, no blanks, no duplicates, in the order given.
        let mut expected: Vec<String> = Vec::new();
        for d in &domains {
            if !expected.contains(d) {
                expected.push(d.clone());
            }
        }
        prop_assert_eq!(list, expected);
        for d in &domains {
            prop_assert_eq!(parsed.permits(d), allow);
            prop_assert_eq!(parsed.permits(&format!("{sub}.{d}")), allow);
            // A name that merely ends with the same letters is another domain.
            prop_assert_eq!(parsed.permits(&format!("{sub}{d}")), !allow || domains.iter().any(|o| covers_by_hand(o, &format!("{sub}{d}"))));
        }
        prop_assert!(ExternalDomains::parse(Some(&typed), Some(&typed)).is_err());
    }

    #[test]
    fn a_webhook_url_is_bounded_and_never_names_a_private_address(
        host in prop_oneof![
            domain_name(),
            any::<[u8; 4]>().prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])),
            any::<[u16; 8]>().prop_map(|s| format!("[{}]", std::net::Ipv6Addr::from(s))),
            Just("[::ffff:127.0.0.1]".to_owned()),
            Just("2130706433".to_owned()),
            Just("0x7f.1".to_owned()),
        ],
        scheme in prop_oneof![Just("http"), Just("https"), Just("ftp"), Just("file")],
        path in "[a-z/]{0,20}",
    ) {
        let s = format!("{scheme}://{host}/{path}");
        let named = host.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if named && scheme.starts_with("http") {
            // A public name is accepted as given; its addresses are checked at each delivery.
            prop_assert!(WebhookUrl::parse(&s, false).is_ok(), "{} refused", s);
        }
        if let Ok(url) = WebhookUrl::parse(&s, false) {
            prop_assert!(url.as_str().chars().count() <= MAX_URL_CHARS + 8);
            prop_assert!(url.as_str().starts_with("http://") || url.as_str().starts_with("https://"));
            if let Some(Host::Address(ip)) = url.host() {
                prop_assert!(check_address(ip, false).is_ok());
                prop_assert!(!ip.is_loopback() && !ip.is_unspecified() && !is_private(ip), "{} accepted", ip);
            }
        }
    }

    #[test]
    fn retries_wait_longer_each_time_within_the_cap_then_stop(base_ms in 1i64..120_000, jitter in 0.0f64..=1.0) {
        let backoff = retries(Duration::milliseconds(base_ms));
        let retry_after = |n, jitter| backoff.after(n, jitter);
        let mut last = Duration::zero();
        for attempt in 1..MAX_ATTEMPTS {
            let wait = retry_after(attempt, 1.0).unwrap();
            prop_assert!(wait >= last);
            prop_assert!(wait <= Duration::seconds(MAX_BACKOFF_SECONDS));
            let jittered = retry_after(attempt, jitter).unwrap();
            prop_assert!(jittered * 2 >= wait - Duration::milliseconds(2) && jittered <= wait);
            last = wait;
        }
        prop_assert_eq!(retry_after(MAX_ATTEMPTS, jitter), None);
    }
}

/// `listed` covers `domain` by the written rule: equal, or a parent of it.
fn covers_by_hand(listed: &str, domain: &str) -> bool {
    domain == listed || domain.ends_with(&format!(".{listed}"))
}

/// Private, shared, link-local and other non-public IPv4 ranges, written out independently of
/// the code under test.
fn is_private(ip: IpAddr) -> bool {
    let v4 = match ip {
        IpAddr::V4(v4) => v4,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4,
            None => {
                let s = v6.segments();
                return (s[0] & 0xfe00) == 0xfc00
                    || (s[0] & 0xffc0) == 0xfe80
                    || (s[0] & 0xff00) == 0xff00;
            }
        },
    };
    let o = v4.octets();
    o[0] == 0
        || o[0] == 10
        || o[0] == 127
        || (o[0] == 100 && (64..128).contains(&o[1]))
        || (o[0] == 169 && o[1] == 254)
        || (o[0] == 172 && (16..32).contains(&o[1]))
        || (o[0] == 192 && o[1] == 168)
        || o[0] >= 224
}
