//! What the audit trail records: one closed set of actions, each stored (and shown by
//! `GET /v1/audit-events`) as its `resource.verb` name. The webhook events are derived from
//! it by an exhaustive match ([`crate::webhook::EventType::for_action`]), so a new action
//! cannot be forgotten there, and a misspelt one does not compile.

/// A change the audit trail records, named `resource.verb` as stored in `audit_events.action`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
pub enum AuditAction {
    #[strum(serialize = "account.created")]
    AccountCreated,
    #[strum(serialize = "account.updated")]
    AccountUpdated,
    #[strum(serialize = "account.plan_changed")]
    AccountPlanChanged,
    #[strum(serialize = "api_token.created")]
    ApiTokenCreated,
    #[strum(serialize = "api_token.revoked")]
    ApiTokenRevoked,
    #[strum(serialize = "invitation.created")]
    InvitationCreated,
    #[strum(serialize = "invitation.resent")]
    InvitationResent,
    #[strum(serialize = "invitation.revoked")]
    InvitationRevoked,
    #[strum(serialize = "invitation.accepted")]
    InvitationAccepted,
    #[strum(serialize = "invitation.declined")]
    InvitationDeclined,
    #[strum(serialize = "invitation.expired")]
    InvitationExpired,
    /// The invitation's message was given up by the delivery worker.
    #[strum(serialize = "invitation.delivery_failed")]
    InvitationDeliveryFailed,
    /// An employee's invitation was created (or sent anew) held for an administrator's
    /// approval: seat held, nothing sent.
    #[strum(serialize = "invitation.approval_requested")]
    InvitationApprovalRequested,
    /// An administrator approved a held invitation: it was sent.
    #[strum(serialize = "invitation.approved")]
    InvitationApproved,
    /// An administrator rejected a held invitation: its seat is free, nothing was sent.
    #[strum(serialize = "invitation.rejected")]
    InvitationRejected,
    /// An existing user asked into a workgroup.
    /// A workgroup's join link made (issue #29).
    #[strum(serialize = "join_link.created")]
    JoinLinkCreated,
    #[strum(serialize = "join_link.revoked")]
    JoinLinkRevoked,
    /// Someone proved their login through a join link that needs approval: their request
    /// waits.
    #[strum(serialize = "join_request.created")]
    JoinRequestCreated,
    #[strum(serialize = "join_request.approved")]
    JoinRequestApproved,
    #[strum(serialize = "join_request.rejected")]
    JoinRequestRejected,
    /// Someone joined the workgroup through a join link (at once, or once approved).
    #[strum(serialize = "join_link.joined")]
    JoinLinkJoined,
    #[strum(serialize = "membership.invited")]
    MembershipInvited,
    /// A user added to a workgroup at once.
    #[strum(serialize = "membership.joined")]
    MembershipJoined,
    /// A user accepted being asked into a workgroup.
    #[strum(serialize = "membership.accepted")]
    MembershipAccepted,
    #[strum(serialize = "membership.declined")]
    MembershipDeclined,
    #[strum(serialize = "membership.removed")]
    MembershipRemoved,
    /// A member left the workgroup of their own accord.
    #[strum(serialize = "membership.left")]
    MembershipLeft,
    /// A pending request to join a workgroup taken back.
    #[strum(serialize = "membership.invitation_withdrawn")]
    MembershipInvitationWithdrawn,
    #[strum(serialize = "membership.role_changed")]
    MembershipRoleChanged,
    /// A membership's `expires_at` came (issue #30): the member left the workgroup.
    #[strum(serialize = "membership.expired")]
    MembershipExpired,
    /// The end of a membership set, moved or cleared (issue #30).
    #[strum(serialize = "membership.end_changed")]
    MembershipEndChanged,
    #[strum(serialize = "user.transferred_to_intranet")]
    UserTransferredToIntranet,
    #[strum(serialize = "user.admin_granted")]
    UserAdminGranted,
    #[strum(serialize = "user.admin_revoked")]
    UserAdminRevoked,
    #[strum(serialize = "user.dismissed")]
    UserDismissed,
    #[strum(serialize = "user.reinstated")]
    UserReinstated,
    /// An external user's `access_expires_at` came: dismissed by the system (issue #30).
    #[strum(serialize = "user.access_expired")]
    UserAccessExpired,
    /// An administrator set, moved or cleared the end of an external user's access.
    #[strum(serialize = "user.access_changed")]
    UserAccessChanged,
    #[strum(serialize = "user.login_changed")]
    UserLoginChanged,
    /// The user's data was erased (rule 14): by the person, or by an administrator once the
    /// user was dismissed. The event says who and when, never what.
    #[strum(serialize = "user.erased")]
    UserErased,
    /// An administrator exported what the account holds about the user (issue #32, GDPR
    /// art. 15/20): who and when, never what.
    #[strum(serialize = "user.exported")]
    UserExported,
    /// The person switched two-step authentication on (rule 13): recorded in every account
    /// where they are an active user.
    #[strum(serialize = "two_factor.enabled")]
    TwoFactorEnabled,
    /// Two-step authentication switched off: by the person (with a code), or by support.
    #[strum(serialize = "two_factor.disabled")]
    TwoFactorDisabled,
    /// One of the person's recovery codes let them in.
    #[strum(serialize = "two_factor.recovery_code_used")]
    TwoFactorRecoveryCodeUsed,
    /// The person made a new set of recovery codes (the old ones no longer work).
    #[strum(serialize = "two_factor.recovery_codes_renewed")]
    TwoFactorRecoveryCodesRenewed,
    #[strum(serialize = "webhook.created")]
    WebhookCreated,
    #[strum(serialize = "webhook.updated")]
    WebhookUpdated,
    #[strum(serialize = "webhook.deleted")]
    WebhookDeleted,
    /// The server switched a webhook off (its owner no longer stands, or it kept failing).
    #[strum(serialize = "webhook.disabled")]
    WebhookDisabled,
    #[strum(serialize = "workgroup.created")]
    WorkgroupCreated,
    #[strum(serialize = "workgroup.updated")]
    WorkgroupUpdated,
    #[strum(serialize = "workgroup.owner_changed")]
    WorkgroupOwnerChanged,
    /// An access review started (issue #30): by an administrator, or by the system as the
    /// next of a recurring one.
    #[strum(serialize = "access_review.created")]
    AccessReviewCreated,
    /// A reviewer answered `keep` or `remove` for one person of an open review.
    #[strum(serialize = "access_review.decided")]
    AccessReviewDecided,
    /// An administrator cancelled an open review before its due instant.
    #[strum(serialize = "access_review.cancelled")]
    AccessReviewCancelled,
    /// A review's answers applied at its due instant (actor: none).
    #[strum(serialize = "access_review.applied")]
    AccessReviewApplied,
}

