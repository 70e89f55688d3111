//! Membership of workgroups: adding existing users (a membership invitation they answer),
//! roles, removal, and the lists of members and of one's own membership invitations.

use crate::accounts::account_row;
use crate::audit::{self, AuditEvent};
use crate::db::{lock_account, Database, DbConnection};
use crate::error::StoreError;
use crate::idempotency::{self, IdempotencyKey, StoredResponse};
use crate::invitations::{membership_message, names_of};
use crate::outbox;
use crate::quotas;
use crate::records::{
    into_page, parse_id, parse_word, utc, Page, PageRequest, UserRecord, UserRow, USER_COLUMNS,
};
use crate::schema::{identities, memberships, users, workgroups};
use crate::users::visible_user;
use crate::workgroups::{
    insert_membership, standing, workgroup_row, WorkgroupRecord, WorkgroupRow,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::AccountUser;
use domain::enums::{Channel, MembershipStatus, Role};
use domain::ids::{UserId, WorkgroupId};
use domain::membership::{
    decide_membership_answer, decide_removal, decide_role_change, may_add_member,
    sees_invited_members, GroupFacts, Joining, MemberFacts, Removal, RoleChange, UserFacts,
};
use domain::sending::{Sending, SendingQuotas};
use domain::workgroup::{may_add_to_workgroup, may_view_workgroup, Standing};
use domain::DomainError;
use serde_json::json;
use std::collections::HashMap;

/// A member of a workgroup (active, or invited and not yet answered), with the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub role: Role,
    pub status: MembershipStatus,
    pub joined_at: DateTime<Utc>,
    pub user: UserRecord,
}

impl MemberRecord {
    fn facts(&self) -> MemberFacts {
        MemberFacts {
            user: user_facts(&self.user),
            role: self.role,
            status: self.status,
        }
    }
}

fn user_facts(u: &UserRecord) -> UserFacts {
    UserFacts {
        user_id: u.id,
        user_type: u.user_type,
        status: u.status,
    }
}

fn group_facts(g: &WorkgroupRecord) -> GroupFacts {
    GroupFacts {
        allow_external: g.allow_external,
        invite_policy: g.invite_policy,
    }
}

type MemberRow = (String, String, NaiveDateTime, UserRow);

fn member_from(row: MemberRow) -> Result<MemberRecord, StoreError> {
    let (role, status, joined, user) = row;
    Ok(MemberRecord {
        role: parse_word(&role, Role::parse)?,
        status: parse_word(&status, MembershipStatus::parse)?,
        joined_at: utc(joined),
        user: UserRecord::try_from(user)?,
    })
}

type Backend = <DbConnection as Connection>::Backend;
type MemberQuery<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<
        memberships::table,
        diesel::dsl::InnerJoin<users::table, identities::table>,
    >,
    Backend,
>;

/// The memberships of one workgroup, with their users.
fn members_of(group: WorkgroupId) -> MemberQuery<'static> {
    memberships::table
        .inner_join(users::table.inner_join(identities::table))
        .filter(memberships::workgroup_id.eq(group.to_string()))
        .into_boxed()
}

/// One membership of the workgroup, whatever its status.
fn member(
    conn: &mut DbConnection,
    group: WorkgroupId,
    user: UserId,
) -> Result<Option<MemberRecord>, StoreError> {
    members_of(group)
        .filter(memberships::user_id.eq(user.to_string()))
        .select((
            memberships::role,
            memberships::status,
            memberships::created_at,
            USER_COLUMNS,
        ))
        .first::<MemberRow>(conn)
        .optional()?
        .map(member_from)
        .transpose()
}

fn membership_status(
    conn: &mut DbConnection,
    group: &str,
    user: &str,
) -> Result<Option<MembershipStatus>, StoreError> {
    memberships::table
        .find((group, user))
        .select(memberships::status)
        .first::<String>(conn)
        .optional()?
        .map(|s| parse_word(&s, MembershipStatus::parse))
        .transpose()
}

