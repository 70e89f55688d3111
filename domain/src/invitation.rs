//! Inviting new people (rules 1, 3, 4, 6, 7): what a batch may contain, who may send it, what
//! each invitee becomes, whether the seats fit, and the invitation's lifecycle afterwards.

use crate::access::AccountUser;
use crate::account::AccountSettings;
use crate::enums::{
    InvitationStatus, InvitePolicy, MembershipStatus, UserStatus, UserType, WhoCanInvite,
    WorkgroupKind,
};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::ids::{IdentityId, InvitationId, UserId, WorkgroupId};
use crate::login::Login;
use crate::names::PersonName;
use crate::seats::Seats;
use crate::sign_up::{decide_admin_profile, AdminProfile, ExistingProfile};
use crate::workgroup::{
    may_add_to_workgroup, may_view_workgroup, NewWorkgroup, Standing, WorkgroupName,
};
use chrono::{DateTime, Duration, Utc};

/// At most this many invitees in one request.
pub const MAX_INVITEES: usize = 100;
/// A personal message has at most this many characters.
pub const MAX_MESSAGE_CHARS: usize = 2_000;
/// By default an invitation is sent again at most once a minute.
pub const RESEND_INTERVAL_SECONDS: u32 = 60;

/// One invitee as the client sent it.
#[derive(Debug, Clone, Copy)]
pub struct InviteeRequest<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub first_name: &'a str,
    pub last_name: &'a str,
}

/// The workgroup part of a request as the client sent it.
#[derive(Debug, Clone, Copy)]
pub enum WorkgroupRequest<'a> {
    None,
    Existing(WorkgroupId),
    New { name: &'a str, kind: WorkgroupKind },
    Both,
}

/// A batch of invitations as the client sent it.
#[derive(Debug, Clone)]
pub struct BatchRequest<'a> {
    pub invitation_type: UserType,
    pub workgroup: WorkgroupRequest<'a>,
    pub message: Option<&'a str>,
    pub invitees: Vec<InviteeRequest<'a>>,
}

/// One invitee, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub login: Login,
    pub first_name: PersonName,
    pub last_name: PersonName,
}

/// Where the invitees go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Only into the account (intranet invitations only).
    Account,
    Existing(WorkgroupId),
    New(NewWorkgroup),
}

/// A batch whose every field is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub invitation_type: UserType,
    pub target: Target,
    pub message: Option<String>,
    pub invitees: Vec<Invitee>,
}

impl Batch {
    /// Checks every field of every row, reporting all problems at once. Rule 1: an extranet
    /// invitation names a workgroup, or creates one, which then allows external users.
    pub fn parse(req: &BatchRequest<'_>) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let target = match req.workgroup {
            WorkgroupRequest::Both => {
                errors.push(FieldError::new(
                    "workgroup",
                    "workgroup_or_workgroup_id",
                    "give `workgroup_id` or `workgroup`, not both",
                ));
                None
            }
            WorkgroupRequest::None if req.invitation_type == UserType::Extranet => {
                errors.push(FieldError::new(
                    "workgroup_id",
                    "required",
                    "an extranet invitation names a workgroup (`workgroup_id`) or creates one (`workgroup`)",
                ));
                None
            }
            WorkgroupRequest::None => Some(Target::Account),
            WorkgroupRequest::Existing(id) => Some(Target::Existing(id)),
            WorkgroupRequest::New { name, kind } => errors
                .check("workgroup.name", WorkgroupName::parse(name))
                .map(|name| {
                    let mut group = NewWorkgroup::for_extranet_invitation(name, kind);
                    group.allow_external = req.invitation_type == UserType::Extranet;
                    Target::New(group)
                }),
        };
        let message = req
            .message
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .and_then(|m| {
                if m.chars().count() > MAX_MESSAGE_CHARS {
                    errors.push(FieldError::new(
                        "message",
                        "too_long",
                        format!("a message has at most {MAX_MESSAGE_CHARS} characters"),
                    ));
                    None
                } else {
                    Some(m.to_owned())
                }
            });
        if req.invitees.is_empty() || req.invitees.len() > MAX_INVITEES {
            errors.push(FieldError::new(
                "invitees",
                "batch_size",
                format!("invite 1 to {MAX_INVITEES} people at once"),
            ));
        }
        let mut invitees = Vec::with_capacity(req.invitees.len());
        for (i, row) in req.invitees.iter().enumerate() {
            let at = format!("invitees[{i}]");
            let login = errors.check(&at, Login::from_email_or_phone(row.email, row.phone));
            let first = errors.check(
                &format!("{at}.first_name"),
                PersonName::parse(row.first_name),
            );
            let last = errors.check(&format!("{at}.last_name"), PersonName::parse(row.last_name));
            if let Some(login) = &login {
                let earlier = invitees
                    .iter()
                    .position(|(_, l, _, _): &(usize, Login, _, _)| l == login);
                if let Some(j) = earlier.map(|k| invitees[k].0) {
                    errors.push(FieldError::new(
                        login_field(&at, login),
                        "duplicate_invitee",
                        format!("`{login}` is already invitee {j} of this request"),
                    ));
                }
            }
            if let (Some(login), Some(first), Some(last)) = (login, first, last) {
                invitees.push((i, login, first, last));
            }
        }
        errors.finish()?;
        let target = target.ok_or(DomainError::Invalid(Vec::new()))?;
        Ok(Self {
            invitation_type: req.invitation_type,
            target,
            message,
            invitees: invitees
                .into_iter()
                .map(|(_, login, first_name, last_name)| Invitee {
                    login,
                    first_name,
                    last_name,
                })
                .collect(),
        })
    }
}