impl AuditAction {
    pub const ALL: &'static [Self] = <Self as strum::VariantArray>::VARIANTS;

    /// The name stored in the audit trail and shown by the API.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the audit trail has stored and the API has shown; changing one would split
    /// the history of an action in two.
    const STORED: [&str; 56] = [
        "account.created",
        "account.updated",
        "account.plan_changed",
        "api_token.created",
        "api_token.revoked",
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
        "membership.accepted",
        "membership.declined",
        "membership.removed",
        "membership.left",
        "membership.invitation_withdrawn",
        "membership.role_changed",
        "membership.expired",
        "membership.end_changed",
        "user.transferred_to_intranet",
        "user.admin_granted",
        "user.admin_revoked",
        "user.dismissed",
        "user.reinstated",
        "user.access_expired",
        "user.access_changed",
        "user.login_changed",
        "user.erased",
        "user.exported",
        "two_factor.enabled",
        "two_factor.disabled",
        "two_factor.recovery_code_used",
        "two_factor.recovery_codes_renewed",
        "webhook.created",
        "webhook.updated",
        "webhook.deleted",
        "webhook.disabled",
        "workgroup.created",
        "workgroup.updated",
        "workgroup.owner_changed",
        "access_review.created",
        "access_review.decided",
        "access_review.cancelled",
        "access_review.applied",
    ];

    #[test]
    fn every_action_is_stored_by_its_documented_name_and_read_back() {
        let names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names, STORED);
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a), "{a}");
            assert_eq!(a.to_string(), a.as_str());
            let (resource, verb) = a.as_str().split_once('.').expect("resource.verb");
            assert!(!resource.is_empty() && !verb.contains('.'), "{a}");
        }
        assert_eq!(AuditAction::parse("invitation.create"), None);
        assert_eq!(AuditAction::parse("Invitation.Created"), None);
    }
}
