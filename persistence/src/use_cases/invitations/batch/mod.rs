//! Inviting new people: a batch of invitations, all or nothing. Every decision is the domain's
//! (`decide_batch`); this module loads what it needs, and writes the invitations, membership
//! invitations of existing external users, messages, seat counters and audit events in one
//! transaction of the account. A batch that skips writes what can be written; `rows` says what
//! became of each row.

mod rows;

use crate::base::db::{Database, DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::limits::Limits;
use crate::shared::audit::{self, AuditEvent};
use crate::shared::ledger::{account_now, reserve_and_count, sweep_account};
use crate::shared::membership_invitation::MembershipInvitation;
use crate::shared::new_workgroup;
use crate::shared::tx;
use crate::tables::accounts::{account_by_id, account_unless_overdue, AccountRecord};
use crate::tables::idempotency_keys::{self, IdempotencyKey, Idempotent};
use crate::tables::invitations::{
    insert_invitations, DeliveryRecord, InvitationRecord, IssuedToken, NewInvitation,
};
use crate::tables::outbox::{self, InvitationNotice, Inviter, NewMessage};
use crate::tables::sending_counters;
use crate::tables::users::{login_states, names_of, Pending};
use crate::tables::workgroups::{find_with_facts, WorkgroupRecord};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::enums::{InvitationStatus, MembershipStatus, Role};
use domain::ids::{InvitationId, UserId, WorkgroupId};
use domain::invitation::{
    decide_batch, expiry, may_send_batch, Batch, BatchContext, BatchDelivery, BatchPlan, Invitee,
    LoginState, Outcome, Target, WorkgroupFacts,
};
use domain::login::Login;
use domain::sending::Sending;
use domain::DomainError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// What one row of a batch became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchRow {
    Invited(Box<InvitationRecord>),
    WorkgroupInvitation {
        workgroup_id: WorkgroupId,
        user_id: UserId,
    },
    /// Not invited (a batch that skips): the row's problem.
    Skipped {
        code: String,
        detail: String,
        /// The pending invitation (elsewhere) the login collides with.
        invitation_id: Option<InvitationId>,
    },
    /// The login's pending invitation into the same place, made before (a batch that skips).
    AlreadyInvited(Box<InvitationRecord>),
}

/// What a batch did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    pub dry_run: bool,
    /// The workgroup the batch created, if it created one.
    pub created_workgroup: Option<WorkgroupRecord>,
    /// One per row of the request, in its order.
    pub rows: Vec<BatchRow>,
    /// `delivery: none`: the sealed token of each created invitation, by row — for its
    /// caller's answer (and replay) only, where the API opens it into the link.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub links: BTreeMap<usize, String>,
}

/// A batch to send, with one fresh token per invitee.
#[derive(Debug, Clone)]
pub struct NewInvitations {
    pub batch: Batch,
    pub tokens: Vec<IssuedToken>,
}

/// Everything a batch is decided on, read at one moment.
struct Loaded {
    account: AccountRecord,
    group: Option<WorkgroupRecord>,
    context_group: Option<WorkgroupFacts>,
    logins: Vec<LoginState>,
    /// The inviter's name as messages show it, when read with the account.
    inviter_name: Option<String>,
}

/// Everything else a batch is decided on, for `account` as the caller read it.
fn load_batch(
    conn: &mut DbConnection,
    actor: &AccountUser,
    batch: &Batch,
    account: AccountRecord,
    pending: Pending,
    now: DateTime<Utc>,
) -> Result<Loaded, StoreError> {
    let (group, context_group) = match batch.target {
        Target::Existing(id) => find_with_facts(conn, actor.account_id, id, actor.user_id)?
            .map_or((None, None), |(g, facts)| (Some(g), Some(facts))),
        _ => (None, None),
    };
    let logins: Vec<&Login> = batch.invitees.iter().map(|i| &i.login).collect();
    let logins = login_states(
        conn,
        actor.account_id,
        &logins,
        group.as_ref().map(|g| g.id),
        pending,
        now,
    )?;
    Ok(Loaded {
        account,
        group,
        context_group,
        logins,
        inviter_name: None,
    })
}

