//! A batch of invitations (rules 1, 3, 4 and 6): what it may contain, who may send it, what
//! each invitee becomes and whether the seats fit. All of it is written, or none; with
//! `on_conflict: skip`, all of the rows that can be, or none (`refusal`).

mod refusal;

pub use refusal::{already_invited, BatchDelivery, OnConflict};

use super::facts::{login_outcome, LoginState, Outcome, WorkgroupFacts};
use super::sender::{excluded_domain, may_invite_new_people, Release};
use crate::access::AccountUser;
use crate::access_end::new_person_end;
use crate::account::AccountSettings;
use crate::enums::{UserType, WorkgroupKind};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::ids::WorkgroupId;
use crate::locale::Locale;
use crate::login::Login;
use crate::names::PersonName;
use crate::seats::Seats;
use crate::workgroup::{may_add_to_workgroup, may_view_workgroup, NewWorkgroup, WorkgroupName};
use chrono::{DateTime, Utc};

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
    /// The end of this invitee's access, over the batch's (issue #30).
    pub access_expires_at: Option<DateTime<Utc>>,
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
    pub on_conflict: OnConflict,
    pub delivery: BatchDelivery,
    /// The end of the new external users' access, unless an invitee says another (issue #30).
    pub access_expires_at: Option<DateTime<Utc>>,
}

/// One invitee, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    /// The row's place in the request.
    pub index: usize,
    pub login: Login,
    pub first_name: PersonName,
    pub last_name: PersonName,
    /// The invitation's own language: the invitee's, else the batch's (`None`: the account's,
    /// whatever it is when the message is written).
    pub locale: Option<Locale>,
    /// The end of access asked for: the invitee's, else the batch's (checked against the clock
    /// and the workgroup's maximum when the batch is decided; none: the account's default).
    pub access_expires_at: Option<DateTime<Utc>>,
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
    /// The rows whose fields are valid, in request order.
    pub invitees: Vec<Invitee>,
    /// The problems of the other rows (each with its `row`), decided with the rest of the
    /// batch: refused with it, or skipped.
    pub invalid_rows: Vec<FieldError>,
    pub on_conflict: OnConflict,
    pub delivery: BatchDelivery,
}

