//! The life of an invitation after it is sent: read and listed by the account's employees,
//! resent with a new token, revoked, and expired (rule 7). Every decision is the domain's.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::limits::Limits;
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::ledger::{accounts_with_overdue, change_seats, sweep_account};
use crate::shared::sent_again::{self, SentAgain};
use crate::shared::tx::{self, Sweep};
pub use crate::tables::invitations::listing::InvitationFilter;
use crate::tables::invitations::listing::{listed, slice_floor};
use crate::tables::invitations::{
    close, find_invitation, mark_resent, message_of, set_approval, InvitationRecord, InvitationRow,
    IssuedToken,
};
use crate::tables::outbox::{self, InvitationNotice, Inviter};
use crate::tables::sending_counters;
use crate::tables::users::names_of;
use chrono::{DateTime, Utc};
use domain::access::{may_see_account_internals, AccountUser};
use domain::audit::AuditAction;
use domain::enums::{Approval, InvitationStatus};
use domain::ids::InvitationId;
use domain::invitation::{decide_resend, decide_revoke, ResendContext};
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
    let scans = filter.scans();
    let wanted = usize::try_from(page.rows()).unwrap_or(usize::MAX);
    let mut upper = page.after.map(|a| a.key());
    let mut rows: Vec<InvitationRow> = Vec::new();
    loop {
        // The oldest id of the next slice (none: the slice runs to the account's first).
        let floor: Option<String> = if scans {
            db.read(|conn| slice_floor(conn, &account, upper.as_deref(), SEARCH_SLICE))?
        } else {
            None
        };
        let left = i64::try_from(wanted - rows.len()).unwrap_or(i64::MAX);
        let (below, from) = (upper.as_deref(), floor.as_deref());
        rows.extend(db.read(|conn| listed(conn, &account, filter, below, from, left, now))?);
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

/// Sends an invitation again with a new token and expiry; the old link is dead. An expired one
/// resent by someone whose invitations wait for approval is held again instead: nothing sent.
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
        let SentAgain {
            invitation,
            account,
            login,
            group,
            login_now,
        } = sent_again::read(conn, actor, id, now)?;
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
        let message_id = (!plan.held).then(Uuid::now_v7);
        mark_resent(
            conn,
            id,
            &token.hash,
            plan.expires_at,
            actor.user_id,
            message_id,
            now,
        )?;
        change_seats(conn, actor.account_id, plan.seats)?;
        let Some(message_id) = message_id else {
            set_approval(conn, id, Some(Approval::Awaiting))?;
            audit::record(
                conn,
                AuditEvent::by(
                    actor,
                    AuditAction::InvitationApprovalRequested,
                    "invitation",
                    id.key(),
                    json!({"was": invitation.status.as_str()}),
                    now,
                ),
            )?;
            return find_invitation(conn, actor.account_id, id, now);
        };
        if invitation.held {
            // Sent by someone who needs no approval: it waits for none any more.
            set_approval(conn, id, Some(Approval::Approved))?;
        }
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
        change_seats(conn, actor.account_id, seats)?;
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
