//! The events a webhook can subscribe to, named as receivers see them (`invitation.created`),
//! and which change of the audit trail each one reports.

use crate::audit::AuditAction;
use crate::scope::Scope;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Something that happened in an account that a webhook can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    InvitationCreated,
    InvitationResent,
    InvitationRevoked,
    InvitationAccepted,
    InvitationDeclined,
    InvitationExpired,
    InvitationDeliveryFailed,
    InvitationApprovalRequested,
    InvitationApproved,
    InvitationRejected,
    JoinLinkCreated,
    JoinLinkRevoked,
    JoinRequestCreated,
    JoinRequestApproved,
    JoinRequestRejected,
    JoinLinkJoined,
    MembershipInvited,
    MembershipJoined,
    MembershipDeclined,
    MembershipRemoved,
    MembershipRoleChanged,
    MembershipExpired,
    UserTransferred,
    UserDismissed,
    UserReinstated,
    UserAccessExpired,
    UserAccessChanged,
    UserErased,
    TwoFactorEnabled,
    TwoFactorDisabled,
    TwoFactorRecoveryCodeUsed,
    WorkgroupCreated,
    WorkgroupUpdated,
    AccessReviewCreated,
    AccessReviewCancelled,
    AccessReviewApplied,
    /// Sent by `POST /v1/webhooks/{id}/ping` only; never subscribed to.
    Ping,
}

const NAMES: [&str; 37] = [
    "invitation.created",
    "invitation.resent",
    "invitation.revoked",
    "invitation.accepted",
    "invitation.declined",
    "invitation.expired",
    "invitation.delivery_failed",
    "invitation.approval_requested",
    "invitation.approved",
    "invitation.rejected",
    "join_link.created",
    "join_link.revoked",
    "join_request.created",
    "join_request.approved",
    "join_request.rejected",
    "join_link.joined",
    "membership.invited",
    "membership.joined",
    "membership.declined",
    "membership.removed",
    "membership.role_changed",
    "membership.expired",
    "user.transferred",
    "user.dismissed",
    "user.reinstated",
    "user.access_expired",
    "user.access_changed",
    "user.erased",
    "two_factor.enabled",
    "two_factor.disabled",
    "two_factor.recovery_code_used",
    "workgroup.created",
    "workgroup.updated",
    "access_review.created",
    "access_review.cancelled",
    "access_review.applied",
    "ping",
];

impl EventType {
    pub const ALL: [Self; 37] = [
        Self::InvitationCreated,
        Self::InvitationResent,
        Self::InvitationRevoked,
        Self::InvitationAccepted,
        Self::InvitationDeclined,
        Self::InvitationExpired,
        Self::InvitationDeliveryFailed,
        Self::InvitationApprovalRequested,
        Self::InvitationApproved,
        Self::InvitationRejected,
        Self::JoinLinkCreated,
        Self::JoinLinkRevoked,
        Self::JoinRequestCreated,
        Self::JoinRequestApproved,
        Self::JoinRequestRejected,
        Self::JoinLinkJoined,
        Self::MembershipInvited,
        Self::MembershipJoined,
        Self::MembershipDeclined,
        Self::MembershipRemoved,
        Self::MembershipRoleChanged,
        Self::MembershipExpired,
        Self::UserTransferred,
        Self::UserDismissed,
        Self::UserReinstated,
        Self::UserAccessExpired,
        Self::UserAccessChanged,
        Self::UserErased,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::TwoFactorRecoveryCodeUsed,
        Self::WorkgroupCreated,
        Self::WorkgroupUpdated,
        Self::AccessReviewCreated,
        Self::AccessReviewCancelled,
        Self::AccessReviewApplied,
        Self::Ping,
    ];

