//! What the use cases return: rows read back as domain values.

use crate::error::StoreError;
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::account::{AccountSettings, ExternalDomains};
use domain::enums::{UserStatus, UserType, WhoCanInvite};
use domain::ids::{AccountId, IdentityId, UserId};
use domain::plan::Plans;
use domain::seats::Seats;
use std::str::FromStr;

pub(crate) fn parse_id<T: FromStr>(s: &str) -> Result<T, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("`{s}` is not an id")))
}

pub(crate) fn parse_word<T>(s: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(s).ok_or_else(|| StoreError::Corrupt(format!("`{s}` is not a known value")))
}

pub(crate) fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub(crate) fn to_count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// An account with its settings and seat counters.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRecord {
    pub id: AccountId,
    pub name: String,
    pub plan: String,
    pub settings: AccountSettings,
    pub active_intranet: u32,
    pub active_extranet: u32,
    pub pending_invitations: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AccountRecord {
    /// The seats held, against the plan's limit from the catalogue.
    pub fn seats(&self, plans: &Plans) -> Seats {
        Seats {
            limit: plans.limit_of(&self.plan),
            active_intranet: self.active_intranet,
            active_extranet: self.active_extranet,
            pending_invitations: self.pending_invitations,
        }
    }
}

#[derive(diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = crate::schema::accounts)]
pub(crate) struct AccountRow {
    pub id: String,
    pub name: String,
    pub plan: String,
    pub who_can_invite: String,
    pub external_domains_mode: String,
    pub external_domains: String,
    pub invitation_ttl_hours: i32,
    pub active_intranet: i32,
    pub active_extranet: i32,
    pub pending_invitations: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// How `external_domains` is stored: a mode and a comma-separated list.
pub(crate) fn external_domains_columns(d: &ExternalDomains) -> (&'static str, String) {
    match d {
        ExternalDomains::Any => ("any", String::new()),
        ExternalDomains::Allow(list) => ("allow", list.join(",")),
        ExternalDomains::Deny(list) => ("deny", list.join(",")),
    }
}

impl TryFrom<AccountRow> for AccountRecord {
    type Error = StoreError;

    fn try_from(r: AccountRow) -> Result<Self, StoreError> {
        let list = || -> Vec<String> {
            r.external_domains
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let external_domains = match r.external_domains_mode.as_str() {
            "any" => ExternalDomains::Any,
            "allow" => ExternalDomains::Allow(list()),
            "deny" => ExternalDomains::Deny(list()),
            other => return Err(StoreError::Corrupt(format!("domain mode `{other}`"))),
        };
        Ok(Self {
            id: parse_id(&r.id)?,
            settings: AccountSettings {
                who_can_invite: parse_word(&r.who_can_invite, WhoCanInvite::parse)?,
                external_domains,
                invitation_ttl_hours: to_count(r.invitation_ttl_hours),
            },
            name: r.name,
            plan: r.plan,
            active_intranet: to_count(r.active_intranet),
            active_extranet: to_count(r.active_extranet),
            pending_invitations: to_count(r.pending_invitations),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

/// A user of an account, with the login and names of its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The columns a [`UserRecord`] is read from: `users` joined with `identities`.
pub(crate) type UserColumns = (
    crate::schema::users::id,
    crate::schema::users::account_id,
    crate::schema::users::identity_id,
    crate::schema::users::user_type,
    crate::schema::users::status,
    crate::schema::users::is_admin,
    crate::schema::identities::email,
    crate::schema::identities::phone,
    crate::schema::identities::first_name,
    crate::schema::identities::last_name,
    crate::schema::users::created_at,
);

pub(crate) const USER_COLUMNS: UserColumns = {
    use crate::schema::{identities as i, users as u};
    (
        u::id,
        u::account_id,
        u::identity_id,
        u::user_type,
        u::status,
        u::is_admin,
        i::email,
        i::phone,
        i::first_name,
        i::last_name,
        u::created_at,
    )
};

pub(crate) type UserRow = (
    String,
    String,
    String,
    String,
    String,
    bool,
    Option<String>,
    Option<String>,
    String,
    String,
    NaiveDateTime,
);

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        let (
            id,
            account_id,
            identity_id,
            user_type,
            status,
            is_admin,
            email,
            phone,
            first,
            last,
            created,
        ) = r;
        Ok(Self {
            id: parse_id(&id)?,
            account_id: parse_id(&account_id)?,
            identity_id: parse_id(&identity_id)?,
            user_type: parse_word(&user_type, UserType::parse)?,
            status: parse_word(&status, UserStatus::parse)?,
            is_admin,
            email,
            phone,
            first_name: first,
            last_name: last,
            created_at: utc(created),
        })
    }
}

/// A network profile and the accounts it is a user of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRecord {
    pub id: IdentityId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub created_at: DateTime<Utc>,
    pub memberships: Vec<ProfileAccount>,
}

/// One account a profile belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileAccount {
    pub account_id: AccountId,
    pub account_name: String,
    pub user_id: UserId,
    pub user_type: UserType,
    pub status: UserStatus,
}

/// One page of a list, newest first, and the id to continue after.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next_after: Option<C>,
}

/// Where a page starts and how long it is (the HTTP layer bounds `limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<C> {
    pub after: Option<C>,
    pub limit: u32,
}

/// Builds a page from up to `limit + 1` rows: the extra row only says there is more.
pub(crate) fn into_page<T, C>(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> C) -> Page<T, C> {
    let limit = limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_after = if more { rows.last().map(key) } else { None };
    Page {
        items: rows,
        next_after,
    }
}
