//! Who holds each login in an account (rule 6), as a batch of invitations or a single one
//! asks: the user the account knows by it, its membership of the target workgroup, or the
//! pending invitation of it.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, Key, Literal};
use crate::base::schema::{identities, invitations, memberships, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::enums::{InvitationStatus, MembershipStatus, UserStatus, UserType};
use domain::ids::{AccountId, WorkgroupId};
use domain::invitation::LoginState;
use domain::known_logins::holds;
use domain::login::Login;
use std::collections::HashMap;

/// Who holds each login in the account (rule 6): the user the account knows by it, while its
/// person still has it (`domain::known_logins::holds`: a login a dismissed user's person gave
/// up since is free). On SQLite one login at a time, with queries
/// whose prepared statements are cached: cheaper in the writer than ad-hoc `IN (…)` ones. On
/// PostgreSQL, where each statement is a round trip, a batch's logins are looked up together
/// (`= ANY($1)`, cached too): three statements for a batch of any size.
pub(crate) fn login_states(
    conn: &mut DbConnection,
    account: AccountId,
    logins: &[&Login],
    workgroup: Option<WorkgroupId>,
    pending: Pending,
    now: DateTime<Utc>,
) -> Result<Vec<LoginState>, StoreError> {
    let (account, workgroup) = (account.key(), workgroup.map(|g| g.key()));
    if logins.len() > 1 && matches!(conn, DbConnection::Pg(_)) {
        return login_states_together(conn, &account, logins, workgroup.as_deref(), pending, now);
    }
    logins
        .iter()
        .map(|login| login_state(conn, &account, login, workgroup.as_deref(), pending, now))
        .collect()
}

/// Whether a free login's pending invitation is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pending {
    /// Read: a login with one is `LoginState::PendingInvitation`.
    Read,
    /// Not read, for a write that inserts its invitations in an account with no overdue ones
    /// (`accounts::account_unless_overdue`): the unique index `invitations_pending_login` then
    /// refuses the invitation of a login with one, and the write runs again, reading it.
    LeftToTheIndex,
}

/// A login's holder in the account: the user, its type and status, as stored.
type Holder = (String, String, String);

/// A holder with the logins the account knows it by and those of its identity, as a batch
/// lookup reads it.
type HeldLogins = (
    String,
    String,
    String,
    (Option<String>, Option<String>),
    (Option<String>, Option<String>),
);

/// What rule 6 makes of a login's holder (if any), its membership of the target workgroup
/// (read only for an active external holder) and its pending invitation (read only when
/// nobody holds it).
fn state_of(
    holder: Option<&Holder>,
    membership: Option<String>,
    pending: Option<String>,
) -> Result<LoginState, StoreError> {
    let Some((user_id, user_type, status)) = holder else {
        return Ok(match pending {
            Some(id) => LoginState::PendingInvitation(parse_id(&id)?),
            None => LoginState::Free,
        });
    };
    Ok(
        match (
            parse_word(status, UserStatus::parse)?,
            parse_word(user_type, UserType::parse)?,
        ) {
            (UserStatus::Dismissed, _) => LoginState::DismissedUser,
            (UserStatus::Active, UserType::Intranet) => LoginState::ActiveIntranetUser,
            (UserStatus::Active, UserType::Extranet) => LoginState::ActiveExtranetUser {
                user_id: parse_id(user_id)?,
                membership: membership
                    .map(|s| parse_word(&s, MembershipStatus::parse))
                    .transpose()?,
            },
        },
    )
}

/// Whether rule 6 asks for the holder's membership: only an active external user's.
fn membership_matters(holder: &Holder) -> bool {
    holder.1 == UserType::Extranet.as_str() && holder.2 == UserStatus::Active.as_str()
}

