//! What an API token may be used for: scopes, sets of them, and the grant a request made
//! with a token carries (see [`crate::api_token`] for the tokens themselves).

use crate::audit::AuditAction;
use crate::ids::ApiTokenId;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a token may be used for. Sent and stored as `resource:access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    InvitationsRead,
    InvitationsWrite,
    UsersRead,
    UsersWrite,
    /// A user's data, exported whole (issue #32, GDPR art. 15/20).
    UsersExport,
    WorkgroupsRead,
    WorkgroupsWrite,
    AccountRead,
    AccountWrite,
    AuditRead,
    WebhooksWrite,
}

/// The scopes' names, in the order of [`Scope::ALL`].
const NAMES: [&str; 11] = [
    "invitations:read",
    "invitations:write",
    "users:read",
    "users:write",
    "users:export",
    "workgroups:read",
    "workgroups:write",
    "account:read",
    "account:write",
    "audit:read",
    "webhooks:write",
];

impl Scope {
    pub const ALL: [Self; 11] = [
        Self::InvitationsRead,
        Self::InvitationsWrite,
        Self::UsersRead,
        Self::UsersWrite,
        Self::UsersExport,
        Self::WorkgroupsRead,
        Self::WorkgroupsWrite,
        Self::AccountRead,
        Self::AccountWrite,
        Self::AuditRead,
        Self::WebhooksWrite,
    ];

    pub fn as_str(self) -> &'static str {
        NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == s)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        Self::parse(&word).ok_or_else(|| serde::de::Error::unknown_variant(&word, &NAMES))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Scope {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Self::ALL.iter().map(|s| s.as_str())))
            .description(Some("What an API token may be used for."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Scope {}

/// A set of scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes(u16);

impl Scopes {
    pub fn of(scopes: impl IntoIterator<Item = Scope>) -> Self {
        Self(scopes.into_iter().fold(0, |bits, s| bits | s.bit()))
    }

    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The scopes, in the order of [`Scope::ALL`].
    pub fn to_vec(self) -> Vec<Scope> {
        Scope::ALL
            .into_iter()
            .filter(|s| self.contains(*s))
            .collect()
    }

    /// As stored: the scopes' names separated by spaces.
    pub fn to_words(self) -> String {
        self.to_vec()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Read back from [`Scopes::to_words`]; `None` when a word is not a scope.
    pub fn from_words(words: &str) -> Option<Self> {
        words
            .split_whitespace()
            .map(Scope::parse)
            .collect::<Option<Vec<_>>>()
            .map(Self::of)
    }
}

/// A token the caller acts with: which one, and what it may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenGrant {
    pub id: ApiTokenId,
    pub scopes: Scopes,
}

/// What of people's data a caller reads wherever it appears — in a list, in a view another
/// view embeds (a member's user), in the answer to a write, in the audit trail's details, in a
/// webhook event. A scope grants a class of data, not a list of endpoints: a person reads what
/// their rights show; an API token reads users' contact data (email, phone) only with
/// `users:read`, and invitation data (the invitee's login, names and the message) only with
/// `invitations:read`. Ids, names and roles belong to the view they are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    /// Users' email and phone.
    pub contact: bool,
    /// An invitation's invitee: login, names, the message.
    pub invitations: bool,
}

impl Disclosure {
    /// Everything: a person's request.
    pub const ALL: Self = Self {
        contact: true,
        invitations: true,
    };

    /// What a request made with `token` (none: a person's) reads.
    pub fn of(token: Option<TokenGrant>) -> Self {
        token.map_or(Self::ALL, |grant| Self {
            contact: grant.scopes.contains(Scope::UsersRead),
            invitations: grant.scopes.contains(Scope::InvitationsRead),
        })
    }

    /// The keys of an audit event's `details` this caller does not read: the logins some
    /// actions record (an invitation's invitee; a user's old and new login). Takes the action
    /// as stored, which the audit log shows as it reads it.
    pub fn withheld_audit_details(self, action: &str) -> &'static [&'static str] {
        use AuditAction as A;
        match AuditAction::parse(action) {
            Some(A::InvitationCreated | A::InvitationDeliveryFailed) if !self.invitations => {
                &["login"]
            }
            Some(A::UserLoginChanged) if !self.contact => &["before", "after"],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_words_and_sets() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(serde_json::from_str::<Scope>(&json).unwrap(), scope);
        }
        assert!(Scope::ALL.iter().enumerate().all(|(i, s)| *s as usize == i));
        assert!(serde_json::from_str::<Scope>("\"admin\"").is_err());
        let set = Scopes::of([Scope::AuditRead, Scope::UsersRead, Scope::UsersRead]);
        assert_eq!(set.to_vec(), vec![Scope::UsersRead, Scope::AuditRead]);
        assert_eq!(Scopes::from_words(&set.to_words()), Some(set));
        assert_eq!(Scopes::from_words("users:read root"), None);
        assert!(!set.contains(Scope::InvitationsWrite));
    }

    #[test]
    fn a_scope_grants_a_class_of_data_wherever_it_appears() {
        assert_eq!(Disclosure::of(None), Disclosure::ALL);
        let grant = |scopes: &[Scope]| {
            Disclosure::of(Some(TokenGrant {
                id: ApiTokenId(uuid::Uuid::from_u128(1)),
                scopes: Scopes::of(scopes.iter().copied()),
            }))
        };
        let workgroups = grant(&[Scope::WorkgroupsRead, Scope::UsersWrite]);
        assert!(!workgroups.contact && !workgroups.invitations);
        assert!(grant(&[Scope::UsersRead]).contact);
        assert!(grant(&[Scope::InvitationsRead]).invitations);
        assert_eq!(
            workgroups.withheld_audit_details("invitation.created"),
            ["login"]
        );
        assert_eq!(
            workgroups.withheld_audit_details("user.login_changed"),
            ["before", "after"]
        );
        assert!(workgroups
            .withheld_audit_details("workgroup.created")
            .is_empty());
        assert!(Disclosure::ALL
            .withheld_audit_details("invitation.created")
            .is_empty());
    }
}