fn current_owner(conn: &mut DbConnection, group: &str) -> Result<Option<UserId>, StoreError> {
    memberships::table
        .filter(memberships::workgroup_id.eq(group))
        .filter(memberships::role.eq(Role::Owner.as_str()))
        .select(memberships::user_id)
        .first::<String>(conn)
        .optional()?
        .map(|id| parse_id(&id))
        .transpose()
}

/// The workgroup in the caller's account, or 404.
fn group_in_account(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: WorkgroupId,
) -> Result<WorkgroupRecord, StoreError> {
    workgroup_row(conn, actor.account_id, id)?.ok_or(DomainError::NotFound("workgroup").into())
}

/// Where a user is told of a membership invitation: its email, else its phone.
fn address_of(user: &UserRecord) -> Option<(Channel, &str)> {
    user.email
        .as_deref()
        .map(|e| (Channel::Email, e))
        .or_else(|| user.phone.as_deref().map(|p| (Channel::Sms, p)))
}

/// Adds an existing user to a workgroup, as the group's invite policy allows (rule 3): the
/// user gets a membership invitation (and a message) to accept or decline; a caller adding
/// itself joins at once.
#[allow(clippy::too_many_arguments)]
pub fn add_member(
    db: &Database,
    actor: AccountUser,
    quotas: &SendingQuotas,
    group: WorkgroupId,
    user: UserId,
    role: Role,
    now: DateTime<Utc>,
    key: Option<IdempotencyKey>,
    render: impl Fn(&MemberRecord) -> StoredResponse + Send + Sync + 'static,
) -> Result<StoredResponse, StoreError> {
    let account_id = actor.account_id.to_string();
    let quotas = *quotas;
    let render = std::sync::Arc::new(render);
    let renderer = render.clone();
    let done = db.write(move |conn| {
        lock_account(conn, &account_id)?;
        let record = group_in_account(conn, &actor, group)?;
        let caller = standing(conn, group, actor.user_id)?;
        // Authorization comes first, before any replay of a stored answer.
        may_add_to_workgroup(&actor, caller, record.invite_policy)?;
        idempotency::once(
            conn,
            &idempotency::caller_scope(&actor),
            key.as_ref(),
            now,
            |conn| add(conn, &actor, &quotas, &record, caller, user, role, now),
            &*renderer,
        )
    })?;
    Ok(done.respond(&*render))
}

#[allow(clippy::too_many_arguments)]
fn add(
    conn: &mut DbConnection,
    actor: &AccountUser,
    quotas: &SendingQuotas,
    group: &WorkgroupRecord,
    standing: Standing,
    user_id: UserId,
    role: Role,
    now: DateTime<Utc>,
) -> Result<MemberRecord, StoreError> {
    let group_id = group.id;
    let candidate = visible_user(conn, actor, user_id)?;
    let (group_key, user_key) = (group_id.to_string(), user_id.to_string());
    let existing = membership_status(conn, &group_key, &user_key)?;
    let joining = may_add_member(
        actor,
        standing,
        group_facts(group),
        candidate.as_ref().map(user_facts),
        existing,
        role,
    )?;
    let candidate = candidate.ok_or(DomainError::NotFound("user"))?;
    let inviter = actor.user_id.to_string();
    insert_membership(
        conn,
        &group_key,
        &user_key,
        &actor.account_id.to_string(),
        role,
        joining.status(),
        Some(&inviter),
        now.naive_utc(),
    )?;
    if joining == Joining::Invited {
        if let Some((channel, recipient)) = address_of(&candidate) {
            let sending = Sending { channel, recipient };
            quotas::consume(conn, Some(actor.account_id), &[sending], quotas, now)?;
            let account = account_row(conn, &actor.account_id.to_string())?;
            let inviter_name = names_of(conn, &inviter)?;
            outbox::enqueue(
                conn,
                &membership_message(&account, &inviter_name, group, channel, recipient),
                now,
            )?;
        }
    }
    let action = match joining {
        Joining::Invited => "membership.invited",
        Joining::Active => "membership.joined",
    };
    audit::record(
        conn,
        AuditEvent::by(
            actor,
            action,
            "workgroup",
            group_key,
            json!({"user_id": user_key, "role": role.as_str()}),
            now,
        ),
    )?;
    Ok(MemberRecord {
        role,
        status: joining.status(),
        joined_at: now,
        user: candidate,
    })
}

