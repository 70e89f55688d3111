//! The life of an invitation after it is sent: read and listed by the account's employees,
//! resent with a new token, revoked, and expired (rule 7). Every decision is the domain's.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::limits::Limits;
use crate::base::page::{into_page, like_pattern, lower, search_text, Page, PageRequest};
use crate::base::schema::invitations;
use crate::shared::audit::{self, AuditEvent};
use crate::shared::ledger::{accounts_with_overdue, change_seats, sweep_account};
use crate::shared::tx::{self, Sweep};
use crate::tables::accounts::account_by_id;
use crate::tables::invitations::{
    close, find_invitation, mark_resent, message_of, InvitationRecord, InvitationRow, IssuedToken,
};
use crate::tables::outbox::{self, InvitationNotice, Inviter};
use crate::tables::sending_counters;
use crate::tables::users::{login_states, names_of};
use crate::tables::workgroups::invitation_workgroup;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::access::{may_see_account_internals, AccountUser};
use domain::audit::AuditAction;
use domain::enums::{DeliveryState, InvitationStatus, UserType};
use domain::ids::{InvitationId, WorkgroupId};
use domain::invitation::{decide_resend, decide_revoke, LoginState, ResendContext};
use domain::sending::Sending;
use serde_json::json;
use uuid::Uuid;

/// One invitation; employees only.
pub fn get_invitation(
    db: &Database,
    actor: &AccountUser,
    id: InvitationId,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    may_see_account_internals(actor)?;
    db.read(|conn| find_invitation(conn, actor.account_id, id, now))
}

/// What an invitations list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct InvitationFilter {
    pub status: Option<InvitationStatus>,
    pub invitation_type: Option<UserType>,
    pub workgroup_id: Option<WorkgroupId>,
    /// Part of the login or a name, any case.
    pub q: Option<String>,
    /// What became of the invitation's current message.
    pub delivery: Option<DeliveryState>,
}

impl InvitationFilter {
    /// Whether the list may read every invitation of the account (a search, or the expired
    /// ones, which no index orders) rather than one page of an index.
    pub fn scans(&self) -> bool {
        search_text(self.q.as_deref()).is_some()
            || self.status == Some(InvitationStatus::Expired)
            || self.delivery.is_some()
    }
}

/// A search reads the account's invitations this many at a time, newest first, each slice in
/// a statement of its own: no read holds its snapshot for longer than a slice takes, so the
/// SQLite writer can start its WAL over between two slices instead of waiting for (or growing
/// behind) a search that reads a million rows.
const SEARCH_SLICE: i64 = 2048;

/// The account's invitations, newest first; employees only.
pub fn list_invitations(
    db: &Database,
    actor: &AccountUser,
    filter: &InvitationFilter,
    page: PageRequest<InvitationId>,
    now: DateTime<Utc>,
) -> Result<Page<InvitationRecord, InvitationId>, StoreError> {
    may_see_account_internals(actor)?;
    let account = actor.account_id.key();
    let q = search_text(filter.q.as_deref());
    let scans = filter.scans();
    let wanted = usize::try_from(page.rows()).unwrap_or(usize::MAX);
    let mut upper = page.after.map(|a| a.key());
    let mut rows: Vec<InvitationRow> = Vec::new();
    loop {
        // The oldest id of the next slice (none: the slice runs to the account's first).
        let floor: Option<String> = if scans {
            let mut ids = invitations::table
                .filter(invitations::account_id.eq(&account))
                .select(invitations::id)
                .into_boxed();
            if let Some(upper) = &upper {
                ids = ids.filter(invitations::id.lt(upper.clone()));
            }
            db.read(|conn| {
                Ok(ids
                    .order(invitations::id.desc())
                    .offset(SEARCH_SLICE - 1)
                    .limit(1)
                    .get_result(conn)
                    .optional()?)
            })?
        } else {
            None
        };
        let mut query = filtered(&account, filter, q, now);
        if let Some(upper) = &upper {
            query = query.filter(invitations::id.lt(upper.clone()));
        }
        if let Some(floor) = &floor {
            query = query.filter(invitations::id.ge(floor.clone()));
        }
        let left = i64::try_from(wanted - rows.len()).unwrap_or(i64::MAX);
        rows.extend(db.read(|conn| {
            Ok(query
                .order(invitations::id.desc())
                .limit(left)
                .select(InvitationRow::as_select())
                .load(conn)?)
        })?);
        match floor {
            Some(floor) if rows.len() < wanted => upper = Some(floor),
            _ => break,
        }
    }
    let rows = rows
        .into_iter()
        .map(|r| r.into_record(now))
        .collect::<Result<Vec<_>, _>>()?;
    let mut page = into_page(rows, page.limit, |i| i.id);
    if let Some(wanted) = filter.status {
        page.items.retain(|i| i.status == wanted);
    }
    Ok(page)
}

