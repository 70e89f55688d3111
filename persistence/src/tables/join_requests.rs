//! The `join_requests` table: people asking to join through a join link — the code sent to
//! their login (a keyed hash bound to it), then, proved, the request waiting for approval or
//! what became of it.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_opt_id, parse_word, utc, Key, Literal};
use crate::base::page::PageRequest;
use crate::base::schema::join_requests;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::enums::JoinRequestStatus;
use domain::ids::{AccountId, IdentityId, JoinLinkId, JoinRequestId, UserId, WorkgroupId};
use domain::join_link::RequestFacts;
use domain::locale::Locale;
use domain::login::Login;
use serde::{Deserialize, Serialize};

/// A request as it was asked for: the code issued (its hash only) and the person's names.
#[derive(Debug, Clone)]
pub struct NewJoinRequest {
    pub login: Login,
    pub first_name: String,
    pub last_name: String,
    /// A keyed hash of the code, bound to the login.
    pub code_hash: String,
    /// The code sealed for the outbox message.
    pub sealed_code: String,
    pub code_expires_at: DateTime<Utc>,
    /// The client address it came from (its budget of codes).
    pub client: String,
    pub locale: Locale,
}

/// A join request as the API shows it (never its code or password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequestRecord {
    pub id: JoinRequestId,
    pub account_id: AccountId,
    pub join_link_id: JoinLinkId,
    pub workgroup_id: WorkgroupId,
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    pub status: JoinRequestStatus,
    pub holds_seat: bool,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    pub user_id: Option<UserId>,
    /// A new profile's password hash, kept until the request is decided.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// The profile whose password the person gave.
    #[serde(skip)]
    pub identity_id: Option<IdentityId>,
    #[serde(skip)]
    pub code_expires_at: Option<DateTime<Utc>>,
}

impl JoinRequestRecord {
    pub fn facts(&self) -> RequestFacts {
        RequestFacts {
            status: self.status,
            holds_seat: self.holds_seat,
            proved_profile: self.identity_id,
            has_new_password: self.password_hash.is_some(),
        }
    }

    pub fn login(&self) -> Result<Login, StoreError> {
        Login::parse(&self.login)
            .map_err(|_| StoreError::Corrupt(format!("join request login `{}`", self.login)))
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = join_requests)]
struct JoinRequestRow {
    id: String,
    account_id: String,
    join_link_id: String,
    workgroup_id: String,
    login: String,
    first_name: String,
    last_name: String,
    code_expires_at: NaiveDateTime,
    status: String,
    holds_seat: bool,
    password_hash: Option<String>,
    identity_id: Option<String>,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    decided_by: Option<String>,
    user_id: Option<String>,
}

impl TryFrom<JoinRequestRow> for JoinRequestRecord {
    type Error = StoreError;

    fn try_from(r: JoinRequestRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_id(&r.id)?,
            account_id: parse_id(&r.account_id)?,
            join_link_id: parse_id(&r.join_link_id)?,
            workgroup_id: parse_id(&r.workgroup_id)?,
            status: parse_word(&r.status, JoinRequestStatus::parse)?,
            holds_seat: r.holds_seat,
            created_at: utc(r.created_at),
            decided_at: r.decided_at.map(utc),
            decided_by: parse_opt_id(r.decided_by.as_deref())?,
            user_id: parse_opt_id(r.user_id.as_deref())?,
            identity_id: parse_opt_id(r.identity_id.as_deref())?,
            password_hash: r.password_hash,
            code_expires_at: Some(utc(r.code_expires_at)),
            login: r.login,
            first_name: r.first_name,
            last_name: r.last_name,
        })
    }
}

