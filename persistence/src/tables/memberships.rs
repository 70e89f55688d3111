//! The `memberships` table: who is in a workgroup, with which role, active or invited.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, utc, Key};
use crate::base::schema::{identities, memberships, users};
use crate::tables::users::{UserRecord, UserRow};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::enums::{MembershipStatus, Role, UserType};
use domain::ids::{AccountId, UserId, WorkgroupId};
use domain::workgroup::Standing;
use serde::{Deserialize, Serialize};

/// A member of a workgroup (active, or invited and not yet answered), with the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub role: Role,
    pub status: MembershipStatus,
    pub joined_at: DateTime<Utc>,
    pub user: UserRecord,
    /// When the membership ends (issue #30; `None`: it does not).
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A [`MemberRecord`] as stored: the membership joined with its user and identity.
#[derive(Queryable, Selectable)]
#[diesel(table_name = memberships)]
pub(crate) struct MemberRow {
    role: String,
    status: String,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
    #[diesel(embed)]
    user: UserRow,
}

impl TryFrom<MemberRow> for MemberRecord {
    type Error = StoreError;

    fn try_from(r: MemberRow) -> Result<Self, StoreError> {
        Ok(Self {
            role: parse_word(&r.role, Role::parse)?,
            status: parse_word(&r.status, MembershipStatus::parse)?,
            joined_at: utc(r.created_at),
            expires_at: r.expires_at.map(utc),
            user: UserRecord::try_from(r.user)?,
        })
    }
}

type Backend = <DbConnection as Connection>::Backend;
pub(crate) type MemberQuery<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<
        memberships::table,
        diesel::dsl::InnerJoin<users::table, identities::table>,
    >,
    Backend,
>;

/// The memberships of one workgroup, with their users.
pub(crate) fn members_of(group: WorkgroupId) -> MemberQuery<'static> {
    memberships::table
        .inner_join(users::table.inner_join(identities::table))
        .filter(memberships::workgroup_id.eq(group.key()))
        .into_boxed()
}

/// One membership of the workgroup, whatever its status.
pub(crate) fn member(
    conn: &mut DbConnection,
    group: WorkgroupId,
    user: UserId,
) -> Result<Option<MemberRecord>, StoreError> {
    members_of(group)
        .filter(memberships::user_id.eq(user.key()))
        .select(MemberRow::as_select())
        .first(conn)
        .optional()?
        .map(MemberRecord::try_from)
        .transpose()
}

/// Whether the user is in the workgroup (active or invited), if at all.
pub(crate) fn membership_status(
    conn: &mut DbConnection,
    group: WorkgroupId,
    user: UserId,
) -> Result<Option<MembershipStatus>, StoreError> {
    memberships::table
        .find((group.key(), user.key()))
        .select(memberships::status)
        .first::<String>(conn)
        .optional()?
        .map(|s| parse_word(&s, MembershipStatus::parse))
        .transpose()
}

