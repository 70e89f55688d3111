//! The `workgroups` table: workgroups and projects.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, utc, Key};
use crate::base::schema::{memberships, workgroups};
use crate::tables::memberships::standing;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::AccountUser;
use domain::enums::{InvitePolicy, MembershipStatus, Role, UserType, WorkgroupKind};
use domain::ids::{AccountId, UserId, WorkgroupId};
use domain::invitation::WorkgroupFacts;
use domain::workgroup::{NewWorkgroup, Standing};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

/// A workgroup or project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkgroupRecord {
    pub id: WorkgroupId,
    pub account_id: AccountId,
    pub name: String,
    pub kind: WorkgroupKind,
    pub description: Option<String>,
    pub allow_external: bool,
    pub invite_policy: InvitePolicy,
    /// The most days an external person's access may run (issue #30).
    pub max_external_access_days: Option<u32>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WorkgroupRecord {
    /// What decisions about its members need of the workgroup, with the acting user's
    /// place in it.
    pub(crate) fn facts(&self, standing: Standing) -> WorkgroupFacts {
        WorkgroupFacts {
            id: self.id,
            allow_external: self.allow_external,
            invite_policy: self.invite_policy,
            max_external_access_days: self.max_external_access_days,
            standing,
        }
    }
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
    max_external_access_days: Option<i32>,
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
            max_external_access_days: r
                .max_external_access_days
                .and_then(|d| u32::try_from(d).ok()),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

/// The workgroup, if it is in the account.
pub(crate) fn find_workgroup(
    conn: &mut DbConnection,
    account_id: AccountId,
    id: WorkgroupId,
) -> Result<Option<WorkgroupRecord>, StoreError> {
    workgroups::table
        .find(id.key())
        .filter(workgroups::account_id.eq(account_id.key()))
        .select(WorkgroupRow::as_select())
        .first(conn)
        .optional()?
        .map(WorkgroupRecord::try_from)
        .transpose()
}

/// The workgroup in the account, or 404 naming `what` was not found.
pub(crate) fn workgroup_in(
    conn: &mut DbConnection,
    account_id: AccountId,
    id: WorkgroupId,
    what: &'static str,
) -> Result<WorkgroupRecord, StoreError> {
    find_workgroup(conn, account_id, id)?.ok_or(DomainError::NotFound(what).into())
}

/// A workgroup as invitations are decided on: its settings and `who`'s standing in it.
pub(crate) fn facts_for(
    conn: &mut DbConnection,
    group: &WorkgroupRecord,
    who: UserId,
) -> Result<WorkgroupFacts, StoreError> {
    Ok(WorkgroupFacts {
        id: group.id,
        allow_external: group.allow_external,
        invite_policy: group.invite_policy,
        max_external_access_days: group.max_external_access_days,
        standing: standing(conn, group.id, who)?,
    })
}

/// The workgroup in the account with `who`'s standing in it, as invitations are decided on,
/// in one query.
pub(crate) fn find_with_facts(
    conn: &mut DbConnection,
    account_id: AccountId,
    id: WorkgroupId,
    who: UserId,
) -> Result<Option<(WorkgroupRecord, WorkgroupFacts)>, StoreError> {
    let row: Option<(WorkgroupRow, Option<String>)> = workgroups::table
        .left_join(
            memberships::table.on(memberships::workgroup_id
                .eq(workgroups::id)
                .and(memberships::user_id.eq(who.key()))
                .and(memberships::status.eq(MembershipStatus::Active.as_str()))),
        )
        .filter(workgroups::id.eq(id.key()))
        .filter(workgroups::account_id.eq(account_id.key()))
        .select((WorkgroupRow::as_select(), memberships::role.nullable()))
        .first(conn)
        .optional()?;
    let Some((row, role)) = row else {
        return Ok(None);
    };
    let record = WorkgroupRecord::try_from(row)?;
    let facts = WorkgroupFacts {
        id: record.id,
        allow_external: record.allow_external,
        invite_policy: record.invite_policy,
        max_external_access_days: record.max_external_access_days,
        standing: Standing {
            role: role.map(|r| parse_word(&r, Role::parse)).transpose()?,
        },
    };
    Ok(Some((record, facts)))
}

/// An invitation's workgroup as it is now, and its facts with `who`'s standing in it (`None`
/// for an invitation into the account only). A workgroup that is gone is a 404.
pub(crate) fn invitation_workgroup(
    conn: &mut DbConnection,
    account_id: AccountId,
    group: Option<WorkgroupId>,
    who: UserId,
) -> Result<Option<(WorkgroupRecord, WorkgroupFacts)>, StoreError> {
    let Some(id) = group else {
        return Ok(None);
    };
    let record = workgroup_in(conn, account_id, id, "workgroup")?;
    let facts = facts_for(conn, &record, who)?;
    Ok(Some((record, facts)))
}

/// Writes a new workgroup's row, created by `creator` (who becomes its owner:
/// [`crate::shared::new_workgroup`]).
pub(crate) fn insert_workgroup(
    conn: &mut DbConnection,
    creator: &AccountUser,
    new: &NewWorkgroup,
    now: DateTime<Utc>,
) -> Result<WorkgroupId, StoreError> {
    let id = WorkgroupId(Uuid::now_v7());
    let at = now.naive_utc();
    diesel::insert_into(workgroups::table)
        .values((
            workgroups::id.eq(id.key()),
            workgroups::account_id.eq(creator.account_id.key()),
            workgroups::name.eq(new.name.as_str()),
            workgroups::kind.eq(new.kind.as_str()),
            workgroups::description.eq(new.description.as_deref()),
            workgroups::allow_external.eq(new.allow_external),
            workgroups::invite_policy.eq(new.invite_policy.as_str()),
            workgroups::max_external_access_days.eq(new
                .max_external_access_days
                .map(|d| i32::try_from(d).unwrap_or(i32::MAX))),
            workgroups::created_by.eq(creator.user_id.key()),
            workgroups::created_at.eq(at),
            workgroups::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A workgroup's name and kind, as stored, if it exists.
pub(crate) fn name_and_kind(
    conn: &mut DbConnection,
    id: WorkgroupId,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(workgroups::table
        .find(id.key())
        .select((workgroups::name, workgroups::kind))
        .first::<(String, String)>(conn)
        .optional()?)
}

/// A workgroup as `GET /v1/workgroups/{id}` shows it, for the webhook event about it; `None`
/// when it is gone.
pub(crate) fn event_resource(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<Value>, StoreError> {
    type Columns = (
        String,
        String,
        String,
        Option<String>,
        bool,
        String,
        NaiveDateTime,
        Option<i32>,
    );
    let found: Option<Columns> = workgroups::table
        .find(id)
        .select((
            workgroups::id,
            workgroups::name,
            workgroups::kind,
            workgroups::description,
            workgroups::allow_external,
            workgroups::invite_policy,
            workgroups::created_at,
            workgroups::max_external_access_days,
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(
        |(id, name, kind, description, allow_external, invite_policy, created_at, max_days)| {
            json!({
                "id": id,
                "name": name,
                "kind": kind,
                "description": description,
                "allow_external": allow_external,
                "invite_policy": invite_policy,
                "max_external_access_days": max_days,
                "created_at": utc(created_at),
            })
        },
    ))
}

/// What a workgroup list may be narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkgroupFilter {
    /// Only extranet workgroups (`true`) or only intranet ones (`false`).
    pub extranet: Option<bool>,
    pub kind: Option<WorkgroupKind>,
}

/// Up to `rows` of the workgroups the caller may see, newest first, narrowed by `filter`,
/// those before `after` when given: all of the account's for employees, for an external user
/// those it is an active member of (read from `memberships`, as a subquery).
pub(crate) fn page_of(
    conn: &mut DbConnection,
    actor: &AccountUser,
    filter: WorkgroupFilter,
    after: Option<WorkgroupId>,
    rows: i64,
) -> Result<Vec<WorkgroupRecord>, StoreError> {
    let mut query = workgroups::table
        .filter(workgroups::account_id.eq(actor.account_id.key()))
        .into_boxed();
    if actor.user_type == UserType::Extranet {
        let mine = memberships::table
            .filter(memberships::user_id.eq(actor.user_id.key()))
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
    if let Some(after) = after {
        query = query.filter(workgroups::id.lt(after.key()));
    }
    query
        .order(workgroups::id.desc())
        .limit(rows)
        .select(WorkgroupRow::as_select())
        .load(conn)?
        .into_iter()
        .map(WorkgroupRecord::try_from)
        .collect()
}

/// A workgroup's settings as a change leaves them.
pub(crate) struct WorkgroupSettings<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub allow_external: bool,
    pub invite_policy: InvitePolicy,
    pub max_external_access_days: Option<u32>,
}

/// Writes a workgroup's name and settings.
pub(crate) fn update(
    conn: &mut DbConnection,
    id: WorkgroupId,
    settings: &WorkgroupSettings<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(workgroups::table.find(id.key()))
        .set((
            workgroups::name.eq(settings.name),
            workgroups::description.eq(settings.description),
            workgroups::allow_external.eq(settings.allow_external),
            workgroups::invite_policy.eq(settings.invite_policy.as_str()),
            workgroups::max_external_access_days.eq(settings
                .max_external_access_days
                .map(|d| i32::try_from(d).unwrap_or(i32::MAX))),
            workgroups::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A workgroup a user is asked into, with the membership invitation's role, inviter and time
/// (`memberships` joined with `workgroups`).
#[derive(Queryable, Selectable)]
#[diesel(table_name = memberships)]
pub(crate) struct InvitedTo {
    #[diesel(embed)]
    pub workgroup: WorkgroupRow,
    pub role: String,
    pub invited_by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Up to `rows` of the workgroups `user` is asked into, by workgroup id, newest first, those
/// before `after` when given; reads `memberships`, joined.
pub(crate) fn invited_to(
    conn: &mut DbConnection,
    user: UserId,
    after: Option<WorkgroupId>,
    rows: i64,
) -> Result<Vec<InvitedTo>, StoreError> {
    let mut query = memberships::table
        .inner_join(workgroups::table)
        .filter(memberships::user_id.eq(user.key()))
        .filter(memberships::status.eq(MembershipStatus::Invited.as_str()))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(memberships::workgroup_id.lt(after.key()));
    }
    Ok(query
        .order(memberships::workgroup_id.desc())
        .limit(rows)
        .select(InvitedTo::as_select())
        .load(conn)?)
}

/// The maximum days of external access of each workgroup `user` is a member of or asked into
/// (`None` where a workgroup has none): what an end of the user's access is checked against.
pub(crate) fn maxima_of_member(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<Option<u32>>, StoreError> {
    let maxima: Vec<Option<i32>> = memberships::table
        .inner_join(workgroups::table)
        .filter(memberships::user_id.eq(user.key()))
        .select(workgroups::max_external_access_days)
        .load(conn)?;
    Ok(maxima
        .into_iter()
        .map(|d| d.and_then(|d| u32::try_from(d).ok()))
        .collect())
}

/// A workgroup's maximum days of external access, if it has one (issue #30).
pub(crate) fn max_access_days(
    conn: &mut DbConnection,
    id: WorkgroupId,
) -> Result<Option<u32>, StoreError> {
    let days: Option<Option<i32>> = workgroups::table
        .find(id.key())
        .select(workgroups::max_external_access_days)
        .first(conn)
        .optional()?;
    Ok(days.flatten().and_then(|d| u32::try_from(d).ok()))
}

/// The names of the workgroups of `ids`, each as `(id, name)` (those found).
pub(crate) fn names_by_id(
    conn: &mut DbConnection,
    ids: &[WorkgroupId],
) -> Result<Vec<(WorkgroupId, String)>, StoreError> {
    let rows: Vec<(String, String)> = workgroups::table
        .filter(workgroups::id.eq_any(ids.iter().map(|w| w.key())))
        .select((workgroups::id, workgroups::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name)| Ok((parse_id(&id)?, name)))
        .collect()
}