fn decide(
    actor: &AccountUser,
    limits: &Limits,
    batch: &Batch,
    loaded: &Loaded,
    now: DateTime<Utc>,
) -> Result<BatchPlan, StoreError> {
    let ctx = BatchContext {
        inviter: actor,
        settings: &loaded.account.settings,
        seats: loaded.account.seats(&limits.plans),
        workgroup: loaded.context_group,
        logins: loaded.logins.clone(),
        now,
    };
    Ok(decide_batch(batch, &ctx)?)
}

/// Decides a batch and answers as if it were created, writing and sending nothing (a dry run):
/// the rows carry ids that will not exist.
pub fn preview_batch(
    db: &Database,
    actor: &AccountUser,
    limits: &Limits,
    batch: &Batch,
    now: DateTime<Utc>,
) -> Result<BatchResult, StoreError> {
    db.read_snapshot(|conn| {
        let account = account_now(conn, actor.account_id, now)?;
        let loaded = load_batch(conn, actor, batch, account, Pending::Read, now)?;
        let plan = decide(actor, limits, batch, &loaded, now)?;
        let sendings = batch_sendings(batch, &plan);
        sending_counters::check(conn, Some(actor.account_id), &sendings, &limits.quotas, now)?;
        let expires_at = expiry(now, &loaded.account.settings);
        let created_workgroup = match &batch.target {
            Target::New(new) => Some(WorkgroupRecord {
                id: WorkgroupId(Uuid::now_v7()),
                account_id: actor.account_id,
                name: new.name.as_str().to_owned(),
                kind: new.kind,
                description: new.description.clone(),
                allow_external: new.allow_external,
                invite_policy: new.invite_policy,
                max_external_access_days: new.max_external_access_days,
                created_by: actor.user_id,
                created_at: now,
                updated_at: now,
            }),
            _ => None,
        };
        let group = created_workgroup.as_ref().or(loaded.group.as_ref());
        let pending = rows::pending_of(conn, actor.account_id, &plan.outcomes, now)?;
        let made = batch
            .invitees
            .iter()
            .zip(plan.outcomes.iter().zip(&plan.access_ends))
            .map(|(invitee, (outcome, end))| match outcome {
                Outcome::Invited => BatchRow::Invited(Box::new(new_record(
                    actor,
                    batch,
                    invitee,
                    group.map(|g| g.id),
                    (expires_at, plan.held, *end),
                    now,
                ))),
                Outcome::WorkgroupInvitation { user_id, .. } => BatchRow::WorkgroupInvitation {
                    workgroup_id: group.map_or(WorkgroupId(Uuid::nil()), |g| g.id),
                    user_id: *user_id,
                },
                Outcome::Skipped(problem) => rows::skipped(batch, problem, &pending),
            })
            .collect();
        Ok(BatchResult {
            dry_run: true,
            created_workgroup,
            rows: rows::in_request_order(batch, made),
            links: BTreeMap::new(),
        })
    })
}

/// Creates a batch of invitations, all or nothing.
///
/// First without the account's lock: everything is read and decided, the rows are written,
/// and only then the seats are reserved with one conditional statement (`ledger::
/// reserve_and_count`, with the messages counted), which takes the account's lock for the
/// last statement of the transaction and its commit. Concurrent batches of one account thus
/// overlap instead of queueing behind a lock held for the whole transaction. When something
/// moved meanwhile (the seats; the plan, settings, webhooks, a person's login or the
/// workgroup, whose writes bump the account's version; a login another batch just invited),
/// the transaction rolls back and runs again the old way, the account locked from its start:
/// the answer is always the one a serial run would give.
pub fn create_batch(
    db: &Database,
    actor: AccountUser,
    limits: &Limits,
    new: NewInvitations,
    now: DateTime<Utc>,
    key: Option<IdempotencyKey>,
) -> Result<Idempotent<BatchResult>, StoreError> {
    let order = Arc::new((limits.clone(), new, key));
    let attempt = |locked: Locked| {
        let order = order.clone();
        db.write(move |conn| {
            let (limits, new, key) = &*order;
            write_attempt(conn, &actor, limits, new, key.as_ref(), locked, now)
        })
    };
    // SQLite's one writer runs each transaction alone: locked from the start, for free.
    if !db.writes_overlap() {
        return attempt(Locked::FromTheStart);
    }
    match attempt(Locked::Late) {
        Err(e) if e.is_contended() => {
            tracing::debug!(error = %e, "a batch met a concurrent write; running it again locked");
            attempt(Locked::FromTheStart)
        }
        done => done,
    }
}

