//! The `invitations` table: invitations of new people, found by id or by their token's hash.

use crate::base::db::{insert_rows, DbConnection, Writes};
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_opt_id, parse_word, to_count, utc, Key, Literal};
use crate::base::schema::{invitations, users};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::enums::{Approval, DeliveryState, InvitationStatus, UserStatus, UserType};
use domain::ids::{AccountId, IdentityId, InvitationId, UserId, WorkgroupId};
use domain::invitation::{effective_status, InvitationFacts};
use domain::locale::Locale;
use domain::login::{Email, Login, Phone};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub(crate) mod erasure;
mod expiry;
pub(crate) mod inviter;
pub(crate) mod listing;
mod of_person;
mod resource;

pub(crate) use expiry::*;
pub(crate) use of_person::of_person;
pub(crate) use resource::event_resource;

/// A fresh invitation token, as the storage may keep it: its SHA-256 (to find the invitation
/// by) and the token sealed for the outbox (to put in the message). Never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub hash: String,
    pub sealed: String,
}

/// An invitation as clients see it (its status is the effective one: a pending invitation
/// past its expiry is `expired`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// What became of its current message (`None`: unknown, older than the record).
    #[serde(default)]
    pub delivery: Option<DeliveryRecord>,
    /// The language of its messages (`None`: the account's).
    #[serde(default)]
    pub locale: Option<Locale>,
    /// Held for an administrator's approval and never approved (awaiting it, or expired,
    /// revoked or rejected while it was).
    #[serde(default)]
    pub held: bool,
    /// The end of the access the new user gets on accepting (issue #30; `None`: open-ended).
    #[serde(default)]
    pub access_expires_at: Option<DateTime<Utc>>,
}

/// How a status is stored: one awaiting approval as `pending` with `approval = 'awaiting'`
/// (so that the seat counters, the unique index of pending logins and the expiry sweep treat
/// it as the pending invitation it is, rules 4, 6 and 7), a rejected one as `revoked` with
/// `approval = 'rejected'`; any other as itself, its `approval` left as it is (`None`).
pub(crate) fn stored(status: InvitationStatus) -> (InvitationStatus, Option<Approval>) {
    match status {
        InvitationStatus::AwaitingApproval => (InvitationStatus::Pending, Some(Approval::Awaiting)),
        InvitationStatus::Rejected => (InvitationStatus::Revoked, Some(Approval::Rejected)),
        other => (other, None),
    }
}

/// The status a stored one is shown as (before its expiry is applied): [`stored`] read back.
pub(crate) fn shown(stored: InvitationStatus, approval: Option<Approval>) -> InvitationStatus {
    match (stored, approval) {
        (InvitationStatus::Pending, Some(Approval::Awaiting)) => InvitationStatus::AwaitingApproval,
        (InvitationStatus::Revoked, Some(Approval::Rejected)) => InvitationStatus::Rejected,
        (other, _) => other,
    }
}

/// What became of an invitation's message, as the delivery worker last recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: u32,
    /// The transport's reason for the last failure, in words.
    pub last_error: Option<String>,
    /// When it is tried again, after a failure.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl DeliveryRecord {
    /// A message just written, waiting for its first attempt.
    pub fn queued() -> Self {
        Self {
            state: DeliveryState::Queued,
            attempts: 0,
            last_error: None,
            next_attempt_at: None,
        }
    }
}

impl InvitationRecord {
    /// What the domain decides an invitation's lifecycle on.
    pub(crate) fn facts(&self) -> InvitationFacts {
        InvitationFacts {
            id: self.id,
            invitation_type: self.invitation_type,
            status: self.status,
            expires_at: self.expires_at,
            last_sent_at: self.last_sent_at,
            invited_by: self.invited_by,
            held: self.held,
        }
    }

