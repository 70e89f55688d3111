//! The caller's own membership invitations: the workgroups it is asked into, accepting (it
//! becomes an active member) and declining (the invitation is gone).

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::{parse_opt_id, parse_word, utc, Key};
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::tx::{self, Sweep};
use crate::tables::memberships::{
    activate, delete_membership, member, membership_status, MemberRecord,
};
use crate::tables::users::names_by_id;
use crate::tables::workgroups::{invited_to, workgroup_in, WorkgroupRecord};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::enums::Role;
use domain::ids::{UserId, WorkgroupId};
use domain::membership::decide_membership_answer;
use domain::DomainError;
use serde_json::json;
use std::collections::HashMap;

/// A pending membership invitation of the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkgroupInvitationRecord {
    pub workgroup: WorkgroupRecord,
    pub role: Role,
    pub invited_by: Option<UserId>,
    /// "First Last" of the inviter.
    pub inviter_name: Option<String>,
    pub invited_at: DateTime<Utc>,
}

/// The caller's pending membership invitations, by workgroup id, newest first.
pub fn list_workgroup_invitations(
    db: &Database,
    actor: &AccountUser,
    page: PageRequest<WorkgroupId>,
) -> Result<Page<WorkgroupInvitationRecord, WorkgroupId>, StoreError> {
    db.read(|conn| {
        let rows = invited_to(conn, actor.user_id, page.after, page.rows())?;
        let inviters: Vec<&String> = rows.iter().filter_map(|r| r.invited_by.as_ref()).collect();
        let names: HashMap<String, String> = names_by_id(conn, inviters)?
            .into_iter()
            .map(|(id, first, last)| (id, format!("{first} {last}")))
            .collect();
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(WorkgroupInvitationRecord {
                    workgroup: WorkgroupRecord::try_from(r.workgroup)?,
                    role: parse_word(&r.role, Role::parse)?,
                    inviter_name: r.invited_by.as_ref().and_then(|i| names.get(i).cloned()),
                    invited_by: parse_opt_id(r.invited_by.as_deref())?,
                    invited_at: utc(r.created_at),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(into_page(items, page.limit, |i| i.workgroup.id))
    })
}

/// Accepts the caller's pending invitation to a workgroup: it becomes an active member.
pub fn accept_workgroup_invitation(
    db: &Database,
    actor: &AccountUser,
    group: WorkgroupId,
    now: DateTime<Utc>,
) -> Result<MemberRecord, StoreError> {
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        answer(conn, &actor, group, true, now)?;
        member(conn, group, actor.user_id)?.ok_or(DomainError::NotFound("member").into())
    })
}

/// Declines the caller's pending invitation to a workgroup: it is gone.
pub fn decline_workgroup_invitation(
    db: &Database,
    actor: &AccountUser,
    group: WorkgroupId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        answer(conn, &actor, group, false, now)
    })
}

fn answer(
    conn: &mut DbConnection,
    actor: &AccountUser,
    group: WorkgroupId,
    accept: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let found = workgroup_in(conn, actor.account_id, group, "workgroup invitation")?;
    let status = membership_status(conn, group, actor.user_id)?;
    decide_membership_answer(actor, status, found.allow_external, accept)?;
    let action = if accept {
        activate(conn, group, actor.user_id, now)?;
        tx::workgroup_changed(conn, actor.account_id)?;
        AuditAction::MembershipAccepted
    } else {
        delete_membership(conn, group, actor.user_id)?;
        AuditAction::MembershipDeclined
    };
    audit::record(
        conn,
        AuditEvent::by(
            actor,
            action,
            "workgroup",
            group.key(),
            json!({"user_id": actor.user_id.key()}),
            now,
        ),
    )
}
