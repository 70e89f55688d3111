//! An account's settings and the rules for changing them.

use crate::enums::{RequireTwoFactor, WhoCanInvite};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::locale::Locale;
use crate::login::is_domain_name;
use crate::names::AccountName;

/// Which email domains extranet invitees may have.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ExternalDomains {
    /// Any domain.
    #[default]
    Any,
    /// Only these domains.
    Allow(Vec<String>),
    /// Any domain but these.
    Deny(Vec<String>),
}

impl ExternalDomains {
    pub const MAX_DOMAINS: usize = 100;

    /// Parses `{allow: [...]}` or `{deny: [...]}`; both at once is refused.
    pub fn parse(allow: Option<&[String]>, deny: Option<&[String]>) -> Result<Self, FieldError> {
        let list = |domains: &[String], field: &str| -> Result<Vec<String>, FieldError> {
            if domains.len() > Self::MAX_DOMAINS {
                return Err(FieldError::new(
                    field,
                    "too_many",
                    format!("at most {} domains", Self::MAX_DOMAINS),
                ));
            }
            let mut out: Vec<String> = Vec::with_capacity(domains.len());
            for (i, d) in domains.iter().enumerate() {
                let d = d.trim().trim_start_matches('@').to_lowercase();
                if !is_domain_name(&d) {
                    return Err(FieldError::new(
                        format!("{field}[{i}]"),
                        "invalid_domain",
                        format!("`{d}` is not a domain name"),
                    ));
                }
                if !out.contains(&d) {
                    out.push(d);
                }
            }
            Ok(out)
        };
        match (allow, deny) {
            (Some(_), Some(_)) => Err(FieldError::new(
                "",
                "allow_or_deny",
                "give `allow` or `deny`, never both",
            )),
            (Some(a), None) => list(a, "allow").map(Self::Allow),
            (None, Some(d)) => list(d, "deny").map(Self::Deny),
            (None, None) => Ok(Self::Any),
        }
    }

    /// Whether an invitee with an address at `domain` may be invited as an external user.
    /// A listed domain covers its subdomains (`client.example` covers `eu.client.example`),
    /// in allow and deny lists alike. Phone invitees have no domain: no list applies to them.
    pub fn permits(&self, domain: &str) -> bool {
        let domain = domain.to_lowercase();
        let listed = |list: &[String]| list.iter().any(|d| covers(d, &domain));
        match self {
            Self::Any => true,
            Self::Allow(list) => listed(list),
            Self::Deny(list) => !listed(list),
        }
    }
}

/// Whether the listed domain `listed` is `domain` or one of its parents.
fn covers(listed: &str, domain: &str) -> bool {
    domain == listed
        || domain
            .strip_suffix(listed)
            .is_some_and(|sub| sub.ends_with('.'))
}

/// The settings an administrator controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSettings {
    pub who_can_invite: WhoCanInvite,
    pub external_domains: ExternalDomains,
    pub invitation_ttl_hours: u32,
    /// The language of the account's messages, unless an invitation or a person says another.
    pub locale: Locale,
    /// How many days a new external user's access runs when the inviter gives no end (issue
    /// #30; `None`: open-ended).
    pub default_external_access_days: Option<u32>,
    /// Whom two-step authentication is required of (issue #31, rule 13).
    pub require_two_factor: RequireTwoFactor,
}

impl AccountSettings {
    pub const DEFAULT_TTL_HOURS: u32 = 7 * 24;
    pub const MAX_TTL_HOURS: u32 = 30 * 24;
}

impl Default for AccountSettings {
    /// Only administrators invite, any domain, invitations live 7 days, messages in English.
    fn default() -> Self {
        Self {
            who_can_invite: WhoCanInvite::Admins,
            external_domains: ExternalDomains::Any,
            invitation_ttl_hours: Self::DEFAULT_TTL_HOURS,
            locale: Locale::En,
            default_external_access_days: None,
            require_two_factor: RequireTwoFactor::None,
        }
    }
}

/// A requested change of the account: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountChange {
    pub name: Option<AccountName>,
    pub who_can_invite: Option<WhoCanInvite>,
    pub external_domains: Option<ExternalDomains>,
    pub invitation_ttl_hours: Option<u32>,
    pub locale: Option<Locale>,
    /// `Some(None)`: no default end.
    pub default_external_access_days: Option<Option<u32>>,
    pub require_two_factor: Option<RequireTwoFactor>,
}

/// The `allow` and `deny` lists of `external_domains` as the client sent them.
#[derive(Debug, Clone, Copy, Default)]
pub struct DomainLists<'a> {
    pub allow: Option<&'a [String]>,
    pub deny: Option<&'a [String]>,
}

/// The fields of a PATCH as the client sent them, before any rule is applied.
#[derive(Debug, Clone, Default)]
pub struct AccountChangeRequest<'a> {
    pub name: Option<&'a str>,
    pub who_can_invite: Option<WhoCanInvite>,
    /// `Some` when `external_domains` was sent (both lists empty: any domain).
    pub external_domains: Option<DomainLists<'a>>,
    pub invitation_ttl_hours: Option<i64>,
    pub locale: Option<Locale>,
    pub default_external_access_days: Option<Option<i64>>,
    pub require_two_factor: Option<RequireTwoFactor>,
}

