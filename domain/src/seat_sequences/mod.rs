//! Rule 4 over whole histories: for any sequence of invite / accept / decline / revoke /
//! resend / expire / dismiss / reinstate / transfer / plan change, of ends of access (issue
//! #30: set, moved, cleared, and coming), of employees'
//! invitations held for approval, approved and rejected, and of joining through a link (at once
//! or waiting) and such requests approved and rejected, the seat counters that the
//! decisions' [`SeatChange`]s keep equal a recount of who holds a seat, used + available =
//! limit, and used never exceeds the limit.
//!
//! The model is a tiny account: one administrator, one extranet workgroup, invitations and
//! users; its `who_can_invite` is `employees_with_approval`, so the employees who joined
//! through its intranet invitations invite with an administrator's approval. Every step asks the domain's own decision (`decide_batch`, `decide_accept`, …), as
//! the storage layer does, applies what it decided to the model, and the seat change it
//! returned to the counters; the counters are never recomputed from the model, only checked
//! against it. Before each step, pending invitations past their expiry are swept, as every
//! seat-counting write does (`persistence::ledger::sweep_account`).

use crate::access::AccountUser;
use crate::access_end::{reinstated_end, require_access_ahead};
use crate::account::AccountSettings;
use crate::dismissal::{decide_dismiss, decide_reinstate, Subject};
use crate::enums::WhoCanInvite;
use crate::enums::{InvitationStatus, InvitePolicy, MembershipStatus, Role, UserStatus, UserType};
use crate::ids::{AccountId, IdentityId, InvitationId, UserId, WorkgroupId};
use crate::invitation::{
    decide_accept, decide_approve, decide_batch, decide_decline, decide_reject, decide_resend,
    decide_revoke, AcceptContext, ApproveContext, Batch, BatchContext, BatchDelivery, BatchRequest,
    InvitationFacts, InviteeRequest, LoginState, OnConflict, Outcome, ResendContext,
    WorkgroupFacts, WorkgroupRequest,
};
use crate::join_link::RequestFacts;
use crate::login::Login;
use crate::plan::UserLimit;
use crate::seats::{SeatChange, Seats};
use crate::transfer::decide_transfer_to_intranet;
use crate::workgroup::Standing;
use chrono::{DateTime, Duration, TimeZone, Utc};
use ends::ends_in;
use proptest::prelude::*;
use uuid::Uuid;

mod ends;
mod histories;
mod joins;
mod recount;

#[derive(Debug, Clone)]
enum Step {
    /// Invites the logins `person{n}@client.example` (a small pool, so logins collide with
    /// pending invitations, users and dismissed users, and within the batch).
    Invite {
        people: Vec<u8>,
        extranet: bool,
        /// `on_conflict: skip`: the rows that can be invited are, the others skipped.
        skip: bool,
        /// By an employee, when there is one: held for approval.
        by_employee: bool,
        /// The end of the new external users' access, minutes from now (issue #30).
        ends_in: Option<i64>,
    },
    Accept(usize),
    Decline(usize),
    Revoke(usize),
    Resend(usize),
    /// Time passes: minutes, or a whole invitation lifetime (7 days) and a little.
    Wait {
        minutes: i64,
    },
    Dismiss(usize),
    Reinstate(usize),
    Transfer(usize),
    ChangeLimit(u32),
    /// `person{n}@client.example` proves the login through the workgroup's join link, one
    /// that needs approval or not.
    Join {
        person: u8,
        approval: bool,
    },
    ApproveJoin(usize),
    RejectJoin(usize),
    /// An administrator approves an invitation (held, or not: then refused).
    Approve(usize),
    Reject(usize),
    /// An administrator sets a user's end of access, minutes from now, or clears it.
    SetEnd {
        user: usize,
        minutes: Option<i64>,
    },
    /// An access review applies to a user: answered `remove` (or left to a `remove` default),
    /// of the workgroup or the whole account.
    Review {
        user: usize,
        remove: bool,
        account_wide: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (proptest::collection::vec(0u8..10, 1..4), any::<bool>(), any::<bool>(), any::<bool>(), ends_in())
            .prop_map(|(people, extranet, skip, by_employee, ends_in)| Step::Invite { people, extranet, skip, by_employee, ends_in }),
        3 => any::<usize>().prop_map(Step::Accept),
        1 => any::<usize>().prop_map(Step::Decline),
        1 => any::<usize>().prop_map(Step::Revoke),
        1 => any::<usize>().prop_map(Step::Resend),
        1 => prop_oneof![Just(2i64), Just(7 * 24 * 60 + 1)].prop_map(|minutes| Step::Wait { minutes }),
        2 => any::<usize>().prop_map(Step::Dismiss),
        2 => any::<usize>().prop_map(Step::Reinstate),
        1 => any::<usize>().prop_map(Step::Transfer),
        1 => (0u32..12).prop_map(Step::ChangeLimit),
        2 => (0u8..10, any::<bool>()).prop_map(|(person, approval)| Step::Join { person, approval }),
        1 => any::<usize>().prop_map(Step::ApproveJoin),
        1 => any::<usize>().prop_map(Step::RejectJoin),
        2 => any::<usize>().prop_map(Step::Approve),
        1 => any::<usize>().prop_map(Step::Reject),
        2 => (any::<usize>(), ends_in()).prop_map(|(user, minutes)| Step::SetEnd { user, minutes }),
        1 => (any::<usize>(), any::<bool>(), any::<bool>())
            .prop_map(|(user, remove, account_wide)| Step::Review { user, remove, account_wide }),
    ]
}