/// `invitees[3].email` or `invitees[3].phone`: the field that holds the login.
pub fn login_field(row: &str, login: &Login) -> String {
    match login {
        Login::Email(_) => format!("{row}.email"),
        Login::Phone(_) => format!("{row}.phone"),
    }
}

/// Who, if anyone, already has a login in the account (rule 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginState {
    Free,
    ActiveExtranetUser {
        user_id: UserId,
        /// The user's membership of the target workgroup, if any.
        membership: Option<MembershipStatus>,
    },
    ActiveIntranetUser,
    DismissedUser,
    PendingInvitation(InvitationId),
}

/// What the storage knows of an existing workgroup and the inviter's place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkgroupFacts {
    pub id: WorkgroupId,
    pub allow_external: bool,
    pub invite_policy: InvitePolicy,
    pub inviter: Standing,
}

/// Everything a batch is decided on.
#[derive(Debug, Clone)]
pub struct BatchContext<'a> {
    pub inviter: &'a AccountUser,
    pub settings: &'a AccountSettings,
    pub seats: Seats,
    /// `Some` when the batch names an existing workgroup that exists in the account.
    pub workgroup: Option<WorkgroupFacts>,
    /// One per invitee, in order.
    pub logins: Vec<LoginState>,
}

/// What becomes of one invitee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new invitation, holding a seat.
    Invited,
    /// An active external user: a membership invitation to the workgroup, no seat.
    WorkgroupInvitation {
        user_id: UserId,
        already_invited: bool,
    },
}

/// A decided batch: what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan {
    pub outcomes: Vec<Outcome>,
    pub seats_needed: u32,
}

/// Rule 3, new people: external users never invite; employees only when the account lets them.
pub fn may_invite_new_people(
    inviter: &AccountUser,
    settings: &AccountSettings,
) -> Result<(), DomainError> {
    if !inviter.is_intranet() {
        return Err(DomainError::ExtranetUserCannotInvite);
    }
    match settings.who_can_invite {
        WhoCanInvite::Employees => Ok(()),
        WhoCanInvite::Admins if inviter.is_admin => Ok(()),
        WhoCanInvite::Admins => Err(DomainError::AdminRequired),
    }
}

/// Who may send a batch at all, before any row is looked at (and before an idempotent replay):
/// rule 3 for new people; and for an existing workgroup, that the caller sees it, that it
/// allows external users when they are invited (rule 1), and that its invite policy lets the
/// caller add people. (The Bitrix24 quirk, a person let into the account but not into the
/// group, cannot happen: whoever may not add people to the group may not invite them into it.)
pub fn may_send_batch(
    inviter: &AccountUser,
    settings: &AccountSettings,
    batch: &Batch,
    workgroup: Option<WorkgroupFacts>,
) -> Result<(), DomainError> {
    may_invite_new_people(inviter, settings)?;
    if let Target::Existing(_) = batch.target {
        let group = workgroup.ok_or(DomainError::NotFound("workgroup"))?;
        may_view_workgroup(inviter, group.inviter)?;
        if batch.invitation_type == UserType::Extranet && !group.allow_external {
            return Err(DomainError::WorkgroupNotExtranet);
        }
        may_add_to_workgroup(inviter, group.inviter, group.invite_policy)?;
    }
    Ok(())
}

/// Rules 1 and 3 and the account's domain rules for `sender` sending one invitation, as they
/// stand now. Resending checks them for the one who resends, accepting for whoever sent the
/// invitation last: settings, policies and rights may all have changed since it was sent.
/// `workgroup` is the invitation's workgroup, with the sender's standing in it.
pub fn may_send_invitation(
    sender: &AccountUser,
    settings: &AccountSettings,
    invitation_type: UserType,
    login: &Login,
    workgroup: Option<WorkgroupFacts>,
) -> Result<(), DomainError> {
    if let Some(group) = workgroup {
        if invitation_type == UserType::Extranet && !group.allow_external {
            return Err(DomainError::WorkgroupNotExtranet);
        }
    }
    if let Some(domain) = excluded_domain(settings, invitation_type, login) {
        return Err(DomainError::DomainNotAllowed { domain });
    }
    may_invite_new_people(sender, settings)?;
    if let Some(group) = workgroup {
        may_add_to_workgroup(sender, group.inviter, group.invite_policy)?;
    }
    Ok(())
}

/// The email domain of an external invitee that the account's domain rules rule out, if any.
/// Phone invitees have no domain, and employees are not subject to the rules.
fn excluded_domain(
    settings: &AccountSettings,
    invitation_type: UserType,
    login: &Login,
) -> Option<String> {
    let email = login
        .email()
        .filter(|_| invitation_type == UserType::Extranet)?;
    (!settings.external_domains.permits(email.domain())).then(|| email.domain().to_owned())
}