/// The user's active role in the workgroup, if any.
pub(crate) fn standing(
    conn: &mut DbConnection,
    group: WorkgroupId,
    user: UserId,
) -> Result<Standing, StoreError> {
    let role = memberships::table
        .find((group.key(), user.key()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .select(memberships::role)
        .first::<String>(conn)
        .optional()?
        .map(|r| parse_word(&r, Role::parse))
        .transpose()?;
    Ok(Standing { role })
}

/// The workgroup's owner.
pub(crate) fn current_owner(
    conn: &mut DbConnection,
    group: WorkgroupId,
) -> Result<Option<UserId>, StoreError> {
    memberships::table
        .filter(memberships::workgroup_id.eq(group.key()))
        .filter(memberships::role.eq(Role::Owner.as_str()))
        .select(memberships::user_id)
        .first::<String>(conn)
        .optional()?
        .map(|id| parse_id(&id))
        .transpose()
}

/// A membership to write.
pub(crate) struct NewMembership {
    pub account_id: AccountId,
    pub workgroup_id: WorkgroupId,
    pub user_id: UserId,
    pub role: Role,
    pub status: MembershipStatus,
    /// Who asked the user in (none for the owner who created the workgroup).
    pub invited_by: Option<UserId>,
}

pub(crate) fn insert_membership(
    conn: &mut DbConnection,
    new: &NewMembership,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    diesel::insert_into(memberships::table)
        .values((
            memberships::workgroup_id.eq(new.workgroup_id.key()),
            memberships::user_id.eq(new.user_id.key()),
            memberships::account_id.eq(new.account_id.key()),
            memberships::role.eq(new.role.as_str()),
            memberships::status.eq(new.status.as_str()),
            memberships::invited_by.eq(new.invited_by.map(|u| u.key())),
            memberships::created_at.eq(at),
            memberships::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets a member's role.
pub(crate) fn set_role(
    conn: &mut DbConnection,
    group: WorkgroupId,
    user: UserId,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(memberships::table.find((group.key(), user.key())))
        .set((
            memberships::role.eq(role.as_str()),
            memberships::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes an invited member active.
pub(crate) fn activate(
    conn: &mut DbConnection,
    group: WorkgroupId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(memberships::table.find((group.key(), user.key())))
        .set((
            memberships::status.eq(MembershipStatus::Active.as_str()),
            memberships::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a membership (or a membership invitation).
pub(crate) fn delete_membership(
    conn: &mut DbConnection,
    group: WorkgroupId,
    user: UserId,
) -> Result<(), StoreError> {
    diesel::delete(memberships::table.find((group.key(), user.key()))).execute(conn)?;
    Ok(())
}

/// How many external users have a membership of `status` in a workgroup (dismissed ones too);
/// joins `users` for their type.
pub(crate) fn external_count(
    conn: &mut DbConnection,
    group: &str,
    status: MembershipStatus,
) -> Result<i64, StoreError> {
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::workgroup_id.eq(group.to_owned()))
        .filter(memberships::status.eq(status.as_str()))
        .filter(users::user_type.eq(UserType::Extranet.as_str()))
        .count()
        .get_result(conn)?)
}

/// What a members list may be narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberFilter {
    pub role: Option<Role>,
    pub status: Option<MembershipStatus>,
}

/// Up to `rows` of the workgroup's members, by user id, newest first, narrowed by `filter`,
/// those before `after` when given; with `active_or`, only active members and that user.
pub(crate) fn page_of(
    conn: &mut DbConnection,
    group: WorkgroupId,
    filter: MemberFilter,
    active_or: Option<UserId>,
    after: Option<UserId>,
    rows: i64,
) -> Result<Vec<MemberRecord>, StoreError> {
    let mut query = members_of(group);
    if let Some(viewer) = active_or {
        query = query.filter(
            memberships::status
                .eq(MembershipStatus::Active.as_str())
                .or(memberships::user_id.eq(viewer.key())),
        );
    }
    if let Some(role) = filter.role {
        query = query.filter(memberships::role.eq(role.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(memberships::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(memberships::user_id.lt(after.key()));
    }
    query
        .order(memberships::user_id.desc())
        .limit(rows)
        .select(MemberRow::as_select())
        .load(conn)?
        .into_iter()
        .map(MemberRecord::try_from)
        .collect()
}

/// A membership whose end has come, not yet removed.
pub(crate) struct EndedMembership {
    pub(crate) workgroup_id: WorkgroupId,
    pub(crate) user_id: UserId,
    pub(crate) role: Role,
    pub(crate) ended_at: DateTime<Utc>,
}

/// The account's memberships (active or invited) that ended at or before `at`
/// (`memberships_end`).
pub(crate) fn ended_in(
    conn: &mut DbConnection,
    account: AccountId,
    at: NaiveDateTime,
) -> Result<Vec<EndedMembership>, StoreError> {
    let rows: Vec<(String, String, String, Option<NaiveDateTime>)> = memberships::table
        .filter(memberships::account_id.eq(account.key()))
        .filter(memberships::expires_at.le(at))
        .select((
            memberships::workgroup_id,
            memberships::user_id,
            memberships::role,
            memberships::expires_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(group, user, role, end)| {
            Ok(EndedMembership {
                workgroup_id: parse_id(&group)?,
                user_id: parse_id(&user)?,
                role: parse_word(&role, Role::parse)?,
                ended_at: utc(end.unwrap_or(at)),
            })
        })
        .collect()
}

/// The accounts (ids as stored) with a membership that ended at or before `at`.
pub(crate) fn accounts_with_ended(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    Ok(memberships::table
        .filter(memberships::expires_at.le(at))
        .select(memberships::account_id)
        .distinct()
        .load(conn)?)
}

/// Writes the end of a membership (`None`: no end).
pub(crate) fn set_end(
    conn: &mut DbConnection,
    group: WorkgroupId,
    user: UserId,
    end: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    diesel::update(memberships::table.find((group.key(), user.key())))
        .set(memberships::expires_at.eq(end.map(|e| e.naive_utc())))
        .execute(conn)?;
    Ok(())
}

/// One membership of a user: its workgroup, role and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MembershipOf {
    pub(crate) workgroup_id: WorkgroupId,
    pub(crate) role: Role,
    pub(crate) status: MembershipStatus,
}

/// Every membership of `user` (active or invited).
pub(crate) fn memberships_of_user(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<MembershipOf>, StoreError> {
    let rows: Vec<(String, String, String)> = memberships::table
        .filter(memberships::user_id.eq(user.key()))
        .order(memberships::workgroup_id.asc())
        .select((
            memberships::workgroup_id,
            memberships::role,
            memberships::status,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(group, role, status)| {
            Ok(MembershipOf {
                workgroup_id: parse_id(&group)?,
                role: parse_word(&role, Role::parse)?,
                status: parse_word(&status, MembershipStatus::parse)?,
            })
        })
        .collect()
}

/// A membership as its member's export shows it (issue #32).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldMembership {
    pub workgroup_id: WorkgroupId,
    pub user_id: UserId,
    pub account_id: AccountId,
    pub role: Role,
    pub status: MembershipStatus,
    pub invited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

type HeldRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The memberships of `users` (any status), newest first, at most `limit`.
pub(crate) fn held_by(
    conn: &mut DbConnection,
    users: &[UserId],
    limit: i64,
) -> Result<Vec<HeldMembership>, StoreError> {
    let rows: Vec<HeldRow> = memberships::table
        .filter(memberships::user_id.eq_any(users.iter().map(|u| u.key())))
        .order((
            memberships::created_at.desc(),
            memberships::workgroup_id.desc(),
        ))
        .limit(limit)
        .select((
            memberships::workgroup_id,
            memberships::user_id,
            memberships::account_id,
            memberships::role,
            memberships::status,
            memberships::invited_by,
            memberships::created_at,
            memberships::expires_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(group, user, account, role, status, by, created, ends)| {
            Ok(HeldMembership {
                workgroup_id: parse_id(&group)?,
                user_id: parse_id(&user)?,
                account_id: parse_id(&account)?,
                role: parse_word(&role, Role::parse)?,
                status: parse_word(&status, MembershipStatus::parse)?,
                invited_by: by.as_deref().map(parse_id).transpose()?,
                created_at: utc(created),
                expires_at: ends.map(utc),
            })
        })
        .collect()
}
