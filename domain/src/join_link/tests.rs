use super::*;
use crate::enums::{InvitePolicy, JoinRequestStatus, MembershipStatus, Role, WhoCanInvite};
use crate::ids::{AccountId, IdentityId, InvitationId};
use crate::invitation::LoginState;
use crate::plan::UserLimit;
use crate::seats::{SeatChange, Seats};
use crate::sign_up::ExistingProfile;
use crate::workgroup::Standing;
use chrono::Duration;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 7, 9, 0, 0).unwrap()
}

fn user(user_type: UserType, is_admin: bool) -> AccountUser {
    AccountUser {
        token: None,
        identity_id: IdentityId(Uuid::from_u128(1)),
        account_id: AccountId(Uuid::from_u128(2)),
        user_id: UserId(Uuid::from_u128(3)),
        user_type,
        is_admin,
    }
}

fn group(role: Option<Role>) -> WorkgroupFacts {
    WorkgroupFacts {
        id: WorkgroupId(Uuid::from_u128(10)),
        allow_external: true,
        invite_policy: InvitePolicy::Moderators,
        max_external_access_days: None,
        standing: Standing { role },
    }
}

fn link(approval: JoinApproval) -> JoinLinkFacts {
    JoinLinkFacts {
        id: JoinLinkId(Uuid::from_u128(20)),
        workgroup_id: WorkgroupId(Uuid::from_u128(10)),
        created_by: UserId(Uuid::from_u128(3)),
        approval,
        max_uses: Some(2),
        uses: 0,
        expires_at: Some(now() + Duration::days(1)),
        revoked: false,
        allowed_domains: vec!["client.example".into()],
    }
}

fn seats(limit: u32, used: u32) -> Seats {
    Seats {
        limit: UserLimit::Seats(limit),
        active_intranet: used,
        active_extranet: 0,
        pending_invitations: 0,
        pending_join_requests: 0,
    }
}

fn login(s: &str) -> Login {
    Login::parse(s).unwrap()
}

#[test]
fn a_new_link_parses_every_limit_and_reports_every_problem() {
    let domains = vec!["Client.example".to_owned(), "@client.example".to_owned()];
    let ok = NewJoinLink::parse(
        NewJoinLinkRequest {
            max_uses: Some(10_000),
            expires_at: Some(now() + Duration::hours(1)),
            allowed_domains: Some(&domains),
            approval: JoinApproval::Required,
        },
        now(),
    )
    .unwrap();
    assert_eq!(ok.allowed_domains, ["client.example"]);
    let many: Vec<String> = (0..51).map(|i| format!("d{i}.example")).collect();
    for (max_uses, expires_at, list, fields) in [
        (Some(0), None, None, vec!["max_uses"]),
        (
            Some(10_001),
            Some(now()),
            None,
            vec!["max_uses", "expires_at"],
        ),
        (None, None, Some(&many), vec!["allowed_domains"]),
        (
            None,
            None,
            Some(&vec!["nope".to_owned()]),
            vec!["allowed_domains[0]"],
        ),
    ] {
        let err = NewJoinLink::parse(
            NewJoinLinkRequest {
                max_uses,
                expires_at,
                allowed_domains: list.map(Vec::as_slice),
                approval: JoinApproval::None,
            },
            now(),
        )
        .unwrap_err();
        let named: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(named, fields);
    }
}

#[test]
fn codes_are_short_base64url() {
    assert!(parse_code("q3Jm0dJ8b1K2xY7vZk4pT9wQeR5sU6aH0cL2nB8fG1i").is_ok());
    for bad in ["", "a b", "a=b", &"x".repeat(129)] {
        assert_eq!(parse_code(bad).unwrap_err().code, "invalid_link_code");
    }
}

#[test]
fn dead_links_answer_as_invitation_tokens_do() {
    let live = link(JoinApproval::None);
    assert!(require_usable(&live, now()).is_ok());
    let revoked = JoinLinkFacts {
        revoked: true,
        ..live.clone()
    };
    assert_eq!(
        require_usable(&revoked, now()),
        Err(DomainError::NotFound("join link"))
    );
    assert_eq!(
        require_usable(&live, now() + Duration::days(1)),
        Err(DomainError::JoinLinkExpired)
    );
    let used = JoinLinkFacts {
        uses: 2,
        ..live.clone()
    };
    assert_eq!(
        require_usable(&used, now()),
        Err(DomainError::JoinLinkUsedUp)
    );
}