/// When a batch's transaction takes the account's lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Locked {
    /// With the seat reservation, near its end; undone when anything it decided on moved.
    Late,
    /// Before anything is read, so nothing can move.
    FromTheStart,
}

fn write_attempt(
    conn: &mut DbConnection,
    actor: &AccountUser,
    limits: &Limits,
    new: &NewInvitations,
    key: Option<&IdempotencyKey>,
    locked: Locked,
    now: DateTime<Utc>,
) -> Result<Idempotent<BatchResult>, StoreError> {
    let batch = &new.batch;
    let (account, inviter_name) = match locked {
        Locked::FromTheStart => {
            tx::lock_account(conn, actor.account_id)?;
            sweep_account(conn, actor.account_id, now)?;
            (account_by_id(conn, actor.account_id)?, None)
        }
        Locked::Late => {
            match account_unless_overdue(conn, actor.account_id, actor.user_id, now)? {
                Some((account, name)) => (account, Some(name)),
                // Expiring invitations changes the seat counters: that is done under the lock.
                None => return Err(StoreError::Contended("overdue invitations to expire first")),
            }
        }
    };
    // On PostgreSQL's first attempt, unlocked, what a unique index refuses anyway is not read:
    // a login's pending invitation (`invitations_pending_login`; the account has no overdue
    // ones) and the caller's stored outcome (the key's primary key). Either refuses the chained
    // insert, and the write runs again, locked, reading both; so does a refusal of the invitees
    // or any refusal of a request with a key, decided without them.
    let optimistic = locked == Locked::Late;
    let pending = if optimistic {
        Pending::LeftToTheIndex
    } else {
        Pending::Read
    };
    let loaded = Loaded {
        inviter_name,
        ..load_batch(conn, actor, batch, account, pending, now)?
    };
    // Authorization comes first, before any replay of a stored answer.
    may_send_batch(actor, &loaded.account.settings, batch, loaded.context_group)?;
    let caller = idempotency_keys::caller_of(actor);
    if let (Some(key), false) = (key, optimistic) {
        if let Some(outcome) = idempotency_keys::replay(conn, &caller, key)? {
            return Ok(Idempotent {
                outcome,
                replayed: true,
            });
        }
    }
    let plan = match decide(actor, limits, batch, &loaded, now) {
        Err(StoreError::Domain(e))
            if optimistic
                && (key.is_some()
                    || matches!(
                        e,
                        DomainError::InviteeConflicts(_) | DomainError::BatchRefused { .. }
                    )) =>
        {
            return Err(StoreError::Contended(
                "a refusal decided without every fact",
            ));
        }
        decided => decided?,
    };
    let remembered = key.map(|key| (caller.as_str(), key));
    let outcome = write_batch(
        conn,
        actor,
        batch,
        &loaded,
        &plan,
        &new.tokens,
        remembered,
        now,
    )?;
    let limit = limits.plans.limit_of(&loaded.account.plan);
    let seats = plan.seats_needed;
    let sendings = batch_sendings(batch, &plan);
    let Some(counted) = reserve_and_count(
        conn,
        &loaded.account,
        limit,
        seats,
        &sendings,
        &limits.quotas,
        now,
    )?
    else {
        return Err(StoreError::Contended("the seats, plan or settings moved"));
    };
    counted.judge(&limits.quotas, now)?;
    Ok(Idempotent {
        outcome,
        replayed: false,
    })
}

