//! Users of an account: reads and lists filtered by what the caller may see, dismissal and
//! reinstatement (rule 8). (The standing every request reads: `use_cases::sessions`.)

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, Key};
use crate::base::limits::Limits;
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::ledger::change_seats;
use crate::shared::tx::{self, Sweep};
use crate::shared::webhook_switch_off::switch_off_orphans;
use crate::tables::accounts::account_by_id;
use crate::tables::identities::logins_of_locked;
use crate::tables::invitations;
use crate::tables::sessions;
pub use crate::tables::users::UserFilter;
use crate::tables::users::{self, make_way, user_by_id, visible_user, UserRecord};
use crate::tables::webhooks::Owned;
use crate::tables::workgroups;
use chrono::{DateTime, Utc};
use domain::access::{may_administer_account, AccountUser};
use domain::access_end::{decide_access_change, reinstated_end, strictest};
use domain::audit::AuditAction;
use domain::dismissal::{decide_dismiss, decide_reinstate};
use domain::enums::{UserStatus, UserType};
use domain::ids::{AccountId, InvitationId, UserId};
use domain::known_logins::{decide_reinstated_logins, PendingForLogins};
use domain::login_change::ProfileLogins;
use domain::seats::SeatChange;
use domain::session::SessionEnd;
use domain::transfer::{decide_admin_change, decide_transfer_to_intranet};
use domain::DomainError;
use serde_json::json;

/// One user as of `now` (an ended access shows dismissed), or 404 when it does not exist or
/// the caller may not see it.
pub fn get_user(
    db: &Database,
    actor: &AccountUser,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    db.read(|conn| {
        let user = visible_user(conn, actor, id)?.ok_or(DomainError::NotFound("user"))?;
        Ok(user.as_of(now))
    })
}

/// Rule 8: dismisses a user (administrators): access ends at once (every request re-reads
/// the user), the data and memberships stay, the seat is freed. The account goes on knowing
/// the user by the logins it has now (`domain::known_logins`): they are not written again.
pub fn dismiss(
    db: &Database,
    actor: &AccountUser,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    may_administer_account(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let user = user_by_id(conn, actor.account_id, id)?;
        let admins = active_admins(conn, actor.account_id)?;
        let seats = decide_dismiss(&actor, user.as_ref().map(UserRecord::subject), admins)?;
        // Rule 9: the user's sessions end with it (its tokens are refused already: rule 8).
        sessions::end_of_user(conn, id, SessionEnd::Dismissed, now)?;
        set_status(conn, &actor, user, UserStatus::Dismissed, seats, now)
    })
}

/// Reinstates a dismissed user (administrators), when a seat is free (rule 4). The account
/// knows the user by its person's logins of now again (`domain::known_logins`), unless a
/// pending invitation of the account holds one of them.
pub fn reinstate(
    db: &Database,
    actor: &AccountUser,
    limits: &Limits,
    id: UserId,
    access_expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    may_administer_account(actor)?;
    let (actor, plans) = (*actor, limits.plans.clone());
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let seats = account_by_id(conn, actor.account_id)?.seats(&plans);
        let user = user_by_id(conn, actor.account_id, id)?;
        let change = decide_reinstate(&actor, user.as_ref().map(UserRecord::subject), seats)?;
        let user = user.ok_or(DomainError::NotFound("user"))?;
        // Issue #30: an ended access needs a new end where a workgroup's maximum applies.
        let max_days = strictest(workgroups::maxima_of_member(conn, user.id)?);
        let end = reinstated_end(
            user.user_type,
            user.access_expires_at,
            access_expires_at,
            max_days,
            now,
        )?;
        if end != user.access_expires_at {
            users::set_access_end(conn, user.id, end, now)?;
        }
        let user = UserRecord {
            access_expires_at: end,
            dismissal: None,
            ..user
        };
        let logins_now = logins_of_locked(conn, user.identity_id)?;
        let pending = pending_for(conn, actor.account_id, &logins_now, now)?;
        let logins = decide_reinstated_logins(&logins_now, pending)?;
        make_way(conn, &[actor.account_id], user.identity_id, &logins)?;
        users::set_known_logins(conn, user.id, &logins)?;
        let user = UserRecord {
            email: logins.email,
            phone: logins.phone,
            ..user
        };
        set_status(conn, &actor, Some(user), UserStatus::Active, change, now)
    })
}

/// Rule 5: transfers an external user to the intranet (administrators). Memberships and
/// roles stay; the seat moves from `active_extranet` to `active_intranet`.
pub fn transfer_to_intranet(
    db: &Database,
    actor: &AccountUser,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    may_administer_account(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let user = user_by_id(conn, actor.account_id, id)?;
        let seats = decide_transfer_to_intranet(&actor, user.as_ref().map(UserRecord::subject))?;
        let user = user.ok_or(DomainError::NotFound("user"))?;
        users::set_intranet(conn, user.id, now)?;
        // An employee's access does not end (issue #30).
        users::set_access_end(conn, user.id, None, now)?;
        change_seats(conn, actor.account_id, seats)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::UserTransferredToIntranet,
                "user",
                user.id.key(),
                json!({"before": {"type": "extranet"}, "after": {"type": "intranet"}}),
                now,
            ),
        )?;
        Ok(UserRecord {
            user_type: UserType::Intranet,
            access_expires_at: None,
            ..user
        })
    })
}

