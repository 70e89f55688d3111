//! Network profiles (identities): looked up by login for sign-in, read for `/v1/me`.

use crate::db::Database;
use crate::error::StoreError;
use crate::records::{parse_id, parse_word, utc, ProfileAccount, ProfileRecord};
use crate::schema::{accounts, identities, users};
use diesel::prelude::*;
use domain::enums::{UserStatus, UserType};
use domain::ids::{AccountId, IdentityId, UserId};
use domain::login::Login;
use domain::DomainError;

/// What signing in needs of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub identity_id: IdentityId,
    pub password_hash: String,
}

/// The profile whose login this is, if any.
pub fn credentials_by_login(
    db: &Database,
    login: &Login,
) -> Result<Option<Credentials>, StoreError> {
    db.read(|conn| {
        let query = identities::table
            .select((identities::id, identities::password_hash))
            .into_boxed();
        let query = match login {
            Login::Email(e) => query.filter(identities::email.eq(e.as_str())),
            Login::Phone(p) => query.filter(identities::phone.eq(p.as_str())),
        };
        query
            .first::<(String, String)>(conn)
            .optional()?
            .map(|(id, password_hash)| {
                Ok(Credentials {
                    identity_id: parse_id(&id)?,
                    password_hash,
                })
            })
            .transpose()
    })
}

/// The user a profile is in an account, and whether it is active.
pub fn user_of_identity(
    db: &Database,
    account_id: AccountId,
    identity_id: IdentityId,
) -> Result<Option<(UserId, UserStatus)>, StoreError> {
    db.read(|conn| {
        users::table
            .filter(users::account_id.eq(account_id.to_string()))
            .filter(users::identity_id.eq(identity_id.to_string()))
            .select((users::id, users::status))
            .first::<(String, String)>(conn)
            .optional()?
            .map(|(id, status)| Ok((parse_id(&id)?, parse_word(&status, UserStatus::parse)?)))
            .transpose()
    })
}

/// A profile with the accounts it belongs to.
pub fn profile(db: &Database, identity_id: IdentityId) -> Result<ProfileRecord, StoreError> {
    db.read_snapshot(|conn| {
        let id = identity_id.to_string();
        let (email, phone, first_name, last_name, created_at) = identities::table
            .find(&id)
            .select((
                identities::email,
                identities::phone,
                identities::first_name,
                identities::last_name,
                identities::created_at,
            ))
            .first::<(
                Option<String>,
                Option<String>,
                String,
                String,
                chrono::NaiveDateTime,
            )>(conn)
            .optional()?
            .ok_or(DomainError::NotFound("profile"))?;
        let rows = users::table
            .inner_join(accounts::table)
            .filter(users::identity_id.eq(&id))
            .order(users::id.asc())
            .select((
                accounts::id,
                accounts::name,
                users::id,
                users::user_type,
                users::status,
            ))
            .load::<(String, String, String, String, String)>(conn)?;
        let memberships = rows
            .into_iter()
            .map(|(account_id, account_name, user_id, user_type, status)| {
                Ok(ProfileAccount {
                    account_id: parse_id(&account_id)?,
                    account_name,
                    user_id: parse_id(&user_id)?,
                    user_type: parse_word(&user_type, UserType::parse)?,
                    status: parse_word(&status, UserStatus::parse)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ProfileRecord {
            id: identity_id,
            email,
            phone,
            first_name,
            last_name,
            created_at: utc(created_at),
            memberships,
        })
    })
}
