//! The `users` table: a profile inside one account, with the logins the account knows it by
//! (its profile's while it is active, those of its dismissal once dismissed:
//! `domain::known_logins`) and the names of its identity; who holds a login in an account
//! (rule 6).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, utc, Key, Literal};
use crate::base::schema::{identities, invitations, memberships, users};
use crate::tables::identities::{logins_of, IdentityNames};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::{visible_users, AccountUser, UserStanding, UserVisibility};
use domain::enums::{InvitationStatus, MembershipStatus, UserStatus, UserType};
use domain::ids::{AccountId, IdentityId, UserId, WorkgroupId};
use domain::invitation::LoginState;
use domain::known_logins::holds;
use domain::login::Login;
use domain::login_change::ProfileLogins;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// A user of an account: the logins the account knows it by, the names of its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: UserId,
    pub account_id: AccountId,
    pub identity_id: IdentityId,
    pub user_type: UserType,
    pub status: UserStatus,
    pub is_admin: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub created_at: DateTime<Utc>,
}

/// A [`UserRecord`] as stored: `users` joined with `identities`.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    id: String,
    account_id: String,
    identity_id: String,
    user_type: String,
    status: String,
    is_admin: bool,
    created_at: NaiveDateTime,
    email: Option<String>,
    phone: Option<String>,
    #[diesel(embed)]
    identity: IdentityNames,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_id(&r.id)?,
            account_id: parse_id(&r.account_id)?,
            identity_id: parse_id(&r.identity_id)?,
            user_type: parse_word(&r.user_type, UserType::parse)?,
            status: parse_word(&r.status, UserStatus::parse)?,
            is_admin: r.is_admin,
            email: r.email,
            phone: r.phone,
            first_name: r.identity.first_name,
            last_name: r.identity.last_name,
            created_at: utc(r.created_at),
        })
    }
}

type Backend = <DbConnection as Connection>::Backend;
pub(crate) type UserQuery<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::InnerJoin<users::table, identities::table>, Backend>;

/// The account's users with their identities.
pub(crate) fn users_of(account_id: AccountId) -> UserQuery<'static> {
    users::table
        .inner_join(identities::table)
        .filter(users::account_id.eq(account_id.key()))
        .into_boxed()
}

/// Restricts a users query to those the caller may see (rule 3): everyone for employees; for
/// an external user, itself and whoever shares an active workgroup with it.
pub(crate) fn visible<'a>(query: UserQuery<'a>, visibility: UserVisibility) -> UserQuery<'a> {
    match visibility {
        UserVisibility::Everyone => query,
        UserVisibility::SharedWorkgroups { viewer } => {
            let viewer = viewer.key();
            let active = MembershipStatus::Active.as_str();
            // The inner `memberships` gets its own name, apart from the outer one.
            let mine = diesel::alias!(memberships as my_memberships);
            let my_groups = mine
                .filter(mine.field(memberships::user_id).eq(viewer.clone()))
                .filter(mine.field(memberships::status).eq(active))
                .select(mine.field(memberships::workgroup_id));
            let co_members = memberships::table
                .filter(memberships::status.eq(active))
                .filter(memberships::workgroup_id.eq_any(my_groups))
                .select(memberships::user_id);
            query.filter(users::id.eq(viewer).or(users::id.eq_any(co_members)))
        }
    }
}

/// Reads the rows of a users query.
pub(crate) fn load_users(
    conn: &mut DbConnection,
    query: UserQuery<'_>,
) -> Result<Vec<UserRecord>, StoreError> {
    query
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(UserRecord::try_from)
        .collect()
}