#[derive(Debug, Clone)]
pub(super) struct Person {
    id: UserId,
    login: Login,
    user_type: UserType,
    status: UserStatus,
    is_admin: bool,
    /// When its access ends (issue #30).
    access_expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
struct Invited {
    facts: InvitationFacts,
    login: Login,
    /// The end of the access it gives.
    access_expires_at: Option<DateTime<Utc>>,
}

/// A join request of the model.
#[derive(Debug, Clone)]
pub(super) struct Waiting {
    login: Login,
    facts: RequestFacts,
}

pub(super) struct Account {
    settings: AccountSettings,
    now: DateTime<Utc>,
    users: Vec<Person>,
    invitations: Vec<Invited>,
    joins: Vec<Waiting>,
    /// Kept only by the decisions' seat changes.
    counters: Seats,
    next_id: u128,
}

impl Account {
    fn new(limit: u32) -> Self {
        let admin = Person {
            id: UserId(Uuid::from_u128(1)),
            login: Login::parse("admin@company.example").unwrap(),
            user_type: UserType::Intranet,
            status: UserStatus::Active,
            is_admin: true,
            access_expires_at: None,
        };
        Self {
            settings: AccountSettings {
                who_can_invite: WhoCanInvite::EmployeesWithApproval,
                ..AccountSettings::default()
            },
            now: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap(),
            users: vec![admin],
            invitations: Vec::new(),
            joins: Vec::new(),
            counters: Seats {
                limit: UserLimit::Seats(limit),
                active_intranet: 1,
                active_extranet: 0,
                pending_invitations: 0,
                pending_join_requests: 0,
            },
            next_id: 100,
        }
    }

    fn fresh(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128(self.next_id)
    }

    fn admin(&self) -> AccountUser {
        AccountUser {
            token: None,
            identity_id: IdentityId(Uuid::from_u128(2)),
            account_id: AccountId(Uuid::from_u128(3)),
            user_id: self.users[0].id,
            user_type: UserType::Intranet,
            is_admin: true,
        }
    }

    /// The first active employee who is no administrator, if any: whose invitations wait for
    /// approval. (A member of the workgroup, whose invite policy is `members`.)
    fn employee(&self) -> Option<AccountUser> {
        self.users
            .iter()
            .find(|u| {
                u.status == UserStatus::Active && u.user_type == UserType::Intranet && !u.is_admin
            })
            .map(|u| AccountUser {
                user_id: u.id,
                is_admin: false,
                ..self.admin()
            })
    }