/// Every login of a batch at once: holders, their memberships, pending invitations.
fn login_states_together(
    conn: &mut DbConnection,
    account: &str,
    logins: &[&Login],
    workgroup: Option<&str>,
    pending: Pending,
    now: DateTime<Utc>,
) -> Result<Vec<LoginState>, StoreError> {
    let emails: Vec<&str> = logins
        .iter()
        .filter_map(|l| l.email())
        .map(|e| e.as_str())
        .collect();
    let phones: Vec<&str> = logins
        .iter()
        .filter_map(|l| l.phone())
        .map(|p| p.as_str())
        .collect();
    let held: Vec<HeldLogins> = users::table
        .inner_join(identities::table)
        .filter(users::account_id.eq(account))
        .filter(
            users::email
                .eq_any(&emails)
                .or(users::phone.eq_any(&phones)),
        )
        .select((
            users::id,
            users::user_type,
            users::status,
            (users::email, users::phone),
            (identities::email, identities::phone),
        ))
        .load(conn)?;
    let mut holders: HashMap<&str, Holder> = HashMap::new();
    for (id, user_type, status, (email, phone), (persons_email, persons_phone)) in &held {
        let logins = [(email, persons_email), (phone, persons_phone)];
        for (known, persons) in logins {
            if let Some(login) = known
                .as_deref()
                .filter(|_| holds(known.as_deref(), persons.as_deref()))
            {
                holders
                    .entry(login)
                    .or_insert_with(|| (id.clone(), user_type.clone(), status.clone()));
            }
        }
    }
    let members: HashMap<String, String> = match workgroup {
        Some(group) if !holders.is_empty() => {
            let ids: Vec<&str> = holders.values().map(|(id, _, _)| id.as_str()).collect();
            memberships::table
                .filter(memberships::workgroup_id.eq(group))
                .filter(memberships::user_id.eq_any(&ids))
                .select((memberships::user_id, memberships::status))
                .load(conn)?
                .into_iter()
                .collect()
        }
        _ => HashMap::new(),
    };
    let free: Vec<&str> = logins
        .iter()
        .map(|l| l.as_str())
        .filter(|l| !holders.contains_key(l))
        .collect();
    let pending: HashMap<String, String> = if free.is_empty() || pending == Pending::LeftToTheIndex
    {
        HashMap::new()
    } else {
        invitations::table
            .filter(invitations::account_id.eq(account))
            .filter(invitations::login.eq_any(&free))
            .filter(invitations::status.eq(Literal::word(InvitationStatus::Pending.as_str())))
            .filter(invitations::expires_at.gt(now.naive_utc()))
            .select((invitations::login, invitations::id))
            .load(conn)?
            .into_iter()
            .collect()
    };
    logins
        .iter()
        .map(|login| {
            let holder = holders.get(login.as_str());
            let membership = holder
                .filter(|h| membership_matters(h))
                .and_then(|(user, _, _)| members.get(user).cloned());
            state_of(holder, membership, pending.get(login.as_str()).cloned())
        })
        .collect()
}

/// `account` and `workgroup` as their column text, made once for a whole batch.
fn login_state(
    conn: &mut DbConnection,
    account: &str,
    login: &Login,
    workgroup: Option<&str>,
    pending: Pending,
    now: DateTime<Utc>,
) -> Result<LoginState, StoreError> {
    let holders = users::table
        .inner_join(identities::table)
        .filter(users::account_id.eq(account))
        .select((users::id, users::user_type, users::status));
    // Known by it, and its person still has it (`domain::known_logins::holds`).
    let holder: Option<Holder> = match login {
        Login::Email(e) => holders
            .filter(users::email.eq(e.as_str()))
            .filter(identities::email.eq(e.as_str()))
            .first(conn)
            .optional()?,
        Login::Phone(p) => holders
            .filter(users::phone.eq(p.as_str()))
            .filter(identities::phone.eq(p.as_str()))
            .first(conn)
            .optional()?,
    };
    let membership = match (&holder, workgroup) {
        (Some(h), Some(group)) if membership_matters(h) => memberships::table
            .find((group, h.0.as_str()))
            .select(memberships::status)
            .first::<String>(conn)
            .optional()?,
        _ => None,
    };
    let pending: Option<String> = match (&holder, pending) {
        (Some(_), _) | (None, Pending::LeftToTheIndex) => None,
        (None, Pending::Read) => invitations::table
            .filter(invitations::account_id.eq(account))
            .filter(invitations::login.eq(login.as_str()))
            // A literal, so that the partial index `invitations_pending_login` serves it.
            .filter(invitations::status.eq(Literal::word(InvitationStatus::Pending.as_str())))
            .filter(invitations::expires_at.gt(now.naive_utc()))
            .select(invitations::id)
            .get_result(conn)
            .optional()?,
    };
    state_of(holder.as_ref(), membership, pending)
}