/// The messages a decided batch sends: one per invitee, but none to an external user already
/// asked into the workgroup, nor to a new person while the invitation awaits approval.
fn batch_sendings<'a>(batch: &'a Batch, plan: &BatchPlan) -> Vec<Sending<'a>> {
    if batch.delivery == BatchDelivery::None {
        return Vec::new();
    }
    batch
        .invitees
        .iter()
        .zip(&plan.outcomes)
        .filter(|(_, o)| match o {
            Outcome::Invited => !plan.held,
            Outcome::WorkgroupInvitation {
                already_invited, ..
            } => !already_invited,
            Outcome::Skipped(_) => false,
        })
        .map(|(invitee, _)| Sending {
            channel: invitee.login.channel(),
            recipient: invitee.login.as_str(),
        })
        .collect()
}

/// A new invitation as it is written (and read back later: times at the microsecond, as the
/// databases keep them), until `expires_at`; `held` for approval, it is sent to nobody yet.
fn new_record(
    actor: &AccountUser,
    batch: &Batch,
    invitee: &Invitee,
    workgroup_id: Option<WorkgroupId>,
    (expires_at, held, access_expires_at): (DateTime<Utc>, bool, Option<DateTime<Utc>>),
    now: DateTime<Utc>,
) -> InvitationRecord {
    InvitationRecord {
        id: InvitationId(Uuid::now_v7()),
        account_id: actor.account_id,
        invitation_type: batch.invitation_type,
        status: if held {
            InvitationStatus::AwaitingApproval
        } else {
            InvitationStatus::Pending
        },
        held,
        email: invitee.login.email().map(|e| e.as_str().to_owned()),
        phone: invitee.login.phone().map(|p| p.as_str().to_owned()),
        first_name: invitee.first_name.as_str().to_owned(),
        last_name: invitee.last_name.as_str().to_owned(),
        workgroup_id,
        message: batch.message.clone(),
        invited_by: actor.user_id,
        expires_at,
        sent_count: u32::from(!held),
        last_sent_at: now,
        accepted_user_id: None,
        created_at: now,
        sent_by: actor.user_id,
        delivery: (batch.delivery == BatchDelivery::Send && !held).then(DeliveryRecord::queued),
        locale: invitee.locale,
        access_expires_at,
    }
}