#[test]
fn the_links_domains_and_the_accounts_rules_both_hold_at_request() {
    let l = link(JoinApproval::None);
    let settings = AccountSettings::default();
    assert!(decide_join_request(&l, &settings, &login("ann@eu.client.example"), now()).is_ok());
    for (who, field) in [("ann@other.example", "email"), ("+14155550101", "phone")] {
        let err = decide_join_request(&l, &settings, &login(who), now()).unwrap_err();
        assert_eq!(err.field_errors()[0].code, "domain_not_allowed");
        assert_eq!(err.field_errors()[0].field, field);
    }
    let denied = AccountSettings {
        external_domains: crate::account::ExternalDomains::Deny(vec!["client.example".into()]),
        ..AccountSettings::default()
    };
    let err = decide_join_request(&l, &denied, &login("ann@client.example"), now()).unwrap_err();
    assert_eq!(err.field_errors()[0].code, "domain_not_allowed");
}

#[test]
fn links_are_managed_by_who_may_bring_new_people_into_the_group() {
    let admins_only = AccountSettings::default();
    let employees = AccountSettings {
        who_can_invite: WhoCanInvite::Employees,
        ..AccountSettings::default()
    };
    let admin = user(UserType::Intranet, true);
    let employee = user(UserType::Intranet, false);
    let external = user(UserType::Extranet, false);
    assert!(may_create_join_link(&admin, &admins_only, &group(None)).is_ok());
    assert_eq!(
        may_create_join_link(&employee, &admins_only, &group(Some(Role::Owner))),
        Err(DomainError::AdminRequired)
    );
    assert!(may_create_join_link(&employee, &employees, &group(Some(Role::Moderator))).is_ok());
    assert_eq!(
        may_create_join_link(&employee, &employees, &group(Some(Role::Member))),
        Err(DomainError::WorkgroupPolicyForbids(
            InvitePolicy::Moderators
        ))
    );
    assert_eq!(
        may_create_join_link(&external, &employees, &group(Some(Role::Moderator))),
        Err(DomainError::ExtranetUserCannotInvite)
    );
    let closed = WorkgroupFacts {
        allow_external: false,
        ..group(None)
    };
    assert_eq!(
        may_create_join_link(&admin, &admins_only, &closed),
        Err(DomainError::WorkgroupNotExtranet)
    );
    assert!(may_see_join_requests(&employee, &group(Some(Role::Moderator))).is_ok());
    assert_eq!(
        may_see_join_requests(&employee, &group(Some(Role::Member))),
        Err(DomainError::WorkgroupModeratorRequired)
    );
}

fn join_ctx<'a>(l: &'a JoinLinkFacts, who: &'a Login, s: &'a AccountSettings) -> JoinContext<'a> {
    JoinContext {
        link: l,
        login: who,
        settings: s,
        creator: Some(user(UserType::Intranet, true)),
        workgroup: group(None),
        login_state: LoginState::Free,
        profile: None,
        seats: seats(5, 1),
        already_awaiting: false,
    }
}

#[test]
fn a_new_person_takes_a_seat_at_once_or_holds_one_while_waiting() {
    let settings = AccountSettings::default();
    let ann = login("ann@client.example");
    let open = link(JoinApproval::None);
    let plan = decide_join(&join_ctx(&open, &ann, &settings), now()).unwrap();
    assert_eq!(
        (plan.joins_as, plan.profile, plan.awaiting, plan.seats),
        (
            JoinAs::NewUser,
            JoinProfile::Create,
            false,
            SeatChange::joined()
        )
    );
    let gated = link(JoinApproval::Required);
    let plan = decide_join(&join_ctx(&gated, &ann, &settings), now()).unwrap();
    assert_eq!(
        (plan.awaiting, plan.seats),
        (true, SeatChange::join_requested())
    );
    // No free seat: refused, waiting or not.
    let full = JoinContext {
        seats: seats(1, 1),
        ..join_ctx(&gated, &ann, &settings)
    };
    assert!(matches!(
        decide_join(&full, now()),
        Err(DomainError::UserLimitReached { .. })
    ));
}

#[test]
fn an_external_user_becomes_a_member_and_others_are_refused_as_invitations_are() {
    let settings = AccountSettings::default();
    let ann = login("ann@client.example");
    let l = link(JoinApproval::None);
    let profile = Some(ExistingProfile {
        identity_id: IdentityId(Uuid::from_u128(9)),
        password_matches: true,
    });
    let member = UserId(Uuid::from_u128(30));
    let plan = decide_join(
        &JoinContext {
            login_state: LoginState::ActiveExtranetUser {
                user_id: member,
                membership: None,
            },
            profile,
            seats: seats(1, 1),
            ..join_ctx(&l, &ann, &settings)
        },
        now(),
    )
    .unwrap();
    assert_eq!(
        (plan.joins_as, plan.seats),
        (
            JoinAs::Member {
                user_id: member,
                invited: false
            },
            SeatChange::default()
        )
    );
    for (state, code) in [
        (LoginState::ActiveIntranetUser, "login_belongs_to_employee"),
        (LoginState::DismissedUser, "login_belongs_to_dismissed_user"),
        (
            LoginState::PendingInvitation(InvitationId(Uuid::from_u128(5))),
            "invitation_pending",
        ),
        (
            LoginState::ActiveExtranetUser {
                user_id: member,
                membership: Some(MembershipStatus::Active),
            },
            "already_member",
        ),
    ] {
        let err = decide_join(
            &JoinContext {
                login_state: state,
                profile,
                ..join_ctx(&l, &ann, &settings)
            },
            now(),
        )
        .unwrap_err();
        assert_eq!(err.code(), code);
        assert_eq!(err.kind(), crate::ErrorKind::Conflict);
    }
    // A profile's login proves the login, not the password.
    let wrong = Some(ExistingProfile {
        identity_id: IdentityId(Uuid::from_u128(9)),
        password_matches: false,
    });
    assert_eq!(
        decide_join(
            &JoinContext {
                profile: wrong,
                ..join_ctx(&l, &ann, &settings)
            },
            now()
        ),
        Err(DomainError::InvalidCredentials)
    );
    // The creator may no longer bring people in: the link lets nobody in.
    assert_eq!(
        decide_join(
            &JoinContext {
                creator: Some(user(UserType::Intranet, false)),
                ..join_ctx(&l, &ann, &settings)
            },
            now()
        ),
        Err(DomainError::InviterNoLongerAllowed)
    );
}