/// Decides a batch: all of it, or nothing, with every failing row named.
pub fn decide_batch(batch: &Batch, ctx: &BatchContext<'_>) -> Result<BatchPlan, DomainError> {
    may_send_batch(ctx.inviter, ctx.settings, batch, ctx.workgroup)?;
    let mut invalid = FieldErrors::new();
    let mut conflicts = Vec::new();
    let mut outcomes = Vec::with_capacity(batch.invitees.len());
    let joins_group = !matches!(batch.target, Target::Account);
    for (i, (invitee, state)) in batch.invitees.iter().zip(&ctx.logins).enumerate() {
        let field = login_field(&format!("invitees[{i}]"), &invitee.login);
        if let Some(domain) = excluded_domain(ctx.settings, batch.invitation_type, &invitee.login) {
            invalid.push(FieldError::new(
                field.clone(),
                "domain_not_allowed",
                format!("the account does not let external users from `{domain}` in"),
            ));
            continue;
        }
        match login_outcome(batch.invitation_type, joins_group, *state) {
            Ok(outcome) => outcomes.push(outcome),
            Err(mut conflict) => {
                conflict.field = field;
                conflicts.push(conflict);
            }
        }
    }
    invalid.finish()?;
    if !conflicts.is_empty() {
        return Err(DomainError::InviteeConflicts(conflicts));
    }
    let seats_needed = u32::try_from(outcomes.iter().filter(|o| **o == Outcome::Invited).count())
        .unwrap_or(u32::MAX);
    ctx.seats.reserve(seats_needed)?;
    Ok(BatchPlan {
        outcomes,
        seats_needed,
    })
}

/// Rule 6 for one row: a login belongs to one user or one pending invitation per account.
fn login_outcome(
    invitation_type: UserType,
    joins_group: bool,
    state: LoginState,
) -> Result<Outcome, FieldError> {
    match state {
        LoginState::Free => Ok(Outcome::Invited),
        LoginState::ActiveIntranetUser => Err(FieldError::new(
            "",
            "login_belongs_to_employee",
            "this login belongs to an employee of the account: add them to the workgroup as a member instead",
        )),
        LoginState::DismissedUser => Err(FieldError::new(
            "",
            "login_belongs_to_dismissed_user",
            "this login belongs to a dismissed user: reinstate them, or invite the person with another login \
             (or they change the login of their network profile, which frees this one)",
        )),
        LoginState::PendingInvitation(id) => {
            let mut e = FieldError::new(
                "",
                "invitation_pending",
                format!("an invitation to this login is already pending ({id}): resend it instead"),
            );
            e.invitation_id = Some(id);
            Err(e)
        }
        LoginState::ActiveExtranetUser { user_id, membership } => {
            if invitation_type == UserType::Intranet {
                return Err(FieldError::new(
                    "",
                    "login_belongs_to_external_user",
                    "this login belongs to an external user of the account: transfer them to the intranet instead",
                ));
            }
            match membership {
                _ if !joins_group => Err(FieldError::new("", "already_a_user", "this person already is a user")),
                Some(MembershipStatus::Active) => Err(FieldError::new(
                    "",
                    "already_member",
                    "this external user already is a member of the workgroup",
                )),
                Some(MembershipStatus::Invited) => Ok(Outcome::WorkgroupInvitation { user_id, already_invited: true }),
                None => Ok(Outcome::WorkgroupInvitation { user_id, already_invited: false }),
            }
        }
    }
}

/// When an invitation sent now stops being valid.
pub fn expiry(now: DateTime<Utc>, settings: &AccountSettings) -> DateTime<Utc> {
    now + Duration::hours(i64::from(settings.invitation_ttl_hours))
}

/// The status a stored invitation really has: a pending one past its expiry has expired
/// (rule 7), even before the sweep has written so.
pub fn effective_status(
    status: InvitationStatus,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> InvitationStatus {
    if status == InvitationStatus::Pending && expires_at <= now {
        InvitationStatus::Expired
    } else {
        status
    }
}

/// What the storage knows of one invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationFacts {
    pub id: InvitationId,
    pub invitation_type: UserType,
    pub status: InvitationStatus,
    pub expires_at: DateTime<Utc>,
    pub last_sent_at: DateTime<Utc>,
    pub invited_by: UserId,
}

pub use crate::seats::SeatChange;

/// Only employees see invitations; resending and revoking is for the inviter or an admin.
pub fn may_manage_invitation(
    actor: &AccountUser,
    invitation: &InvitationFacts,
) -> Result<(), DomainError> {
    if !actor.is_intranet() {
        return Err(DomainError::IntranetUserRequired);
    }
    if actor.is_admin || actor.user_id == invitation.invited_by {
        Ok(())
    } else {
        Err(DomainError::InviterOrAdminRequired)
    }
}

/// A decided resend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResendPlan {
    pub expires_at: DateTime<Utc>,
    pub seats: SeatChange,
}

/// Everything a resend is decided on.
#[derive(Debug, Clone, Copy)]
pub struct ResendContext<'a> {
    /// Who resends.
    pub actor: &'a AccountUser,
    pub invitation: &'a InvitationFacts,
    pub login: &'a Login,
    /// Who holds the login now, the invitation itself aside.
    pub login_now: LoginState,
    pub seats: Seats,
    pub settings: &'a AccountSettings,
    /// The invitation's workgroup as it is now, with the actor's standing in it.
    pub workgroup: Option<WorkgroupFacts>,
    pub interval_seconds: u32,
}