    /// The one workgroup: extranet, the administrator its owner.
    fn group(&self) -> WorkgroupFacts {
        WorkgroupFacts {
            id: WorkgroupId(Uuid::from_u128(4)),
            allow_external: true,
            invite_policy: InvitePolicy::Members,
            max_external_access_days: None,
            standing: Standing {
                role: Some(Role::Owner),
            },
        }
    }

    /// Who holds `login` now, the invitation `except` aside (rule 6).
    fn login_state(&self, login: &Login, except: Option<InvitationId>) -> LoginState {
        if let Some(user) = self.users.iter().find(|u| &u.login == login) {
            return match (user.status, user.user_type) {
                (UserStatus::Dismissed, _) => LoginState::DismissedUser,
                (UserStatus::Active, UserType::Intranet) => LoginState::ActiveIntranetUser,
                // Every external user here joined the one workgroup on accepting.
                (UserStatus::Active, UserType::Extranet) => LoginState::ActiveExtranetUser {
                    user_id: user.id,
                    membership: Some(MembershipStatus::Active),
                },
            };
        }
        self.invitations
            .iter()
            .find(|i| {
                &i.login == login && i.facts.status.holds_seat() && Some(i.facts.id) != except
            })
            .map_or(LoginState::Free, |i| {
                LoginState::PendingInvitation(i.facts.id)
            })
    }

    fn subject(&self, i: usize) -> Subject {
        let u = &self.users[i % self.users.len()];
        Subject {
            user_id: u.id,
            user_type: u.user_type,
            status: u.status,
            is_admin: u.is_admin,
        }
    }

    fn person(&mut self, id: UserId) -> &mut Person {
        self.users.iter_mut().find(|u| u.id == id).unwrap()
    }

    fn apply(&mut self, change: SeatChange) {
        self.counters = self.counters.after(change);
    }

    /// What every seat-counting write does first: pending invitations (and those awaiting
    /// approval) past their expiry become expired and free their seats.
    fn sweep(&mut self) {
        let now = self.now;
        let mut n = 0;
        for i in &mut self.invitations {
            if i.facts.status.holds_seat() && i.facts.expires_at <= now {
                i.facts.status = InvitationStatus::Expired;
                n += 1;
            }
        }
        self.apply(SeatChange::expired(n));
        self.end_access();
    }

