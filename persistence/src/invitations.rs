//! Invitations of new people: the batch, its lifecycle (resend, revoke, expiry), and the
//! invitee's side (lookup, accept, decline). Every decision is the domain's; this module
//! loads what the decisions need and writes what they decide, with the seat counters, the
//! outbox message and the audit event in the same transaction.

use crate::accounts::account_row;
use crate::audit::{self, AuditEvent};
use crate::db::{lock_account, Database, DbConnection};
use crate::error::StoreError;
use crate::idempotency::{self, IdempotencyKey, StoredResponse};
use crate::outbox::{self, NewMessage};
use crate::quotas;
use crate::records::{
    into_page, parse_id, parse_word, utc, AccountRecord, Page, PageRequest, UserRecord,
};
use crate::schema::{accounts, identities, invitations, memberships, users, workgroups};
use crate::users::{like_pattern, lower, user_by_id};
use crate::workgroups::{
    insert_membership, insert_workgroup, standing, workgroup_row, WorkgroupRecord,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::{may_see_account_internals, AccountUser};
use domain::enums::{
    Channel, InvitationStatus, MembershipStatus, Role, UserStatus, UserType, WorkgroupKind,
};
use domain::ids::{AccountId, IdentityId, InvitationId, UserId, WorkgroupId};
use domain::invitation::{
    decide_accept, decide_batch, decide_decline, decide_resend, decide_revoke, effective_status,
    expiry, may_send_batch, require_open, AcceptContext, AcceptProfile, Batch, BatchContext,
    InvitationFacts, Invitee, LoginState, Outcome, ResendContext, SeatChange, Target,
    WorkgroupFacts,
};
use domain::login::{Email, Login, Phone};
use domain::plan::Plans;
use domain::sending::{Sending, SendingQuotas};
use domain::sign_up::ExistingProfile;
use domain::DomainError;
use serde_json::json;
use uuid::Uuid;

/// A fresh invitation token, as the storage may keep it: its SHA-256 (to find the invitation
/// by) and the token sealed for the outbox (to put in the message). Never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub hash: String,
    pub sealed: String,
}

/// An invitation as clients see it (its status is the effective one: a pending invitation
/// past its expiry is `expired`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub id: InvitationId,
    pub account_id: AccountId,
    pub invitation_type: UserType,
    pub status: InvitationStatus,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub workgroup_id: Option<WorkgroupId>,
    pub message: Option<String>,
    pub invited_by: UserId,
    pub expires_at: DateTime<Utc>,
    pub sent_count: u32,
    pub last_sent_at: DateTime<Utc>,
    pub accepted_user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// Who sent it last: its inviter, or whoever resent it since.
    pub sent_by: UserId,
}

impl InvitationRecord {
    fn facts(&self) -> InvitationFacts {
        InvitationFacts {
            id: self.id,
            invitation_type: self.invitation_type,
            status: self.status,
            expires_at: self.expires_at,
            last_sent_at: self.last_sent_at,
            invited_by: self.invited_by,
        }
    }

    fn login(&self) -> Result<Login, StoreError> {
        let parsed = match (&self.email, &self.phone) {
            (Some(e), _) => Email::parse(e).map(Login::Email),
            (None, Some(p)) => Phone::parse(p).map(Login::Phone),
            (None, None) => {
                return Err(StoreError::Corrupt("an invitation without a login".into()))
            }
        };
        parsed.map_err(|e| StoreError::Corrupt(e.message))
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invitations)]
struct InvitationRow {
    id: String,
    account_id: String,
    invitation_type: String,
    status: String,
    email: Option<String>,
    phone: Option<String>,
    first_name: String,
    last_name: String,
    workgroup_id: Option<String>,
    message: Option<String>,
    invited_by: String,
    expires_at: NaiveDateTime,
    sent_count: i32,
    last_sent_at: NaiveDateTime,
    accepted_user_id: Option<String>,
    created_at: NaiveDateTime,
    sent_by: Option<String>,
}

impl InvitationRow {
    fn into_record(self, now: DateTime<Utc>) -> Result<InvitationRecord, StoreError> {
        let stored = parse_word(&self.status, InvitationStatus::parse)?;
        let expires_at = utc(self.expires_at);
        let invited_by: UserId = parse_id(&self.invited_by)?;
        Ok(InvitationRecord {
            sent_by: self
                .sent_by
                .as_deref()
                .map(parse_id)
                .transpose()?
                .unwrap_or(invited_by),
            id: parse_id(&self.id)?,
            account_id: parse_id(&self.account_id)?,
            invitation_type: parse_word(&self.invitation_type, UserType::parse)?,
            status: effective_status(stored, expires_at, now),
            email: self.email,
            phone: self.phone,
            first_name: self.first_name,
            last_name: self.last_name,
            workgroup_id: self.workgroup_id.as_deref().map(parse_id).transpose()?,
            message: self.message,
            invited_by,
            expires_at,
            sent_count: u32::try_from(self.sent_count).unwrap_or(0),
            last_sent_at: utc(self.last_sent_at),
            accepted_user_id: self.accepted_user_id.as_deref().map(parse_id).transpose()?,
            created_at: utc(self.created_at),
        })
    }
}