/// The account's invitations that `filter` (with its search `q`, trimmed) lets through.
fn filtered<'a>(
    account: &'a str,
    filter: &InvitationFilter,
    q: Option<&str>,
    now: DateTime<Utc>,
) -> invitations::BoxedQuery<'a, <DbConnection as Connection>::Backend> {
    let at = now.naive_utc();
    let mut query = invitations::table
        .filter(invitations::account_id.eq(account))
        .into_boxed();
    query = match filter.status {
        None => query,
        // Read by the (account, status, id) index; the few pending ones past their expiry
        // that the sweep has not marked yet are dropped from the page afterwards.
        Some(InvitationStatus::Pending) => {
            query.filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        }
        Some(InvitationStatus::Expired) => query.filter(
            invitations::status
                .eq(InvitationStatus::Expired.as_str())
                .or(invitations::status
                    .eq(InvitationStatus::Pending.as_str())
                    .and(invitations::expires_at.le(at))),
        ),
        Some(other) => query.filter(invitations::status.eq(other.as_str())),
    };
    if let Some(t) = filter.invitation_type {
        query = query.filter(invitations::invitation_type.eq(t.as_str()));
    }
    if let Some(d) = filter.delivery {
        query = query.filter(invitations::delivery_state.eq(d.as_str()));
    }
    if let Some(w) = filter.workgroup_id {
        query = query.filter(invitations::workgroup_id.eq(w.key()));
    }
    if let Some(q) = q {
        let p = like_pattern(q);
        query = query.filter(
            lower(invitations::login)
                .like(p.clone())
                .escape('\\')
                .or(lower(invitations::first_name).like(p.clone()).escape('\\'))
                .or(lower(invitations::last_name).like(p).escape('\\')),
        );
    }
    query
}

/// Sends an invitation again with a new token and expiry; the old link is dead.
pub fn resend(
    db: &Database,
    actor: &AccountUser,
    limits: &Limits,
    id: InvitationId,
    token: IssuedToken,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    may_see_account_internals(actor)?;
    let (actor, limits) = (*actor, limits.clone());
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let actor = &actor;
        let invitation = find_invitation(conn, actor.account_id, id, now)?;
        let account = account_by_id(conn, actor.account_id)?;
        let login = invitation.login()?;
        let group = invitation_workgroup(
            conn,
            actor.account_id,
            invitation.workgroup_id,
            actor.user_id,
        )?;
        let states = login_states(
            conn,
            actor.account_id,
            &[&login],
            invitation.workgroup_id,
            now,
        )?;
        let login_now = match states.first() {
            Some(LoginState::PendingInvitation(other)) if *other == invitation.id => {
                LoginState::Free
            }
            Some(state) => *state,
            None => LoginState::Free,
        };
        let plan = decide_resend(
            &ResendContext {
                actor,
                invitation: &invitation.facts(),
                login: &login,
                login_now,
                seats: account.seats(&limits.plans),
                settings: &account.settings,
                workgroup: group.as_ref().map(|(_, facts)| *facts),
                interval_seconds: limits.resend_interval_seconds,
            },
            now,
        )?;
        // The earlier message, if it has not left yet, would carry the dead link: withdrawn.
        if let Some(old) = message_of(conn, id)? {
            outbox::withdraw(conn, &old, now)?;
        }
        let message_id = Uuid::now_v7();
        mark_resent(
            conn,
            id,
            &token.hash,
            plan.expires_at,
            actor.user_id,
            message_id,
            now,
        )?;
        change_seats(conn, actor.account_id, plan.seats, now)?;
        let sending = Sending {
            channel: login.channel(),
            recipient: login.as_str(),
        };
        sending_counters::consume(
            conn,
            Some(actor.account_id),
            &[sending],
            &limits.quotas,
            now,
        )?;
        let inviter_name = names_of(conn, actor.user_id)?;
        let notice = InvitationNotice {
            inviter: &Inviter {
                account: &account,
                name: &inviter_name,
            },
            workgroup: group.as_ref().map(|(record, _)| record),
            invitation: &invitation,
            login: &login,
            sealed_token: &token.sealed,
            message_id,
        };
        outbox::enqueue(conn, &notice.message(), now)?;
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                AuditAction::InvitationResent,
                "invitation",
                id.key(),
                json!({"was": invitation.status.as_str()}),
                now,
            ),
        )?;
        find_invitation(conn, actor.account_id, id, now)
    })
}

/// Revokes an invitation; a pending one frees its seat.
pub fn revoke(
    db: &Database,
    actor: &AccountUser,
    id: InvitationId,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    may_see_account_internals(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let actor = &actor;
        let invitation = find_invitation(conn, actor.account_id, id, now)?;
        let seats = decide_revoke(actor, &invitation.facts(), now)?;
        close(conn, id, InvitationStatus::Revoked, None, now)?;
        change_seats(conn, actor.account_id, seats, now)?;
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                AuditAction::InvitationRevoked,
                "invitation",
                id.key(),
                json!({"was": invitation.status.as_str()}),
                now,
            ),
        )?;
        find_invitation(conn, actor.account_id, id, now)
    })
}

/// Expires overdue invitations of every account (the periodic sweep, rule 7); returns how many.
pub fn sweep_expired(db: &Database, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let accounts = db.read(|conn| accounts_with_overdue(conn, now))?;
    let mut total = 0;
    for account in accounts {
        total += tx::in_account(db, account, Sweep::No, now, move |conn| {
            sweep_account(conn, account, now)
        })?;
    }
    Ok(total)
}