/// What a change of a membership is decided on: the caller's standing in the workgroup and
/// the membership changed, read after locking the account.
fn load_change(
    conn: &mut DbConnection,
    actor: &AccountUser,
    group: WorkgroupId,
    user: UserId,
) -> Result<(Standing, Option<MemberRecord>), StoreError> {
    lock_account(conn, &actor.account_id.to_string())?;
    group_in_account(conn, actor, group)?;
    Ok((
        standing(conn, group, actor.user_id)?,
        member(conn, group, user)?,
    ))
}

/// Changes a member's role (owner, moderators, admins); making someone the owner hands
/// ownership over, and the previous owner stays on as a moderator.
pub fn change_role(
    db: &Database,
    actor: &AccountUser,
    group: WorkgroupId,
    user: UserId,
    role: Role,
    now: DateTime<Utc>,
) -> Result<MemberRecord, StoreError> {
    let actor = *actor;
    db.write(move |conn| {
        let actor = &actor;
        let (standing, target) = load_change(conn, actor, group, user)?;
        let group_key = group.to_string();
        let owner = current_owner(conn, &group_key)?;
        let change = decide_role_change(
            actor,
            standing,
            target.as_ref().map(MemberRecord::facts),
            owner,
            role,
        )?;
        let set_role = |conn: &mut DbConnection, who: String, role: Role| {
            diesel::update(memberships::table.find((group_key.clone(), who)))
                .set((
                    memberships::role.eq(role.as_str()),
                    memberships::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)
        };
        let from = target.as_ref().map(|t| t.role.as_str());
        match change {
            RoleChange::Unchanged => {}
            RoleChange::Set(role) => {
                set_role(conn, user.to_string(), role)?;
                audit::record(
                    conn,
                    AuditEvent::by(
                        actor,
                        "membership.role_changed",
                        "workgroup",
                        group_key.clone(),
                        json!({"user_id": user.to_string(), "from": from, "to": role.as_str()}),
                        now,
                    ),
                )?;
            }
            RoleChange::HandOver { previous_owner } => {
                if let Some(previous) = previous_owner {
                    set_role(conn, previous.to_string(), Role::Moderator)?;
                }
                set_role(conn, user.to_string(), Role::Owner)?;
                audit::record(
                    conn,
                    AuditEvent::by(
                        actor,
                        "workgroup.owner_changed",
                        "workgroup",
                        group_key.clone(),
                        json!({
                            "from": previous_owner.map(|p| p.to_string()),
                            "to": user.to_string(),
                            "previous_owner_role": Role::Moderator.as_str(),
                        }),
                        now,
                    ),
                )?;
            }
        }
        member(conn, group, user)?.ok_or(DomainError::NotFound("member").into())
    })
}

/// Removes a member or withdraws a membership invitation (owner, moderators, admins), or lets
/// a member leave; the owner hands ownership over first.
pub fn remove_member(
    db: &Database,
    actor: &AccountUser,
    group: WorkgroupId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let actor = *actor;
    db.write(move |conn| {
        let actor = &actor;
        let (standing, target) = load_change(conn, actor, group, user)?;
        let removal = decide_removal(actor, standing, target.as_ref().map(MemberRecord::facts))?;
        let (group_key, user_key) = (group.to_string(), user.to_string());
        diesel::delete(memberships::table.find((&group_key, &user_key))).execute(conn)?;
        let action = match removal {
            Removal::Removed => "membership.removed",
            Removal::Left => "membership.left",
            Removal::InvitationWithdrawn => "membership.invitation_withdrawn",
        };
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                action,
                "workgroup",
                group_key,
                json!({"user_id": user_key, "role": target.map(|t| t.role.as_str())}),
                now,
            ),
        )
    })
}

/// What a members list may be narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberFilter {
    pub role: Option<Role>,
    pub status: Option<MembershipStatus>,
}