pub(crate) fn change_seats(
    conn: &mut DbConnection,
    account_id: &str,
    change: SeatChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if change == SeatChange::default() {
        return Ok(());
    }
    diesel::update(accounts::table.find(account_id))
        .set((
            accounts::pending_invitations.eq(accounts::pending_invitations + change.pending),
            accounts::active_intranet.eq(accounts::active_intranet + change.active_intranet),
            accounts::active_extranet.eq(accounts::active_extranet + change.active_extranet),
            accounts::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Rule 7: pending invitations past their expiry become `expired` and free their seats.
/// Runs at the start of every write that counts seats, so counters are exact when decided on.
pub(crate) fn sweep_account(
    conn: &mut DbConnection,
    account_id: &str,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let at = now.naive_utc();
    let overdue: Vec<String> = invitations::table
        .filter(invitations::account_id.eq(account_id))
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.le(at))
        .select(invitations::id)
        .load(conn)?;
    if overdue.is_empty() {
        return Ok(0);
    }
    diesel::update(invitations::table.filter(invitations::id.eq_any(&overdue)))
        .set((
            invitations::status.eq(InvitationStatus::Expired.as_str()),
            invitations::closed_at.eq(Some(at)),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)?;
    let n = i32::try_from(overdue.len()).unwrap_or(i32::MAX);
    change_seats(
        conn,
        account_id,
        SeatChange {
            pending: -n,
            ..SeatChange::default()
        },
        now,
    )?;
    let account: AccountId = parse_id(account_id)?;
    for id in overdue {
        audit::record(
            conn,
            AuditEvent {
                account_id: Some(account),
                actor_user_id: None,
                actor_identity_id: None,
                action: "invitation.expired",
                subject_type: "invitation",
                subject_id: id,
                details: json!({}),
                at: now,
            },
        )?;
    }
    Ok(u32::try_from(n).unwrap_or(0))
}

/// The account with its seat counters as of `now`: pending invitations past their expiry hold
/// no seat, whether or not the sweep has marked them yet.
pub(crate) fn account_now(
    conn: &mut DbConnection,
    account_id: &str,
    now: DateTime<Utc>,
) -> Result<AccountRecord, StoreError> {
    let mut account = account_row(conn, account_id)?;
    let overdue: i64 = invitations::table
        .filter(invitations::account_id.eq(account_id))
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.le(now.naive_utc()))
        .count()
        .get_result(conn)?;
    account.pending_invitations = account
        .pending_invitations
        .saturating_sub(u32::try_from(overdue).unwrap_or(0));
    Ok(account)
}

/// Expires overdue invitations of every account (the periodic sweep); returns how many.
pub fn sweep_expired(db: &Database, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let accounts: Vec<String> = db.read(|conn| {
        Ok(invitations::table
            .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
            .filter(invitations::expires_at.le(now.naive_utc()))
            .select(invitations::account_id)
            .distinct()
            .load(conn)?)
    })?;
    let mut total = 0;
    for account in accounts {
        let account = account.clone();
        total += db.write(move |conn| {
            lock_account(conn, &account)?;
            sweep_account(conn, &account, now)
        })?;
    }
    Ok(total)
}

/// Who holds each login in the account (rule 6). One login at a time, with queries whose
/// prepared statements are cached: cheaper in the writer than fewer, ad-hoc `IN (…)` ones.
fn login_states(
    conn: &mut DbConnection,
    account_id: &str,
    logins: &[&Login],
    workgroup: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<LoginState>, StoreError> {
    logins
        .iter()
        .map(|login| login_state(conn, account_id, login, workgroup, now))
        .collect()
}

fn login_state(
    conn: &mut DbConnection,
    account_id: &str,
    login: &Login,
    workgroup: Option<&str>,
    now: DateTime<Utc>,
) -> Result<LoginState, StoreError> {
    let holders = users::table
        .inner_join(identities::table)
        .filter(users::account_id.eq(account_id))
        .select((users::id, users::user_type, users::status));
    let holder: Option<(String, String, String)> = match login {
        Login::Email(e) => holders
            .filter(identities::email.eq(e.as_str()))
            .first(conn)
            .optional()?,
        Login::Phone(p) => holders
            .filter(identities::phone.eq(p.as_str()))
            .first(conn)
            .optional()?,
    };
    if let Some((user_id, user_type, status)) = holder {
        return Ok(
            match (
                parse_word(&status, UserStatus::parse)?,
                parse_word(&user_type, UserType::parse)?,
            ) {
                (UserStatus::Dismissed, _) => LoginState::DismissedUser,
                (UserStatus::Active, UserType::Intranet) => LoginState::ActiveIntranetUser,
                (UserStatus::Active, UserType::Extranet) => {
                    let membership = match workgroup {
                        Some(group) => memberships::table
                            .find((group, user_id.as_str()))
                            .select(memberships::status)
                            .first::<String>(conn)
                            .optional()?
                            .map(|s| parse_word(&s, MembershipStatus::parse))
                            .transpose()?,
                        None => None,
                    };
                    LoginState::ActiveExtranetUser {
                        user_id: parse_id(&user_id)?,
                        membership,
                    }
                }
            },
        );
    }
    let pending: Option<String> = invitations::table
        .filter(invitations::account_id.eq(account_id))
        .filter(invitations::login.eq(login.as_str()))
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitations::expires_at.gt(now.naive_utc()))
        .select(invitations::id)
        .first(conn)
        .optional()?;
    match pending {
        Some(id) => Ok(LoginState::PendingInvitation(parse_id(&id)?)),
        None => Ok(LoginState::Free),
    }
}

/// What one row of a batch became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchRow {
    Invited(Box<InvitationRecord>),
    WorkgroupInvitation {
        workgroup_id: WorkgroupId,
        user_id: UserId,
    },
}

/// What a batch did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchResult {
    pub dry_run: bool,
    /// The workgroup the batch created, if it created one.
    pub created_workgroup: Option<WorkgroupRecord>,
    pub rows: Vec<BatchRow>,
}