    /// The events a webhook may subscribe to (all but `ping`).
    pub fn subscribable() -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(|e| *e != Self::Ping)
    }

    pub fn as_str(self) -> &'static str {
        NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The scope an API token needs to be told of the event: the one that reads what it
    /// carries. An invitation's event carries the invitation (the invitee's login and names), a
    /// join request's the person's login and names (`invitations:read` too), a join link's
    /// only the link (`workgroups:read`);
    /// a user's, the user (email, phone); a membership's, the workgroup and the member's id and
    /// role; a workgroup's, the workgroup; an access review's, the review and the ids of the
    /// users it kept or removed (`users:read`). `ping` carries nothing of the account's.
    pub fn reads(self) -> Option<Scope> {
        Some(match self {
            Self::InvitationCreated
            | Self::InvitationResent
            | Self::InvitationRevoked
            | Self::InvitationAccepted
            | Self::InvitationDeclined
            | Self::InvitationExpired
            | Self::InvitationDeliveryFailed
            | Self::InvitationApprovalRequested
            | Self::InvitationApproved
            | Self::InvitationRejected
            | Self::JoinRequestCreated
            | Self::JoinRequestApproved
            | Self::JoinRequestRejected
            | Self::JoinLinkJoined => Scope::InvitationsRead,
            // A link carries no person's data: its workgroup, limits and domains.
            Self::JoinLinkCreated | Self::JoinLinkRevoked => Scope::WorkgroupsRead,
            Self::UserTransferred
            | Self::UserDismissed
            | Self::UserReinstated
            | Self::UserAccessExpired
            | Self::UserAccessChanged
            | Self::UserErased
            | Self::TwoFactorEnabled
            | Self::TwoFactorDisabled
            | Self::TwoFactorRecoveryCodeUsed
            | Self::AccessReviewCreated
            | Self::AccessReviewCancelled
            | Self::AccessReviewApplied => Scope::UsersRead,
            Self::MembershipInvited
            | Self::MembershipJoined
            | Self::MembershipDeclined
            | Self::MembershipRemoved
            | Self::MembershipRoleChanged
            | Self::MembershipExpired
            | Self::WorkgroupCreated
            | Self::WorkgroupUpdated => Scope::WorkgroupsRead,
            Self::Ping => return None,
        })
    }

    /// The event an audit action reports to webhooks, if any. Several actions report as one
    /// event: a member who leaves, is removed, or whose invitation is withdrawn is
    /// `membership.removed`; an owner handed over is `workgroup.updated`. Changes to the
    /// account's settings, tokens, webhooks and logins are not told.
    pub fn for_action(action: AuditAction) -> Option<Self> {
        use AuditAction as A;
        Some(match action {
            A::InvitationCreated => Self::InvitationCreated,
            A::InvitationResent => Self::InvitationResent,
            A::InvitationRevoked => Self::InvitationRevoked,
            A::InvitationAccepted => Self::InvitationAccepted,
            A::InvitationDeclined => Self::InvitationDeclined,
            A::InvitationExpired => Self::InvitationExpired,
            A::InvitationDeliveryFailed => Self::InvitationDeliveryFailed,
            A::InvitationApprovalRequested => Self::InvitationApprovalRequested,
            A::InvitationApproved => Self::InvitationApproved,
            A::InvitationRejected => Self::InvitationRejected,
            A::JoinLinkCreated => Self::JoinLinkCreated,
            A::JoinLinkRevoked => Self::JoinLinkRevoked,
            A::JoinRequestCreated => Self::JoinRequestCreated,
            A::JoinRequestApproved => Self::JoinRequestApproved,
            A::JoinRequestRejected => Self::JoinRequestRejected,
            A::JoinLinkJoined => Self::JoinLinkJoined,
            A::MembershipInvited => Self::MembershipInvited,
            A::MembershipJoined | A::MembershipAccepted => Self::MembershipJoined,
            A::MembershipDeclined => Self::MembershipDeclined,
            A::MembershipRemoved | A::MembershipLeft | A::MembershipInvitationWithdrawn => {
                Self::MembershipRemoved
            }
            A::MembershipRoleChanged => Self::MembershipRoleChanged,
            A::MembershipExpired => Self::MembershipExpired,
            A::UserAccessExpired => Self::UserAccessExpired,
            A::UserAccessChanged => Self::UserAccessChanged,
            A::UserErased => Self::UserErased,
            A::TwoFactorEnabled => Self::TwoFactorEnabled,
            A::TwoFactorDisabled => Self::TwoFactorDisabled,
            A::TwoFactorRecoveryCodeUsed => Self::TwoFactorRecoveryCodeUsed,
            A::UserTransferredToIntranet => Self::UserTransferred,
            A::UserDismissed => Self::UserDismissed,
            A::UserReinstated => Self::UserReinstated,
            A::WorkgroupCreated => Self::WorkgroupCreated,
            A::WorkgroupUpdated | A::WorkgroupOwnerChanged => Self::WorkgroupUpdated,
            A::AccessReviewCreated => Self::AccessReviewCreated,
            A::AccessReviewCancelled => Self::AccessReviewCancelled,
            A::AccessReviewApplied => Self::AccessReviewApplied,
            A::AccountCreated
            | A::AccountUpdated
            | A::AccountPlanChanged
            | A::ApiTokenCreated
            | A::ApiTokenRevoked
            | A::UserAdminGranted
            | A::UserAdminRevoked
            | A::UserLoginChanged
            | A::UserExported
            | A::MembershipEndChanged
            | A::TwoFactorRecoveryCodesRenewed
            | A::WebhookCreated
            | A::WebhookUpdated
            | A::WebhookDeleted
            | A::WebhookDisabled
            | A::AccessReviewDecided => return None,
        })
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        Self::parse(&word).ok_or_else(|| serde::de::Error::unknown_variant(&word, &NAMES))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for EventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Self::ALL.iter().map(|e| e.as_str())))
            .description(Some(
                "An event a webhook is told about (`ping` is only sent by the ping endpoint).",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for EventType {}

/// An event a webhook may subscribe to (every event but `ping`): the items of a webhook's
/// `events` in the document.
#[cfg(feature = "openapi")]
pub struct SubscribableEvent;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for SubscribableEvent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(EventType::subscribable().map(|e| e.as_str())))
            .description(Some(
                "An event a webhook may subscribe to. An API token subscribes only to events \
                 whose data its scopes read (`x-extranet-event-scopes`): `invitation.*` \
                 needs `invitations:read`, `user.*` `users:read`, `membership.*` and \
                 `workgroup.*` `workgroups:read`; `join_request.*` and `join_link.joined` \
                 `invitations:read`, `join_link.created` and `join_link.revoked` \
                 `workgroups:read`.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for SubscribableEvent {}

/// The events one webhook subscribed to, as a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventTypes(u64);

impl EventTypes {
    pub fn of(events: impl IntoIterator<Item = EventType>) -> Self {
        Self(events.into_iter().fold(0, |bits, e| bits | (1 << e as u64)))
    }

    pub fn contains(self, event: EventType) -> bool {
        self.0 & (1 << event as u64) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn to_vec(self) -> Vec<EventType> {
        EventType::ALL
            .into_iter()
            .filter(|e| self.contains(*e))
            .collect()
    }

    /// Stored as the names, space-separated.
    pub fn to_words(self) -> String {
        self.to_vec()
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn from_words(words: &str) -> Option<Self> {
        words
            .split_whitespace()
            .map(EventType::parse)
            .collect::<Option<Vec<_>>>()
            .map(Self::of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_keep_them() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
        }
        let set = EventTypes::of([EventType::UserDismissed, EventType::InvitationCreated]);
        assert_eq!(set.to_words(), "invitation.created user.dismissed");
        assert_eq!(EventTypes::from_words(&set.to_words()), Some(set));
        assert_eq!(EventTypes::from_words("user.dismissed nonsense"), None);
        assert!(!EventType::subscribable().any(|e| e == EventType::Ping));
    }

    #[test]
    fn each_event_needs_the_scope_of_the_resource_it_carries() {
        for e in EventType::subscribable() {
            let resource = e.as_str().split('.').next().unwrap();
            let expected = match resource {
                "invitation" | "join_request" => Scope::InvitationsRead,
                "join_link" if e == EventType::JoinLinkJoined => Scope::InvitationsRead,
                "join_link" => Scope::WorkgroupsRead,
                "user" => Scope::UsersRead,
                "membership" | "workgroup" => Scope::WorkgroupsRead,
                // A review carries the ids of the users it kept and removed.
                "access_review" => Scope::UsersRead,
                // A second factor's event carries the user it is about.
                "two_factor" => Scope::UsersRead,
                other => panic!("{other}"),
            };
            assert_eq!(e.reads(), Some(expected), "{e}");
        }
        assert_eq!(EventType::Ping.reads(), None);
    }

    #[test]
    fn audit_actions_map_to_the_events_receivers_know() {
        assert_eq!(
            EventType::for_action(AuditAction::MembershipLeft),
            Some(EventType::MembershipRemoved)
        );
        assert_eq!(
            EventType::for_action(AuditAction::UserTransferredToIntranet),
            Some(EventType::UserTransferred)
        );
        assert_eq!(
            EventType::for_action(AuditAction::WorkgroupOwnerChanged),
            Some(EventType::WorkgroupUpdated)
        );
        // Changes webhooks are not told about: tokens, settings, logins.
        for action in [
            AuditAction::ApiTokenCreated,
            AuditAction::AccountUpdated,
            AuditAction::UserLoginChanged,
        ] {
            assert_eq!(EventType::for_action(action), None, "{action}");
        }
        // Every other subscribable event is the audit action of its own name.
        for e in EventType::subscribable().filter(|e| *e != EventType::UserTransferred) {
            let action = AuditAction::parse(e.as_str());
            assert_eq!(action.and_then(EventType::for_action), Some(e), "{e}");
        }
        // Every event but `ping` is reported by some action.
        for e in EventType::subscribable() {
            assert!(
                AuditAction::ALL
                    .iter()
                    .any(|a| EventType::for_action(*a) == Some(e)),
                "{e}"
            );
        }
    }
}
