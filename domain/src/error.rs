//! The domain's one error type. Every variant has a stable snake_case `code` that clients
//! match on, and a [`ErrorKind`] that the HTTP layer maps to a status in one place.

use serde::Serialize;

/// What sort of failure an error is; the API turns each into one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Well-formed but invalid input (422).
    Invalid,
    /// No valid credentials (401).
    Unauthenticated,
    /// Authenticated, visible, but not allowed (403).
    Forbidden,
    /// Missing, or not visible to the caller (404).
    NotFound,
    /// Conflicts with the current state or a rule (409).
    Conflict,
    /// Too many requests of this kind, too soon (429).
    RateLimited,
    /// Existed, but is over for good (410).
    Gone,
    /// What the code holds cannot happen, and did: a fault of ours (500, logged), never the
    /// client's.
    Internal,
}

/// Seats a request needed and those that were free, when they do not reach (rule 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub needed: u32,
    pub available: u32,
}

/// One problem with one input field, named by its path (`admin.email`, `invitees[3].phone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
    /// The pending invitation a row collides with (`invitation_pending`): resend it instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<crate::ids::InvitationId>,
    /// Which row of a list the problem is in (a batch's invitees, counted from 0); `field` is
    /// then the row's own field. Where the list sits in a request is the API's to say
    /// ([`DomainError::rows_under`]).
    #[serde(skip)]
    pub row: Option<usize>,
    /// The row's place in the request's list, as a number (`3` for `invitees[3].email`): set
    /// with `field` by [`DomainError::rows_under`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
}

