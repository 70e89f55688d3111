//! The model's join link steps: joining at once or waiting, and approving, each as the
//! domain decides it (`join_link::{decide_join, decide_approval}`).

use super::{Account, Person, Waiting};
use crate::enums::{JoinApproval, JoinRequestStatus, UserStatus, UserType};
use crate::ids::{JoinLinkId, UserId};
use crate::join_link::{
    decide_approval, decide_join, decide_rejection, ApprovalContext, JoinAs, JoinContext,
    JoinLinkFacts, RequestFacts,
};
use crate::login::Login;
use uuid::Uuid;

impl Account {
    /// The workgroup's join link (one that needs approval, or not).
    fn link(&self, approval: bool) -> JoinLinkFacts {
        JoinLinkFacts {
            id: JoinLinkId(Uuid::from_u128(5)),
            workgroup_id: self.group().id,
            created_by: self.users[0].id,
            approval: if approval {
                JoinApproval::Required
            } else {
                JoinApproval::None
            },
            max_uses: None,
            uses: 0,
            expires_at: None,
            revoked: false,
            allowed_domains: Vec::new(),
        }
    }

    pub(super) fn join(&mut self, person: u8, approval: bool) {
        let login = Login::parse(&format!("person{person}@client.example")).unwrap();
        let link = self.link(approval);
        let ctx = JoinContext {
            link: &link,
            login: &login,
            settings: &self.settings,
            creator: Some(self.admin()),
            workgroup: self.group(),
            login_state: self.login_state(&login, None),
            profile: None,
            seats: self.counters,
            already_awaiting: self
                .joins
                .iter()
                .any(|j| j.login == login && j.facts.status == JoinRequestStatus::AwaitingApproval),
        };
        let Ok(plan) = decide_join(&ctx, self.now) else {
            return;
        };
        if plan.awaiting {
            self.joins.push(Waiting {
                login,
                facts: RequestFacts {
                    status: JoinRequestStatus::AwaitingApproval,
                    holds_seat: plan.joins_as == JoinAs::NewUser,
                    proved_profile: None,
                    has_new_password: true,
                },
            });
        } else if plan.joins_as == JoinAs::NewUser {
            self.new_external_user(login);
        }
        self.apply(plan.seats);
    }

    pub(super) fn approve_join(&mut self, i: usize) {
        let k = i % self.joins.len();
        let waiting = self.joins[k].clone();
        let admin = self.admin();
        let link = self.link(true);
        let ctx = ApprovalContext {
            request: waiting.facts,
            link: &link,
            login: &waiting.login,
            approver: &admin,
            settings: &self.settings,
            workgroup: self.group(),
            login_state: self.login_state(&waiting.login, None),
            profile_now: None,
            seats: self.counters,
        };
        let Ok(plan) = decide_approval(&ctx, self.now) else {
            return;
        };
        self.joins[k].facts.status = JoinRequestStatus::Approved;
        self.joins[k].facts.holds_seat = false;
        if plan.joins_as == JoinAs::NewUser {
            self.new_external_user(waiting.login);
        }
        self.apply(plan.seats);
    }

    pub(super) fn reject_join(&mut self, i: usize) {
        let k = i % self.joins.len();
        let admin = self.admin();
        if let Ok(change) = decide_rejection(self.joins[k].facts, &admin, &self.group()) {
            self.joins[k].facts.status = JoinRequestStatus::Rejected;
            self.apply(change);
        }
    }

    fn new_external_user(&mut self, login: Login) {
        let id = UserId(self.fresh());
        self.users.push(Person {
            id,
            login,
            user_type: UserType::Extranet,
            status: UserStatus::Active,
            is_admin: false,
            access_expires_at: None,
        });
    }
}
