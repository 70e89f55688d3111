//! Membership of workgroups: adding existing users (a membership invitation they answer, rule
//! 3), roles, removal, and the list of members.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::limits::Limits;
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::membership_invitation::MembershipInvitation;
use crate::shared::tx::{self, Sweep};
use crate::tables::accounts::account_by_id;
use crate::tables::idempotency_keys::{IdempotencyKey, Idempotent};
pub use crate::tables::memberships::MemberFilter;
use crate::tables::memberships::{
    self, current_owner, delete_membership, member, membership_status, set_role, standing,
    MemberRecord,
};
use crate::tables::outbox::Inviter;
use crate::tables::sending_counters;
use crate::tables::users::{names_of, visible_user, UserRecord};
use crate::tables::workgroups::{workgroup_in, WorkgroupRecord};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::access_end::{check_membership_end, decide_membership_end};
use domain::audit::AuditAction;
use domain::enums::{Channel, Role};
use domain::ids::{UserId, WorkgroupId};
use domain::membership::{
    decide_removal, decide_role_change, may_add_member, sees_invited_members, Joining, MemberFacts,
    Removal, RoleChange, UserFacts,
};
use domain::sending::{Sending, SendingQuotas};
use domain::workgroup::{may_add_to_workgroup, may_view_workgroup, Standing};
use domain::DomainError;
use serde_json::json;

fn member_facts(m: &MemberRecord) -> MemberFacts {
    MemberFacts {
        user: user_facts(&m.user),
        role: m.role,
        status: m.status,
    }
}

fn user_facts(u: &UserRecord) -> UserFacts {
    UserFacts {
        user_id: u.id,
        user_type: u.user_type,
        status: u.status,
    }
}

/// Where a user is told of a membership invitation: its email, else its phone.
fn address_of(user: &UserRecord) -> Option<(Channel, &str)> {
    user.email
        .as_deref()
        .map(|e| (Channel::Email, e))
        .or_else(|| user.phone.as_deref().map(|p| (Channel::Sms, p)))
}

