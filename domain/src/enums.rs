//! Small closed sets of words the product uses, each stored and sent as its snake_case name.

use serde::{Deserialize, Serialize};

/// Declares a closed set of snake_case words: the enum with `strum`'s derives, and `as_str`,
/// `parse` and `ALL` as inherent items so that callers need no trait in scope. Serde and strum
/// are both told snake_case: serde names the words in JSON, strum in the database and in text.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[derive(strum::IntoStaticStr, strum::EnumString, strum::Display, strum::VariantArray)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = <Self as strum::VariantArray>::VARIANTS;

            pub fn as_str(self) -> &'static str {
                self.into()
            }

            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
    };
}

word_enum!(
    /// Employee or external user.
    UserType { Intranet, Extranet }
);
word_enum!(
    /// Whether a user may act in the account.
    UserStatus { Active, Dismissed }
);
word_enum!(
    /// Who may invite new people into the account (rule 3): administrators only, every
    /// employee, or every employee with an administrator's approval of each invitation before
    /// it is sent (`employees_with_approval`).
    WhoCanInvite { Admins, Employees, EmployeesWithApproval }
);
word_enum!(
    /// Whom the account requires two-step authentication of (rule 12): nobody, its
    /// administrators, or every user (external users too). A covered user without a second
    /// factor may only enroll.
    RequireTwoFactor { None, Admins, Everyone }
);
word_enum!(
    /// What a batch of invitations does with rows that cannot be invited: `refuse` the whole
    /// batch, naming every problem, or `skip` those rows and invite the others.
    OnConflict { Refuse, Skip }
);
word_enum!(
    /// Who delivers a batch's invitations: `send` (this service's email or text), or `none`
    /// (each invitation's link is in the answer, for the caller to deliver).
    BatchDelivery { Send, None }
);
word_enum!(
    /// A workgroup or a project.
    WorkgroupKind { Group, Project }
);
word_enum!(
    /// Who may add existing users to a workgroup: Bitrix24's A / E / K.
    InvitePolicy { Owner, Moderators, Members }
);
word_enum!(
    /// A member's role in a workgroup.
    Role { Owner, Moderator, Member }
);
word_enum!(
    /// A membership: active, or invited and not yet accepted.
    MembershipStatus { Active, Invited }
);
word_enum!(
    /// The lifecycle of an invitation of a new person (rule 7). An employee's invitation, where
    /// the account wants an administrator's approval, starts `awaiting_approval` (a seat and
    /// the login held, nothing sent): approved, it is `pending`; rejected, `rejected`.
    InvitationStatus { Pending, Accepted, Declined, Revoked, Expired, AwaitingApproval, Rejected }
);

impl InvitationStatus {
    /// Whether an invitation in this status holds a seat and its login (rules 4 and 6), and
    /// expires at its `expires_at` (rule 7).
    pub fn holds_seat(self) -> bool {
        matches!(self, Self::Pending | Self::AwaitingApproval)
    }
}
word_enum!(
    /// Where an invitation that needed an administrator's approval stands (stored beside its
    /// status: one awaiting approval is stored `pending`, so that seats, logins and expiry
    /// treat it as the pending invitation it is; a rejected one `revoked`).
    Approval { Awaiting, Approved, Rejected }
);
word_enum!(
    /// Whose data an export is (issue #32): a person's network profile, with everything of
    /// every account it is a user of (`network_profile`), or one account's user, as that
    /// account holds it (`user`).
    ExportKind { NetworkProfile, User }
);
word_enum!(
    /// A list of a person's export, each cut at `personal_data::SECTION_CAP` items.
    ExportSection {
        Users,
        Memberships,
        Invitations,
        JoinRequests,
        LoginChanges,
        Sessions,
        ApiTokens,
        AuditEvents,
        Messages,
    }
);
word_enum!(
    /// What is stored about a person but never exported, because it is a secret rather than
    /// information about them: the password's hash, the second factor's secret, the recovery
    /// codes' hashes, the hashes of tokens and codes (API tokens, invitations, sessions'
    /// refresh tokens, confirmation codes), and the sealed tokens and codes messages carry.
    WithheldData {
        PasswordHash,
        TwoFactorSecret,
        RecoveryCodeHashes,
        TokenAndCodeHashes,
        SealedMessageTokens,
    }
);
word_enum!(
    /// How a message leaves the system.
    Channel { Email, Sms, Webhook }
);
word_enum!(
    /// What became of an invitation's message: waiting to be sent (or sent again after a
    /// failure), sent, or given up after its last attempt.
    DeliveryState { Queued, Sent, Failed }
);
word_enum!(
    /// Where one delivery (a message or a webhook's event) stands: waiting for its next
    /// attempt, sent (the receiver said 2xx, or the transport took it), given up, or — a
    /// webhook's, while the webhook is switched off — paused.
    DeliveryStatus { Pending, Sent, Failed, Paused }
);
word_enum!(
    /// Why a webhook is switched off: its deliveries kept failing, someone switched it off,
    /// or whoever answers for it could no longer make it — the API token it was made through
    /// was revoked or expired, the user who made it was dismissed or is no longer an
    /// administrator.
    SwitchOffCause {
        Failing,
        SwitchedOff,
        TokenRevoked,
        TokenExpired,
        CreatorDismissed,
        CreatorNotAdmin
    }
);

