//! Join links (issue #29): one link per workgroup to share in a channel, with a use limit, an
//! expiry, a domain filter and optionally an approval. Whoever opens it proves their login with
//! a code before anything is created; then they join at once, or wait for an owner, a moderator
//! or an administrator of the workgroup (holding a seat meanwhile). Every way in obeys rules 1,
//! 3, 4 and 6 and the account's domain rules (rule 12), when the person asks and again when they
//! are let in.
//!
//! This module: the link's fields, whether it is usable, who manages links, and whether a
//! person's address may ask at all. `join`: what confirming and approving decide.

mod join;

pub use join::{
    decide_approval, decide_join, decide_rejection, ApprovalContext, JoinAs, JoinContext, JoinPlan,
    JoinProfile, RequestFacts,
};

use crate::access::AccountUser;
use crate::account::AccountSettings;
use crate::enums::{JoinApproval, UserType};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::ids::{JoinLinkId, UserId, WorkgroupId};
use crate::invitation::{excluded_domain, may_invite_new_people};
use crate::login::{is_domain_name, Login};
use crate::workgroup::{may_add_to_workgroup, may_edit_workgroup, WorkgroupFacts};
use chrono::{DateTime, Utc};

/// The most uses a link may allow.
pub const MAX_USES: u32 = 10_000;
/// The most domains a link may let in.
pub const MAX_ALLOWED_DOMAINS: usize = 50;
/// A link's code is at most this long (the server's are 43 characters); longer is refused
/// before any lookup.
pub const MAX_CODE_CHARS: usize = 128;

/// A new link's fields as the client sent them.
#[derive(Debug, Clone, Copy)]
pub struct NewJoinLinkRequest<'a> {
    pub max_uses: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    pub allowed_domains: Option<&'a [String]>,
    pub approval: JoinApproval,
}

/// A new link whose every field is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJoinLink {
    pub max_uses: Option<u32>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Lower case, without duplicates; empty: any domain the account lets in.
    pub allowed_domains: Vec<String>,
    pub approval: JoinApproval,
}

impl NewJoinLink {
    /// Checks every field, reporting all problems at once: `max_uses` 1..=10000, `expires_at`
    /// in the future, `allowed_domains` at most 50 domain names.
    pub fn parse(req: NewJoinLinkRequest<'_>, now: DateTime<Utc>) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let max_uses = match req.max_uses {
            None => None,
            Some(n) => match u32::try_from(n) {
                Ok(n) if (1..=MAX_USES).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new(
                        "max_uses",
                        "out_of_range",
                        format!("a link allows 1 to {MAX_USES} uses"),
                    ));
                    None
                }
            },
        };
        if let Some(at) = req.expires_at {
            if at <= now {
                errors.push(FieldError::new(
                    "expires_at",
                    "in_the_past",
                    "a link's expiry must be in the future",
                ));
            }
        }
        let mut allowed_domains: Vec<String> = Vec::new();
        if let Some(list) = req.allowed_domains {
            if list.len() > MAX_ALLOWED_DOMAINS {
                errors.push(FieldError::new(
                    "allowed_domains",
                    "too_many",
                    format!("at most {MAX_ALLOWED_DOMAINS} domains"),
                ));
            } else {
                for (i, d) in list.iter().enumerate() {
                    let d = d.trim().trim_start_matches('@').to_lowercase();
                    if !is_domain_name(&d) {
                        errors.push(FieldError::new(
                            format!("allowed_domains[{i}]"),
                            "invalid_domain",
                            format!("`{d}` is not a domain name"),
                        ));
                    } else if !allowed_domains.contains(&d) {
                        allowed_domains.push(d);
                    }
                }
            }
        }
        errors.finish()?;
        Ok(Self {
            max_uses,
            expires_at: req.expires_at,
            allowed_domains,
            approval: req.approval,
        })
    }
}

/// A link's code as the person's browser sent it: 1 to 128 characters of base64url (the
/// fragment of `/join#code=…`); anything else is refused without a lookup.
pub fn parse_code(input: &str) -> Result<&str, FieldError> {
    let ok = !input.is_empty()
        && input.len() <= MAX_CODE_CHARS
        && input
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(input)
    } else {
        Err(FieldError::new(
            "code",
            "invalid_link_code",
            format!("a join link's code is 1 to {MAX_CODE_CHARS} characters of A-Z a-z 0-9 - _"),
        ))
    }
}

