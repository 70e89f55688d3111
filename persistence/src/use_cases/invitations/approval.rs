//! Approving invitations (rule 3 with `who_can_invite: employees_with_approval`, issue #29):
//! an administrator approves an employee's held invitation — it is sent then, under a token
//! issued now (the one written when it was held was sent to nobody) — or rejects it, which
//! frees its seat. Either way the employee who invited is told, in their language. Every
//! decision is the domain's (`decide_approve`, `decide_reject`).

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::limits::Limits;
use crate::shared::audit::{self, AuditEvent};
use crate::shared::ledger::change_seats;
use crate::shared::sent_again::{self, SentAgain};
use crate::shared::tx::{self, Sweep};
use crate::tables::accounts::{account_by_id, AccountRecord};
use crate::tables::invitations::{
    close, find_invitation, mark_resent, set_approval, InvitationRecord, IssuedToken,
};
use crate::tables::outbox::{self, InvitationNotice, Inviter, NewMessage};
use crate::tables::sending_counters;
use crate::tables::users::{chosen_locale, names_of, user_by_id};
use chrono::{DateTime, Utc};
use domain::access::{may_see_account_internals, AccountUser};
use domain::audit::AuditAction;
use domain::enums::{Approval, Channel, InvitationStatus, UserStatus};
use domain::ids::InvitationId;
use domain::invitation::{decide_approve, decide_reject, ApproveContext};
use domain::locale;
use domain::sending::Sending;
use serde_json::json;
use uuid::Uuid;

/// Approves a held invitation: it is sent now, by the approver, under `token`, valid for the
/// account's lifetime of invitations from now; one that expired while it waited takes a seat
/// again. The inviter is told.
pub fn approve(
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
        let plan = decide_approve(
            &ApproveContext {
                actor,
                invitation: &invitation.facts(),
                login: &login,
                login_now,
                seats: account.seats(&limits.plans),
                settings: &account.settings,
                workgroup: group.as_ref().map(|(_, facts)| *facts),
            },
            now,
        )?;
        let message_id = Uuid::now_v7();
        mark_resent(
            conn,
            id,
            &token.hash,
            plan.expires_at,
            actor.user_id,
            Some(message_id),
            now,
        )?;
        set_approval(conn, id, Some(Approval::Approved))?;
        change_seats(conn, actor.account_id, plan.seats)?;
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
        // The message comes from the employee who invited the person, whom they know.
        let inviter_name = names_of(conn, invitation.invited_by)?;
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
        tell_inviter(conn, actor, &account, &invitation, true, now)?;
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                AuditAction::InvitationApproved,
                "invitation",
                id.key(),
                json!({"was": invitation.status.as_str()}),
                now,
            ),
        )?;
        find_invitation(conn, actor.account_id, id, now)
    })
}

/// Rejects a held invitation: `rejected`, its seat free (if it still held one), nothing sent.
/// The inviter is told.
pub fn reject(
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
        let seats = decide_reject(actor, &invitation.facts(), now)?;
        close(conn, id, InvitationStatus::Rejected, None, now)?;
        change_seats(conn, actor.account_id, seats)?;
        let account = account_by_id(conn, actor.account_id)?;
        tell_inviter(conn, actor, &account, &invitation, false, now)?;
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                AuditAction::InvitationRejected,
                "invitation",
                id.key(),
                json!({"was": invitation.status.as_str()}),
                now,
            ),
        )?;
        find_invitation(conn, actor.account_id, id, now)
    })
}

/// Tells the employee who sent `invitation` what `approver` decided about it: a message to
/// their email (else phone), in their language (else the account's). Nobody is told of their
/// own decision, and a dismissed inviter is told nothing.
fn tell_inviter(
    conn: &mut DbConnection,
    approver: &AccountUser,
    account: &AccountRecord,
    invitation: &InvitationRecord,
    approved: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if invitation.invited_by == approver.user_id {
        return Ok(());
    }
    let Some(inviter) = user_by_id(conn, account.id, invitation.invited_by)? else {
        return Ok(());
    };
    let address = match (&inviter.email, &inviter.phone) {
        (Some(email), _) => (Channel::Email, email.clone()),
        (None, Some(phone)) => (Channel::Sms, phone.clone()),
        (None, None) => return Ok(()),
    };
    if inviter.status != UserStatus::Active {
        return Ok(());
    }
    let locale = locale::for_person(
        chosen_locale(conn, inviter.id)?,
        Some(account.settings.locale),
        None,
    );
    let login = invitation.login()?;
    let message = NewMessage {
        id: Uuid::now_v7(),
        account_id: Some(account.id),
        channel: address.0,
        recipient: address.1,
        payload: json!({
            "kind": "approval_decision",
            "locale": locale,
            "approved": approved,
            "account_name": account.name,
            "approver_name": names_of(conn, approver.user_id)?,
            "invitee": format!("{} {} ({login})", invitation.first_name, invitation.last_name),
        }),
    };
    outbox::enqueue(conn, &message, now)
}