/// The user of the account, whatever the caller may see.
pub(crate) fn user_by_id(
    conn: &mut DbConnection,
    account_id: AccountId,
    user_id: UserId,
) -> Result<Option<UserRecord>, StoreError> {
    users_of(account_id)
        .filter(users::id.eq(user_id.key()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(UserRecord::try_from)
        .transpose()
}

/// The user, if it exists and the caller may see it.
pub(crate) fn visible_user(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: UserId,
) -> Result<Option<UserRecord>, StoreError> {
    visible(users_of(actor.account_id), visible_users(actor))
        .filter(users::id.eq(id.key()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(UserRecord::try_from)
        .transpose()
}

/// What every request re-reads of the user it acts as (rule 8).
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct StandingRow {
    identity_id: String,
    status: String,
    user_type: String,
    is_admin: bool,
    dismissed_at: Option<NaiveDateTime>,
}

impl StandingRow {
    pub(crate) fn standing(self) -> Result<UserStanding, StoreError> {
        Ok(UserStanding {
            identity_id: parse_id(&self.identity_id)?,
            status: parse_word(&self.status, UserStatus::parse)?,
            user_type: parse_word(&self.user_type, UserType::parse)?,
            is_admin: self.is_admin,
            dismissed_at: self.dismissed_at.map(utc),
        })
    }
}

/// A new user to write: a profile joining an account.
pub(crate) struct NewUser {
    pub account_id: AccountId,
    pub identity_id: IdentityId,
    pub user_type: UserType,
    pub is_admin: bool,
}

/// Writes a new active user, known by its profile's logins.
pub(crate) fn insert_user(
    conn: &mut DbConnection,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    let id = UserId(Uuid::now_v7());
    let at = now.naive_utc();
    let logins = logins_of(conn, new.identity_id)?;
    make_way(conn, &[new.account_id], new.identity_id, &logins)?;
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id.key()),
            users::account_id.eq(new.account_id.key()),
            users::identity_id.eq(new.identity_id.key()),
            users::user_type.eq(new.user_type.as_str()),
            users::status.eq(UserStatus::Active.as_str()),
            users::is_admin.eq(new.is_admin),
            users::email.eq(logins.email.as_deref()),
            users::phone.eq(logins.phone.as_deref()),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Makes way, in `accounts`, for a user of `identity` to be known by `logins` (rule 6): a
/// dismissed user of another person known by one of them is known by it no more, for its
/// person has given it up since (`domain::known_logins::gives_way`: the person of `identity`
/// has it now). An active user of another person is never known by a login of this one's
/// (the unique indexes `users_account_email` and `users_account_phone` would refuse it).
pub(crate) fn make_way(
    conn: &mut DbConnection,
    accounts: &[AccountId],
    identity: IdentityId,
    logins: &ProfileLogins,
) -> Result<(), StoreError> {
    let accounts: Vec<String> = accounts.iter().map(|a| a.key()).collect();
    let others = || {
        users::table
            .filter(users::account_id.eq_any(accounts.clone()))
            .filter(users::identity_id.ne(identity.key()))
            .filter(users::status.eq(UserStatus::Dismissed.as_str()))
    };
    if let Some(email) = &logins.email {
        diesel::update(others().filter(users::email.eq(email)))
            .set(users::email.eq(None::<String>))
            .execute(conn)?;
    }
    if let Some(phone) = &logins.phone {
        diesel::update(others().filter(users::phone.eq(phone)))
            .set(users::phone.eq(None::<String>))
            .execute(conn)?;
    }
    Ok(())
}

/// A user's first and last name.
pub(crate) fn names(conn: &mut DbConnection, user: UserId) -> Result<(String, String), StoreError> {
    Ok(users::table
        .inner_join(identities::table)
        .filter(users::id.eq(user.key()))
        .select((identities::first_name, identities::last_name))
        .first(conn)?)
}

/// "First Last" of a user, as messages name the inviter.
pub(crate) fn names_of(conn: &mut DbConnection, user: UserId) -> Result<String, StoreError> {
    let (first, last) = names(conn, user)?;
    Ok(format!("{first} {last}"))
}

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
    now: DateTime<Utc>,
) -> Result<Vec<LoginState>, StoreError> {
    let (account, workgroup) = (account.key(), workgroup.map(|g| g.key()));
    if logins.len() > 1 && matches!(conn, DbConnection::Pg(_)) {
        return login_states_together(conn, &account, logins, workgroup.as_deref(), now);
    }
    logins
        .iter()
        .map(|login| login_state(conn, &account, login, workgroup.as_deref(), now))
        .collect()
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
    let pending: HashMap<String, String> = if free.is_empty() {
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
    let pending: Option<String> = match holder {
        Some(_) => None,
        None => invitations::table
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