/// Rule 7: resending rotates the token and the expiry. Only the inviter or an admin resends,
/// and only when today's rules would let them send it (rules 1 and 3, the domain rules): a
/// dismissed inviter's invitations are resent by someone still allowed. A pending invitation
/// keeps its seat (and is resent at most once per `interval_seconds`); an expired one takes a
/// seat again, if one is free and the login has not been taken meanwhile.
pub fn decide_resend(
    ctx: &ResendContext<'_>,
    now: DateTime<Utc>,
) -> Result<ResendPlan, DomainError> {
    let invitation = ctx.invitation;
    may_manage_invitation(ctx.actor, invitation)?;
    let status = effective_status(invitation.status, invitation.expires_at, now);
    if !matches!(
        status,
        InvitationStatus::Pending | InvitationStatus::Expired
    ) {
        return Err(DomainError::InvitationNotPending(status));
    }
    may_send_invitation(
        ctx.actor,
        ctx.settings,
        invitation.invitation_type,
        ctx.login,
        ctx.workgroup,
    )?;
    let expires_at = expiry(now, ctx.settings);
    if status == InvitationStatus::Pending {
        let since = (now - invitation.last_sent_at).num_seconds();
        let interval = i64::from(ctx.interval_seconds);
        if since < interval {
            return Err(DomainError::ResendTooSoon {
                retry_after_seconds: u32::try_from(interval - since).unwrap_or(1),
            });
        }
        return Ok(ResendPlan {
            expires_at,
            seats: SeatChange::default(),
        });
    }
    if let Err(conflict) = login_outcome(invitation.invitation_type, false, ctx.login_now) {
        if ctx.login_now != LoginState::Free {
            return Err(DomainError::InviteeConflicts(vec![conflict]));
        }
    }
    ctx.seats.reserve(1)?;
    Ok(ResendPlan {
        expires_at,
        seats: SeatChange {
            pending: 1,
            ..SeatChange::default()
        },
    })
}

/// Revoking frees the seat of a pending invitation; an expired one is closed for good.
pub fn decide_revoke(
    actor: &AccountUser,
    invitation: &InvitationFacts,
    now: DateTime<Utc>,
) -> Result<SeatChange, DomainError> {
    may_manage_invitation(actor, invitation)?;
    match effective_status(invitation.status, invitation.expires_at, now) {
        InvitationStatus::Pending => Ok(SeatChange {
            pending: -1,
            ..SeatChange::default()
        }),
        InvitationStatus::Expired => Ok(SeatChange::default()),
        other => Err(DomainError::InvitationNotPending(other)),
    }
}

/// What a token opens (the accept page, accepting, declining): only a pending, unexpired
/// invitation. The token of an accepted, declined or revoked invitation is dead and answers
/// like a token that never existed; an expired one says so ("ask for a new one"), but shows
/// nothing of the invitation.
pub fn require_open(invitation: &InvitationFacts, now: DateTime<Utc>) -> Result<(), DomainError> {
    match effective_status(invitation.status, invitation.expires_at, now) {
        InvitationStatus::Pending => Ok(()),
        InvitationStatus::Expired => Err(DomainError::InvitationExpired),
        InvitationStatus::Accepted | InvitationStatus::Declined | InvitationStatus::Revoked => {
            Err(DomainError::NotFound("invitation"))
        }
    }
}

/// Declining frees the seat.
pub fn decide_decline(
    invitation: &InvitationFacts,
    now: DateTime<Utc>,
) -> Result<SeatChange, DomainError> {
    require_open(invitation, now)?;
    Ok(SeatChange {
        pending: -1,
        ..SeatChange::default()
    })
}

/// Whose profile the invitee gets on accepting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptProfile {
    Create,
    Reuse(IdentityId),
}

/// A decided acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptPlan {
    pub profile: AcceptProfile,
    /// The invitation's seat becomes the new user's.
    pub seats: SeatChange,
}

/// Everything an acceptance is decided on.
#[derive(Debug, Clone, Copy)]
pub struct AcceptContext<'a> {
    pub invitation: &'a InvitationFacts,
    pub login: &'a Login,
    pub settings: &'a AccountSettings,
    /// Whoever sent the invitation last, as their user row stands now (`None` if it is gone).
    pub sender: Option<AccountUser>,
    /// The invitation's workgroup as it is now, with the sender's standing in it.
    pub workgroup: Option<WorkgroupFacts>,
    /// The login's network profile, if it has one, and whether the password given is its own.
    pub profile: Option<ExistingProfile>,
    /// The person's user in the account, if they already are one.
    pub user_in_account: Option<UserStatus>,
}