pub(crate) fn names_of(conn: &mut DbConnection, user_id: &str) -> Result<String, StoreError> {
    let (first, last): (String, String) = users::table
        .inner_join(identities::table)
        .filter(users::id.eq(user_id))
        .select((identities::first_name, identities::last_name))
        .first(conn)?;
    Ok(format!("{first} {last}"))
}

/// Everything a batch is decided on, read at one moment.
struct Loaded {
    account: AccountRecord,
    group: Option<WorkgroupRecord>,
    context_group: Option<WorkgroupFacts>,
    logins: Vec<LoginState>,
}

/// `swept`: the transaction has just swept the account, so no pending invitation is overdue.
fn load_batch(
    conn: &mut DbConnection,
    actor: &AccountUser,
    batch: &Batch,
    swept: bool,
    now: DateTime<Utc>,
) -> Result<Loaded, StoreError> {
    let account_id = actor.account_id.to_string();
    let account = if swept {
        account_row(conn, &account_id)?
    } else {
        account_now(conn, &account_id, now)?
    };
    let (group, context_group) = match batch.target {
        Target::Existing(id) => match workgroup_row(conn, actor.account_id, id)? {
            Some(g) => {
                let facts = WorkgroupFacts {
                    id,
                    allow_external: g.allow_external,
                    invite_policy: g.invite_policy,
                    inviter: standing(conn, id, actor.user_id)?,
                };
                (Some(g), Some(facts))
            }
            None => (None, None),
        },
        _ => (None, None),
    };
    let logins: Vec<&Login> = batch.invitees.iter().map(|i| &i.login).collect();
    let group_key = group.as_ref().map(|g| g.id.to_string());
    let logins = login_states(conn, &account_id, &logins, group_key.as_deref(), now)?;
    Ok(Loaded {
        account,
        group,
        context_group,
        logins,
    })
}

/// Creates a batch of invitations, all or nothing (or, with `dry_run`, decides it and writes
/// nothing). `tokens` has one fresh token per invitee.
#[allow(clippy::too_many_arguments)]
pub fn create_batch(
    db: &Database,
    actor: AccountUser,
    plans: &Plans,
    quotas: &SendingQuotas,
    batch: Batch,
    dry_run: bool,
    tokens: Vec<IssuedToken>,
    now: DateTime<Utc>,
    key: Option<IdempotencyKey>,
    render: impl Fn(&BatchResult) -> StoredResponse + Send + Sync + 'static,
) -> Result<StoredResponse, StoreError> {
    if dry_run {
        let result = db.read_snapshot(|conn| {
            let loaded = load_batch(conn, &actor, &batch, false, now)?;
            let plan = decide(&actor, plans, &batch, &loaded)?;
            let sendings = batch_sendings(&batch, &plan.outcomes);
            quotas::check(conn, Some(actor.account_id), &sendings, quotas, now)?;
            Ok(preview(&actor, &batch, &loaded, &plan.outcomes, now))
        })?;
        return Ok(render(&result));
    }
    let account_id = actor.account_id.to_string();
    let (plans, quotas) = (plans.clone(), *quotas);
    let render = std::sync::Arc::new(render);
    let renderer = render.clone();
    let done = db.write(move |conn| {
        lock_account(conn, &account_id)?;
        sweep_account(conn, &account_id, now)?;
        let loaded = load_batch(conn, &actor, &batch, true, now)?;
        // Authorization comes first, before any replay of a stored answer.
        may_send_batch(
            &actor,
            &loaded.account.settings,
            &batch,
            loaded.context_group,
        )?;
        idempotency::once(
            conn,
            &idempotency::caller_scope(&actor),
            key.as_ref(),
            now,
            |conn| {
                let plan = decide(&actor, &plans, &batch, &loaded)?;
                let sendings = batch_sendings(&batch, &plan.outcomes);
                quotas::consume(conn, Some(actor.account_id), &sendings, &quotas, now)?;
                write_batch(conn, &actor, &batch, loaded, &plan.outcomes, &tokens, now)
            },
            &*renderer,
        )
    })?;
    Ok(done.respond(&*render))
}

