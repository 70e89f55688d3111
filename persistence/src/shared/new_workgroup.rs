//! A new workgroup or project, with its creator as owner and the event on the audit trail:
//! made alike by creating one and by an invitation batch that names a new one.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::shared::audit::{self, AuditEvent};
use crate::tables::memberships::{insert_membership, NewMembership};
use crate::tables::workgroups::{insert_workgroup, workgroup_in, WorkgroupRecord};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::enums::{MembershipStatus, Role};
use domain::workgroup::NewWorkgroup;
use serde_json::json;

/// Writes a new workgroup with `creator` as its owner.
pub(crate) fn create(
    conn: &mut DbConnection,
    creator: &AccountUser,
    new: &NewWorkgroup,
    now: DateTime<Utc>,
) -> Result<WorkgroupRecord, StoreError> {
    let id = insert_workgroup(conn, creator, new, now)?;
    insert_membership(
        conn,
        &NewMembership {
            account_id: creator.account_id,
            workgroup_id: id,
            user_id: creator.user_id,
            role: Role::Owner,
            status: MembershipStatus::Active,
            invited_by: None,
        },
        now,
    )?;
    audit::record(
        conn,
        AuditEvent::by(
            creator,
            AuditAction::WorkgroupCreated,
            "workgroup",
            id.key(),
            json!({
                "name": new.name.as_str(), "kind": new.kind.as_str(),
                "allow_external": new.allow_external, "invite_policy": new.invite_policy.as_str(),
            }),
            now,
        ),
    )?;
    workgroup_in(conn, creator.account_id, id, "workgroup")
}
