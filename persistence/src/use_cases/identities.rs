//! Network profiles (identities) as their owner sees them: looked up by login for sign-in,
//! read with the accounts they belong to for `/v1/me`.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, utc};
use crate::tables::identities::{
    credentials_of, password_hash_of, profile_of, set_locale, Credentials,
};
use crate::tables::users;
use chrono::{DateTime, Utc};
use domain::access_end::status_at;
use domain::enums::{UserStatus, UserType};
use domain::ids::{AccountId, IdentityId, UserId};
use domain::locale::Locale;
use domain::login::Login;
use domain::DomainError;

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
    /// The language the person chose for their messages (`None`: not chosen).
    pub locale: Option<Locale>,
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

/// The profile whose login this is, if any.
pub fn credentials_by_login(
    db: &Database,
    login: &Login,
) -> Result<Option<Credentials>, StoreError> {
    db.read(|conn| credentials_of(conn, login))
}

/// The user a profile is in an account, and whether it is active at `now` (an ended access is
/// not: `domain::access_end::status_at`).
pub fn user_of_identity(
    db: &Database,
    account_id: AccountId,
    identity_id: IdentityId,
    now: DateTime<Utc>,
) -> Result<Option<(UserId, UserStatus)>, StoreError> {
    db.read(|conn| {
        users::of_identity_in(conn, account_id, identity_id)?
            .map(|(id, status, end)| {
                let status = parse_word(&status, UserStatus::parse)?;
                Ok((parse_id(&id)?, status_at(status, end.map(utc), now)))
            })
            .transpose()
    })
}

/// A profile with the accounts it belongs to, each user's status as of `now`.
pub fn profile(
    db: &Database,
    identity_id: IdentityId,
    now: DateTime<Utc>,
) -> Result<ProfileRecord, StoreError> {
    db.read_snapshot(|conn| {
        let row = profile_of(conn, identity_id)?.ok_or(DomainError::NotFound("profile"))?;
        let memberships = users::with_accounts_of(conn, identity_id)?
            .into_iter()
            .map(|r| {
                Ok(ProfileAccount {
                    account_id: parse_id(&r.account_id)?,
                    account_name: r.account_name,
                    user_id: parse_id(&r.user_id)?,
                    user_type: parse_word(&r.user_type, UserType::parse)?,
                    status: status_at(
                        parse_word(&r.status, UserStatus::parse)?,
                        r.access_expires_at.map(utc),
                        now,
                    ),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ProfileRecord {
            id: identity_id,
            email: row.email,
            phone: row.phone,
            first_name: row.first_name,
            last_name: row.last_name,
            created_at: utc(row.created_at),
            memberships,
            locale: row
                .locale
                .as_deref()
                .map(|l| parse_word(l, Locale::parse))
                .transpose()?,
        })
    })
}

/// Writes the language the person chose for their messages (`None`: none, their accounts'
/// again).
pub fn set_profile_locale(
    db: &Database,
    identity_id: IdentityId,
    locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.write(move |conn| set_locale(conn, identity_id, locale, now))
}

/// The password hash of a profile, to check its owner's current password.
pub fn password_hash(db: &Database, identity_id: IdentityId) -> Result<String, StoreError> {
    db.read(|conn| {
        password_hash_of(conn, identity_id)?.ok_or(DomainError::NotFound("profile").into())
    })
}