/// The messages a decided batch sends: one per invitee, but none to an external user already
/// asked into the workgroup.
fn batch_sendings<'a>(batch: &'a Batch, outcomes: &[Outcome]) -> Vec<Sending<'a>> {
    batch
        .invitees
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| {
            !matches!(
                o,
                Outcome::WorkgroupInvitation {
                    already_invited: true,
                    ..
                }
            )
        })
        .map(|(invitee, _)| Sending {
            channel: channel_of(&invitee.login),
            recipient: invitee.login.as_str(),
        })
        .collect()
}

fn decide(
    actor: &AccountUser,
    plans: &Plans,
    batch: &Batch,
    loaded: &Loaded,
) -> Result<domain::invitation::BatchPlan, StoreError> {
    let ctx = BatchContext {
        inviter: actor,
        settings: &loaded.account.settings,
        seats: loaded.account.seats(plans),
        workgroup: loaded.context_group,
        logins: loaded.logins.clone(),
    };
    Ok(decide_batch(batch, &ctx)?)
}

/// The rows a dry run answers with: as if created, with ids that will not exist.
/// A new invitation as it is written (and read back later: times at the microsecond, as the
/// databases keep them).
fn new_record(
    id: InvitationId,
    actor: &AccountUser,
    batch: &Batch,
    invitee: &Invitee,
    workgroup_id: Option<WorkgroupId>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> InvitationRecord {
    InvitationRecord {
        id,
        account_id: actor.account_id,
        invitation_type: batch.invitation_type,
        status: InvitationStatus::Pending,
        email: invitee.login.email().map(|e| e.as_str().to_owned()),
        phone: invitee.login.phone().map(|p| p.as_str().to_owned()),
        first_name: invitee.first_name.as_str().to_owned(),
        last_name: invitee.last_name.as_str().to_owned(),
        workgroup_id,
        message: batch.message.clone(),
        invited_by: actor.user_id,
        expires_at,
        sent_count: 1,
        last_sent_at: now,
        accepted_user_id: None,
        created_at: now,
        sent_by: actor.user_id,
    }
}

fn preview(
    actor: &AccountUser,
    batch: &Batch,
    loaded: &Loaded,
    outcomes: &[Outcome],
    now: DateTime<Utc>,
) -> BatchResult {
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
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        }),
        _ => None,
    };
    let workgroup_id = created_workgroup
        .as_ref()
        .map(|g| g.id)
        .or(loaded.group.as_ref().map(|g| g.id));
    let rows = batch
        .invitees
        .iter()
        .zip(outcomes)
        .map(|(invitee, outcome)| match outcome {
            Outcome::Invited => BatchRow::Invited(Box::new(new_record(
                InvitationId(Uuid::now_v7()),
                actor,
                batch,
                invitee,
                workgroup_id,
                expires_at,
                now,
            ))),
            Outcome::WorkgroupInvitation { user_id, .. } => BatchRow::WorkgroupInvitation {
                workgroup_id: workgroup_id.unwrap_or(WorkgroupId(Uuid::nil())),
                user_id: *user_id,
            },
        })
        .collect();
    BatchResult {
        dry_run: true,
        created_workgroup,
        rows,
    }
}

