//! A batch of invitations (rules 1, 3, 4 and 6): what it may contain, who may send it, what
//! each invitee becomes and whether the seats fit. All of it is written, or none.

use super::facts::{login_outcome, LoginState, Outcome, WorkgroupFacts};
use super::sender::{excluded_domain, may_invite_new_people, Release};
use crate::access::AccountUser;
use crate::account::AccountSettings;
use crate::enums::{UserType, WorkgroupKind};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::ids::WorkgroupId;
use crate::locale::Locale;
use crate::login::Login;
use crate::names::PersonName;
use crate::seats::Seats;
use crate::workgroup::{may_add_to_workgroup, may_view_workgroup, NewWorkgroup, WorkgroupName};

/// At most this many invitees in one request.
pub const MAX_INVITEES: usize = 100;
/// A personal message has at most this many characters.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// One invitee as the client sent it.
#[derive(Debug, Clone, Copy)]
pub struct InviteeRequest<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub first_name: &'a str,
    pub last_name: &'a str,
    /// The language of this invitee's message, over the batch's.
    pub locale: Option<Locale>,
}

/// Where the client asked the invitees to go: into the account only, an existing workgroup,
/// or a workgroup the batch creates.
#[derive(Debug, Clone, Copy)]
pub enum WorkgroupRequest<'a> {
    None,
    Existing(WorkgroupId),
    New { name: &'a str, kind: WorkgroupKind },
}

/// A batch of invitations as the client sent it.
#[derive(Debug, Clone)]
pub struct BatchRequest<'a> {
    pub invitation_type: UserType,
    pub workgroup: WorkgroupRequest<'a>,
    pub message: Option<&'a str>,
    pub invitees: Vec<InviteeRequest<'a>>,
    /// The language of the batch's messages (an invitee's own wins; else the account's).
    pub locale: Option<Locale>,
}

/// One invitee, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub login: Login,
    pub first_name: PersonName,
    pub last_name: PersonName,
    /// The invitation's own language: the invitee's, else the batch's (`None`: the account's,
    /// whatever it is when the message is written).
    pub locale: Option<Locale>,
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
            let login = errors.check_row(i, "", Login::from_email_or_phone(row.email, row.phone));
            let first = errors.check_row(i, "first_name", PersonName::parse(row.first_name));
            let last = errors.check_row(i, "last_name", PersonName::parse(row.last_name));
            if let Some(login) = &login {
                let earlier = invitees
                    .iter()
                    .position(|(_, l, _, _, _): &(usize, Login, _, _, _)| l == login);
                if let Some(j) = earlier.map(|k| invitees[k].0) {
                    errors.push(
                        FieldError::new(
                            login_field(login),
                            "duplicate_invitee",
                            format!("`{login}` is already invitee {j} of this request"),
                        )
                        .in_row(i),
                    );
                }
            }
            if let (Some(login), Some(first), Some(last)) = (login, first, last) {
                invitees.push((i, login, first, last, row.locale.or(req.locale)));
            }
        }
        errors.finish()?;
        let target = target.ok_or(DomainError::Unreachable(
            "a batch without field errors has no target",
        ))?;
        Ok(Self {
            invitation_type: req.invitation_type,
            target,
            message,
            invitees: invitees
                .into_iter()
                .map(|(_, login, first_name, last_name, locale)| Invitee {
                    login,
                    first_name,
                    last_name,
                    locale,
                })
                .collect(),
        })
    }
}

/// `email` or `phone`: the field of an invitee's row that holds the login.
pub fn login_field(login: &Login) -> &'static str {
    match login {
        Login::Email(_) => "email",
        Login::Phone(_) => "phone",
    }
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

/// A decided batch: what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan {
    pub outcomes: Vec<Outcome>,
    pub seats_needed: u32,
    /// The new invitations wait for an administrator's approval (rule 3): written
    /// `awaiting_approval`, their seats held, nothing sent. (A membership invitation of an
    /// existing external user is the workgroup's invite policy's to allow, and goes out.)
    pub held: bool,
}

/// Who may send a batch at all, before any row is looked at (and before an idempotent replay):
/// rule 3 for new people; and for an existing workgroup, that the caller sees it, that it
/// allows external users when they are invited (rule 1), and that its invite policy lets the
/// caller add people. (The Bitrix24 quirk, a person let into the account but not into the
/// group, cannot happen: whoever may not add people to the group may not invite them into it.)
/// Says whether the batch's new invitations go out at once or wait for approval.
pub fn may_send_batch(
    inviter: &AccountUser,
    settings: &AccountSettings,
    batch: &Batch,
    workgroup: Option<WorkgroupFacts>,
) -> Result<Release, DomainError> {
    let release = may_invite_new_people(inviter, settings)?;
    if let Target::Existing(_) = batch.target {
        let group = workgroup.ok_or(DomainError::NotFound("workgroup"))?;
        may_view_workgroup(inviter, group.standing)?;
        if batch.invitation_type == UserType::Extranet && !group.allow_external {
            return Err(DomainError::WorkgroupNotExtranet);
        }
        may_add_to_workgroup(inviter, group.standing, group.invite_policy)?;
    }
    Ok(release)
}

