//! Typed ids: a user id cannot be passed where an account id is expected. The ids themselves
//! are UUIDv7s made by the storage layer (the domain has no clock).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $names:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        /// A uuid string that says what it names (`x-extranet-id`), so that a generated
        /// client can tell one kind of id from another.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .extensions(Some(
                        utoipa::openapi::extensions::ExtensionsBuilder::new()
                            .add(ID_EXTENSION, $names)
                            .build(),
                    ))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

/// The OpenAPI extension that says what an id names.
pub const ID_EXTENSION: &str = "x-extranet-id";

typed_id!(
    /// One company's portal (tenant).
    AccountId,
    "account"
);
typed_id!(
    /// A person's global network profile.
    IdentityId,
    "profile"
);
typed_id!(
    /// An identity inside one account.
    UserId,
    "user"
);
typed_id!(
    /// A workgroup or project.
    WorkgroupId,
    "workgroup"
);
typed_id!(
    /// An invitation of a new person.
    InvitationId,
    "invitation"
);
typed_id!(
    /// An integrator's long-lived API token.
    ApiTokenId,
    "api_token"
);
typed_id!(
    /// A webhook subscription.
    WebhookId,
    "webhook"
);
typed_id!(
    /// One attempt to post an event to a webhook, and its outcome.
    WebhookDeliveryId,
    "webhook_delivery"
);
typed_id!(
    /// An entry of the audit log.
    AuditEventId,
    "audit_event"
);
typed_id!(
    /// A session of a profile: what a login opens and a logout ends (rule 9).
    SessionId,
    "session"
);
typed_id!(
    /// A workgroup's join link (issue #29).
    JoinLinkId,
    "join_link"
);
typed_id!(
    /// A person's request to join through a join link.
    JoinRequestId,
    "join_request"
);
typed_id!(
    /// An access review (issue #30): external users of a workgroup or of the account, kept or
    /// removed by their reviewers' decisions at a due instant.
    AccessReviewId,
    "access_review"
);
typed_id!(
    /// A change of a profile's login asked for, confirmed by a code sent to the new one.
    LoginChangeId,
    "login_change"
);
typed_id!(
    /// A message (email or text) in the outbox.
    MessageId,
    "message"
);