fn write_batch(
    conn: &mut DbConnection,
    actor: &AccountUser,
    batch: &Batch,
    loaded: Loaded,
    outcomes: &[Outcome],
    tokens: &[IssuedToken],
    now: DateTime<Utc>,
) -> Result<BatchResult, StoreError> {
    // As the databases keep it, so that the answer equals what is read back later.
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let at = now.naive_utc();
    let account_id = actor.account_id.to_string();
    let inviter_id = actor.user_id.to_string();
    let created_workgroup = match &batch.target {
        Target::New(new) => Some(insert_workgroup(conn, actor, new, now)?),
        _ => None,
    };
    let group = created_workgroup.as_ref().or(loaded.group.as_ref());
    let group_id = group.map(|g| g.id.to_string());
    let inviter_name = names_of(conn, &inviter_id)?;
    let expires_at = expiry(now, &loaded.account.settings).naive_utc();
    let mut rows = Vec::with_capacity(outcomes.len());
    let mut created = 0i32;
    for (i, (invitee, outcome)) in batch.invitees.iter().zip(outcomes).enumerate() {
        match outcome {
            Outcome::Invited => {
                let token = tokens
                    .get(i)
                    .ok_or_else(|| StoreError::Corrupt("a token per invitee is needed".into()))?;
                let id = Uuid::now_v7().to_string();
                diesel::insert_into(invitations::table)
                    .values((
                        invitations::id.eq(&id),
                        invitations::account_id.eq(&account_id),
                        invitations::invitation_type.eq(batch.invitation_type.as_str()),
                        invitations::status.eq(InvitationStatus::Pending.as_str()),
                        invitations::email.eq(invitee.login.email().map(Email::as_str)),
                        invitations::phone.eq(invitee.login.phone().map(Phone::as_str)),
                        invitations::login.eq(invitee.login.as_str()),
                        invitations::first_name.eq(invitee.first_name.as_str()),
                        invitations::last_name.eq(invitee.last_name.as_str()),
                        invitations::workgroup_id.eq(group_id.as_deref()),
                        invitations::message.eq(batch.message.as_deref()),
                        invitations::invited_by.eq(&inviter_id),
                        invitations::token_hash.eq(&token.hash),
                        invitations::expires_at.eq(expires_at),
                        invitations::sent_count.eq(1),
                        invitations::last_sent_at.eq(at),
                        invitations::created_at.eq(at),
                        invitations::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                outbox::enqueue(
                    conn,
                    &invitation_message(
                        &loaded.account,
                        &inviter_name,
                        group,
                        invitee.first_name.as_str(),
                        batch.message.as_deref(),
                        &invitee.login,
                        &id,
                        &token.sealed,
                    ),
                    now,
                )?;
                audit::record(
                    conn,
                    AuditEvent::by(
                        actor,
                        "invitation.created",
                        "invitation",
                        id.clone(),
                        json!({"type": batch.invitation_type.as_str(), "login": invitee.login.as_str(), "workgroup_id": group_id}),
                        now,
                    ),
                )?;
                created += 1;
                let record = new_record(
                    parse_id(&id)?,
                    actor,
                    batch,
                    invitee,
                    group.map(|g| g.id),
                    utc(expires_at),
                    utc(at),
                );
                rows.push(BatchRow::Invited(Box::new(record)));
            }
            Outcome::WorkgroupInvitation {
                user_id,
                already_invited,
            } => {
                let group = group.ok_or(DomainError::NotFound("workgroup"))?;
                if !already_invited {
                    let group_key = group.id.to_string();
                    insert_membership(
                        conn,
                        &group_key,
                        &user_id.to_string(),
                        &account_id,
                        Role::Member,
                        MembershipStatus::Invited,
                        Some(&inviter_id),
                        at,
                    )?;
                    outbox::enqueue(
                        conn,
                        &membership_message(
                            &loaded.account,
                            &inviter_name,
                            group,
                            channel_of(&invitee.login),
                            invitee.login.as_str(),
                        ),
                        now,
                    )?;
                    audit::record(
                        conn,
                        AuditEvent::by(
                            actor,
                            "membership.invited",
                            "workgroup",
                            group_key,
                            json!({"user_id": user_id.to_string(), "role": "member"}),
                            now,
                        ),
                    )?;
                }
                rows.push(BatchRow::WorkgroupInvitation {
                    workgroup_id: group.id,
                    user_id: *user_id,
                });
            }
        }
    }
    change_seats(
        conn,
        &account_id,
        SeatChange {
            pending: created,
            ..SeatChange::default()
        },
        now,
    )?;
    Ok(BatchResult {
        dry_run: false,
        created_workgroup,
        rows,
    })
}

pub(crate) fn channel_of(login: &Login) -> Channel {
    match login {
        Login::Email(_) => Channel::Email,
        Login::Phone(_) => Channel::Sms,
    }
}

#[allow(clippy::too_many_arguments)]
fn invitation_message(
    account: &AccountRecord,
    inviter_name: &str,
    group: Option<&WorkgroupRecord>,
    first_name: &str,
    personal: Option<&str>,
    login: &Login,
    invitation_id: &str,
    sealed_token: &str,
) -> NewMessage {
    NewMessage {
        account_id: Some(account.id),
        channel: channel_of(login),
        recipient: login.as_str().to_owned(),
        payload: json!({
            "kind": "invitation",
            "invitation_id": invitation_id,
            "sealed_token": sealed_token,
            "account_name": account.name,
            "inviter_name": inviter_name,
            "invitee_first_name": first_name,
            "workgroup_name": group.map(|g| g.name.as_str()),
            "personal_message": personal,
        }),
    }
}

/// The notice of a membership invitation, sent to the invited user's `recipient` (email
/// address or phone number) on `channel`.
pub(crate) fn membership_message(
    account: &AccountRecord,
    inviter_name: &str,
    group: &WorkgroupRecord,
    channel: Channel,
    recipient: &str,
) -> NewMessage {
    NewMessage {
        account_id: Some(account.id),
        channel,
        recipient: recipient.to_owned(),
        payload: json!({
            "kind": "membership_invitation",
            "account_name": account.name,
            "inviter_name": inviter_name,
            "workgroup_name": group.name,
            "workgroup_id": group.id.to_string(),
        }),
    }
}

fn invitation_by_id(
    conn: &mut DbConnection,
    account_id: AccountId,
    id: &str,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    invitations::table
        .find(id)
        .filter(invitations::account_id.eq(account_id.to_string()))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DomainError::NotFound("invitation"))?
        .into_record(now)
}

/// One invitation; employees only.
pub fn get_invitation(
    db: &Database,
    actor: &AccountUser,
    id: InvitationId,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    may_see_account_internals(actor)?;
    db.read(|conn| invitation_by_id(conn, actor.account_id, &id.to_string(), now))
}

/// What an invitations list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct InvitationFilter {
    pub status: Option<InvitationStatus>,
    pub invitation_type: Option<UserType>,
    pub workgroup_id: Option<WorkgroupId>,
    /// Part of the login or a name, any case.
    pub q: Option<String>,
}

