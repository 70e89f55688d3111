//! A workgroup's join requests, as its owner, moderators and the account's administrators see
//! and decide them: approving lets the person in (rules 1, 3, 4, 6 and the domain rules judged
//! again, now), rejecting creates nothing and frees the seat the request held.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::joining::{let_in, Joiner};
use crate::shared::ledger::{account_now, change_seats};
use crate::shared::tx::{self, Sweep};
use crate::tables::identities::credentials_of;
use crate::tables::join_links::join_link_by_id;
use crate::tables::join_requests::{decide, find_join_request, requests_of, JoinRequestRecord};
use crate::tables::users::{login_states, Pending};
use crate::tables::workgroups::find_with_facts;
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::enums::JoinRequestStatus;
use domain::ids::{JoinRequestId, WorkgroupId};
use domain::join_link::{
    decide_approval, decide_rejection, may_see_join_requests, ApprovalContext,
};
use domain::plan::Plans;
use domain::DomainError;
use serde_json::json;

/// The workgroup's confirmed join requests, newest first; those in `status` when given.
pub fn list(
    db: &Database,
    actor: &AccountUser,
    workgroup: WorkgroupId,
    status: Option<JoinRequestStatus>,
    page: PageRequest<JoinRequestId>,
) -> Result<Page<JoinRequestRecord, JoinRequestId>, StoreError> {
    db.read(|conn| {
        let (_, facts) = find_with_facts(conn, actor.account_id, workgroup, actor.user_id)?
            .ok_or(DomainError::NotFound("workgroup"))?;
        may_see_join_requests(actor, &facts)?;
        let rows = requests_of(conn, workgroup, status, &page)?;
        Ok(into_page(rows, page.limit, |r| r.id))
    })
}

/// Approves a waiting request: the person becomes an external user and a member (or, an
/// external user already, a member).
pub fn approve(
    db: &Database,
    actor: AccountUser,
    workgroup: WorkgroupId,
    id: JoinRequestId,
    plans: &Plans,
    now: DateTime<Utc>,
) -> Result<JoinRequestRecord, StoreError> {
    let plans = plans.clone();
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let (_, facts) = find_with_facts(conn, actor.account_id, workgroup, actor.user_id)?
            .ok_or(DomainError::NotFound("workgroup"))?;
        may_see_join_requests(&actor, &facts)?;
        let request = find_join_request(conn, actor.account_id, workgroup, id)?
            .ok_or(DomainError::NotFound("join request"))?;
        let link = join_link_by_id(conn, actor.account_id, request.join_link_id)?;
        let login = request.login()?;
        let account = account_now(conn, actor.account_id, now)?;
        let state = login_states(
            conn,
            actor.account_id,
            &[&login],
            Some(workgroup),
            Pending::Read,
            now,
        )?
        .pop()
        .ok_or(DomainError::Unreachable("a login's state was not read"))?;
        let profile_now = credentials_of(conn, &login)?.map(|c| c.identity_id);
        let plan = decide_approval(
            &ApprovalContext {
                request: request.facts(),
                link: &link.facts(),
                login: &login,
                approver: &actor,
                settings: &account.settings,
                workgroup: facts,
                login_state: state,
                profile_now,
                seats: account.seats(&plans),
            },
            now,
        )?;
        let user_id = let_in(
            conn,
            actor.account_id,
            workgroup,
            actor.user_id,
            plan.joins_as,
            plan.profile,
            &Joiner {
                login: &login,
                first_name: &request.first_name,
                last_name: &request.last_name,
                password_hash: request.password_hash.as_deref(),
            },
            now,
        )?;
        change_seats(conn, actor.account_id, plan.seats)?;
        decide(
            conn,
            id,
            JoinRequestStatus::Approved,
            actor.user_id,
            Some(user_id),
            now,
        )?;
        let details = json!({
            "workgroup_id": workgroup.key(),
            "join_link_id": link.id.key(),
            "user_id": user_id.key(),
        });
        audit::record_all(
            conn,
            &[
                AuditEvent::by(
                    &actor,
                    AuditAction::JoinRequestApproved,
                    "join_request",
                    id.key(),
                    details.clone(),
                    now,
                ),
                AuditEvent::by(
                    &actor,
                    AuditAction::JoinLinkJoined,
                    "join_link",
                    link.id.key(),
                    details,
                    now,
                ),
            ],
        )?;
        find_join_request(conn, actor.account_id, workgroup, id)?
            .ok_or(DomainError::Unreachable("a decided join request is gone").into())
    })
}

/// Rejects a waiting request: nothing is created, its seat is free again.
pub fn reject(
    db: &Database,
    actor: AccountUser,
    workgroup: WorkgroupId,
    id: JoinRequestId,
    now: DateTime<Utc>,
) -> Result<JoinRequestRecord, StoreError> {
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let (_, facts) = find_with_facts(conn, actor.account_id, workgroup, actor.user_id)?
            .ok_or(DomainError::NotFound("workgroup"))?;
        may_see_join_requests(&actor, &facts)?;
        let request = find_join_request(conn, actor.account_id, workgroup, id)?
            .ok_or(DomainError::NotFound("join request"))?;
        let seats = decide_rejection(request.facts(), &actor, &facts)?;
        change_seats(conn, actor.account_id, seats)?;
        decide(
            conn,
            id,
            JoinRequestStatus::Rejected,
            actor.user_id,
            None,
            now,
        )?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::JoinRequestRejected,
                "join_request",
                id.key(),
                json!({
                    "workgroup_id": workgroup.key(),
                    "join_link_id": request.join_link_id.key(),
                }),
                now,
            ),
        )?;
        find_join_request(conn, actor.account_id, workgroup, id)?
            .ok_or(DomainError::Unreachable("a decided join request is gone").into())
    })
}
