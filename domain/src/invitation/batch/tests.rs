//! The batch's decisions, row by row.

use super::*;
use crate::account::ExternalDomains;
use crate::enums::{BatchDelivery, OnConflict};
use crate::enums::{InvitePolicy, Role, WhoCanInvite};
use crate::ids::{InvitationId, UserId};
use crate::invitation::facts::examples::{facts, group, seats, user};
use uuid::Uuid;

fn invitee<'a>(email: &'a str) -> InviteeRequest<'a> {
    InviteeRequest {
        locale: None,
        access_expires_at: None,
        email: Some(email),
        phone: None,
        first_name: "Ann",
        last_name: "Lee",
    }
}

fn batch(invitees: Vec<InviteeRequest<'_>>) -> Batch {
    Batch::parse(&BatchRequest {
        on_conflict: OnConflict::Refuse,
        delivery: BatchDelivery::Send,
        locale: None,
        access_expires_at: None,
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
        now: chrono::Utc::now(),
    }
}

#[test]
fn a_batch_names_every_bad_row() {
    let err = Batch::parse(&BatchRequest {
        on_conflict: OnConflict::Refuse,
        delivery: BatchDelivery::Send,
        locale: None,
        access_expires_at: None,
        invitation_type: UserType::Extranet,
        workgroup: WorkgroupRequest::None,
        message: Some(&"x".repeat(2001)),
        invitees: vec![
            invitee("ann@client.example"),
            InviteeRequest {
                locale: None,
                access_expires_at: None,
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
        on_conflict: OnConflict::Refuse,
        delivery: BatchDelivery::Send,
        locale: None,
        access_expires_at: None,
        invitation_type: UserType::Intranet,
        workgroup: WorkgroupRequest::None,
        message: None,
        invitees: vec![],
    });
    assert_eq!(none.unwrap_err().field_errors()[0].code, "batch_size");
    let emails: Vec<String> = (0..101).map(|i| format!("p{i}@client.example")).collect();
    let many = Batch::parse(&BatchRequest {
        on_conflict: OnConflict::Refuse,
        delivery: BatchDelivery::Send,
        locale: None,
        access_expires_at: None,
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
        on_conflict: OnConflict::Refuse,
        delivery: BatchDelivery::Send,
        locale: None,
        access_expires_at: None,
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
        max_external_access_days: None,
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
    // Three reasons: the top-level code says the rows disagree.
    assert_eq!(DomainError::InviteeConflicts(rows).code(), "batch_refused");

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
fn a_held_batch_has_no_link_to_hand_over() {
    let settings = AccountSettings {
        who_can_invite: WhoCanInvite::EmployeesWithApproval,
        ..AccountSettings::default()
    };
    let mut b = batch(vec![invitee("a@c.example")]);
    b.delivery = BatchDelivery::None;
    let employee = user(UserType::Intranet, false);
    let err = decide_batch(&b, &context(&employee, &settings, vec![LoginState::Free]));
    let err = err.unwrap_err();
    assert_eq!(err.field_errors()[0].field, "delivery");
    assert_eq!(err.field_errors()[0].code, "held_for_approval");
    // An administrator's batch is not held: its links are handed over.
    let admin = user(UserType::Intranet, true);
    assert!(decide_batch(&b, &context(&admin, &settings, vec![LoginState::Free])).is_ok());
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

fn batch_of(invitees: Vec<InviteeRequest<'_>>, on_conflict: OnConflict) -> Batch {
    Batch::parse(&BatchRequest {
        on_conflict,
        delivery: BatchDelivery::Send,
        locale: None,
        access_expires_at: None,
        invitation_type: UserType::Extranet,
        workgroup: WorkgroupRequest::Existing(group()),
        message: None,
        invitees,
    })
    .unwrap()
}

#[test]
fn a_refused_batch_names_every_kind_of_problem_at_once() {
    let admin = user(UserType::Intranet, true);
    let settings = AccountSettings::default();
    let rows = vec![
        invitee("not-an-email"),
        invitee("emp@c.example"),
        invitee("a@c.example"),
        invitee("b@c.example"),
    ];
    let b = batch_of(rows, OnConflict::Refuse);
    assert_eq!(b.invitees.len(), 3);
    assert_eq!(b.invalid_rows[0].row, Some(0));
    let mut ctx = context(
        &admin,
        &settings,
        vec![
            LoginState::ActiveIntranetUser,
            LoginState::Free,
            LoginState::Free,
        ],
    );
    ctx.seats = seats(5, 4);
    let err = decide_batch(&b, &ctx).unwrap_err().rows_under("invitees");
    assert_eq!(err.code(), "batch_refused");
    assert_eq!(err.kind(), crate::error::ErrorKind::Invalid);
    let got: Vec<_> = err
        .field_errors()
        .iter()
        .map(|e| (e.index, e.field.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        [
            (Some(0), "invitees[0].email", "invalid_email"),
            (Some(1), "invitees[1].email", "login_belongs_to_employee"),
            (Some(3), "invitees[3]", "user_limit_reached"),
        ]
    );
    let DomainError::BatchRefused { seats, .. } = err else {
        panic!("expected a batch refusal")
    };
    assert_eq!(
        seats,
        Some(crate::seats::Shortfall {
            needed: 2,
            available: 1
        })
    );
    // Without the invalid row: a conflict and the seats, 409.
    let b = batch_of(
        vec![
            invitee("emp@c.example"),
            invitee("a@c.example"),
            invitee("b@c.example"),
        ],
        OnConflict::Refuse,
    );
    let err = decide_batch(&b, &ctx).unwrap_err();
    assert_eq!(
        (err.code(), err.kind()),
        ("batch_refused", crate::error::ErrorKind::Conflict)
    );
}

#[test]
fn a_skipping_batch_invites_what_it_can_seats_permitting() {
    let admin = user(UserType::Intranet, true);
    let settings = AccountSettings::default();
    let pending = InvitationId(Uuid::from_u128(30));
    let b = batch_of(
        vec![
            invitee("not-an-email"),
            invitee("emp@c.example"),
            invitee("a@c.example"),
            invitee("p@c.example"),
        ],
        OnConflict::Skip,
    );
    let mut ctx = context(
        &admin,
        &settings,
        vec![
            LoginState::ActiveIntranetUser,
            LoginState::Free,
            LoginState::PendingInvitation(pending),
        ],
    );
    let plan = decide_batch(&b, &ctx).unwrap();
    assert_eq!(plan.seats_needed, 1);
    let codes: Vec<_> = plan
        .outcomes
        .iter()
        .map(|o| match o {
            Outcome::Skipped(e) => (e.row, e.code),
            Outcome::Invited => (None, "invited"),
            Outcome::WorkgroupInvitation { .. } => (None, "workgroup_invitation"),
        })
        .collect();
    assert_eq!(
        codes,
        [
            (Some(1), "login_belongs_to_employee"),
            (None, "invited"),
            (Some(3), "invitation_pending")
        ]
    );
    // The rows it creates still fit whole, or the batch is refused.
    ctx.seats = seats(5, 5);
    assert_eq!(
        decide_batch(&b, &ctx),
        Err(DomainError::UserLimitReached {
            needed: 1,
            available: 0
        })
    );
}

#[test]
fn a_pending_invitation_is_the_rows_own_when_it_goes_to_the_same_place() {
    let b = batch_of(vec![invitee("a@c.example")], OnConflict::Skip);
    assert!(already_invited(&b, UserType::Extranet, Some(group())));
    assert!(!already_invited(&b, UserType::Extranet, None));
    assert!(!already_invited(
        &b,
        UserType::Extranet,
        Some(WorkgroupId(Uuid::from_u128(99)))
    ));
    assert!(!already_invited(&b, UserType::Intranet, Some(group())));
}
