//! Typed ids: a user id cannot be passed where an account id is expected. The ids themselves
//! are UUIDv7s made by the storage layer (the domain has no clock).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
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
    };
}

typed_id!(
    /// One company's portal (tenant).
    AccountId
);
typed_id!(
    /// A person's global network profile.
    IdentityId
);
typed_id!(
    /// An identity inside one account.
    UserId
);
typed_id!(
    /// A workgroup or project.
    WorkgroupId
);
typed_id!(
    /// An invitation of a new person.
    InvitationId
);
typed_id!(
    /// An integrator's long-lived API token.
    ApiTokenId
);
typed_id!(
    /// A webhook subscription.
    WebhookId
);