/// Accepting: the invitation must be open, and still allowed by today's rules — the
/// workgroup still allows external users (rule 1, 409 `workgroup_not_extranet`), the account's
/// domain rules still let the address in (409 `domain_not_allowed`), and whoever sent it last
/// still may send it (409 `inviter_no_longer_allowed`: rights, `who_can_invite` and the
/// group's invite policy). A dismissed sender's invitations stay valid: the company invited
/// the person, and the sender's rights are judged as their row keeps them. A login that
/// already has a network profile must give that profile's password; the person must not
/// already be a user of the account.
pub fn decide_accept(
    ctx: &AcceptContext<'_>,
    now: DateTime<Utc>,
) -> Result<AcceptPlan, DomainError> {
    let invitation = ctx.invitation;
    require_open(invitation, now)?;
    let sender = ctx.sender.ok_or(DomainError::InviterNoLongerAllowed)?;
    may_send_invitation(
        &sender,
        ctx.settings,
        invitation.invitation_type,
        ctx.login,
        ctx.workgroup,
    )
    .map_err(|e| match e {
        DomainError::WorkgroupNotExtranet | DomainError::DomainNotAllowed { .. } => e,
        _ => DomainError::InviterNoLongerAllowed,
    })?;
    let profile = match decide_admin_profile(ctx.profile)? {
        AdminProfile::Create => AcceptProfile::Create,
        AdminProfile::Reuse(id) => AcceptProfile::Reuse(id),
    };
    if ctx.user_in_account.is_some() {
        return Err(DomainError::AlreadyAUser);
    }
    let mut seats = SeatChange {
        pending: -1,
        ..SeatChange::default()
    };
    match invitation.invitation_type {
        UserType::Intranet => seats.active_intranet = 1,
        UserType::Extranet => seats.active_extranet = 1,
    }
    Ok(AcceptPlan { profile, seats })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::ExternalDomains;
    use crate::enums::Role;
    use crate::ids::AccountId;
    use crate::plan::UserLimit;
    use uuid::Uuid;

    fn user(user_type: UserType, is_admin: bool) -> AccountUser {
        AccountUser {
            identity_id: IdentityId(Uuid::from_u128(1)),
            account_id: AccountId(Uuid::from_u128(2)),
            user_id: UserId(Uuid::from_u128(3)),
            user_type,
            is_admin,
        }
    }

    fn invitee<'a>(email: &'a str) -> InviteeRequest<'a> {
        InviteeRequest {
            email: Some(email),
            phone: None,
            first_name: "Ann",
            last_name: "Lee",
        }
    }

    fn group() -> WorkgroupId {
        WorkgroupId(Uuid::from_u128(10))
    }

    fn batch(invitees: Vec<InviteeRequest<'_>>) -> Batch {
        Batch::parse(&BatchRequest {
            invitation_type: UserType::Extranet,
            workgroup: WorkgroupRequest::Existing(group()),
            message: None,
            invitees,
        })
        .unwrap()
    }

    fn seats(limit: u32, used: u32) -> Seats {
        Seats {
            limit: UserLimit::Seats(limit),
            active_intranet: used,
            active_extranet: 0,
            pending_invitations: 0,
        }
    }

    fn facts(allow_external: bool, role: Option<Role>) -> Option<WorkgroupFacts> {
        Some(WorkgroupFacts {
            id: group(),
            allow_external,
            invite_policy: InvitePolicy::Members,
            inviter: Standing { role },
        })
    }

    fn context<'a>(
        inviter: &'a AccountUser,
        settings: &'a AccountSettings,
        logins: Vec<LoginState>,
    ) -> BatchContext<'a> {
        BatchContext {
            inviter,
            settings,
            seats: seats(5, 1),
            workgroup: facts(true, Some(Role::Owner)),
            logins,
        }
    }

    #[test]
    fn a_batch_names_every_bad_row() {
        let err = Batch::parse(&BatchRequest {
            invitation_type: UserType::Extranet,
            workgroup: WorkgroupRequest::None,
            message: Some(&"x".repeat(2001)),
            invitees: vec![
                invitee("ann@client.example"),
                InviteeRequest {
                    email: None,
                    phone: Some("12"),
                    first_name: "",
                    last_name: "Ng",
                },
                invitee("ANN@client.example"),
            ],
        })
        .unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("workgroup_id", "required"),
                ("message", "too_long"),
                ("invitees[1].phone", "invalid_phone"),
                ("invitees[1].first_name", "required"),
                ("invitees[2].email", "duplicate_invitee"),
            ]
        );
    }

    #[test]
    fn batch_sizes_are_bounded() {
        let none = Batch::parse(&BatchRequest {
            invitation_type: UserType::Intranet,
            workgroup: WorkgroupRequest::None,
            message: None,
            invitees: vec![],
        });
        assert_eq!(none.unwrap_err().field_errors()[0].code, "batch_size");
        let emails: Vec<String> = (0..101).map(|i| format!("p{i}@client.example")).collect();
        let many = Batch::parse(&BatchRequest {
            invitation_type: UserType::Intranet,
            workgroup: WorkgroupRequest::None,
            message: None,
            invitees: emails.iter().map(|e| invitee(e)).collect(),
        });
        assert_eq!(many.unwrap_err().field_errors()[0].field, "invitees");
    }

    #[test]
    fn a_workgroup_made_inside_an_extranet_invitation_allows_external_users() {
        let b = Batch::parse(&BatchRequest {
            invitation_type: UserType::Extranet,
            workgroup: WorkgroupRequest::New {
                name: "Client site",
                kind: WorkgroupKind::Project,
            },
            message: Some("  "),
            invitees: vec![invitee("ann@client.example")],
        })
        .unwrap();
        let Target::New(g) = b.target else {
            panic!("expected a new workgroup")
        };
        assert!(g.allow_external);
        assert_eq!(g.kind, WorkgroupKind::Project);
        assert_eq!(b.message, None);
    }

    #[test]
    fn who_may_invite_new_people() {
        let admins_only = AccountSettings::default();
        let employees = AccountSettings {
            who_can_invite: WhoCanInvite::Employees,
            ..AccountSettings::default()
        };
        assert!(may_invite_new_people(&user(UserType::Intranet, true), &admins_only).is_ok());
        assert_eq!(
            may_invite_new_people(&user(UserType::Intranet, false), &admins_only),
            Err(DomainError::AdminRequired)
        );
        assert!(may_invite_new_people(&user(UserType::Intranet, false), &employees).is_ok());
        assert_eq!(
            may_invite_new_people(&user(UserType::Extranet, false), &employees),
            Err(DomainError::ExtranetUserCannotInvite)
        );
    }

    #[test]
    fn extranet_invitations_need_an_extranet_workgroup_and_the_groups_policy() {
        let admin = user(UserType::Intranet, true);
        let settings = AccountSettings::default();
        let b = batch(vec![invitee("ann@client.example")]);
        let mut ctx = context(&admin, &settings, vec![LoginState::Free]);
        ctx.workgroup = facts(false, Some(Role::Owner));
        assert_eq!(
            decide_batch(&b, &ctx),
            Err(DomainError::WorkgroupNotExtranet)
        );
        ctx.workgroup = None;
        assert_eq!(
            decide_batch(&b, &ctx),
            Err(DomainError::NotFound("workgroup"))
        );

        let emp = user(UserType::Intranet, false);
        let open = AccountSettings {
            who_can_invite: WhoCanInvite::Employees,
            ..AccountSettings::default()
        };
        let mut ctx = context(&emp, &open, vec![LoginState::Free]);
        ctx.workgroup = Some(WorkgroupFacts {
            invite_policy: InvitePolicy::Owner,
            ..facts(true, Some(Role::Member)).unwrap()
        });
        assert_eq!(
            decide_batch(&b, &ctx),
            Err(DomainError::WorkgroupPolicyForbids(InvitePolicy::Owner))
        );
    }

    #[test]
    fn each_login_is_decided_by_who_holds_it() {
        let admin = user(UserType::Intranet, true);
        let settings = AccountSettings::default();
        let ext = UserId(Uuid::from_u128(20));
        let pending = InvitationId(Uuid::from_u128(30));
        let b = batch(vec![
            invitee("a@c.example"),
            invitee("b@c.example"),
            invitee("c@c.example"),
            invitee("d@c.example"),
        ]);
        let ctx = context(
            &admin,
            &settings,
            vec![
                LoginState::Free,
                LoginState::ActiveIntranetUser,
                LoginState::DismissedUser,
                LoginState::PendingInvitation(pending),
            ],
        );
        let Err(DomainError::InviteeConflicts(rows)) = decide_batch(&b, &ctx) else {
            panic!("expected conflicts")
        };
        let got: Vec<_> = rows.iter().map(|r| (r.field.as_str(), r.code)).collect();
        assert_eq!(
            got,
            [
                ("invitees[1].email", "login_belongs_to_employee"),
                ("invitees[2].email", "login_belongs_to_dismissed_user"),
                ("invitees[3].email", "invitation_pending"),
            ]
        );
        assert_eq!(rows[2].invitation_id, Some(pending));
        assert_eq!(
            DomainError::InviteeConflicts(rows).code(),
            "login_belongs_to_employee"
        );

        let b = batch(vec![invitee("a@c.example"), invitee("e@c.example")]);
        let ctx = context(
            &admin,
            &settings,
            vec![
                LoginState::Free,
                LoginState::ActiveExtranetUser {
                    user_id: ext,
                    membership: None,
                },
            ],
        );
        let plan = decide_batch(&b, &ctx).unwrap();
        assert_eq!(
            plan.outcomes,
            [
                Outcome::Invited,
                Outcome::WorkgroupInvitation {
                    user_id: ext,
                    already_invited: false
                }
            ]
        );
        assert_eq!(plan.seats_needed, 1);
    }

    #[test]
    fn a_batch_that_does_not_fit_is_refused_whole() {
        let admin = user(UserType::Intranet, true);
        let settings = AccountSettings::default();
        let b = batch(vec![invitee("a@c.example"), invitee("b@c.example")]);
        let mut ctx = context(&admin, &settings, vec![LoginState::Free, LoginState::Free]);
        ctx.seats = seats(5, 4);
        assert_eq!(
            decide_batch(&b, &ctx),
            Err(DomainError::UserLimitReached {
                needed: 2,
                available: 1
            })
        );
    }

    #[test]
    fn domain_rules_apply_to_external_invitees_only() {
        let admin = user(UserType::Intranet, true);
        let settings = AccountSettings {
            external_domains: ExternalDomains::Allow(vec!["client.example".into()]),
            ..AccountSettings::default()
        };
        let b = batch(vec![
            invitee("a@client.example"),
            invitee("b@gmail.example"),
        ]);
        let ctx = context(&admin, &settings, vec![LoginState::Free, LoginState::Free]);
        let err = decide_batch(&b, &ctx).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert_eq!(err.field_errors()[0].field, "invitees[1].email");
        assert_eq!(err.field_errors()[0].code, "domain_not_allowed");
    }

    fn pending_facts(now: DateTime<Utc>) -> InvitationFacts {
        InvitationFacts {
            id: InvitationId(Uuid::from_u128(40)),
            invitation_type: UserType::Extranet,
            status: InvitationStatus::Pending,
            expires_at: now + Duration::days(7),
            last_sent_at: now - Duration::minutes(5),
            invited_by: UserId(Uuid::from_u128(3)),
        }
    }

    fn email(e: &str) -> Login {
        Login::Email(crate::login::Email::parse(e).unwrap())
    }

    fn resend_ctx<'a>(
        actor: &'a AccountUser,
        invitation: &'a InvitationFacts,
        login: &'a Login,
        settings: &'a AccountSettings,
        seats_now: Seats,
    ) -> ResendContext<'a> {
        ResendContext {
            actor,
            invitation,
            login,
            login_now: LoginState::Free,
            seats: seats_now,
            settings,
            workgroup: facts(true, Some(Role::Owner)),
            interval_seconds: RESEND_INTERVAL_SECONDS,
        }
    }

    fn accept_ctx<'a>(
        invitation: &'a InvitationFacts,
        login: &'a Login,
        settings: &'a AccountSettings,
        sender: &AccountUser,
    ) -> AcceptContext<'a> {
        AcceptContext {
            invitation,
            login,
            settings,
            sender: Some(*sender),
            workgroup: facts(true, Some(Role::Owner)),
            profile: None,
            user_in_account: None,
        }
    }

    #[test]
    fn the_lifecycle() {
        let now = Utc::now();
        let admin = user(UserType::Intranet, true);
        let settings = AccountSettings::default();
        let ann = email("ann@client.example");
        let open = pending_facts(now);
        let expired = InvitationFacts {
            expires_at: now - Duration::seconds(1),
            ..open
        };
        assert_eq!(
            effective_status(open.status, expired.expires_at, now),
            InvitationStatus::Expired
        );

        // Resend: a pending one keeps its seat; an expired one needs one.
        let ctx = resend_ctx(&admin, &open, &ann, &settings, seats(5, 5));
        assert_eq!(
            decide_resend(&ctx, now).unwrap().seats,
            SeatChange::default()
        );
        let too_soon = InvitationFacts {
            last_sent_at: now - Duration::seconds(10),
            ..open
        };
        let ctx = resend_ctx(&admin, &too_soon, &ann, &settings, seats(5, 1));
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::ResendTooSoon {
                retry_after_seconds: 50
            })
        );
        let stored_expired = InvitationFacts {
            status: InvitationStatus::Expired,
            ..expired
        };
        let ctx = resend_ctx(&admin, &stored_expired, &ann, &settings, seats(5, 5));
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::UserLimitReached {
                needed: 1,
                available: 0
            })
        );
        let ctx = resend_ctx(&admin, &stored_expired, &ann, &settings, seats(5, 1));
        let plan = decide_resend(&ctx, now).unwrap();
        assert_eq!(plan.seats.pending, 1);
        assert_eq!(plan.expires_at, now + Duration::hours(168));
        let ctx = ResendContext {
            login_now: LoginState::ActiveIntranetUser,
            ..resend_ctx(&admin, &stored_expired, &ann, &settings, seats(5, 1))
        };
        assert_eq!(
            decide_resend(&ctx, now).unwrap_err().code(),
            "login_belongs_to_employee"
        );

        // Revoke frees a pending seat; accepted ones cannot be revoked.
        assert_eq!(decide_revoke(&admin, &open, now).unwrap().pending, -1);
        assert_eq!(
            decide_revoke(&admin, &stored_expired, now).unwrap(),
            SeatChange::default()
        );
        let accepted = InvitationFacts {
            status: InvitationStatus::Accepted,
            ..open
        };
        assert_eq!(
            decide_revoke(&admin, &accepted, now),
            Err(DomainError::InvitationNotPending(
                InvitationStatus::Accepted
            ))
        );

        // Only the inviter or an admin manages an invitation.
        let other = AccountUser {
            user_id: UserId(Uuid::from_u128(99)),
            ..user(UserType::Intranet, false)
        };
        assert_eq!(
            decide_revoke(&other, &open, now),
            Err(DomainError::InviterOrAdminRequired)
        );

        // Accept and decline: only open invitations; a used token is as good as unknown.
        assert_eq!(
            decide_decline(&expired, now),
            Err(DomainError::InvitationExpired)
        );
        assert_eq!(decide_decline(&open, now).unwrap().pending, -1);
        let plan = decide_accept(&accept_ctx(&open, &ann, &settings, &admin), now).unwrap();
        assert_eq!(
            (plan.profile, plan.seats.pending, plan.seats.active_extranet),
            (AcceptProfile::Create, -1, 1)
        );
        let id = IdentityId(Uuid::from_u128(50));
        let with_profile = |password_matches| AcceptContext {
            profile: Some(ExistingProfile {
                identity_id: id,
                password_matches,
            }),
            ..accept_ctx(&open, &ann, &settings, &admin)
        };
        assert_eq!(
            decide_accept(&with_profile(false), now),
            Err(DomainError::InvalidCredentials)
        );
        assert_eq!(
            decide_accept(&with_profile(true), now).unwrap().profile,
            AcceptProfile::Reuse(id)
        );
        for used in [
            InvitationStatus::Accepted,
            InvitationStatus::Declined,
            InvitationStatus::Revoked,
        ] {
            let used = InvitationFacts {
                status: used,
                ..open
            };
            assert_eq!(
                decide_accept(&accept_ctx(&used, &ann, &settings, &admin), now),
                Err(DomainError::NotFound("invitation"))
            );
            assert_eq!(
                require_open(&used, now),
                Err(DomainError::NotFound("invitation"))
            );
        }
        assert_eq!(
            decide_accept(
                &AcceptContext {
                    user_in_account: Some(UserStatus::Active),
                    ..accept_ctx(&open, &ann, &settings, &admin)
                },
                now
            ),
            Err(DomainError::AlreadyAUser)
        );
    }

    #[test]
    fn resend_and_accept_refuse_a_workgroup_that_no_longer_allows_external_users() {
        let now = Utc::now();
        let admin = user(UserType::Intranet, true);
        let settings = AccountSettings::default();
        let ann = email("ann@client.example");
        let open = pending_facts(now);
        let internal = facts(false, Some(Role::Owner));
        let ctx = ResendContext {
            workgroup: internal,
            ..resend_ctx(&admin, &open, &ann, &settings, seats(5, 1))
        };
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::WorkgroupNotExtranet)
        );
        let ctx = AcceptContext {
            workgroup: internal,
            ..accept_ctx(&open, &ann, &settings, &admin)
        };
        assert_eq!(
            decide_accept(&ctx, now),
            Err(DomainError::WorkgroupNotExtranet)
        );
        // Employees may still be invited into it.
        let intranet = InvitationFacts {
            invitation_type: UserType::Intranet,
            ..open
        };
        let ctx = AcceptContext {
            workgroup: internal,
            ..accept_ctx(&intranet, &ann, &settings, &admin)
        };
        assert!(decide_accept(&ctx, now).is_ok());
    }

    #[test]
    fn resend_and_accept_follow_todays_domain_rules_and_who_may_invite() {
        let now = Utc::now();
        let admin = user(UserType::Intranet, true);
        let employee = user(UserType::Intranet, false);
        let open = pending_facts(now);
        let ann = email("ann@eu.client.example");
        let denied = AccountSettings {
            external_domains: ExternalDomains::Deny(vec!["client.example".into()]),
            ..AccountSettings::default()
        };
        let ctx = resend_ctx(&admin, &open, &ann, &denied, seats(5, 1));
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::DomainNotAllowed {
                domain: "eu.client.example".into()
            })
        );
        assert_eq!(
            decide_accept(&accept_ctx(&open, &ann, &denied, &admin), now)
                .unwrap_err()
                .code(),
            "domain_not_allowed"
        );
        // A phone invitee has no domain.
        let phone = Login::Phone(crate::login::Phone::parse("+14155550101").unwrap());
        assert!(decide_accept(&accept_ctx(&open, &phone, &denied, &admin), now).is_ok());

        // Sent by an employee while employees could invite; now only admins may.
        let admins_only = AccountSettings::default();
        let by_employee = InvitationFacts {
            invited_by: employee.user_id,
            ..open
        };
        let ctx = resend_ctx(&employee, &by_employee, &ann, &admins_only, seats(5, 1));
        assert_eq!(decide_resend(&ctx, now), Err(DomainError::AdminRequired));
        assert_eq!(
            decide_accept(
                &accept_ctx(&by_employee, &ann, &admins_only, &employee),
                now
            ),
            Err(DomainError::InviterNoLongerAllowed)
        );
        // An admin resending it vouches for it from then on.
        let ctx = resend_ctx(&admin, &by_employee, &ann, &admins_only, seats(5, 1));
        assert!(decide_resend(&ctx, now).is_ok());
        assert!(decide_accept(&accept_ctx(&by_employee, &ann, &admins_only, &admin), now).is_ok());

        // The group's policy binds the sender the same way.
        let employees = AccountSettings {
            who_can_invite: WhoCanInvite::Employees,
            ..AccountSettings::default()
        };
        let owner_only = Some(WorkgroupFacts {
            invite_policy: InvitePolicy::Owner,
            ..facts(true, Some(Role::Member)).unwrap()
        });
        let ctx = ResendContext {
            workgroup: owner_only,
            ..resend_ctx(&employee, &by_employee, &ann, &employees, seats(5, 1))
        };
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::WorkgroupPolicyForbids(InvitePolicy::Owner))
        );
        let ctx = AcceptContext {
            workgroup: owner_only,
            ..accept_ctx(&by_employee, &ann, &employees, &employee)
        };
        assert_eq!(
            decide_accept(&ctx, now),
            Err(DomainError::InviterNoLongerAllowed)
        );
        // A sender whose row is gone vouches for nothing.
        let ctx = AcceptContext {
            sender: None,
            ..accept_ctx(&open, &ann, &employees, &admin)
        };
        assert_eq!(
            decide_accept(&ctx, now),
            Err(DomainError::InviterNoLongerAllowed)
        );
    }
}