/// Writes a decided batch's rows: the workgroup it creates, the invitations with their
/// messages (none while held for approval) and audit events (chained on PostgreSQL, with the
/// outcome stored under the caller's key when `remembered`), and membership invitations of
/// existing external users. Seats are the caller's to reserve.
#[allow(clippy::too_many_arguments)]
fn write_batch(
    conn: &mut DbConnection,
    actor: &AccountUser,
    batch: &Batch,
    loaded: &Loaded,
    plan: &BatchPlan,
    tokens: &[IssuedToken],
    remembered: Option<(&str, &IdempotencyKey)>,
    now: DateTime<Utc>,
) -> Result<BatchResult, StoreError> {
    // As the databases keep it, so that the answer equals what is read back later.
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let created_workgroup = match &batch.target {
        Target::New(new) => Some(new_workgroup::create(conn, actor, new, now)?),
        _ => None,
    };
    let group = created_workgroup.as_ref().or(loaded.group.as_ref());
    let inviter_name = match &loaded.inviter_name {
        Some(name) => name.clone(),
        None => names_of(conn, actor.user_id)?,
    };
    let inviter = Inviter {
        account: &loaded.account,
        name: &inviter_name,
    };
    let expires_at = expiry(now, &loaded.account.settings);
    // Invitations, their messages and audit events are written after the loop, one
    // multi-row statement each: round trips do not grow with the batch.
    let mut invited: Vec<(InvitationRecord, &Invitee, &IssuedToken)> = Vec::new();
    let (outcomes, held) = (&plan.outcomes, plan.held);
    let mut rows: Vec<BatchRow> = Vec::with_capacity(outcomes.len());
    let mut links = BTreeMap::new();
    let sends = batch.delivery == BatchDelivery::Send;
    let pending = rows::pending_of(conn, actor.account_id, outcomes, now)?;
    for (i, (invitee, outcome)) in batch.invitees.iter().zip(outcomes).enumerate() {
        match outcome {
            Outcome::Invited => {
                let token = tokens
                    .get(i)
                    .ok_or_else(|| StoreError::Corrupt("a token per invitee is needed".into()))?;
                let group_id = group.map(|g| g.id);
                let end = plan.access_ends.get(i).copied().flatten();
                let record = new_record(
                    actor,
                    batch,
                    invitee,
                    group_id,
                    (expires_at, held, end),
                    now,
                );
                rows.push(BatchRow::Invited(Box::new(record.clone())));
                // A held invitation's token opens nothing and is replaced when it is approved:
                // no link is handed over for it.
                if !sends && !held {
                    links.insert(invitee.index, token.sealed.clone());
                }
                invited.push((record, invitee, token));
            }
            Outcome::WorkgroupInvitation {
                user_id,
                already_invited,
            } => {
                let group = group.ok_or(DomainError::NotFound("workgroup"))?;
                if !already_invited {
                    let asked = MembershipInvitation {
                        actor,
                        group,
                        user: *user_id,
                        role: Role::Member,
                        status: MembershipStatus::Invited,
                    };
                    let address = (&inviter, invitee.login.channel(), invitee.login.as_str());
                    asked.write(conn, sends.then_some(address), now)?;
                }
                rows.push(BatchRow::WorkgroupInvitation {
                    workgroup_id: group.id,
                    user_id: *user_id,
                });
            }
            Outcome::Skipped(problem) => rows.push(rows::skipped(batch, problem, &pending)),
        }
    }
    // Held for approval: the token is sent to nobody, and replaced when it is approved.
    let messages: Vec<NewMessage> = invited
        .iter()
        .filter(|_| sends && !held)
        .map(|(record, invitee, token)| {
            InvitationNotice {
                inviter: &inviter,
                workgroup: group,
                invitation: record,
                login: &invitee.login,
                sealed_token: &token.sealed,
                message_id: Uuid::now_v7(),
            }
            .message()
        })
        .collect();
    let new: Vec<NewInvitation<'_>> = invited
        .iter()
        .enumerate()
        .map(|(i, (record, invitee, token))| NewInvitation {
            record,
            login: &invitee.login,
            token_hash: &token.hash,
            message_id: messages.get(i).map(|m| m.id),
        })
        .collect();
    let action = if held {
        AuditAction::InvitationApprovalRequested
    } else {
        AuditAction::InvitationCreated
    };
    let events: Vec<AuditEvent<'_>> = invited
        .iter()
        .map(|(record, invitee, _)| {
            AuditEvent::by(
                actor,
                action,
                "invitation",
                record.id.key(),
                json!({
                    "type": batch.invitation_type.as_str(),
                    "login": invitee.login.as_str(),
                    "workgroup_id": group.map(|g| g.id.key()),
                    // `none`: the link was handed to the caller (never the link itself).
                    "delivery": batch.delivery.as_str(),
                }),
                now,
            )
        })
        .collect();
    let outcome = BatchResult {
        dry_run: false,
        created_workgroup,
        rows: rows::in_request_order(batch, rows),
        links,
    };
    let mut writes = Writes::on(conn);
    insert_invitations(&mut writes, &new)?;
    outbox::enqueue_all_into(&mut writes, &messages, now)?;
    let ids = audit::write_all(&mut writes, &events)?;
    if let Some((caller, key)) = remembered {
        idempotency_keys::remember_into(&mut writes, caller, key, &outcome, now)?;
    }
    writes.run()?;
    let webhooks = if loaded.account.active_webhooks == 0 {
        audit::Webhooks::NoneActive
    } else {
        audit::Webhooks::Ask
    };
    audit::tell_webhooks(conn, &ids, &events, webhooks)?;
    Ok(outcome)
}