fn waiting() -> RequestFacts {
    RequestFacts {
        status: JoinRequestStatus::AwaitingApproval,
        holds_seat: true,
        proved_profile: None,
        has_new_password: true,
    }
}

#[test]
fn approving_turns_the_held_seat_into_the_users_and_rejecting_frees_it() {
    let settings = AccountSettings::default();
    let ann = login("ann@client.example");
    let l = link(JoinApproval::Required);
    let admin = user(UserType::Intranet, true);
    let ctx = ApprovalContext {
        request: waiting(),
        link: &l,
        login: &ann,
        approver: &admin,
        settings: &settings,
        workgroup: group(None),
        login_state: LoginState::Free,
        profile_now: None,
        seats: seats(2, 2),
    };
    let plan = decide_approval(&ctx, now()).unwrap();
    assert_eq!(
        (plan.joins_as, plan.profile, plan.seats),
        (
            JoinAs::NewUser,
            JoinProfile::Create,
            SeatChange::join_approved()
        )
    );
    // Someone else proved the login since: their profile is not taken over.
    let taken = ApprovalContext {
        profile_now: Some(IdentityId(Uuid::from_u128(8))),
        ..ctx
    };
    assert_eq!(decide_approval(&taken, now()), Err(DomainError::LoginTaken));
    // A request without a held seat needs a free one now.
    let unheld = ApprovalContext {
        request: RequestFacts {
            holds_seat: false,
            ..waiting()
        },
        ..ctx
    };
    assert!(matches!(
        decide_approval(&unheld, now()),
        Err(DomainError::UserLimitReached { .. })
    ));
    // Decided once.
    let done = ApprovalContext {
        request: RequestFacts {
            status: JoinRequestStatus::Approved,
            ..waiting()
        },
        ..ctx
    };
    assert_eq!(
        decide_approval(&done, now()),
        Err(DomainError::JoinRequestNotAwaiting(
            JoinRequestStatus::Approved
        ))
    );
    assert_eq!(
        decide_rejection(waiting(), &admin, &group(None)),
        Ok(SeatChange::join_released())
    );
    let member = user(UserType::Intranet, false);
    assert_eq!(
        decide_rejection(waiting(), &member, &group(Some(Role::Member))),
        Err(DomainError::WorkgroupModeratorRequired)
    );
}

#[test]
fn an_employee_whose_invitations_wait_shares_links_whose_joins_wait_for_an_administrator() {
    let settings = AccountSettings {
        who_can_invite: WhoCanInvite::EmployeesWithApproval,
        ..AccountSettings::default()
    };
    let ann = login("ann@client.example");
    let open = link(JoinApproval::None);
    let employee = user(UserType::Intranet, false);
    let ctx = JoinContext {
        creator: Some(employee),
        workgroup: group(Some(Role::Moderator)),
        ..join_ctx(&open, &ann, &settings)
    };
    let plan = decide_join(&ctx, now()).unwrap();
    assert_eq!(
        (plan.awaiting, plan.seats),
        (true, SeatChange::join_requested())
    );
    // A moderator who is such an employee sees the request but may not let the person in.
    let approval = ApprovalContext {
        request: waiting(),
        link: &open,
        login: &ann,
        approver: &employee,
        settings: &settings,
        workgroup: group(Some(Role::Moderator)),
        login_state: LoginState::Free,
        profile_now: None,
        seats: seats(5, 2),
    };
    assert_eq!(
        decide_approval(&approval, now()),
        Err(DomainError::AdminRequired)
    );
    let admin = user(UserType::Intranet, true);
    assert!(decide_approval(
        &ApprovalContext {
            approver: &admin,
            ..approval
        },
        now()
    )
    .is_ok());
}