/// Decides a batch: all of it, or nothing, with every failing row named.
pub fn decide_batch(batch: &Batch, ctx: &BatchContext<'_>) -> Result<BatchPlan, DomainError> {
    let release = may_send_batch(ctx.inviter, ctx.settings, batch, ctx.workgroup)?;
    let mut invalid = FieldErrors::new();
    let mut conflicts = Vec::new();
    let mut outcomes = Vec::with_capacity(batch.invitees.len());
    let joins_group = !matches!(batch.target, Target::Account);
    for (i, (invitee, state)) in batch.invitees.iter().zip(&ctx.logins).enumerate() {
        let field = login_field(&invitee.login);
        if let Some(domain) = excluded_domain(ctx.settings, batch.invitation_type, &invitee.login) {
            invalid.push(
                FieldError::new(
                    field,
                    "domain_not_allowed",
                    format!("the account does not let external users from `{domain}` in"),
                )
                .in_row(i),
            );
            continue;
        }
        match login_outcome(batch.invitation_type, joins_group, *state) {
            Ok(outcome) => outcomes.push(outcome),
            Err(mut conflict) => {
                conflict.field = field.to_owned();
                conflicts.push(conflict.in_row(i));
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
        held: release == Release::AfterApproval,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::ExternalDomains;
    use crate::enums::{InvitePolicy, Role, WhoCanInvite};
    use crate::ids::{InvitationId, UserId};
    use crate::invitation::facts::examples::{facts, group, seats, user};
    use uuid::Uuid;

    fn invitee<'a>(email: &'a str) -> InviteeRequest<'a> {
        InviteeRequest {
            locale: None,
            email: Some(email),
            phone: None,
            first_name: "Ann",
            last_name: "Lee",
        }
    }

    fn batch(invitees: Vec<InviteeRequest<'_>>) -> Batch {
        Batch::parse(&BatchRequest {
            locale: None,
            invitation_type: UserType::Extranet,
            workgroup: WorkgroupRequest::Existing(group()),
            message: None,
            invitees,
        })
        .unwrap()
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
            locale: None,
            invitation_type: UserType::Extranet,
            workgroup: WorkgroupRequest::None,
            message: Some(&"x".repeat(2001)),
            invitees: vec![
                invitee("ann@client.example"),
                InviteeRequest {
                    locale: None,
                    email: None,
                    phone: Some("12"),
                    first_name: "",
                    last_name: "Ng",
                },
                invitee("ANN@client.example"),
            ],
        })
        .unwrap_err()
        .rows_under("invitees");
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
            locale: None,
            invitation_type: UserType::Intranet,
            workgroup: WorkgroupRequest::None,
            message: None,
            invitees: vec![],
        });
        assert_eq!(none.unwrap_err().field_errors()[0].code, "batch_size");
        let emails: Vec<String> = (0..101).map(|i| format!("p{i}@client.example")).collect();
        let many = Batch::parse(&BatchRequest {
            locale: None,
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
            locale: None,
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
        let Err(DomainError::InviteeConflicts(rows)) =
            decide_batch(&b, &ctx).map_err(|e| e.rows_under("invitees"))
        else {
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
    fn an_employees_batch_waits_for_approval_where_the_account_wants_it() {
        let settings = AccountSettings {
            who_can_invite: WhoCanInvite::EmployeesWithApproval,
            ..AccountSettings::default()
        };
        let b = batch(vec![invitee("a@c.example")]);
        let employee = user(UserType::Intranet, false);
        let plan = decide_batch(&b, &context(&employee, &settings, vec![LoginState::Free]));
        let plan = plan.unwrap();
        // Held, but its seat is counted all the same (rule 4).
        assert!(plan.held);
        assert_eq!(plan.seats_needed, 1);
        let admin = user(UserType::Intranet, true);
        let plan = decide_batch(&b, &context(&admin, &settings, vec![LoginState::Free]));
        assert!(!plan.unwrap().held);
        // A held batch that does not fit is refused like any other.
        let mut ctx = context(&employee, &settings, vec![LoginState::Free]);
        ctx.seats = seats(5, 5);
        assert_eq!(
            decide_batch(&b, &ctx).unwrap_err().code(),
            "user_limit_reached"
        );
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
        assert_eq!(err.field_errors()[0].row, Some(1));
        assert_eq!(err.field_errors()[0].field, "email");
        assert_eq!(err.field_errors()[0].code, "domain_not_allowed");
    }
}