/// The account's invitations, newest first; employees only.
pub fn list_invitations(
    db: &Database,
    actor: &AccountUser,
    filter: &InvitationFilter,
    page: PageRequest<InvitationId>,
    now: DateTime<Utc>,
) -> Result<Page<InvitationRecord, InvitationId>, StoreError> {
    may_see_account_internals(actor)?;
    let at = now.naive_utc();
    db.read(|conn| {
        let mut query = invitations::table
            .filter(invitations::account_id.eq(actor.account_id.to_string()))
            .into_boxed();
        query = match filter.status {
            None => query,
            // Read by the (account, status, id) index; the few pending ones past their expiry
            // that the sweep has not marked yet are dropped from the page below.
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
        if let Some(w) = filter.workgroup_id {
            query = query.filter(invitations::workgroup_id.eq(w.to_string()));
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let p = like_pattern(q);
            query = query.filter(
                lower(invitations::login)
                    .like(p.clone())
                    .escape('\\')
                    .or(lower(invitations::first_name).like(p.clone()).escape('\\'))
                    .or(lower(invitations::last_name).like(p).escape('\\')),
            );
        }
        if let Some(after) = page.after {
            query = query.filter(invitations::id.lt(after.to_string()));
        }
        let rows = query
            .order(invitations::id.desc())
            .limit(i64::from(page.limit) + 1)
            .select(InvitationRow::as_select())
            .load(conn)?
            .into_iter()
            .map(|r| r.into_record(now))
            .collect::<Result<Vec<_>, _>>()?;
        let mut page = into_page(rows, page.limit, |i| i.id);
        if let Some(wanted) = filter.status {
            page.items.retain(|i| i.status == wanted);
        }
        Ok(page)
    })
}

/// Sends an invitation again with a new token and expiry; the old link is dead.
#[allow(clippy::too_many_arguments)]
pub fn resend(
    db: &Database,
    actor: &AccountUser,
    plans: &Plans,
    quotas: &SendingQuotas,
    id: InvitationId,
    token: &IssuedToken,
    resend_interval_seconds: u32,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    may_see_account_internals(actor)?;
    let (actor, plans, token, quotas) = (*actor, plans.clone(), token.clone(), *quotas);
    let account_id = actor.account_id.to_string();
    let key = id.to_string();
    db.write(move |conn| {
        let (actor, plans, token) = (&actor, &plans, &token);
        lock_account(conn, &account_id)?;
        sweep_account(conn, &account_id, now)?;
        let invitation = invitation_by_id(conn, actor.account_id, &key, now)?;
        let account = account_row(conn, &account_id)?;
        let login = invitation.login()?;
        let (group_record, workgroup) = workgroup_of(
            conn,
            actor.account_id,
            invitation.workgroup_id,
            actor.user_id,
        )?;
        let group = invitation.workgroup_id.map(|g| g.to_string());
        let login_now =
            match login_states(conn, &account_id, &[&login], group.as_deref(), now)?.first() {
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
                seats: account.seats(plans),
                settings: &account.settings,
                workgroup,
                interval_seconds: resend_interval_seconds,
            },
            now,
        )?;
        let at = now.naive_utc();
        diesel::update(invitations::table.find(&key))
            .set((
                invitations::status.eq(InvitationStatus::Pending.as_str()),
                invitations::token_hash.eq(&token.hash),
                invitations::expires_at.eq(plan.expires_at.naive_utc()),
                invitations::sent_count.eq(invitations::sent_count + 1),
                invitations::last_sent_at.eq(at),
                invitations::sent_by.eq(Some(actor.user_id.to_string())),
                invitations::closed_at.eq(None::<NaiveDateTime>),
                invitations::updated_at.eq(at),
            ))
            .execute(conn)?;
        change_seats(conn, &account_id, plan.seats, now)?;
        let sending = Sending {
            channel: channel_of(&login),
            recipient: login.as_str(),
        };
        quotas::consume(conn, Some(actor.account_id), &[sending], &quotas, now)?;
        let inviter_name = names_of(conn, &actor.user_id.to_string())?;
        outbox::enqueue(
            conn,
            &invitation_message(
                &account,
                &inviter_name,
                group_record.as_ref(),
                &invitation.first_name,
                invitation.message.as_deref(),
                &login,
                &key,
                &token.sealed,
            ),
            now,
        )?;
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                "invitation.resent",
                "invitation",
                key.clone(),
                json!({"was": invitation.status.as_str()}),
                now,
            ),
        )?;
        invitation_by_id(conn, actor.account_id, &key, now)
    })
}