/// What an administrator changes of a user (`PATCH /v1/users/{id}`): only what is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserChange {
    /// Make an active employee an administrator, or no longer one.
    pub is_admin: Option<bool>,
    /// The end of an active external user's access; `Some(None)`: no end (issue #30).
    pub access_expires_at: Option<Option<DateTime<Utc>>>,
}

/// Changes a user (administrators), all or nothing: the administrator flag (the last active
/// administrator stays one), the end of an external user's access (within the strictest
/// maximum of its workgroups).
pub fn change_user(
    db: &Database,
    actor: &AccountUser,
    id: UserId,
    change: UserChange,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    may_administer_account(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let mut user = user_by_id(conn, actor.account_id, id)?;
        if let Some(is_admin) = change.is_admin {
            user = Some(set_admin(conn, &actor, user, is_admin, now)?);
        }
        if let Some(end) = change.access_expires_at {
            user = Some(set_access_end(conn, &actor, user, end, now)?);
        }
        user.ok_or(DomainError::NotFound("user").into())
    })
}

fn set_admin(
    conn: &mut DbConnection,
    actor: &AccountUser,
    user: Option<UserRecord>,
    is_admin: bool,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    let admins = active_admins(conn, actor.account_id)?;
    let changes = decide_admin_change(
        actor,
        user.as_ref().map(UserRecord::subject),
        is_admin,
        admins,
    )?;
    let user = user.ok_or(DomainError::NotFound("user"))?;
    if !changes {
        return Ok(user);
    }
    users::set_admin(conn, user.id, is_admin, now)?;
    // Webhooks post on an administrator's behalf: theirs stop with their rights.
    switch_off_orphans(conn, actor.account_id, Owned::By(user.id), now)?;
    audit::record(
        conn,
        AuditEvent::by(
            actor,
            if is_admin {
                AuditAction::UserAdminGranted
            } else {
                AuditAction::UserAdminRevoked
            },
            "user",
            user.id.key(),
            json!({"before": {"is_admin": !is_admin}, "after": {"is_admin": is_admin}}),
            now,
        ),
    )?;
    Ok(UserRecord { is_admin, ..user })
}

/// Issue #30: sets, moves or clears the end of an active external user's access.
fn set_access_end(
    conn: &mut DbConnection,
    actor: &AccountUser,
    user: Option<UserRecord>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    let user = user.ok_or(DomainError::NotFound("user"))?;
    let max_days = strictest(workgroups::maxima_of_member(conn, user.id)?);
    let end = decide_access_change(&user.subject(), end, max_days, now)?;
    if end == user.access_expires_at {
        return Ok(user);
    }
    users::set_access_end(conn, user.id, end, now)?;
    audit::record(
        conn,
        AuditEvent::by(
            actor,
            AuditAction::UserAccessChanged,
            "user",
            user.id.key(),
            json!({
                "before": {"access_expires_at": user.access_expires_at},
                "after": {"access_expires_at": end},
            }),
            now,
        ),
    )?;
    Ok(UserRecord {
        access_expires_at: end,
        ..user
    })
}

/// The account's pending invitations whose logins are `logins` (rule 6).
fn pending_for(
    conn: &mut DbConnection,
    account: AccountId,
    logins: &ProfileLogins,
    now: DateTime<Utc>,
) -> Result<PendingForLogins, StoreError> {
    let mut pending_of = |login: &Option<String>| -> Result<Option<InvitationId>, StoreError> {
        let Some(login) = login else {
            return Ok(None);
        };
        invitations::pending_with_login(conn, account, login, now)?
            .map(|id| parse_id(&id))
            .transpose()
    };
    Ok(PendingForLogins {
        email: pending_of(&logins.email)?,
        phone: pending_of(&logins.phone)?,
    })
}

fn active_admins(conn: &mut DbConnection, account: AccountId) -> Result<u32, StoreError> {
    let admins = users::active_admins(conn, account)?;
    Ok(u32::try_from(admins).unwrap_or(u32::MAX))
}

/// Writes a decided dismissal or reinstatement: the status, the seat counters, the audit
/// event; returns the user as it is now.
fn set_status(
    conn: &mut DbConnection,
    actor: &AccountUser,
    user: Option<UserRecord>,
    status: UserStatus,
    seats: SeatChange,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    let user = user.ok_or(DomainError::NotFound("user"))?;
    users::set_status(conn, user.id, status, now)?;
    if status == UserStatus::Dismissed {
        // Like their API tokens, their webhooks stop at once: before the dismissal's own event
        // would go to them.
        switch_off_orphans(conn, actor.account_id, Owned::By(user.id), now)?;
    }
    change_seats(conn, actor.account_id, seats)?;
    let action = match status {
        UserStatus::Dismissed => AuditAction::UserDismissed,
        UserStatus::Active => AuditAction::UserReinstated,
    };
    audit::record(
        conn,
        AuditEvent::by(
            actor,
            action,
            "user",
            user.id.key(),
            json!({"type": user.user_type.as_str()}),
            now,
        ),
    )?;
    Ok(UserRecord { status, ..user })
}

/// The account's users the caller may see, newest first, as of `now` (an ended access shows,
/// and is filtered, as dismissed).
pub fn list_users(
    db: &Database,
    actor: &AccountUser,
    filter: &UserFilter,
    page: PageRequest<UserId>,
    now: DateTime<Utc>,
) -> Result<Page<UserRecord, UserId>, StoreError> {
    db.read(|conn| {
        let rows = users::page_of(conn, actor, filter, page.after, page.rows(), now)?;
        let rows = rows.into_iter().map(|u| u.as_of(now)).collect();
        Ok(into_page(rows, page.limit, |u| u.id))
    })
}