/// Writes an unconfirmed request of `link` (in `workgroup` of `account`).
pub(crate) fn insert_join_request(
    conn: &mut DbConnection,
    account: AccountId,
    link: JoinLinkId,
    workgroup: WorkgroupId,
    new: &NewJoinRequest,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(join_requests::table)
        .values((
            join_requests::id.eq(uuid::Uuid::now_v7().to_string()),
            join_requests::account_id.eq(account.key()),
            join_requests::join_link_id.eq(link.key()),
            join_requests::workgroup_id.eq(workgroup.key()),
            join_requests::login.eq(new.login.as_str()),
            join_requests::first_name.eq(&new.first_name),
            join_requests::last_name.eq(&new.last_name),
            join_requests::code_hash.eq(&new.code_hash),
            join_requests::code_expires_at.eq(new.code_expires_at.naive_utc()),
            join_requests::status.eq(JoinRequestStatus::Unconfirmed.as_str()),
            join_requests::locale.eq(new.locale.as_str()),
            join_requests::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The latest unconfirmed request of `login` through `link` whose code hashes to `code_hash`
/// and is still live at `now`.
pub(crate) fn live_with_code(
    conn: &mut DbConnection,
    link: JoinLinkId,
    login: &Login,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<JoinRequestRecord>, StoreError> {
    join_requests::table
        .filter(join_requests::join_link_id.eq(link.key()))
        .filter(join_requests::login.eq(login.as_str()))
        .filter(join_requests::code_hash.eq(code_hash))
        .filter(join_requests::status.eq(Literal::word("unconfirmed")))
        .filter(join_requests::code_expires_at.gt(now.naive_utc()))
        .order(join_requests::created_at.desc())
        .select(JoinRequestRow::as_select())
        .first(conn)
        .optional()?
        .map(JoinRequestRecord::try_from)
        .transpose()
}

/// Whether a request of `login` waits for approval in `account`.
pub(crate) fn awaiting_of_login(
    conn: &mut DbConnection,
    account: AccountId,
    login: &Login,
) -> Result<bool, StoreError> {
    let n: i64 = join_requests::table
        .filter(join_requests::account_id.eq(account.key()))
        .filter(join_requests::login.eq(login.as_str()))
        .filter(join_requests::status.eq(Literal::word("awaiting_approval")))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What a confirmed code made of the request.
pub(crate) struct Confirmed<'a> {
    pub status: JoinRequestStatus,
    pub holds_seat: bool,
    pub password_hash: Option<&'a str>,
    pub identity_id: Option<IdentityId>,
    pub user_id: Option<UserId>,
}

/// Confirms the request: it waits for approval, or the person joined.
pub(crate) fn confirm(
    conn: &mut DbConnection,
    id: JoinRequestId,
    c: &Confirmed<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let decided = (c.status == JoinRequestStatus::Joined).then(|| now.naive_utc());
    diesel::update(join_requests::table.find(id.key()))
        .set((
            join_requests::status.eq(c.status.as_str()),
            join_requests::holds_seat.eq(c.holds_seat),
            join_requests::password_hash.eq(c.password_hash),
            join_requests::identity_id.eq(c.identity_id.map(|i| i.key())),
            join_requests::user_id.eq(c.user_id.map(|u| u.key())),
            join_requests::decided_at.eq(decided),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a decision on a waiting request: approved (with the user it made) or rejected.
/// The password hash it kept is forgotten, and the seat no longer held.
pub(crate) fn decide(
    conn: &mut DbConnection,
    id: JoinRequestId,
    status: JoinRequestStatus,
    by: UserId,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(join_requests::table.find(id.key()))
        .set((
            join_requests::status.eq(status.as_str()),
            join_requests::holds_seat.eq(false),
            join_requests::password_hash.eq(None::<String>),
            join_requests::decided_at.eq(now.naive_utc()),
            join_requests::decided_by.eq(by.key()),
            join_requests::user_id.eq(user.map(|u| u.key())),
        ))
        .execute(conn)?;
    Ok(())
}

/// The request `id`, if it is one of `workgroup`'s in `account` and was confirmed.
pub(crate) fn find_join_request(
    conn: &mut DbConnection,
    account: AccountId,
    workgroup: WorkgroupId,
    id: JoinRequestId,
) -> Result<Option<JoinRequestRecord>, StoreError> {
    join_requests::table
        .find(id.key())
        .filter(join_requests::account_id.eq(account.key()))
        .filter(join_requests::workgroup_id.eq(workgroup.key()))
        .filter(join_requests::status.ne(Literal::word("unconfirmed")))
        .select(JoinRequestRow::as_select())
        .first(conn)
        .optional()?
        .map(JoinRequestRecord::try_from)
        .transpose()
}

/// A page of a workgroup's confirmed requests, newest first (ids are time-ordered); only
/// those in `status` when given.
pub(crate) fn requests_of(
    conn: &mut DbConnection,
    workgroup: WorkgroupId,
    status: Option<JoinRequestStatus>,
    page: &PageRequest<JoinRequestId>,
) -> Result<Vec<JoinRequestRecord>, StoreError> {
    let mut query = join_requests::table
        .filter(join_requests::workgroup_id.eq(workgroup.key()))
        .filter(join_requests::status.ne(Literal::word("unconfirmed")))
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(join_requests::status.eq(s.as_str()));
    }
    if let Some(after) = page.after {
        query = query.filter(join_requests::id.lt(after.key()));
    }
    query
        .order(join_requests::id.desc())
        .limit(page.rows())
        .select(JoinRequestRow::as_select())
        .load(conn)?
        .into_iter()
        .map(JoinRequestRecord::try_from)
        .collect()
}

/// Forgets up to `limit` unconfirmed requests whose code is dead; returns how many.
pub(crate) fn delete_dead(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let dead = || {
        join_requests::table
            .filter(join_requests::status.eq(Literal::word("unconfirmed")))
            .filter(join_requests::code_expires_at.le(now.naive_utc()))
    };
    let ids: Vec<String> = dead().select(join_requests::id).limit(limit).load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(dead().filter(join_requests::id.eq_any(ids))).execute(conn)?)
}

/// A person's join request, as an erasure finds it (rule 14).
pub(crate) struct RequestOfPerson {
    pub(crate) id: String,
    pub(crate) account_id: AccountId,
    /// Waiting (for its code or for approval): the erasure withdraws it.
    pub(crate) waiting: bool,
    pub(crate) holds_seat: bool,
}

/// The join requests, in `account` or everywhere, of the profile, of any of `logins`, or that
/// made one of `users`.
pub(crate) fn to_erase(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    identity: IdentityId,
    logins: &[String],
    users: &[String],
) -> Result<Vec<RequestOfPerson>, StoreError> {
    let mut query = join_requests::table
        .filter(
            join_requests::login
                .eq_any(logins)
                .or(join_requests::identity_id.eq(identity.key()))
                .or(join_requests::user_id.eq_any(users)),
        )
        .select((
            join_requests::id,
            join_requests::account_id,
            join_requests::status,
            join_requests::holds_seat,
        ))
        .into_boxed();
    if let Some(account) = account {
        query = query.filter(join_requests::account_id.eq(account.key()));
    }
    let rows: Vec<(String, String, String, bool)> = query.load(conn)?;
    rows.into_iter()
        .map(|(id, account, status, holds_seat)| {
            let status = parse_word(&status, JoinRequestStatus::parse)?;
            Ok(RequestOfPerson {
                id,
                account_id: parse_id(&account)?,
                waiting: status.is_waiting(),
                holds_seat,
            })
        })
        .collect()
}

/// Erases join requests: a waiting one is rejected (its seat no longer held: the caller
/// gives it back), and every one loses the person's login (a tombstone `erased:<id>`), names
/// and password hash.
pub(crate) fn erase(
    conn: &mut DbConnection,
    ids: &[String],
    waiting: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    diesel::update(join_requests::table.filter(join_requests::id.eq_any(waiting)))
        .set((
            join_requests::status.eq(JoinRequestStatus::Rejected.as_str()),
            join_requests::holds_seat.eq(false),
            join_requests::decided_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(join_requests::table.filter(join_requests::id.eq_any(ids)))
        .set((
            join_requests::login.eq(diesel::dsl::sql::<diesel::sql_types::Text>(
                "'erased:' || id",
            )),
            join_requests::first_name.eq(domain::erasure::ERASED_FIRST_NAME),
            join_requests::last_name.eq(domain::erasure::ERASED_LAST_NAME),
            join_requests::password_hash.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes up to `limit` requests decided before `cutoff` — approved, rejected or joined: the
/// person's login and names go with them (a batch of the retention sweep, found by
/// `join_requests_decided`); returns how many. A waiting request has no decision, and stays.
pub(crate) fn delete_decided(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let decided = || {
        join_requests::table
            .filter(join_requests::decided_at.lt(cutoff.naive_utc()))
            .filter(join_requests::status.eq_any([
                JoinRequestStatus::Approved.as_str(),
                JoinRequestStatus::Rejected.as_str(),
                JoinRequestStatus::Joined.as_str(),
            ]))
    };
    let ids: Vec<String> = decided()
        .select(join_requests::id)
        .limit(limit)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(decided().filter(join_requests::id.eq_any(ids))).execute(conn)?)
}

/// The join requests made with one of `logins` or with the password of `identity`, in
/// `account` when given, newest first, at most `limit` (issue #32: a person's export).
pub(crate) fn of_person(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    logins: &[String],
    identity: Option<IdentityId>,
    limit: i64,
) -> Result<Vec<JoinRequestRecord>, StoreError> {
    let by_login = {
        let mut q = join_requests::table
            .filter(join_requests::login.eq_any(logins))
            .into_boxed();
        if let Some(account) = account {
            q = q.filter(join_requests::account_id.eq(account.key()));
        }
        q.order(join_requests::id.desc())
            .limit(limit)
            .select(JoinRequestRow::as_select())
            .load(conn)?
    };
    let by_identity = match identity {
        Some(identity) => {
            let mut q = join_requests::table
                .filter(join_requests::identity_id.eq(identity.key()))
                .into_boxed();
            if let Some(account) = account {
                q = q.filter(join_requests::account_id.eq(account.key()));
            }
            q.order(join_requests::id.desc())
                .limit(limit)
                .select(JoinRequestRow::as_select())
                .load(conn)?
        }
        None => Vec::new(),
    };
    let mut rows: Vec<JoinRequestRow> = by_login.into_iter().chain(by_identity).collect();
    rows.sort_by(|a, b| b.id.cmp(&a.id));
    rows.dedup_by(|a, b| a.id == b.id);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    rows.into_iter().map(JoinRequestRecord::try_from).collect()
}