/// A member to add: who, with which role.
#[derive(Debug, Clone, Copy)]
pub struct NewMember {
    pub group: WorkgroupId,
    pub user: UserId,
    pub role: Role,
    /// When the membership ends (issue #30), checked by `access_end::check_membership_end`.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Adds an existing user to a workgroup, as the group's invite policy allows (rule 3): the
/// user gets a membership invitation (and a message) to accept or decline; a caller adding
/// itself joins at once.
pub fn add_member(
    db: &Database,
    actor: AccountUser,
    limits: &Limits,
    new: NewMember,
    now: DateTime<Utc>,
    key: Option<IdempotencyKey>,
) -> Result<Idempotent<MemberRecord>, StoreError> {
    let quotas = limits.quotas;
    tx::idempotent_in_account(
        db,
        actor,
        key,
        Sweep::First,
        now,
        move |conn| {
            let group = workgroup_in(conn, actor.account_id, new.group, "workgroup")?;
            let caller = standing(conn, new.group, actor.user_id)?;
            may_add_to_workgroup(&actor, caller, group.invite_policy)?;
            Ok((group, caller))
        },
        move |conn, (group, caller)| add(conn, &actor, &quotas, &group, caller, new, now),
    )
}

fn add(
    conn: &mut DbConnection,
    actor: &AccountUser,
    quotas: &SendingQuotas,
    group: &WorkgroupRecord,
    standing: Standing,
    new: NewMember,
    now: DateTime<Utc>,
) -> Result<MemberRecord, StoreError> {
    let expires_at = check_membership_end(new.expires_at, now)?;
    let candidate = visible_user(conn, actor, new.user)?;
    let existing = membership_status(conn, group.id, new.user)?;
    let joining = may_add_member(
        actor,
        group.facts(standing),
        candidate.as_ref().map(user_facts),
        existing,
        new.role,
    )?;
    let candidate = candidate.ok_or(DomainError::NotFound("user"))?;
    let asked = MembershipInvitation {
        actor,
        group,
        user: new.user,
        role: new.role,
        status: joining.status(),
    };
    match address_of(&candidate).filter(|_| joining == Joining::Invited) {
        Some((channel, address)) => {
            let sending = Sending {
                channel,
                recipient: address,
            };
            sending_counters::consume(conn, Some(actor.account_id), &[sending], quotas, now)?;
            let account = account_by_id(conn, actor.account_id)?;
            let name = names_of(conn, actor.user_id)?;
            let inviter = Inviter {
                account: &account,
                name: &name,
            };
            asked.write(conn, Some((&inviter, channel, address)), now)?;
        }
        None => asked.write(conn, None, now)?,
    }
    if joining == Joining::Active {
        tx::workgroup_changed(conn, actor.account_id)?;
    }
    if expires_at.is_some() {
        memberships::set_end(conn, group.id, new.user, expires_at)?;
    }
    Ok(MemberRecord {
        role: new.role,
        status: joining.status(),
        joined_at: now,
        expires_at,
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
    workgroup_in(conn, actor.account_id, group, "workgroup")?;
    Ok((
        standing(conn, group, actor.user_id)?,
        member(conn, group, user)?,
    ))
}

/// Changes a member's role (owner, moderators, admins); making someone the owner hands
/// ownership over, and the previous owner stays on as a moderator.
pub fn change_member(
    db: &Database,
    actor: &AccountUser,
    group: WorkgroupId,
    user: UserId,
    change: MemberChange,
    now: DateTime<Utc>,
) -> Result<MemberRecord, StoreError> {
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let actor = &actor;
        if let Some(role) = change.role {
            change_role(conn, actor, group, user, role, now)?;
        }
        if let Some(end) = change.expires_at {
            let (standing, target) = load_change(conn, actor, group, user)?;
            let end = decide_membership_end(
                actor,
                standing,
                target.as_ref().map(member_facts),
                end,
                now,
            )?;
            let before = target.and_then(|t| t.expires_at);
            if end != before {
                memberships::set_end(conn, group, user, end)?;
                audit::record(
                    conn,
                    AuditEvent::by(
                        actor,
                        AuditAction::MembershipEndChanged,
                        "workgroup",
                        group.key(),
                        json!({
                            "user_id": user.key(),
                            "before": {"expires_at": before},
                            "after": {"expires_at": end},
                        }),
                        now,
                    ),
                )?;
            }
        }
        member(conn, group, user)?.ok_or(DomainError::NotFound("member").into())
    })
}

/// What changes of a membership (`PATCH /v1/workgroups/{id}/members/{user_id}`): only what is
/// given, all or nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberChange {
    pub role: Option<Role>,
    /// `Some(None)`: the membership no longer ends.
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

fn change_role(
    conn: &mut DbConnection,
    actor: &AccountUser,
    group: WorkgroupId,
    user: UserId,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    {
        let (standing, target) = load_change(conn, actor, group, user)?;
        let owner = current_owner(conn, group)?;
        let change = decide_role_change(
            actor,
            standing,
            target.as_ref().map(member_facts),
            owner,
            role,
        )?;
        let from = target.as_ref().map(|t| t.role.as_str());
        match change {
            RoleChange::Unchanged => {}
            RoleChange::Set(role) => {
                set_role(conn, group, user, role, now)?;
                tx::workgroup_changed(conn, actor.account_id)?;
                audit::record(
                    conn,
                    AuditEvent::by(
                        actor,
                        AuditAction::MembershipRoleChanged,
                        "workgroup",
                        group.key(),
                        json!({
                            "user_id": user.key(),
                            "before": {"role": from},
                            "after": {"role": role.as_str()},
                        }),
                        now,
                    ),
                )?;
            }
            RoleChange::HandOver { previous_owner } => {
                if let Some(previous) = previous_owner {
                    set_role(conn, group, previous, Role::Moderator, now)?;
                }
                set_role(conn, group, user, Role::Owner, now)?;
                tx::workgroup_changed(conn, actor.account_id)?;
                audit::record(
                    conn,
                    AuditEvent::by(
                        actor,
                        AuditAction::WorkgroupOwnerChanged,
                        "workgroup",
                        group.key(),
                        json!({
                            "before": {"owner": previous_owner.map(|p| p.key())},
                            "after": {"owner": user.key()},
                            "previous_owner_role": Role::Moderator.as_str(),
                        }),
                        now,
                    ),
                )?;
            }
        }
        Ok(())
    }
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
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let actor = &actor;
        let (standing, target) = load_change(conn, actor, group, user)?;
        let removal = decide_removal(actor, standing, target.as_ref().map(member_facts))?;
        delete_membership(conn, group, user)?;
        tx::workgroup_changed(conn, actor.account_id)?;
        let action = match removal {
            Removal::Removed => AuditAction::MembershipRemoved,
            Removal::Left => AuditAction::MembershipLeft,
            Removal::InvitationWithdrawn => AuditAction::MembershipInvitationWithdrawn,
        };
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                action,
                "workgroup",
                group.key(),
                json!({"user_id": user.key(), "role": target.map(|t| t.role.as_str())}),
                now,
            ),
        )
    })
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
        workgroup_in(conn, actor.account_id, group, "workgroup")?;
        may_view_workgroup(actor, standing(conn, group, actor.user_id)?)?;
        // Someone who does not see invited members sees active ones, and themselves.
        let active_or = (!sees_invited_members(actor)).then_some(actor.user_id);
        let rows = memberships::page_of(conn, group, filter, active_or, page.after, page.rows())?;
        Ok(into_page(rows, page.limit, |m| m.user.id))
    })
}
