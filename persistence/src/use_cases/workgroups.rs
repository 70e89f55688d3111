//! Use cases on workgroups and projects: create, read, list, change.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::new_workgroup;
use crate::shared::tx::{self, Sweep};
use crate::tables::idempotency_keys::{IdempotencyKey, Idempotent};
use crate::tables::invitations::external_open_for;
use crate::tables::memberships::{external_count, standing};
pub use crate::tables::workgroups::WorkgroupFilter;
use crate::tables::workgroups::{self, workgroup_in, WorkgroupRecord, WorkgroupSettings};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::enums::MembershipStatus;
use domain::ids::WorkgroupId;
use domain::workgroup::{
    may_create_workgroup, may_edit_workgroup, may_switch_allow_external, may_view_workgroup,
    ExternalPresence, NewWorkgroup, WorkgroupChange,
};
use serde_json::json;

/// Creates a workgroup; the creator becomes its owner. Employees only.
pub fn create_workgroup(
    db: &Database,
    actor: AccountUser,
    new: NewWorkgroup,
    now: DateTime<Utc>,
    key: Option<IdempotencyKey>,
) -> Result<Idempotent<WorkgroupRecord>, StoreError> {
    may_create_workgroup(&actor)?;
    tx::idempotent_in_account(
        db,
        actor,
        key,
        Sweep::No,
        now,
        |_| Ok(()),
        move |conn, ()| new_workgroup::create(conn, &actor, &new, now),
    )
}

/// A workgroup the caller may see (404 otherwise).
pub fn get_workgroup(
    db: &Database,
    actor: &AccountUser,
    id: WorkgroupId,
) -> Result<WorkgroupRecord, StoreError> {
    db.read(|conn| visible_workgroup(conn, actor, id))
}

fn visible_workgroup(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: WorkgroupId,
) -> Result<WorkgroupRecord, StoreError> {
    let group = workgroup_in(conn, actor.account_id, id, "workgroup")?;
    may_view_workgroup(actor, standing(conn, id, actor.user_id)?)?;
    Ok(group)
}

/// The workgroups the caller may see, newest first: all of the account's for employees, its
/// own for an external user.
pub fn list_workgroups(
    db: &Database,
    actor: &AccountUser,
    filter: WorkgroupFilter,
    page: PageRequest<WorkgroupId>,
) -> Result<Page<WorkgroupRecord, WorkgroupId>, StoreError> {
    db.read(|conn| {
        let rows = workgroups::page_of(conn, actor, filter, page.after, page.rows())?;
        Ok(into_page(rows, page.limit, |w| w.id))
    })
}

/// Who keeps a workgroup extranet: its external members (dismissed ones too: they keep their
/// memberships and may be reinstated), the external users invited to join it, and invitations
/// of new external people that can still be accepted or resent (pending or expired).
fn external_presence(
    conn: &mut DbConnection,
    id: WorkgroupId,
) -> Result<ExternalPresence, StoreError> {
    let group = id.key();
    let members = external_count(conn, &group, MembershipStatus::Active)?;
    let asked = external_count(conn, &group, MembershipStatus::Invited)?;
    // Expired invitations count too: they can be resent, and then accepted (rule 1 holds at
    // every step). Revoking them is what lets the group go.
    let invited = external_open_for(conn, &group)?;
    Ok(ExternalPresence {
        // Too many to count is still some: never zero by overflow.
        external_members: u32::try_from(members).unwrap_or(u32::MAX),
        pending_external_invitations: u32::try_from(invited + asked).unwrap_or(u32::MAX),
    })
}

/// Changes a workgroup: owners, moderators and admins; "allow external users" stays on while
/// external people are in it or invited to it.
pub fn update_workgroup(
    db: &Database,
    actor: &AccountUser,
    id: WorkgroupId,
    change: &WorkgroupChange,
    now: DateTime<Utc>,
) -> Result<WorkgroupRecord, StoreError> {
    let (actor, change) = (*actor, change.clone());
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let (actor, change) = (&actor, &change);
        let before = visible_workgroup(conn, actor, id)?;
        may_edit_workgroup(actor, standing(conn, id, actor.user_id)?)?;
        if let Some(wanted) = change.allow_external {
            let presence = if before.allow_external && !wanted {
                external_presence(conn, id)?
            } else {
                ExternalPresence::default()
            };
            may_switch_allow_external(before.allow_external, wanted, presence)?;
        }
        let name = change
            .name
            .as_ref()
            .map_or(before.name.clone(), |n| n.as_str().to_owned());
        let description = change
            .description
            .clone()
            .unwrap_or(before.description.clone());
        let allow_external = change.allow_external.unwrap_or(before.allow_external);
        let invite_policy = change.invite_policy.unwrap_or(before.invite_policy);
        let max_days = change
            .max_external_access_days
            .unwrap_or(before.max_external_access_days);
        let settings = WorkgroupSettings {
            name: &name,
            description: description.as_deref(),
            allow_external,
            invite_policy,
            max_external_access_days: max_days,
        };
        workgroups::update(conn, id, &settings, now)?;
        tx::workgroup_changed(conn, actor.account_id)?;
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                AuditAction::WorkgroupUpdated,
                "workgroup",
                id.key(),
                json!({
                    "before": {
                        "name": before.name, "description": before.description,
                        "allow_external": before.allow_external,
                        "invite_policy": before.invite_policy.as_str(),
                        "max_external_access_days": before.max_external_access_days,
                    },
                    "after": {
                        "name": name, "description": description,
                        "allow_external": allow_external,
                        "invite_policy": invite_policy.as_str(),
                        "max_external_access_days": max_days,
                    },
                }),
                now,
            ),
        )?;
        workgroup_in(conn, actor.account_id, id, "workgroup")
    })
}