/// An invitation's workgroup as it is now, and its facts with `who`'s standing in it (`None`
/// for an invitation into the account only). A workgroup that is gone is a 404.
fn workgroup_of(
    conn: &mut DbConnection,
    account_id: AccountId,
    group: Option<WorkgroupId>,
    who: UserId,
) -> Result<(Option<WorkgroupRecord>, Option<WorkgroupFacts>), StoreError> {
    let Some(id) = group else {
        return Ok((None, None));
    };
    let record = workgroup_row(conn, account_id, id)?.ok_or(DomainError::NotFound("workgroup"))?;
    let facts = WorkgroupFacts {
        id,
        allow_external: record.allow_external,
        invite_policy: record.invite_policy,
        inviter: standing(conn, id, who)?,
    };
    Ok((Some(record), Some(facts)))
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
    let account_id = actor.account_id.to_string();
    let key = id.to_string();
    db.write(move |conn| {
        let actor = &actor;
        lock_account(conn, &account_id)?;
        sweep_account(conn, &account_id, now)?;
        let invitation = invitation_by_id(conn, actor.account_id, &key, now)?;
        let seats = decide_revoke(actor, &invitation.facts(), now)?;
        close(conn, &key, InvitationStatus::Revoked, None, now)?;
        change_seats(conn, &account_id, seats, now)?;
        audit::record(
            conn,
            AuditEvent::by(
                actor,
                "invitation.revoked",
                "invitation",
                key.clone(),
                json!({"was": invitation.status.as_str()}),
                now,
            ),
        )?;
        invitation_by_id(conn, actor.account_id, &key, now)
    })
}