impl Batch {
    /// Checks every field of every row. Rule 1: an extranet invitation names a workgroup, or
    /// creates one, which then allows external users. A problem of the batch as a whole (its
    /// workgroup, message, size) refuses it here with every field problem of every row; a
    /// row's own problems are kept (`invalid_rows`) for the decision, which reports them with
    /// the conflicts and the seats — or skips those rows.
    pub fn parse(req: &BatchRequest<'_>) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let mut row_errors = FieldErrors::new();
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
        if req.invitation_type == UserType::Intranet {
            let only_external = |field: String| {
                FieldError::new(
                    field,
                    "external_users_only",
                    "only an external user's access ends; an employee's does not",
                )
            };
            if req.access_expires_at.is_some() {
                errors.push(only_external("access_expires_at".into()));
            }
            for (i, row) in req.invitees.iter().enumerate() {
                if row.access_expires_at.is_some() {
                    errors.push(only_external(format!("invitees[{i}].access_expires_at")));
                }
            }
        }
        if req.invitees.is_empty() || req.invitees.len() > MAX_INVITEES {
            errors.push(FieldError::new(
                "invitees",
                "batch_size",
                format!("invite 1 to {MAX_INVITEES} people at once"),
            ));
        }
        let mut invitees: Vec<Invitee> = Vec::with_capacity(req.invitees.len());
        let mut logins: Vec<(usize, Login)> = Vec::with_capacity(req.invitees.len());
        for (i, row) in req.invitees.iter().enumerate() {
            let mut problems = FieldErrors::new();
            let login = problems.check_row(i, "", Login::from_email_or_phone(row.email, row.phone));
            let first = problems.check_row(i, "first_name", PersonName::parse(row.first_name));
            let last = problems.check_row(i, "last_name", PersonName::parse(row.last_name));
            if let Some(login) = &login {
                match logins.iter().find(|(_, l)| l == login) {
                    Some((j, _)) => problems.push(
                        FieldError::new(
                            login_field(login),
                            "duplicate_invitee",
                            format!("`{login}` is already invitee {j} of this request"),
                        )
                        .in_row(i),
                    ),
                    None => logins.push((i, login.clone())),
                }
            }
            match (login, first, last) {
                (Some(login), Some(first_name), Some(last_name)) if problems.is_empty() => invitees
                    .push(Invitee {
                        index: i,
                        login,
                        first_name,
                        last_name,
                        locale: row.locale.or(req.locale),
                        access_expires_at: row.access_expires_at.or(req.access_expires_at),
                    }),
                _ => row_errors.extend(problems),
            }
        }
        if !errors.is_empty() {
            errors.extend(row_errors);
            return Err(errors.into_error());
        }
        let target = target.ok_or(DomainError::Unreachable(
            "a batch without field errors has no target",
        ))?;
        Ok(Self {
            invitation_type: req.invitation_type,
            target,
            message,
            invitees,
            invalid_rows: row_errors.into_vec(),
            on_conflict: req.on_conflict,
            delivery: req.delivery,
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
    /// The time the batch is decided at: the ends of access are checked against it.
    pub now: DateTime<Utc>,
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
    /// The end of each new person's access, one per outcome (issue #30): the one asked for,
    /// else the account's default, within the workgroup's maximum; `None` for the rest.
    pub access_ends: Vec<Option<DateTime<Utc>>>,
}

/// Who may send a batch at all, before any row is looked at (and before an idempotent replay):
/// rule 3 for new people; and for an existing workgroup, that the caller sees it, that it
/// allows external users when they are invited (rule 1), and that its invite policy lets the
/// caller add people. (The Bitrix24 quirk, a person let into the account but not into the
/// group, cannot happen: whoever may not add people to the group may not invite them into it.)
/// Says whether the batch's new invitations go out at once or wait for approval; a batch whose
/// links its caller delivers (`delivery: none`) cannot wait (422 on `delivery`).
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
    if release == Release::AfterApproval && batch.delivery == BatchDelivery::None {
        return Err(DomainError::invalid(
            "delivery",
            "held_for_approval",
            "your invitations wait for an administrator's approval (`who_can_invite: employees_with_approval`) \
             and are sent when approved: there is no link to hand over now; send them (`delivery: send`)",
        ));
    }
    Ok(release)
}

/// Decides a batch. `refuse`: all of it, or nothing, with every problem of every row named at
/// once — invalid fields, conflicts with the account (rule 6, the domain rules) and the rows the
/// seats do not reach (rule 4). `skip`: the rows that can be invited are, seats permitting
/// (all of them or none), and the others are skipped with their problem.
pub fn decide_batch(batch: &Batch, ctx: &BatchContext<'_>) -> Result<BatchPlan, DomainError> {
    let release = may_send_batch(ctx.inviter, ctx.settings, batch, ctx.workgroup)?;
    let mut invalid = batch.invalid_rows.clone();
    let mut conflicts = Vec::new();
    let mut outcomes = Vec::with_capacity(batch.invitees.len());
    let joins_group = !matches!(batch.target, Target::Account);
    let max_days = match &batch.target {
        Target::Account => None,
        Target::Existing(_) => ctx.workgroup.and_then(|g| g.max_external_access_days),
        Target::New(group) => group.max_external_access_days,
    };
    let mut access_ends = Vec::with_capacity(batch.invitees.len());
    for (invitee, state) in batch.invitees.iter().zip(&ctx.logins) {
        let field = login_field(&invitee.login);
        if let Some(domain) = excluded_domain(ctx.settings, batch.invitation_type, &invitee.login) {
            let e = FieldError::new(
                field,
                "domain_not_allowed",
                format!("the account does not let external users from `{domain}` in"),
            )
            .in_row(invitee.index);
            invalid.push(e.clone());
            outcomes.push(Outcome::Skipped(e));
            access_ends.push(None);
            continue;
        }
        match login_outcome(batch.invitation_type, joins_group, *state) {
            Ok(Outcome::Invited) if batch.invitation_type == UserType::Extranet => {
                // Issue #30: a new external person's access ends when asked, or by default.
                match new_person_end(
                    "access_expires_at",
                    invitee.access_expires_at,
                    ctx.settings.default_external_access_days,
                    max_days,
                    ctx.now,
                ) {
                    Ok(end) => {
                        access_ends.push(end);
                        outcomes.push(Outcome::Invited);
                    }
                    Err(e) => {
                        let e = e.in_row(invitee.index);
                        invalid.push(e.clone());
                        access_ends.push(None);
                        outcomes.push(Outcome::Skipped(e));
                    }
                }
                continue;
            }
            Ok(outcome) => {
                outcomes.push(outcome);
                access_ends.push(None);
            }
            Err(mut conflict) => {
                conflict.field = field.to_owned();
                let conflict = conflict.in_row(invitee.index);
                conflicts.push(conflict.clone());
                outcomes.push(Outcome::Skipped(conflict));
                access_ends.push(None);
            }
        }
    }
    let invited: Vec<usize> = batch
        .invitees
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| **o == Outcome::Invited)
        .map(|(i, _)| i.index)
        .collect();
    let seats_needed = u32::try_from(invited.len()).unwrap_or(u32::MAX);
    let shortfall = ctx.seats.shortfall(seats_needed);
    match batch.on_conflict {
        OnConflict::Refuse => refusal::refuse(invalid, conflicts, shortfall, &invited)?,
        OnConflict::Skip => refusal::refuse(vec![], vec![], shortfall, &invited)?,
    }
    Ok(BatchPlan {
        outcomes,
        seats_needed,
        held: release == Release::AfterApproval,
        access_ends,
    })
}

#[cfg(test)]
mod tests;