    fn run(&mut self, step: &Step) {
        self.now += Duration::seconds(61);
        self.sweep();
        let admin = self.admin();
        let n_inv = self.invitations.len().max(1);
        match step {
            Step::Invite {
                people,
                extranet,
                skip,
                by_employee,
                ends_in,
            } => {
                let inviter = match self.employee() {
                    Some(employee) if *by_employee => employee,
                    _ => admin,
                };
                let logins: Vec<String> = people
                    .iter()
                    .map(|n| format!("person{n}@client.example"))
                    .collect();
                let req = BatchRequest {
                    on_conflict: if *skip {
                        OnConflict::Skip
                    } else {
                        OnConflict::Refuse
                    },
                    delivery: BatchDelivery::Send,
                    locale: None,
                    invitation_type: if *extranet {
                        UserType::Extranet
                    } else {
                        UserType::Intranet
                    },
                    workgroup: if *extranet {
                        WorkgroupRequest::Existing(self.group().id)
                    } else {
                        WorkgroupRequest::None
                    },
                    message: None,
                    access_expires_at: ends_in
                        .filter(|_| *extranet)
                        .map(|m| self.now + Duration::minutes(m)),
                    invitees: logins
                        .iter()
                        .map(|l| InviteeRequest {
                            locale: None,
                            access_expires_at: None,
                            email: Some(l),
                            phone: None,
                            first_name: "Ann",
                            last_name: "Lee",
                        })
                        .collect(),
                };
                let Ok(batch) = Batch::parse(&req) else {
                    return;
                };
                let mut group = self.group();
                if inviter.user_id != admin.user_id {
                    group.standing = Standing {
                        role: Some(Role::Member),
                    };
                }
                let ctx = BatchContext {
                    inviter: &inviter,
                    settings: &self.settings,
                    seats: self.counters,
                    workgroup: extranet.then_some(group),
                    logins: batch
                        .invitees
                        .iter()
                        .map(|i| self.login_state(&i.login, None))
                        .collect(),
                    now: self.now,
                };
                let Ok(plan) = decide_batch(&batch, &ctx) else {
                    return;
                };
                for (k, (invitee, outcome)) in batch.invitees.iter().zip(&plan.outcomes).enumerate()
                {
                    if *outcome == Outcome::Invited {
                        let id = InvitationId(self.fresh());
                        self.invitations.push(Invited {
                            facts: InvitationFacts {
                                id,
                                invitation_type: batch.invitation_type,
                                status: if plan.held {
                                    InvitationStatus::AwaitingApproval
                                } else {
                                    InvitationStatus::Pending
                                },
                                expires_at: crate::invitation::expiry(self.now, &self.settings),
                                last_sent_at: self.now,
                                invited_by: inviter.user_id,
                                held: plan.held,
                            },
                            login: invitee.login.clone(),
                            access_expires_at: plan.access_ends.get(k).copied().flatten(),
                        });
                    }
                }
                self.apply(SeatChange::invited(plan.seats_needed));
            }
            Step::Accept(i) if !self.invitations.is_empty() => {
                let k = i % n_inv;
                let inv = self.invitations[k].clone();
                let user_in_account = self
                    .users
                    .iter()
                    .find(|u| u.login == inv.login)
                    .map(|u| u.status);
                let workgroup =
                    (inv.facts.invitation_type == UserType::Extranet).then(|| self.group());
                let ctx = AcceptContext {
                    invitation: &inv.facts,
                    login: &inv.login,
                    settings: &self.settings,
                    sender: Some(admin),
                    workgroup,
                    profile: None,
                    user_in_account,
                };
                let ahead = require_access_ahead(inv.access_expires_at, self.now).is_ok();
                if let (Ok(plan), true) = (decide_accept(&ctx, self.now), ahead) {
                    self.invitations[k].facts.status = InvitationStatus::Accepted;
                    let id = UserId(self.fresh());
                    self.users.push(Person {
                        id,
                        login: inv.login,
                        user_type: inv.facts.invitation_type,
                        status: UserStatus::Active,
                        is_admin: false,
                        access_expires_at: inv.access_expires_at,
                    });
                    self.apply(plan.seats);
                }
            }
            Step::Decline(i) if !self.invitations.is_empty() => {
                let k = i % n_inv;
                if let Ok(change) = decide_decline(&self.invitations[k].facts, self.now) {
                    self.invitations[k].facts.status = InvitationStatus::Declined;
                    self.apply(change);
                }
            }
            Step::Revoke(i) if !self.invitations.is_empty() => {
                let k = i % n_inv;
                if let Ok(change) = decide_revoke(&admin, &self.invitations[k].facts, self.now) {
                    self.invitations[k].facts.status = InvitationStatus::Revoked;
                    self.apply(change);
                }
            }
            Step::Resend(i) if !self.invitations.is_empty() => {
                let k = i % n_inv;
                let inv = self.invitations[k].clone();
                let workgroup =
                    (inv.facts.invitation_type == UserType::Extranet).then(|| self.group());
                let ctx = ResendContext {
                    actor: &admin,
                    invitation: &inv.facts,
                    login: &inv.login,
                    login_now: self.login_state(&inv.login, Some(inv.facts.id)),
                    seats: self.counters,
                    settings: &self.settings,
                    workgroup,
                    interval_seconds: crate::invitation::RESEND_INTERVAL_SECONDS,
                };
                if let Ok(plan) = decide_resend(&ctx, self.now) {
                    let f = &mut self.invitations[k].facts;
                    f.status = if plan.held {
                        InvitationStatus::AwaitingApproval
                    } else {
                        InvitationStatus::Pending
                    };
                    f.held = plan.held;
                    f.expires_at = plan.expires_at;
                    f.last_sent_at = self.now;
                    self.apply(plan.seats);
                }
            }
            Step::Approve(i) if !self.invitations.is_empty() => {
                let k = i % n_inv;
                let inv = self.invitations[k].clone();
                let workgroup =
                    (inv.facts.invitation_type == UserType::Extranet).then(|| self.group());
                let ctx = ApproveContext {
                    actor: &admin,
                    invitation: &inv.facts,
                    login: &inv.login,
                    login_now: self.login_state(&inv.login, Some(inv.facts.id)),
                    seats: self.counters,
                    settings: &self.settings,
                    workgroup,
                };
                if let Ok(plan) = decide_approve(&ctx, self.now) {
                    let f = &mut self.invitations[k].facts;
                    f.status = InvitationStatus::Pending;
                    f.held = false;
                    f.expires_at = plan.expires_at;
                    f.last_sent_at = self.now;
                    self.apply(plan.seats);
                }
            }
            Step::Reject(i) if !self.invitations.is_empty() => {
                let k = i % n_inv;
                if let Ok(change) = decide_reject(&admin, &self.invitations[k].facts, self.now) {
                    self.invitations[k].facts.status = InvitationStatus::Rejected;
                    self.apply(change);
                }
            }
            Step::Wait { minutes } => {
                self.now += Duration::minutes(*minutes);
                self.sweep();
            }
            Step::Dismiss(i) => {
                let subject = self.subject(*i);
                let admins = self
                    .users
                    .iter()
                    .filter(|u| u.is_admin && u.status == UserStatus::Active)
                    .count();
                let admins = u32::try_from(admins).unwrap();
                if let Ok(change) = decide_dismiss(&admin, Some(subject), admins) {
                    self.person(subject.user_id).status = UserStatus::Dismissed;
                    self.apply(change);
                }
            }
            Step::Reinstate(i) => {
                let subject = self.subject(*i);
                let had = self.person(subject.user_id).access_expires_at;
                let end = reinstated_end(subject.user_type, had, None, None, self.now);
                if let (Ok(change), Ok(end)) =
                    (decide_reinstate(&admin, Some(subject), self.counters), end)
                {
                    let person = self.person(subject.user_id);
                    person.status = UserStatus::Active;
                    person.access_expires_at = end;
                    self.apply(change);
                }
            }
            Step::Transfer(i) => {
                let subject = self.subject(*i);
                if let Ok(change) = decide_transfer_to_intranet(&admin, Some(subject)) {
                    let person = self.person(subject.user_id);
                    person.user_type = UserType::Intranet;
                    person.access_expires_at = None;
                    self.apply(change);
                }
            }
            Step::ChangeLimit(limit) => {
                if self.counters.fit_under(UserLimit::Seats(*limit)).is_ok() {
                    self.counters.limit = UserLimit::Seats(*limit);
                }
            }
            Step::Join { person, approval } => self.join(*person, *approval),
            Step::SetEnd { user, minutes } => self.set_end(*user, *minutes),
            Step::Review {
                user,
                remove,
                account_wide,
            } => self.review(*user, *remove, *account_wide),
            Step::ApproveJoin(i) if !self.joins.is_empty() => self.approve_join(*i),
            Step::RejectJoin(i) if !self.joins.is_empty() => self.reject_join(*i),
            // Steps on invitations or join requests when there are none.
            Step::Accept(_)
            | Step::Decline(_)
            | Step::Revoke(_)
            | Step::Resend(_)
            | Step::Approve(_)
            | Step::Reject(_)
            | Step::ApproveJoin(_)
            | Step::RejectJoin(_) => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_history_keeps_the_counters_exact_and_within_the_limit(
        limit in 1u32..10,
        steps in proptest::collection::vec(step(), 1..60),
    ) {
        let mut account = Account::new(limit);
        for (n, step) in steps.iter().enumerate() {
            account.run(step);
            let counters = account.counters;
            prop_assert_eq!(counters, account.recount(), "after step {} ({:?})", n, step);
            let UserLimit::Seats(limit) = counters.limit else { unreachable!() };
            prop_assert!(counters.used() <= limit, "used {} > limit {} after {:?}", counters.used(), limit, step);
            prop_assert_eq!(counters.used() + counters.available().unwrap(), limit);
        }
    }
}