fn close(
    conn: &mut DbConnection,
    id: &str,
    status: InvitationStatus,
    user: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    diesel::update(invitations::table.find(id))
        .set((
            invitations::status.eq(status.as_str()),
            invitations::accepted_user_id.eq(user),
            invitations::closed_at.eq(Some(at)),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// What the accept page shows for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupRecord {
    pub invitation: InvitationRecord,
    pub account_name: String,
    pub workgroup: Option<(WorkgroupId, String, WorkgroupKind)>,
    pub inviter_first_name: String,
    pub inviter_last_name: String,
    /// Whether the login already has a network profile (the page then asks for its password).
    pub profile_exists: bool,
}

fn by_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        // A resent invitation's old token matches nothing any more: it is simply unknown.
        .ok_or(DomainError::NotFound("invitation"))?
        .into_record(now)
}

fn profile_of(
    conn: &mut DbConnection,
    login: &Login,
) -> Result<Option<(String, String)>, StoreError> {
    let query = identities::table
        .select((identities::id, identities::password_hash))
        .into_boxed();
    let query = match login {
        Login::Email(e) => query.filter(identities::email.eq(e.as_str())),
        Login::Phone(p) => query.filter(identities::phone.eq(p.as_str())),
    };
    Ok(query.first(conn).optional()?)
}

/// The invitation behind a token, for the accept page.
pub fn lookup(
    db: &Database,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<LookupRecord, StoreError> {
    db.read_snapshot(|conn| {
        let invitation = by_token(conn, token_hash, now)?;
        require_open(&invitation.facts(), now)?;
        let account_name: String = accounts::table
            .find(invitation.account_id.to_string())
            .select(accounts::name)
            .first(conn)?;
        let workgroup = match invitation.workgroup_id {
            Some(g) => workgroups::table
                .find(g.to_string())
                .select((workgroups::name, workgroups::kind))
                .first::<(String, String)>(conn)
                .optional()?
                .map(|(name, kind)| {
                    Ok::<_, StoreError>((g, name, parse_word(&kind, WorkgroupKind::parse)?))
                })
                .transpose()?,
            None => None,
        };
        let (inviter_first_name, inviter_last_name): (String, String) = users::table
            .inner_join(identities::table)
            .filter(users::id.eq(invitation.invited_by.to_string()))
            .select((identities::first_name, identities::last_name))
            .first(conn)?;
        let profile_exists = profile_of(conn, &invitation.login()?)?.is_some();
        Ok(LookupRecord {
            invitation,
            account_name,
            workgroup,
            inviter_first_name,
            inviter_last_name,
            profile_exists,
        })
    })
}

/// What accepting needs to know of the invitee's profile before the transaction: the stored
/// password hash to check the given password against, if the login has a profile.
pub fn credentials_for_token(
    db: &Database,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(IdentityId, String)>, StoreError> {
    db.read(|conn| {
        let invitation = by_token(conn, token_hash, now)?;
        require_open(&invitation.facts(), now)?;
        profile_of(conn, &invitation.login()?)?
            .map(|(id, hash)| Ok((parse_id(&id)?, hash)))
            .transpose()
    })
}

/// The invitee's profile as the HTTP layer settled it.
#[derive(Debug, Clone)]
pub enum AcceptingProfile {
    /// The login has a profile; whether the password given is its password.
    Existing(ExistingProfile),
    /// No profile yet: create one with this password hash and these names.
    New {
        password_hash: String,
        first_name: Option<String>,
        last_name: Option<String>,
    },
}

/// Accepts an invitation: the person joins the account (and the workgroup, as a member).
pub fn accept(
    db: &Database,
    token_hash: &str,
    profile: AcceptingProfile,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    let account_id: String =
        db.read(|conn| Ok(by_token(conn, token_hash, now)?.account_id.to_string()))?;
    let token_hash = token_hash.to_owned();
    db.write(move |conn| {
        lock_account(conn, &account_id)?;
        let invitation = by_token(conn, &token_hash, now)?;
        let login = invitation.login()?;
        let existing = profile_of(conn, &login)?;
        let (profile, new_profile) = match (&profile, &existing) {
            (AcceptingProfile::Existing(p), Some((id, _))) if p.identity_id.to_string() == *id => (Some(*p), None),
            (AcceptingProfile::New { password_hash, first_name, last_name }, None) => (None, Some((password_hash, first_name, last_name))),
            // The profile appeared or changed between the check and now: try again.
            _ => return Err(DomainError::LoginTaken.into()),
        };
        let user_in_account = match &existing {
            Some((identity, _)) => users::table
                .filter(users::account_id.eq(&account_id))
                .filter(users::identity_id.eq(identity))
                .select(users::status)
                .first::<String>(conn)
                .optional()?
                .map(|s| parse_word(&s, UserStatus::parse))
                .transpose()?,
            None => None,
        };
        let account = account_row(conn, &account_id)?;
        let sender = user_by_id(conn, &account_id, &invitation.sent_by.to_string())?.map(|u| {
            AccountUser::as_recorded(u.identity_id, u.account_id, u.id, u.user_type, u.is_admin)
        });
        let (_, workgroup) =
            workgroup_of(conn, invitation.account_id, invitation.workgroup_id, invitation.sent_by)?;
        let plan = decide_accept(
            &AcceptContext {
                invitation: &invitation.facts(),
                login: &login,
                settings: &account.settings,
                sender,
                workgroup,
                profile,
                user_in_account,
            },
            now,
        )?;
        let at = now.naive_utc();
        let identity_id = match (plan.profile, new_profile) {
            (AcceptProfile::Reuse(id), _) => id.to_string(),
            (AcceptProfile::Create, Some((hash, first, last))) => {
                let id = Uuid::now_v7().to_string();
                let inserted = diesel::insert_into(identities::table)
                    .values((
                        identities::id.eq(&id),
                        identities::email.eq(login.email().map(Email::as_str)),
                        identities::phone.eq(login.phone().map(Phone::as_str)),
                        identities::password_hash.eq(hash),
                        identities::first_name.eq(first.as_deref().unwrap_or(&invitation.first_name)),
                        identities::last_name.eq(last.as_deref().unwrap_or(&invitation.last_name)),
                        identities::created_at.eq(at),
                        identities::updated_at.eq(at),
                    ))
                    .execute(conn)
                    .map_err(StoreError::from);
                match inserted {
                    Err(e) if e.is_unique_violation() => return Err(DomainError::LoginTaken.into()),
                    other => other?,
                };
                id
            }
            (AcceptProfile::Create, None) => return Err(DomainError::LoginTaken.into()),
        };
        let user_id = Uuid::now_v7().to_string();
        diesel::insert_into(users::table)
            .values((
                users::id.eq(&user_id),
                users::account_id.eq(&account_id),
                users::identity_id.eq(&identity_id),
                users::user_type.eq(invitation.invitation_type.as_str()),
                users::status.eq(UserStatus::Active.as_str()),
                users::is_admin.eq(false),
                users::created_at.eq(at),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        if let Some(group) = invitation.workgroup_id {
            insert_membership(conn, &group.to_string(), &user_id, &account_id, Role::Member, MembershipStatus::Active, Some(&invitation.invited_by.to_string()), at)?;
        }
        close(conn, &invitation.id.to_string(), InvitationStatus::Accepted, Some(&user_id), now)?;
        change_seats(conn, &account_id, plan.seats, now)?;
        let account: AccountId = parse_id(&account_id)?;
        let user: UserId = parse_id(&user_id)?;
        let identity: IdentityId = parse_id(&identity_id)?;
        audit::record(
            conn,
            AuditEvent {
                account_id: Some(account),
                actor_user_id: Some(user),
                actor_identity_id: Some(identity),
                action: "invitation.accepted",
                subject_type: "invitation",
                subject_id: invitation.id.to_string(),
                details: json!({"user_id": user_id, "type": invitation.invitation_type.as_str(), "workgroup_id": invitation.workgroup_id.map(|g| g.to_string())}),
                at: now,
            },
        )?;
        user_by_id(conn, &account_id, &user_id)?.ok_or(DomainError::NotFound("user").into())
    })
}

/// Declines an invitation; its seat is freed.
pub fn decline(
    db: &Database,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    let account_id: String =
        db.read(|conn| Ok(by_token(conn, token_hash, now)?.account_id.to_string()))?;
    let token_hash = token_hash.to_owned();
    db.write(move |conn| {
        lock_account(conn, &account_id)?;
        let invitation = by_token(conn, &token_hash, now)?;
        let seats = decide_decline(&invitation.facts(), now)?;
        let key = invitation.id.to_string();
        close(conn, &key, InvitationStatus::Declined, None, now)?;
        change_seats(conn, &account_id, seats, now)?;
        audit::record(
            conn,
            AuditEvent {
                account_id: Some(invitation.account_id),
                actor_user_id: None,
                actor_identity_id: None,
                action: "invitation.declined",
                subject_type: "invitation",
                subject_id: key.clone(),
                details: json!({}),
                at: now,
            },
        )?;
        invitation_by_id(conn, invitation.account_id, &key, now)
    })
}