impl From<FieldError> for DomainError {
    /// One invalid field.
    fn from(error: FieldError) -> Self {
        Self::Invalid(vec![error])
    }
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
            invitation_id: None,
            row: None,
            index: None,
        }
    }

    /// The same problem, in row `row` of a list.
    pub fn in_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// The same problem, reported under a parent path: `email` under `admin` is `admin.email`.
    /// An empty parent leaves it where it is.
    pub fn under(mut self, parent: &str) -> Self {
        self.field = if parent.is_empty() {
            self.field
        } else if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    /// A state the code rules out (named here, for the log) was reached.
    #[error("cannot happen: {0}")]
    Unreachable(&'static str),
    #[error("the login or password is wrong")]
    InvalidCredentials,
    #[error("the code is wrong, used or expired; ask for a new one")]
    InvalidCode,
    #[error("the access token is no longer valid: {0}")]
    TokenNoLongerValid(&'static str),
    #[error("{0}")]
    InvalidRefreshToken(&'static str),
    #[error("this refresh token was exchanged already, so someone else may hold it: the session has ended; log in again")]
    RefreshTokenReused,
    #[error("this action needs a token that acts in an account; log in with `account_id`")]
    AccountTokenRequired,
    #[error("only the account's administrators may do this")]
    AdminRequired,
    #[error("external users may not do this")]
    IntranetUserRequired,
    #[error("the user has been dismissed from this account")]
    UserDismissed,
    #[error("this login was registered a moment ago by another request; log in with it instead")]
    LoginTaken,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("external users cannot invite new people into the account")]
    ExtranetUserCannotInvite,
    #[error("this workgroup does not allow external users; switch on `allow_external` first")]
    WorkgroupNotExtranet,
    #[error("the workgroup's invite policy (`{}`) does not let you add people to it", .0.as_str())]
    WorkgroupPolicyForbids(crate::enums::InvitePolicy),
    #[error("only the workgroup's owner, its moderators and administrators may do this")]
    WorkgroupModeratorRequired,
    #[error("the workgroup still has {members} external member(s) and {invitations} external invitation(s) that can still be accepted or resent; remove them, or revoke the invitations, first")]
    WorkgroupHasExternalMembers { members: u32, invitations: u32 },
    #[error("{} invitee(s) cannot be invited; see `errors`", .0.len())]
    InviteeConflicts(Vec<FieldError>),
    /// A batch refused for problems of several kinds at once — invalid rows, rows in conflict
    /// with the account, rows the seats do not reach — every one in `errors`, in row order.
    /// `invalid`: some are invalid fields (422; else 409). `seats`: the shortfall, if any.
    #[error("{} problem(s) in the batch; nothing was created; see `errors`", .errors.len())]
    BatchRefused {
        errors: Vec<FieldError>,
        invalid: bool,
        seats: Option<Shortfall>,
    },
    #[error("the invitation is {} and can no longer be used", .0.as_str())]
    InvitationNotPending(crate::enums::InvitationStatus),
    #[error("the invitation has expired; ask the person who invited you to send it again")]
    InvitationExpired,
    /// Issue #30: the access the invitation gives ended before it was accepted.
    #[error("the access this invitation gives ended before it was accepted; ask the person who invited you for a new invitation")]
    AccessPeriodOver,
    #[error("the invitation is {} and does not await approval: only an invitation held for an administrator's approval (`awaiting_approval`, or expired while it was) is approved or rejected", .0.as_str())]
    InvitationNotAwaitingApproval(crate::enums::InvitationStatus),
    #[error("the invitation awaits an administrator's approval and has not been sent: it can be resent once approved (POST /v1/invitations/{{id}}/approve), or revoked")]
    InvitationAwaitingApproval,
    #[error("the account no longer lets external users from `{domain}` in")]
    DomainNotAllowed { domain: String },
    #[error("the person who sent this invitation may no longer invite people here; ask for a new invitation")]
    InviterNoLongerAllowed,
    #[error("only the person who sent the invitation, or an administrator, may do this")]
    InviterOrAdminRequired,
    #[error("the invitation was sent {retry_after_seconds} second(s) too recently; wait before resending")]
    ResendTooSoon { retry_after_seconds: u32 },
    #[error("this person already is a user of the account; a dismissed user comes back only when an administrator of the account reinstates them")]
    AlreadyAUser,
    #[error("sending quota exceeded: {what}; try again in {retry_after_seconds} s")]
    SendingQuotaExceeded {
        what: String,
        retry_after_seconds: u32,
    },
    #[error("the plan's user limit is reached: {needed} seat(s) needed, {available} available")]
    UserLimitReached { needed: u32, available: u32 },
    #[error("the plan allows {limit} users but {used} seats are taken; free seats first")]
    UserLimitBelowUsage { limit: u32, used: u32 },
    #[error("this user already is a member of the workgroup")]
    AlreadyMember,
    #[error("this user already has a pending invitation to the workgroup")]
    MembershipInvitationPending,
    #[error("this user is dismissed; reinstate them first")]
    UserIsDismissed,
    #[error("the owner cannot be demoted or removed: first make another active employee the owner (PATCH their role to `owner`)")]
    OwnerMustBeReplaced,
    #[error("only the workgroup's owner or an administrator may hand ownership over")]
    WorkgroupOwnerRequired,
    #[error("a workgroup's owner must be an employee; external users can be moderators")]
    OwnerMustBeEmployee,
    #[error("only an active member who is an active user can become the owner")]
    NewOwnerNotActive,
    #[error("you cannot dismiss yourself")]
    CannotDismissSelf,
    #[error(
        "this is the account's last active administrator; make someone else an administrator first"
    )]
    LastAdmin,
    #[error("this user already is dismissed")]
    AlreadyDismissed,
    #[error("this user is not dismissed")]
    NotDismissed,
    #[error("{} of the person's logins of now are held by pending invitations of this account; see `errors`: revoke them, then reinstate", .0.len())]
    LoginsHeldByInvitations(Vec<FieldError>),
    #[error("this API token's scopes do not include `{0}`")]
    InsufficientScope(&'static str),
    #[error("a user holds at most {max} API tokens; revoke one first")]
    TooManyTokens { max: u32 },
    #[error("only external users can be transferred to the intranet; this user already is an employee. There is no way back from the intranet: dismiss the employee and invite them as an external user with another email or phone, or they change the login of their network profile (POST /v1/network/profile/login-change) and are invited again with the old one")]
    NotExtranetUser,
    #[error("a user's type is never written directly. An external user becomes an employee with POST /v1/users/{{id}}/transfer-to-intranet; an employee never becomes an external user: dismiss them and invite them as an external user with another email or phone, or they change the login of their network profile (POST /v1/network/profile/login-change) and are invited again with the old one")]
    UserTypeNotWritable,
    #[error("an employee cannot be turned into an external user. Dismiss them and invite them as an external user with another email or phone, or they change the login of their network profile (POST /v1/network/profile/login-change) and are invited again with the old one")]
    TransferToExtranetImpossible,
    #[error("only active employees can be administrators")]
    AdminMustBeEmployee,
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    #[error("this already is the profile's login")]
    SameLogin,
    #[error("too many login changes asked for; try again in {retry_after_seconds} s")]
    TooManyLoginChanges { retry_after_seconds: u32 },
    #[error("too many wrong codes; try again in {retry_after_seconds} s")]
    TooManyCodeAttempts { retry_after_seconds: u32 },
    #[error("this URL may not receive webhooks: {0}")]
    WebhookUrlNotAllowed(String),
    #[error("an account has at most {max} webhooks; delete one first")]
    TooManyWebhooks { max: u32 },
    #[error("`{event}` carries data this API token's scopes do not read: subscribing to it needs `{scope}`")]
    EventNeedsScope {
        event: &'static str,
        scope: &'static str,
    },
    #[error("this join link has expired; ask whoever shared it for a new one")]
    JoinLinkExpired,
    #[error("this join link has been used as many times as it allows; ask whoever shared it for a new one")]
    JoinLinkUsedUp,
    #[error("a request to join with this login is already waiting for approval")]
    JoinRequestPending,
    #[error("the join request is {} and no longer waits for approval", .0.as_str())]
    JoinRequestNotAwaiting(crate::enums::JoinRequestStatus),
    #[error("the webhook is switched off: nothing is posted to it; PATCH it with `active: true` first (its paused deliveries are sent then). A ping still tries the receiver")]
    WebhookInactive,
    /// Why: its due instant has come, or it was applied or cancelled.
    #[error("the access review is closed ({0}): its decisions can no longer change")]
    ReviewClosed(&'static str),
    #[error("an access review of the same scope is open already ({0}): decide in it, or cancel it first")]
    ReviewAlreadyOpen(crate::ids::AccessReviewId),
    #[error("this profile has two-step authentication on: send `second_factor_code`, the six digits of the authenticator app or an unused recovery code")]
    SecondFactorRequired,
    #[error("the code is wrong or was used already: send the six digits the authenticator app shows now, or an unused recovery code")]
    WrongSecondFactor,
    #[error("the login challenge is unknown, expired or no longer valid: log in again with the password")]
    InvalidChallenge,
    #[error("the account requires two-step authentication of this user: set it up first (POST /v1/network/profile/two-factor, then /confirm); until then this session can only do that or log out")]
    TwoFactorEnrollmentRequired,
    #[error("two-step authentication is on already; switch it off first (DELETE /v1/network/profile/two-factor) to set up another device")]
    TwoFactorAlreadyEnabled,
    #[error("no two-step set-up is waiting: start one with POST /v1/network/profile/two-factor")]
    TwoFactorNotStarted,
    #[error("two-step authentication is not on for this profile")]
    TwoFactorNotEnabled,
    #[error("this policy would cover you, and you have no second factor yet: set up two-step authentication for yourself first (POST /v1/network/profile/two-factor)")]
    TwoFactorFirst,
}

impl DomainError {
    /// The stable, machine-readable code clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "validation_failed",
            Self::Unreachable(_) => "internal_error",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidCode => "invalid_code",
            Self::TokenNoLongerValid(_) => "invalid_token",
            Self::InvalidRefreshToken(_) => "invalid_refresh_token",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::AccountTokenRequired => "account_token_required",
            Self::AdminRequired => "admin_required",
            Self::IntranetUserRequired => "intranet_user_required",
            Self::UserDismissed => "user_dismissed",
            Self::LoginTaken => "login_taken",
            Self::NotFound(_) => "not_found",
            Self::ExtranetUserCannotInvite => "extranet_user_cannot_invite",
            Self::WorkgroupNotExtranet => "workgroup_not_extranet",
            Self::WorkgroupPolicyForbids(_) => "workgroup_policy_forbids",
            Self::WorkgroupModeratorRequired => "workgroup_moderator_required",
            Self::WorkgroupHasExternalMembers { .. } => "workgroup_has_external_members",
            // One reason for every row, or `batch_refused` when they disagree.
            Self::InviteeConflicts(rows) => match rows.first() {
                Some(first) if rows.iter().all(|r| r.code == first.code) => first.code,
                Some(_) => "batch_refused",
                None => "invitee_conflict",
            },
            Self::BatchRefused { .. } => "batch_refused",
            Self::InvitationNotPending(_) => "invitation_not_pending",
            Self::InvitationExpired => "invitation_expired",
            Self::AccessPeriodOver => "access_period_over",
            Self::InvitationNotAwaitingApproval(_) => "invitation_not_awaiting_approval",
            Self::InvitationAwaitingApproval => "invitation_awaiting_approval",
            Self::DomainNotAllowed { .. } => "domain_not_allowed",
            Self::InviterNoLongerAllowed => "inviter_no_longer_allowed",
            Self::InviterOrAdminRequired => "inviter_or_admin_required",
            Self::ResendTooSoon { .. } => "rate_limited",
            Self::SendingQuotaExceeded { .. } => "sending_quota_exceeded",
            Self::AlreadyAUser => "already_a_user",
            Self::UserLimitReached { .. } => "user_limit_reached",
            Self::UserLimitBelowUsage { .. } => "user_limit_below_usage",
            Self::AlreadyMember => "already_member",
            Self::MembershipInvitationPending => "membership_invitation_pending",
            Self::UserIsDismissed => "user_is_dismissed",
            Self::OwnerMustBeReplaced => "owner_must_be_replaced",
            Self::WorkgroupOwnerRequired => "workgroup_owner_required",
            Self::OwnerMustBeEmployee => "owner_must_be_employee",
            Self::NewOwnerNotActive => "new_owner_not_active",
            Self::CannotDismissSelf => "cannot_dismiss_self",
            Self::LastAdmin => "last_admin",
            Self::AlreadyDismissed => "already_dismissed",
            Self::NotDismissed => "not_dismissed",
            Self::LoginsHeldByInvitations(_) => "invitation_pending",
            Self::InsufficientScope(_) => "insufficient_scope",
            Self::TooManyTokens { .. } => "too_many_tokens",
            Self::NotExtranetUser => "not_extranet_user",
            Self::UserTypeNotWritable => "user_type_not_writable",
            Self::TransferToExtranetImpossible => "transfer_to_extranet_impossible",
            Self::AdminMustBeEmployee => "admin_must_be_employee",
            Self::WrongCurrentPassword => "wrong_current_password",
            Self::SameLogin => "same_login",
            Self::TooManyLoginChanges { .. } | Self::TooManyCodeAttempts { .. } => "rate_limited",
            Self::WebhookUrlNotAllowed(_) => "webhook_url_not_allowed",
            Self::TooManyWebhooks { .. } => "too_many_webhooks",
            Self::EventNeedsScope { .. } => "insufficient_scope",
            Self::WebhookInactive => "webhook_inactive",
            Self::JoinLinkExpired => "join_link_expired",
            Self::JoinLinkUsedUp => "join_link_used_up",
            Self::JoinRequestPending => "join_request_pending",
            Self::JoinRequestNotAwaiting(_) => "join_request_not_awaiting",
            Self::ReviewClosed(_) => "review_closed",
            Self::ReviewAlreadyOpen(_) => "access_review_open",
            Self::SecondFactorRequired => "second_factor_required",
            Self::WrongSecondFactor => "invalid_code",
            Self::InvalidChallenge => "invalid_challenge",
            Self::TwoFactorEnrollmentRequired => "two_factor_enrollment_required",
            Self::TwoFactorAlreadyEnabled => "two_factor_enabled",
            Self::TwoFactorNotStarted => "two_factor_not_started",
            Self::TwoFactorNotEnabled => "two_factor_not_enabled",
            Self::TwoFactorFirst => "two_factor_required_first",
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Unreachable(_) => ErrorKind::Internal,
            Self::Invalid(_)
            | Self::InvalidCode
            | Self::WebhookUrlNotAllowed(_)
            | Self::BatchRefused { invalid: true, .. } => ErrorKind::Invalid,
            Self::InvalidCredentials
            | Self::TokenNoLongerValid(_)
            | Self::InvalidRefreshToken(_)
            | Self::RefreshTokenReused
            | Self::SecondFactorRequired
            | Self::WrongSecondFactor
            | Self::InvalidChallenge => ErrorKind::Unauthenticated,
            Self::AccountTokenRequired
            | Self::AdminRequired
            | Self::IntranetUserRequired
            | Self::UserDismissed
            | Self::ExtranetUserCannotInvite
            | Self::WorkgroupPolicyForbids(_)
            | Self::WorkgroupModeratorRequired
            | Self::WorkgroupOwnerRequired
            | Self::InviterOrAdminRequired
            | Self::InsufficientScope(_)
            | Self::EventNeedsScope { .. }
            | Self::WrongCurrentPassword
            | Self::TwoFactorEnrollmentRequired => ErrorKind::Forbidden,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::LoginTaken
            | Self::UserLimitReached { .. }
            | Self::UserLimitBelowUsage { .. }
            | Self::WorkgroupNotExtranet
            | Self::WorkgroupHasExternalMembers { .. }
            | Self::InviteeConflicts(_)
            | Self::BatchRefused { invalid: false, .. }
            | Self::InvitationNotPending(_)
            | Self::InvitationNotAwaitingApproval(_)
            | Self::InvitationAwaitingApproval
            | Self::DomainNotAllowed { .. }
            | Self::InviterNoLongerAllowed
            | Self::AlreadyAUser
            | Self::AlreadyMember
            | Self::MembershipInvitationPending
            | Self::UserIsDismissed
            | Self::OwnerMustBeReplaced
            | Self::OwnerMustBeEmployee
            | Self::NewOwnerNotActive
            | Self::CannotDismissSelf
            | Self::LastAdmin
            | Self::AlreadyDismissed
            | Self::NotDismissed
            | Self::LoginsHeldByInvitations(_)
            | Self::TooManyTokens { .. }
            | Self::TooManyWebhooks { .. }
            | Self::WebhookInactive
            | Self::NotExtranetUser
            | Self::UserTypeNotWritable
            | Self::TransferToExtranetImpossible
            | Self::AdminMustBeEmployee
            | Self::SameLogin
            | Self::JoinRequestPending
            | Self::JoinRequestNotAwaiting(_)
            | Self::ReviewClosed(_)
            | Self::ReviewAlreadyOpen(_)
            | Self::TwoFactorAlreadyEnabled
            | Self::TwoFactorNotStarted
            | Self::TwoFactorNotEnabled
            | Self::TwoFactorFirst => ErrorKind::Conflict,
            Self::ResendTooSoon { .. }
            | Self::SendingQuotaExceeded { .. }
            | Self::TooManyLoginChanges { .. }
            | Self::TooManyCodeAttempts { .. } => ErrorKind::RateLimited,
            Self::InvitationExpired
            | Self::AccessPeriodOver
            | Self::JoinLinkExpired
            | Self::JoinLinkUsedUp => ErrorKind::Gone,
        }
    }

    /// Field problems, for `errors[]` in the response.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Invalid(errors)
            | Self::InviteeConflicts(errors)
            | Self::BatchRefused { errors, .. }
            | Self::LoginsHeldByInvitations(errors) => errors,
            _ => &[],
        }
    }

    /// The same error, its problems in rows of a list named by their path in the request:
    /// row 3's `email` under `invitees` is `invitees[3].email`.
    pub fn rows_under(mut self, list: &str) -> Self {
        if let Self::Invalid(errors)
        | Self::InviteeConflicts(errors)
        | Self::BatchRefused { errors, .. }
        | Self::LoginsHeldByInvitations(errors) = &mut self
        {
            for e in errors.iter_mut() {
                if let Some(row) = e.row.take() {
                    e.index = Some(row);
                    e.field = match e.field.as_str() {
                        "" => format!("{list}[{row}]"),
                        field => format!("{list}[{row}].{field}"),
                    };
                }
            }
        }
        self
    }

    /// One invalid field.
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }
}

