//! Workgroups and projects: create, read, list, change; members.

use crate::audit::{self, AuditEvent};
use crate::db::{lock_account, Database, DbConnection};
use crate::error::StoreError;
use crate::idempotency::{self, IdempotencyKey, StoredResponse};
use crate::records::{into_page, parse_id, parse_word, utc, Page, PageRequest};
use crate::schema::{invitations, memberships, users, workgroups};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::AccountUser;
use domain::enums::{
    InvitationStatus, InvitePolicy, MembershipStatus, Role, UserType, WorkgroupKind,
};
use domain::ids::{AccountId, UserId, WorkgroupId};
use domain::workgroup::{
    may_create_workgroup, may_edit_workgroup, may_switch_allow_external, may_view_workgroup,
    ExternalPresence, NewWorkgroup, Standing, WorkgroupChange,
};
use domain::DomainError;
use serde_json::json;
use uuid::Uuid;

/// A workgroup or project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkgroupRecord {
    pub id: WorkgroupId,
    pub account_id: AccountId,
    pub name: String,
    pub kind: WorkgroupKind,
    pub description: Option<String>,
    pub allow_external: bool,
    pub invite_policy: InvitePolicy,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = workgroups)]
pub(crate) struct WorkgroupRow {
    id: String,
    account_id: String,
    name: String,
    kind: String,
    description: Option<String>,
    allow_external: bool,
    invite_policy: String,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<WorkgroupRow> for WorkgroupRecord {
    type Error = StoreError;

    fn try_from(r: WorkgroupRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_id(&r.id)?,
            account_id: parse_id(&r.account_id)?,
            kind: parse_word(&r.kind, WorkgroupKind::parse)?,
            invite_policy: parse_word(&r.invite_policy, InvitePolicy::parse)?,
            created_by: parse_id(&r.created_by)?,
            name: r.name,
            description: r.description,
            allow_external: r.allow_external,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

/// The workgroup, if it is in the account.
pub(crate) fn workgroup_row(
    conn: &mut DbConnection,
    account_id: AccountId,
    id: WorkgroupId,
) -> Result<Option<WorkgroupRecord>, StoreError> {
    workgroups::table
        .find(id.to_string())
        .filter(workgroups::account_id.eq(account_id.to_string()))
        .select(WorkgroupRow::as_select())
        .first(conn)
        .optional()?
        .map(WorkgroupRecord::try_from)
        .transpose()
}

/// The user's active role in the workgroup, if any.
pub(crate) fn standing(
    conn: &mut DbConnection,
    workgroup: WorkgroupId,
    user: UserId,
) -> Result<Standing, StoreError> {
    let role = memberships::table
        .find((workgroup.to_string(), user.to_string()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .select(memberships::role)
        .first::<String>(conn)
        .optional()?
        .map(|r| parse_word(&r, Role::parse))
        .transpose()?;
    Ok(Standing { role })
}

/// Writes a new workgroup with `creator` as its owner.
pub(crate) fn insert_workgroup(
    conn: &mut DbConnection,
    creator: &AccountUser,
    new: &NewWorkgroup,
    now: DateTime<Utc>,
) -> Result<WorkgroupRecord, StoreError> {
    let id = Uuid::now_v7().to_string();
    let at = now.naive_utc();
    let account_id = creator.account_id.to_string();
    diesel::insert_into(workgroups::table)
        .values((
            workgroups::id.eq(&id),
            workgroups::account_id.eq(&account_id),
            workgroups::name.eq(new.name.as_str()),
            workgroups::kind.eq(new.kind.as_str()),
            workgroups::description.eq(new.description.as_deref()),
            workgroups::allow_external.eq(new.allow_external),
            workgroups::invite_policy.eq(new.invite_policy.as_str()),
            workgroups::created_by.eq(creator.user_id.to_string()),
            workgroups::created_at.eq(at),
            workgroups::updated_at.eq(at),
        ))
        .execute(conn)?;
    insert_membership(
        conn,
        &id,
        &creator.user_id.to_string(),
        &account_id,
        Role::Owner,
        MembershipStatus::Active,
        None,
        at,
    )?;
    audit::record(
        conn,
        AuditEvent::by(
            creator,
            "workgroup.created",
            "workgroup",
            id.clone(),
            json!({
                "name": new.name.as_str(), "kind": new.kind.as_str(),
                "allow_external": new.allow_external, "invite_policy": new.invite_policy.as_str(),
            }),
            now,
        ),
    )?;
    let id: WorkgroupId = parse_id(&id)?;
    workgroup_row(conn, creator.account_id, id)?.ok_or(DomainError::NotFound("workgroup").into())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_membership(
    conn: &mut DbConnection,
    workgroup_id: &str,
    user_id: &str,
    account_id: &str,
    role: Role,
    status: MembershipStatus,
    invited_by: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::workgroup_id.eq(workgroup_id),
            memberships::user_id.eq(user_id),
            memberships::account_id.eq(account_id),
            memberships::role.eq(role.as_str()),
            memberships::status.eq(status.as_str()),
            memberships::invited_by.eq(invited_by),
            memberships::created_at.eq(at),
            memberships::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Creates a workgroup; the creator becomes its owner. Employees only.
pub fn create_workgroup(
    db: &Database,
    actor: AccountUser,
    new: NewWorkgroup,
    now: DateTime<Utc>,
    key: Option<IdempotencyKey>,
    render: impl Fn(&WorkgroupRecord) -> StoredResponse + Send + Sync + 'static,
) -> Result<StoredResponse, StoreError> {
    may_create_workgroup(&actor)?;
    let account_id = actor.account_id.to_string();
    let render = std::sync::Arc::new(render);
    let renderer = render.clone();
    let done = db.write(move |conn| {
        lock_account(conn, &account_id)?;
        idempotency::once(
            conn,
            &idempotency::caller_scope(&actor),
            key.as_ref(),
            now,
            |conn| insert_workgroup(conn, &actor, &new, now),
            &*renderer,
        )
    })?;
    Ok(done.respond(&*render))
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
    let group =
        workgroup_row(conn, actor.account_id, id)?.ok_or(DomainError::NotFound("workgroup"))?;
    may_view_workgroup(actor, standing(conn, id, actor.user_id)?)?;
    Ok(group)
}

/// What a workgroup list may be narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkgroupFilter {
    /// Only extranet workgroups (`true`) or only intranet ones (`false`).
    pub extranet: Option<bool>,
    pub kind: Option<WorkgroupKind>,
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
        let mut query = workgroups::table
            .filter(workgroups::account_id.eq(actor.account_id.to_string()))
            .into_boxed();
        if actor.user_type == UserType::Extranet {
            let mine = memberships::table
                .filter(memberships::user_id.eq(actor.user_id.to_string()))
                .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
                .select(memberships::workgroup_id);
            query = query.filter(workgroups::id.eq_any(mine));
        }
        if let Some(extranet) = filter.extranet {
            query = query.filter(workgroups::allow_external.eq(extranet));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(workgroups::kind.eq(kind.as_str()));
        }
        if let Some(after) = page.after {
            query = query.filter(workgroups::id.lt(after.to_string()));
        }
        let rows = query
            .order(workgroups::id.desc())
            .limit(i64::from(page.limit) + 1)
            .select(WorkgroupRow::as_select())
            .load(conn)?
            .into_iter()
            .map(WorkgroupRecord::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(into_page(rows, page.limit, |w| w.id))
    })
}

/// Who keeps a workgroup extranet: its external members (dismissed ones too: they keep their
/// memberships and may be reinstated), the external users invited to join it, and invitations
/// of new external people that can still be accepted or resent (pending or expired).
fn external_presence(conn: &mut DbConnection, id: &str) -> Result<ExternalPresence, StoreError> {
    let external = |status: MembershipStatus| {
        memberships::table
            .inner_join(users::table)
            .filter(memberships::workgroup_id.eq(id))
            .filter(memberships::status.eq(status.as_str()))
            .filter(users::user_type.eq(UserType::Extranet.as_str()))
            .count()
    };
    let members: i64 = external(MembershipStatus::Active).get_result(conn)?;
    let asked: i64 = external(MembershipStatus::Invited).get_result(conn)?;
    // Expired invitations count too: they can be resent, and then accepted (rule 1 holds at
    // every step). Revoking them is what lets the group go.
    let invited: i64 = invitations::table
        .filter(invitations::workgroup_id.eq(id))
        .filter(invitations::invitation_type.eq(UserType::Extranet.as_str()))
        .filter(invitations::status.eq_any([
            InvitationStatus::Pending.as_str(),
            InvitationStatus::Expired.as_str(),
        ]))
        .count()
        .get_result(conn)?;
    Ok(ExternalPresence {
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
    let account_id = actor.account_id.to_string();
    let (actor, change) = (*actor, change.clone());
    db.write(move |conn| {
        let (actor, change) = (&actor, &change);
        lock_account(conn, &account_id)?;
        let before = visible_workgroup(conn, actor, id)?;
        may_edit_workgroup(actor, standing(conn, id, actor.user_id)?)?;
        let key = id.to_string();
        if let Some(wanted) = change.allow_external {
            let presence = if before.allow_external && !wanted {
                external_presence(conn, &key)?
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
        diesel::update(workgroups::table.find(&key))
            .set((
                workgroups::name.eq(&name),
                workgroups::description.eq(description.as_deref()),
                workgroups::allow_external.eq(allow_external),
                workgroups::invite_policy.eq(invite_policy.as_str()),
                workgroups::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                "workgroup.updated",
                "workgroup",
                key.clone(),
                json!({
                    "name": name, "description": description, "allow_external": allow_external,
                    "invite_policy": invite_policy.as_str(),
                    "allow_external_before": before.allow_external,
                }),
                now,
            ),
        )?;
        workgroup_row(conn, actor.account_id, id)?.ok_or(DomainError::NotFound("workgroup").into())
    })
}