/// What the storage knows of a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinLinkFacts {
    pub id: JoinLinkId,
    pub workgroup_id: WorkgroupId,
    pub created_by: UserId,
    pub approval: JoinApproval,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub allowed_domains: Vec<String>,
}

/// Whether a link still lets people ask, as invitation tokens answer: a revoked link is
/// unknown (404, like one that never existed), an expired one is gone (410
/// `join_link_expired`), and one used as often as it allows is gone too (410
/// `join_link_used_up`).
pub fn require_usable(link: &JoinLinkFacts, now: DateTime<Utc>) -> Result<(), DomainError> {
    if link.revoked {
        return Err(DomainError::NotFound("join link"));
    }
    if link.expires_at.is_some_and(|at| at <= now) {
        return Err(DomainError::JoinLinkExpired);
    }
    if link.max_uses.is_some_and(|max| link.uses >= max) {
        return Err(DomainError::JoinLinkUsedUp);
    }
    Ok(())
}

/// The domain of `login` that the link's own list or the account's domain rules rule out, if
/// any. A link with a list of domains lets in email addresses at them only (a phone number has
/// no domain); the account's rules apply to every external user, as to invitations.
fn ruled_out_domain(
    link: &JoinLinkFacts,
    settings: &AccountSettings,
    login: &Login,
) -> Option<String> {
    if !link.allowed_domains.is_empty() {
        match login.email() {
            None => return Some(String::new()),
            Some(email) => {
                let domain = email.domain().to_lowercase();
                let listed = link.allowed_domains.iter().any(|d| {
                    domain == *d
                        || domain
                            .strip_suffix(d.as_str())
                            .is_some_and(|sub| sub.ends_with('.'))
                });
                if !listed {
                    return Some(domain);
                }
            }
        }
    }
    excluded_domain(settings, UserType::Extranet, login)
}

/// Asking to join through a link (the code goes to the login): the link must be usable, and
/// the address one the link and the account let in (422 `domain_not_allowed` on the login's
/// field). Nothing else is told before the login is proved: whether it is someone's in the
/// account is decided at confirmation ([`decide_join`]).
pub fn decide_join_request(
    link: &JoinLinkFacts,
    settings: &AccountSettings,
    login: &Login,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    require_usable(link, now)?;
    if let Some(domain) = ruled_out_domain(link, settings, login) {
        let (field, message) = match login {
            Login::Email(_) => (
                "email",
                format!("this link does not let addresses at `{domain}` in"),
            ),
            Login::Phone(_) => (
                "phone",
                "this link lets in email addresses at its domains only".to_owned(),
            ),
        };
        return Err(DomainError::Invalid(vec![FieldError::new(
            field,
            "domain_not_allowed",
            message,
        )]));
    }
    Ok(())
}

/// Rules 1 and 3 for a workgroup's join links: whoever creates, lists or revokes them may
/// invite new people into the account (`who_can_invite`; external users never) and add people
/// to the workgroup (its invite policy; administrators always), and the workgroup lets external
/// users in (409 `workgroup_not_extranet`, on creation).
pub fn may_manage_join_links(
    actor: &AccountUser,
    settings: &AccountSettings,
    group: &WorkgroupFacts,
) -> Result<(), DomainError> {
    crate::workgroup::may_view_workgroup(actor, group.standing)?;
    may_invite_new_people(actor, settings)?;
    may_add_to_workgroup(actor, group.standing, group.invite_policy)
}

/// Creating a link: [`may_manage_join_links`], and the workgroup takes external users (rule 1).
pub fn may_create_join_link(
    actor: &AccountUser,
    settings: &AccountSettings,
    group: &WorkgroupFacts,
) -> Result<(), DomainError> {
    may_manage_join_links(actor, settings, group)?;
    if !group.allow_external {
        return Err(DomainError::WorkgroupNotExtranet);
    }
    Ok(())
}

/// Who sees and decides a workgroup's join requests: its owner, its moderators and the
/// account's administrators (an external moderator sees them, but cannot let new people in:
/// [`decide_approval`]).
pub fn may_see_join_requests(
    actor: &AccountUser,
    group: &WorkgroupFacts,
) -> Result<(), DomainError> {
    may_edit_workgroup(actor, group.standing)
}

#[cfg(test)]
mod tests;