/// Collects field problems while a command is being parsed, so that every bad field is
/// reported at once rather than the first one only.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when it parsed; records its problems under `field` when it did not.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, FieldError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error.under(field));
                None
            }
        }
    }

    /// As [`FieldErrors::check`], for a field of row `row` of a list.
    pub fn check_row<T>(
        &mut self,
        row: usize,
        field: &str,
        parsed: Result<T, FieldError>,
    ) -> Option<T> {
        self.check(field, parsed.map_err(|e| e.in_row(row)))
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn extend(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// The whole list as [`DomainError::Invalid`].
    pub fn into_error(self) -> DomainError {
        DomainError::Invalid(self.0)
    }

    /// `Ok(())` when nothing was recorded, else the whole list as [`DomainError::Invalid`].
    pub fn finish(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_nest_under_objects_and_arrays() {
        let e = FieldError::new("email", "invalid_email", "bad")
            .under("[3]")
            .under("invitees");
        assert_eq!(e.field, "invitees[3].email");
        let e = FieldError::new("", "required", "missing").under("name");
        assert_eq!(e.field, "name");
        let e = FieldError::new("phone", "invalid_phone", "bad").under("");
        assert_eq!(e.field, "phone");
    }

    #[test]
    fn rows_go_under_the_list_the_api_names() {
        let e = DomainError::Invalid(vec![
            FieldError::new("message", "too_long", "long"),
            FieldError::new("email", "invalid_email", "bad").in_row(3),
            FieldError::new("", "invalid_login", "neither").in_row(0),
        ])
        .rows_under("invitees");
        let fields: Vec<_> = e.field_errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["message", "invitees[3].email", "invitees[0]"]);
    }

    #[test]
    fn every_error_has_a_stable_code_and_kind() {
        let e = DomainError::UserLimitReached {
            needed: 2,
            available: 1,
        };
        assert_eq!(e.code(), "user_limit_reached");
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert_eq!(
            DomainError::InvalidCredentials.kind(),
            ErrorKind::Unauthenticated
        );
        assert_eq!(DomainError::NotFound("user").to_string(), "user not found");
    }

    #[test]
    fn field_errors_collect_every_problem() {
        let mut errors = FieldErrors::new();
        let a: Option<u8> = errors.check("a", Err(FieldError::new("", "x", "x")));
        let b = errors.check("b", Ok(2u8));
        assert_eq!((a, b), (None, Some(2)));
        errors.push(FieldError::new("c", "y", "y"));
        let Err(DomainError::Invalid(list)) = errors.finish() else {
            panic!("expected invalid");
        };
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].field, "a");
    }
}
