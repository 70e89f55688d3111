//! Small closed sets of words the product uses, each stored and sent as its snake_case name.

use serde::{Deserialize, Serialize};

/// Declares a closed set of snake_case words with `as_str` and `parse`.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some(Self::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// Employee or external user.
    UserType { Intranet = "intranet", Extranet = "extranet" }
);
word_enum!(
    /// Whether a user may act in the account.
    UserStatus { Active = "active", Dismissed = "dismissed" }
);
word_enum!(
    /// Who may invite new people into the account (rule 3).
    WhoCanInvite { Admins = "admins", Employees = "employees" }
);
word_enum!(
    /// A workgroup or a project.
    WorkgroupKind { Group = "group", Project = "project" }
);
word_enum!(
    /// Who may add existing users to a workgroup: Bitrix24's A / E / K.
    InvitePolicy { Owner = "owner", Moderators = "moderators", Members = "members" }
);
word_enum!(
    /// A member's role in a workgroup.
    Role { Owner = "owner", Moderator = "moderator", Member = "member" }
);
word_enum!(
    /// A membership: active, or invited and not yet accepted.
    MembershipStatus { Active = "active", Invited = "invited" }
);
word_enum!(
    /// The lifecycle of an invitation of a new person (rule 7).
    InvitationStatus {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        Revoked = "revoked",
        Expired = "expired",
    }
);
word_enum!(
    /// How a message leaves the system.
    Channel { Email = "email", Sms = "sms", Webhook = "webhook" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for s in InvitationStatus::ALL {
            assert_eq!(InvitationStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(
            serde_json::to_string(&UserType::Extranet).unwrap(),
            "\"extranet\""
        );
        assert_eq!(InvitePolicy::parse("everyone"), None);
    }
}