word_enum!(
    /// Whether a join link lets people in at once or waits for an owner's, a moderator's or
    /// an administrator's approval.
    JoinApproval { None, Required }
);
word_enum!(
    /// Where a join request stands: its login not proved yet (never listed), waiting for
    /// approval (holding a seat when it would bring a new person in), approved, rejected, or
    /// joined at once (a link without approval).
    JoinRequestStatus {
        Unconfirmed,
        AwaitingApproval,
        Approved,
        Rejected,
        Joined
    }
);

impl JoinRequestStatus {
    /// Whether the request still waits (for its code, or for approval): nothing was decided.
    pub fn is_waiting(self) -> bool {
        matches!(self, Self::Unconfirmed | Self::AwaitingApproval)
    }
}

word_enum!(
    /// A reviewer's answer about one external user in an access review (issue #30), and what
    /// a review does with those who got none (`on_no_answer`).
    ReviewDecision { Keep, Remove }
);
word_enum!(
    /// Where an access review stands: open (decisions may change until its due instant),
    /// applied at it, or cancelled before it.
    ReviewStatus { Open, Applied, Cancelled }
);
word_enum!(
    /// What applying an access review did to one external user: kept; removed (from the
    /// workgroup, or from every workgroup of an account-wide review) and still a user;
    /// removed from the last workgroup and so dismissed; or nothing, the person being no
    /// longer in the review's scope (no longer a member, or not an active external user).
    ReviewOutcome {
        Kept,
        Removed,
        Dismissed,
        Unchanged
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use std::fmt::{Debug, Display};

    /// Every word of `E`, in order, is `words`: as `as_str`, `Display` and JSON say it, and
    /// `parse` and JSON read it back. The words are stored in the database and sent to
    /// clients, so they are spelled out here rather than derived from the variant names.
    fn words<E>(
        words: &[&str],
        as_str: fn(E) -> &'static str,
        parse: fn(&str) -> Option<E>,
        all: &[E],
    ) where
        E: Copy + PartialEq + Debug + Display + Serialize + DeserializeOwned,
    {
        assert_eq!(all.iter().map(|e| as_str(*e)).collect::<Vec<_>>(), words);
        for e in all {
            let word = as_str(*e);
            assert_eq!(parse(word), Some(*e));
            assert_eq!(e.to_string(), word);
            let json = serde_json::to_string(e).unwrap();
            assert_eq!(json, format!("\"{word}\""));
            assert_eq!(serde_json::from_str::<E>(&json).unwrap(), *e);
        }
    }

    macro_rules! assert_words {
        ($name:ident, $words:expr) => {
            words($words, $name::as_str, $name::parse, $name::ALL)
        };
    }

    #[test]
    fn words_round_trip() {
        assert_words!(UserType, &["intranet", "extranet"]);
        assert_words!(UserStatus, &["active", "dismissed"]);
        assert_words!(
            WhoCanInvite,
            &["admins", "employees", "employees_with_approval"]
        );
        assert_words!(WorkgroupKind, &["group", "project"]);
        assert_words!(OnConflict, &["refuse", "skip"]);
        assert_words!(RequireTwoFactor, &["none", "admins", "everyone"]);
        assert_words!(BatchDelivery, &["send", "none"]);
        assert_words!(InvitePolicy, &["owner", "moderators", "members"]);
        assert_words!(Role, &["owner", "moderator", "member"]);
        assert_words!(MembershipStatus, &["active", "invited"]);
        assert_words!(
            InvitationStatus,
            &[
                "pending",
                "accepted",
                "declined",
                "revoked",
                "expired",
                "awaiting_approval",
                "rejected"
            ]
        );
        assert_words!(Approval, &["awaiting", "approved", "rejected"]);
        assert_words!(Channel, &["email", "sms", "webhook"]);
        assert_words!(JoinApproval, &["none", "required"]);
        assert_words!(ReviewDecision, &["keep", "remove"]);
        assert_words!(ReviewStatus, &["open", "applied", "cancelled"]);
        assert_words!(
            ReviewOutcome,
            &["kept", "removed", "dismissed", "unchanged"]
        );
        assert_words!(
            JoinRequestStatus,
            &[
                "unconfirmed",
                "awaiting_approval",
                "approved",
                "rejected",
                "joined"
            ]
        );
        assert_words!(DeliveryStatus, &["pending", "sent", "failed", "paused"]);
        assert_words!(
            SwitchOffCause,
            &[
                "failing",
                "switched_off",
                "token_revoked",
                "token_expired",
                "creator_dismissed",
                "creator_not_admin"
            ]
        );
        assert_eq!(
            serde_json::to_string(&UserType::Extranet).unwrap(),
            "\"extranet\""
        );
        assert_eq!(InvitePolicy::parse("everyone"), None);
        // Words are exact: no other case, no padding.
        assert_eq!(UserType::parse("Extranet"), None);
        assert_eq!(UserType::parse(" extranet"), None);
    }
}