impl AccountChange {
    /// Checks every field, reporting all problems at once.
    pub fn parse(req: AccountChangeRequest<'_>) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let name = req
            .name
            .and_then(|n| errors.check("name", AccountName::parse(n)));
        let external_domains = req.external_domains.and_then(|l| {
            errors.check("external_domains", ExternalDomains::parse(l.allow, l.deny))
        });
        let invitation_ttl_hours = req.invitation_ttl_hours.and_then(|h| {
            let ttl = u32::try_from(h)
                .ok()
                .filter(|h| (1..=AccountSettings::MAX_TTL_HOURS).contains(h));
            if ttl.is_none() {
                errors.push(FieldError::new(
                    "invitation_ttl_hours",
                    "out_of_range",
                    format!(
                        "an invitation lives 1 to {} hours",
                        AccountSettings::MAX_TTL_HOURS
                    ),
                ));
            }
            ttl
        });
        let default_days = match req.default_external_access_days {
            None => None,
            Some(None) => Some(None),
            Some(Some(d)) => errors
                .check(
                    "default_external_access_days",
                    crate::access_days::parse_days(d),
                )
                .map(Some),
        };
        errors.finish()?;
        Ok(Self {
            name,
            who_can_invite: req.who_can_invite,
            external_domains,
            invitation_ttl_hours,
            locale: req.locale,
            default_external_access_days: default_days,
            require_two_factor: req.require_two_factor,
        })
    }

    /// The settings after the change.
    pub fn apply_to(&self, settings: &AccountSettings) -> AccountSettings {
        AccountSettings {
            who_can_invite: self.who_can_invite.unwrap_or(settings.who_can_invite),
            external_domains: self
                .external_domains
                .clone()
                .unwrap_or_else(|| settings.external_domains.clone()),
            invitation_ttl_hours: self
                .invitation_ttl_hours
                .unwrap_or(settings.invitation_ttl_hours),
            locale: self.locale.unwrap_or(settings.locale),
            default_external_access_days: self
                .default_external_access_days
                .unwrap_or(settings.default_external_access_days),
            require_two_factor: self
                .require_two_factor
                .unwrap_or(settings.require_two_factor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`DOMAIN_PATTERN`](crate::login::DOMAIN_PATTERN) takes what a domain list takes, and
    /// refuses what it refuses.
    #[test]
    fn the_domain_pattern_takes_what_a_domain_list_takes() {
        let domain = regex::Regex::new(crate::login::DOMAIN_PATTERN).unwrap();
        let parses = |d: &str| ExternalDomains::parse(Some(&[d.to_owned()]), None).is_ok();
        for input in [
            "client.example",
            " @Client.Example ",
            "a-b.co",
            "x.y.zz",
            "@@a.bc",
        ] {
            assert!(domain.is_match(input), "{input:?}");
            assert!(parses(input), "{input:?}");
        }
        for input in [
            "", "example", "-a.com", "a-.com", "a..com", "a.c", "a.c0m", "a b.com",
        ] {
            assert!(!domain.is_match(input), "{input:?}");
            assert!(!parses(input), "{input:?}");
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn domains_allow_or_deny_never_both() {
        let allow = strings(&["Client.Example", "@partner.example", "client.example"]);
        assert_eq!(
            ExternalDomains::parse(Some(&allow), None).unwrap(),
            ExternalDomains::Allow(strings(&["client.example", "partner.example"]))
        );
        let err = ExternalDomains::parse(Some(&allow), Some(&allow)).unwrap_err();
        assert_eq!(err.code, "allow_or_deny");
        let bad = strings(&["ok.example", "not a domain"]);
        let err = ExternalDomains::parse(None, Some(&bad)).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.code),
            ("deny[1]", "invalid_domain")
        );
        assert_eq!(
            ExternalDomains::parse(None, None).unwrap(),
            ExternalDomains::Any
        );
    }

    #[test]
    fn domain_rules_permit_and_refuse() {
        let allow = ExternalDomains::Allow(strings(&["client.example"]));
        assert!(allow.permits("Client.Example"));
        assert!(!allow.permits("other.example"));
        let deny = ExternalDomains::Deny(strings(&["gmail.example"]));
        assert!(!deny.permits("gmail.example"));
        assert!(deny.permits("client.example"));
        assert!(ExternalDomains::Any.permits("anything.example"));
    }

    #[test]
    fn a_listed_domain_covers_its_subdomains_and_nothing_that_merely_ends_like_it() {
        let allow = ExternalDomains::Allow(strings(&["client.example"]));
        assert!(allow.permits("eu.client.example"));
        assert!(allow.permits("a.b.Client.Example"));
        assert!(!allow.permits("evilclient.example"));
        assert!(!allow.permits("client.example.evil"));
        let deny = ExternalDomains::Deny(strings(&["client.example"]));
        assert!(!deny.permits("eu.client.example"));
        assert!(deny.permits("notclient.example"));
    }

    #[test]
    fn a_change_reports_every_bad_field_and_applies_only_what_is_given() {
        let deny = strings(&["x"]);
        let err = AccountChange::parse(AccountChangeRequest {
            name: Some(" "),
            external_domains: Some(DomainLists {
                allow: None,
                deny: Some(&deny),
            }),
            invitation_ttl_hours: Some(0),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(
            fields,
            ["name", "external_domains.deny[0]", "invitation_ttl_hours"]
        );

        let change = AccountChange::parse(AccountChangeRequest {
            who_can_invite: Some(WhoCanInvite::Employees),
            invitation_ttl_hours: Some(48),
            ..Default::default()
        })
        .unwrap();
        let after = change.apply_to(&AccountSettings::default());
        assert_eq!(after.who_can_invite, WhoCanInvite::Employees);
        assert_eq!(after.invitation_ttl_hours, 48);
        assert_eq!(after.external_domains, ExternalDomains::Any);
    }
}