    /// The login the invitation was sent to.
    pub(crate) fn login(&self) -> Result<Login, StoreError> {
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
pub(crate) struct InvitationRow {
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
    delivery_state: Option<String>,
    delivery_attempts: i32,
    delivery_error: Option<String>,
    delivery_next_at: Option<NaiveDateTime>,
    locale: Option<String>,
    approval: Option<String>,
    access_expires_at: Option<NaiveDateTime>,
}

impl InvitationRow {
    /// The invitation as of `now` (a pending one past its expiry reads as expired).
    pub(crate) fn into_record(self, now: DateTime<Utc>) -> Result<InvitationRecord, StoreError> {
        let approval = self
            .approval
            .as_deref()
            .map(|a| parse_word(a, Approval::parse))
            .transpose()?;
        let stored = shown(parse_word(&self.status, InvitationStatus::parse)?, approval);
        let expires_at = utc(self.expires_at);
        let invited_by: UserId = parse_id(&self.invited_by)?;
        Ok(InvitationRecord {
            sent_by: parse_opt_id(self.sent_by.as_deref())?.unwrap_or(invited_by),
            id: parse_id(&self.id)?,
            account_id: parse_id(&self.account_id)?,
            invitation_type: parse_word(&self.invitation_type, UserType::parse)?,
            status: effective_status(stored, expires_at, now),
            email: self.email,
            phone: self.phone,
            first_name: self.first_name,
            last_name: self.last_name,
            workgroup_id: parse_opt_id(self.workgroup_id.as_deref())?,
            message: self.message,
            invited_by,
            expires_at,
            sent_count: to_count(self.sent_count),
            last_sent_at: utc(self.last_sent_at),
            accepted_user_id: parse_opt_id(self.accepted_user_id.as_deref())?,
            created_at: utc(self.created_at),
            held: approval == Some(Approval::Awaiting),
            access_expires_at: self.access_expires_at.map(utc),
            locale: self
                .locale
                .as_deref()
                .map(|l| parse_word(l, Locale::parse))
                .transpose()?,
            delivery: self
                .delivery_state
                .as_deref()
                .map(|state| {
                    Ok::<_, StoreError>(DeliveryRecord {
                        state: parse_word(state, DeliveryState::parse)?,
                        attempts: to_count(self.delivery_attempts),
                        last_error: self.delivery_error,
                        next_attempt_at: self.delivery_next_at.map(utc),
                    })
                })
                .transpose()?,
        })
    }
}

/// The account's invitation, or 404.
pub(crate) fn find_invitation(
    conn: &mut DbConnection,
    account_id: AccountId,
    id: InvitationId,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    invitations::table
        .find(id.key())
        .filter(invitations::account_id.eq(account_id.key()))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DomainError::NotFound("invitation"))?
        .into_record(now)
}

/// The account's invitations among `ids` (those found).
pub(crate) fn find_invitations(
    conn: &mut DbConnection,
    account_id: AccountId,
    ids: &[InvitationId],
    now: DateTime<Utc>,
) -> Result<Vec<InvitationRecord>, StoreError> {
    invitations::table
        .filter(invitations::id.eq_any(ids.iter().map(|id| id.key())))
        .filter(invitations::account_id.eq(account_id.key()))
        .select(InvitationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| row.into_record(now))
        .collect()
}

/// The invitation whose token hashes to `token_hash`, or 404.
pub(crate) fn by_token(
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

/// A new invitation to write (pending, or awaiting approval), under its token's hash.
pub(crate) struct NewInvitation<'a> {
    pub record: &'a InvitationRecord,
    pub login: &'a Login,
    pub token_hash: &'a str,
    /// The outbox row of its message (none: its link was handed to the caller, or it awaits
    /// approval and nothing was sent).
    pub message_id: Option<Uuid>,
}

/// Writes new invitations, exactly as their records say, in one statement.
pub(crate) fn insert_invitations(
    writes: &mut Writes<'_, '_>,
    new: &[NewInvitation<'_>],
) -> Result<(), StoreError> {
    let row = |n: &NewInvitation<'_>| {
        let (r, at) = (n.record, n.record.created_at.naive_utc());
        let (status, approval) = stored(r.status);
        (
            (
                invitations::id.eq(r.id.key()),
                invitations::account_id.eq(r.account_id.key()),
                invitations::invitation_type.eq(r.invitation_type.as_str()),
                invitations::status.eq(status.as_str()),
                invitations::approval.eq(approval.map(Approval::as_str)),
                invitations::email.eq(r.email.clone()),
                invitations::phone.eq(r.phone.clone()),
                invitations::login.eq(n.login.as_str().to_owned()),
                invitations::first_name.eq(r.first_name.clone()),
                invitations::last_name.eq(r.last_name.clone()),
            ),
            (
                invitations::workgroup_id.eq(r.workgroup_id.map(|g| g.key())),
                invitations::message.eq(r.message.clone()),
                invitations::locale.eq(r.locale.map(Locale::as_str)),
                invitations::invited_by.eq(r.invited_by.key()),
                invitations::token_hash.eq(n.token_hash.to_owned()),
                invitations::expires_at.eq(r.expires_at.naive_utc()),
                invitations::sent_count.eq(i32::try_from(r.sent_count).unwrap_or(i32::MAX)),
                invitations::last_sent_at.eq(at),
                invitations::created_at.eq(at),
                invitations::updated_at.eq(at),
                invitations::message_id.eq(n.message_id.map(|m| m.to_string())),
                invitations::delivery_state
                    .eq(n.message_id.map(|_| DeliveryState::Queued.as_str())),
                invitations::access_expires_at.eq(r.access_expires_at.map(|e| e.naive_utc())),
            ),
        )
    };
    insert_rows!(writes, invitations::table, new, row);
    Ok(())
}

/// The outbox row of the invitation's current message, if known.
pub(crate) fn message_of(
    conn: &mut DbConnection,
    id: InvitationId,
) -> Result<Option<String>, StoreError> {
    Ok(invitations::table
        .find(id.key())
        .select(invitations::message_id)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Sends the invitation again: pending under a new token, until `expires_at`, by `sender`,
/// its message `message_id`; or, with none, holds it again for approval under a token sent to
/// nobody (`awaiting`, see [`set_approval`]), nothing sent.
pub(crate) fn mark_resent(
    conn: &mut DbConnection,
    id: InvitationId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    sender: UserId,
    message_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    let Some(message_id) = message_id else {
        diesel::update(invitations::table.find(id.key()))
            .set((
                (
                    invitations::message_id.eq(None::<String>),
                    invitations::delivery_state.eq(None::<String>),
                    invitations::delivery_attempts.eq(0),
                    invitations::delivery_error.eq(None::<String>),
                    invitations::delivery_next_at.eq(None::<NaiveDateTime>),
                ),
                invitations::status.eq(InvitationStatus::Pending.as_str()),
                invitations::token_hash.eq(token_hash),
                invitations::expires_at.eq(expires_at.naive_utc()),
                invitations::sent_by.eq(Some(sender.key())),
                invitations::closed_at.eq(None::<NaiveDateTime>),
                invitations::updated_at.eq(at),
            ))
            .execute(conn)?;
        return Ok(());
    };
    diesel::update(invitations::table.find(id.key()))
        .set((
            (
                invitations::message_id.eq(Some(message_id.to_string())),
                invitations::delivery_state.eq(DeliveryState::Queued.as_str()),
                invitations::delivery_attempts.eq(0),
                invitations::delivery_error.eq(None::<String>),
                invitations::delivery_next_at.eq(None::<NaiveDateTime>),
            ),
            invitations::status.eq(InvitationStatus::Pending.as_str()),
            invitations::token_hash.eq(token_hash),
            invitations::expires_at.eq(expires_at.naive_utc()),
            invitations::sent_count.eq(invitations::sent_count + 1),
            invitations::last_sent_at.eq(at),
            invitations::sent_by.eq(Some(sender.key())),
            invitations::closed_at.eq(None::<NaiveDateTime>),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes the invitation with `status` (accepted by `user`, declined, revoked, rejected).
pub(crate) fn close(
    conn: &mut DbConnection,
    id: InvitationId,
    status: InvitationStatus,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    let (status, approval) = stored(status);
    diesel::update(invitations::table.find(id.key()))
        .set((
            invitations::status.eq(status.as_str()),
            invitations::accepted_user_id.eq(user.map(|u| u.key())),
            invitations::closed_at.eq(Some(at)),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)?;
    if approval.is_some() {
        set_approval(conn, id, approval)?;
    }
    Ok(())
}

/// Where the invitation stands with an administrator's approval: held (`awaiting`), approved,
/// rejected, or `None`: it never needed one.
pub(crate) fn set_approval(
    conn: &mut DbConnection,
    id: InvitationId,
    approval: Option<Approval>,
) -> Result<(), StoreError> {
    diesel::update(invitations::table.find(id.key()))
        .set(invitations::approval.eq(approval.map(Approval::as_str)))
        .execute(conn)?;
    Ok(())
}

/// What became of invitations' messages, sent: each of `invitations` whose message is still
/// the one of `messages` sent (a resend replaces it), in one statement.
pub(crate) fn mark_messages_sent<'a>(
    writes: &mut Writes<'_, 'a>,
    invitations: &'a [&'a str],
    messages: &'a [String],
) -> Result<(), StoreError> {
    if invitations.is_empty() {
        return Ok(());
    }
    let update = diesel::update(
        invitations::table
            .filter(invitations::id.eq_any(invitations))
            .filter(invitations::message_id.eq_any(messages)),
    )
    .set((
        invitations::delivery_state.eq(DeliveryState::Sent.as_str()),
        invitations::delivery_attempts.eq(invitations::delivery_attempts + 1),
        invitations::delivery_error.eq(None::<String>),
        invitations::delivery_next_at.eq(None::<NaiveDateTime>),
    ));
    match writes {
        Writes::Chained(chain) => chain.push(update),
        Writes::Now(conn) => {
            update.execute(&mut **conn)?;
        }
    }
    Ok(())
}

/// What became of an invitation's message, failed (unless a resend replaced the message):
/// queued again until `next_at`, or failed for good when `None`. False when the invitation no
/// longer names this message (a resend replaced it while it was in hand): nothing is changed.
pub(crate) fn mark_message_failed(
    conn: &mut DbConnection,
    invitation: &str,
    message: Uuid,
    attempts: u32,
    error: &str,
    next_at: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let state = if next_at.is_some() {
        DeliveryState::Queued
    } else {
        DeliveryState::Failed
    };
    let attempts = i32::try_from(attempts).unwrap_or(i32::MAX);
    let changed = diesel::update(
        invitations::table
            .find(invitation)
            .filter(invitations::message_id.eq(message.to_string())),
    )
    .set((
        invitations::delivery_state.eq(state.as_str()),
        invitations::delivery_attempts.eq(attempts),
        invitations::delivery_error.eq(Some(error)),
        invitations::delivery_next_at.eq(next_at.map(|t| t.naive_utc())),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The id of the account's pending invitation of `login`, if it has one (rule 6).
pub(crate) fn pending_with_login(
    conn: &mut DbConnection,
    account: AccountId,
    login: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    Ok(invitations::table
        .filter(invitations::account_id.eq(account.key()))
        .filter(invitations::login.eq(login))
        // A literal, so that the partial index `invitations_pending_login` serves it.
        .filter(invitations::status.eq(Literal::word(InvitationStatus::Pending.as_str())))
        .filter(invitations::expires_at.gt(now.naive_utc()))
        .select(invitations::id)
        .first::<String>(conn)
        .optional()?)
}

/// How many pending invitations of `login` there are in the accounts where the profile
/// `identity` is an active user (rule 6 within each account); reads `users` for those
/// accounts, as a subquery.
pub(crate) fn pending_where_active(
    conn: &mut DbConnection,
    identity: IdentityId,
    login: &Login,
) -> Result<i64, StoreError> {
    Ok(invitations::table
        .filter(invitations::login.eq(login.as_str()))
        .filter(invitations::status.eq(Literal::word("pending")))
        .filter(
            invitations::account_id.eq_any(
                users::table
                    .filter(users::identity_id.eq(identity.key()))
                    .filter(users::status.eq(UserStatus::Active.as_str()))
                    .select(users::account_id),
            ),
        )
        .count()
        .get_result(conn)?)
}

/// How many invitations of new external people to a workgroup can still be accepted or
/// resent (pending or expired).
pub(crate) fn external_open_for(conn: &mut DbConnection, group: &str) -> Result<i64, StoreError> {
    Ok(invitations::table
        .filter(invitations::workgroup_id.eq(group))
        .filter(invitations::invitation_type.eq(UserType::Extranet.as_str()))
        .filter(invitations::status.eq_any([
            InvitationStatus::Pending.as_str(),
            InvitationStatus::Expired.as_str(),
        ]))
        .count()
        .get_result(conn)?)
}