/// The workgroup's members, by user id, newest first, for those who may see the workgroup:
/// employees see pending invitations too, external users only active members (and
/// themselves).
pub fn list_members(
    db: &Database,
    actor: &AccountUser,
    group: WorkgroupId,
    filter: MemberFilter,
    page: PageRequest<UserId>,
) -> Result<Page<MemberRecord, UserId>, StoreError> {
    db.read(|conn| {
        group_in_account(conn, actor, group)?;
        may_view_workgroup(actor, standing(conn, group, actor.user_id)?)?;
        let mut query = members_of(group);
        if !sees_invited_members(actor) {
            query = query.filter(
                memberships::status
                    .eq(MembershipStatus::Active.as_str())
                    .or(memberships::user_id.eq(actor.user_id.to_string())),
            );
        }
        if let Some(role) = filter.role {
            query = query.filter(memberships::role.eq(role.as_str()));
        }
        if let Some(status) = filter.status {
            query = query.filter(memberships::status.eq(status.as_str()));
        }
        if let Some(after) = page.after {
            query = query.filter(memberships::user_id.lt(after.to_string()));
        }
        let rows = query
            .order(memberships::user_id.desc())
            .limit(i64::from(page.limit) + 1)
            .select((
                memberships::role,
                memberships::status,
                memberships::created_at,
                USER_COLUMNS,
            ))
            .load::<MemberRow>(conn)?
            .into_iter()
            .map(member_from)
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(into_page(rows, page.limit, |m| m.user.id))
    })
}

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
        let mut query = memberships::table
            .inner_join(workgroups::table)
            .filter(memberships::user_id.eq(actor.user_id.to_string()))
            .filter(memberships::status.eq(MembershipStatus::Invited.as_str()))
            .into_boxed();
        if let Some(after) = page.after {
            query = query.filter(memberships::workgroup_id.lt(after.to_string()));
        }
        let rows = query
            .order(memberships::workgroup_id.desc())
            .limit(i64::from(page.limit) + 1)
            .select((
                WorkgroupRow::as_select(),
                memberships::role,
                memberships::invited_by,
                memberships::created_at,
            ))
            .load::<(WorkgroupRow, String, Option<String>, NaiveDateTime)>(conn)?;
        let inviters: Vec<&String> = rows.iter().filter_map(|r| r.2.as_ref()).collect();
        let names: HashMap<String, String> = users::table
            .inner_join(identities::table)
            .filter(users::id.eq_any(inviters))
            .select((users::id, identities::first_name, identities::last_name))
            .load::<(String, String, String)>(conn)?
            .into_iter()
            .map(|(id, first, last)| (id, format!("{first} {last}")))
            .collect();
        let items = rows
            .into_iter()
            .map(|(group, role, invited_by, at)| {
                Ok(WorkgroupInvitationRecord {
                    workgroup: WorkgroupRecord::try_from(group)?,
                    role: parse_word(&role, Role::parse)?,
                    inviter_name: invited_by.as_ref().and_then(|i| names.get(i).cloned()),
                    invited_by: invited_by.as_deref().map(parse_id).transpose()?,
                    invited_at: utc(at),
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
    db.write(move |conn| {
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
    db.write(move |conn| answer(conn, &actor, group, false, now))
}

fn answer(
    conn: &mut DbConnection,
    actor: &AccountUser,
    group: WorkgroupId,
    accept: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    lock_account(conn, &actor.account_id.to_string())?;
    let found = workgroup_row(conn, actor.account_id, group)?
        .ok_or(DomainError::NotFound("workgroup invitation"))?;
    let (group_key, user_key) = (group.to_string(), actor.user_id.to_string());
    let status = membership_status(conn, &group_key, &user_key)?;
    decide_membership_answer(actor, status, group_facts(&found), accept)?;
    let row = memberships::table.find((&group_key, &user_key));
    let action = if accept {
        diesel::update(row)
            .set((
                memberships::status.eq(MembershipStatus::Active.as_str()),
                memberships::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        "membership.accepted"
    } else {
        diesel::delete(row).execute(conn)?;
        "membership.declined"
    };
    audit::record(
        conn,
        AuditEvent::by(actor, action, "workgroup", group_key, json!({}), now),
    )
}
