//! Sign-ups waiting for the code sent to their login, and their confirmation, which creates the
//! account. A waiting sign-up reserves nothing (the login stays free) and expires.

use crate::audit::{self, AuditEvent};
use crate::code_attempts;
use crate::db::{Database, DbConnection};
use crate::error::StoreError;
use crate::keys::{parse_opt_id, utc, Key};
use crate::models::accounts::{account_by_id, insert_account, AccountRecord};
use crate::models::identities::{credentials_of, insert_identity, NewIdentity};
use crate::models::users::{insert_user, user_by_id, NewUser, UserRecord};
use crate::outbox::{self, sign_up_code_message};
use crate::quotas;
use crate::schema::sign_ups;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::audit::AuditAction;
use domain::code_attempts::AttemptCounter;
use domain::enums::UserType;
use domain::ids::IdentityId;
use domain::login::Login;
use domain::plan::{Plan, Plans};
use domain::sending::{Sending, SendingQuotas};
use domain::sign_up::{decide_sign_up_confirmation, AdminProfile, PendingSignUp, CODE_TTL_MINUTES};
use domain::DomainError;
use serde_json::json;
use uuid::Uuid;

/// A sign-up as the HTTP layer settled it: the password already checked against an existing
/// profile (`proved_profile`) or hashed for a new one (`password_hash`), the code issued.
#[derive(Debug, Clone)]
pub struct NewSignUp {
    pub login: Login,
    pub account_name: String,
    pub plan: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: Option<String>,
    pub proved_profile: Option<IdentityId>,
    /// What the storage keeps of the code (a keyed hash bound to the login).
    pub code_hash: String,
    /// The code sealed for the outbox message.
    pub sealed_code: String,
    pub expires_at: DateTime<Utc>,
    /// The client address it came from (its budget of codes).
    pub client: String,
}

/// Stores the waiting sign-up and the message carrying its code, in one transaction.
pub fn start(
    db: &Database,
    new: NewSignUp,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let quotas = *quotas;
    db.write(move |conn| {
        let sending = Sending {
            channel: new.login.channel(),
            recipient: new.login.as_str(),
        };
        // Asked for by someone who has proved nothing: the budgets of codes (rule 11).
        quotas::consume_code(conn, &sending, &new.client, &quotas, now)?;
        let at = now.naive_utc();
        diesel::insert_into(sign_ups::table)
            .values((
                sign_ups::id.eq(Uuid::now_v7().to_string()),
                sign_ups::login.eq(new.login.as_str()),
                sign_ups::code_hash.eq(&new.code_hash),
                sign_ups::account_name.eq(&new.account_name),
                sign_ups::plan.eq(&new.plan),
                sign_ups::first_name.eq(&new.first_name),
                sign_ups::last_name.eq(&new.last_name),
                sign_ups::password_hash.eq(new.password_hash.as_deref()),
                sign_ups::identity_id.eq(new.proved_profile.map(|i| i.key())),
                sign_ups::expires_at.eq(new.expires_at.naive_utc()),
                sign_ups::created_at.eq(at),
            ))
            .execute(conn)?;
        let message = sign_up_code_message(&new.login, &new.sealed_code, CODE_TTL_MINUTES);
        outbox::enqueue(conn, &message, now)
    })
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sign_ups)]
struct SignUpRow {
    id: String,
    account_name: String,
    plan: String,
    first_name: String,
    last_name: String,
    password_hash: Option<String>,
    identity_id: Option<String>,
    expires_at: NaiveDateTime,
    confirmed_at: Option<NaiveDateTime>,
}

/// Confirms the sign-up of `login` whose code hashes to `code_hash`, tried from `client`: the
/// account and its first administrator are created. A wrong code counts against the login and
/// the client address (`code_attempts`: it slows the guesser down, and is remembered even
/// though the request fails); while either waits, no code is tried (429).
pub fn confirm(
    db: &Database,
    login: &Login,
    code_hash: &str,
    client: &str,
    plans: &Plans,
    now: DateTime<Utc>,
) -> Result<(AccountRecord, UserRecord), StoreError> {
    let (login, code_hash, plans) = (login.clone(), code_hash.to_owned(), plans.clone());
    let attempts = AttemptCounter::for_sign_up(&login, client);
    // The outcome travels inside `Ok` so that what a refusal writes (a failed attempt, a used
    // code) is committed all the same.
    db.write(move |conn| {
        if let Err(wait) = code_attempts::may_try(conn, &attempts, now)? {
            return Ok(Err(wait));
        }
        let row: Option<SignUpRow> = sign_ups::table
            .filter(sign_ups::login.eq(login.as_str()))
            .filter(sign_ups::code_hash.eq(&code_hash))
            .order(sign_ups::created_at.desc())
            .select(SignUpRow::as_select())
            .first(conn)
            .optional()?;
        let pending = row
            .as_ref()
            .map(|r| {
                Ok::<_, StoreError>(PendingSignUp {
                    expires_at: utc(r.expires_at),
                    confirmed: r.confirmed_at.is_some(),
                    proved_profile: parse_opt_id(r.identity_id.as_deref())?,
                    has_new_password: r.password_hash.is_some(),
                })
            })
            .transpose()?;
        let profile_now = credentials_of(conn, &login)?.map(|c| c.identity_id);
        match (decide_sign_up_confirmation(pending, profile_now, now), row) {
            (Ok(profile), Some(row)) => {
                use_up(conn, &row.id, now)?;
                code_attempts::succeeded(conn, &attempts)?;
                create_from(conn, row, profile, &login, &plans, now).map(Ok)
            }
            (Err(DomainError::InvalidCode), _) | (Ok(_), None) => {
                code_attempts::failed(conn, &attempts, now)?;
                Ok(Err(DomainError::InvalidCode))
            }
            (Err(e), row) => {
                // The code was right, the password was not the profile's: the code is spent.
                if let Some(row) = row {
                    use_up(conn, &row.id, now)?;
                }
                Ok(Err(e))
            }
        }
    })?
    .map_err(StoreError::from)
}

fn use_up(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(sign_ups::table.find(id))
        .set(sign_ups::confirmed_at.eq(Some(now.naive_utc())))
        .execute(conn)?;
    Ok(())
}

/// The account a confirmed sign-up asked for, with its first administrator on `profile`.
fn create_from(
    conn: &mut DbConnection,
    row: SignUpRow,
    profile: AdminProfile,
    login: &Login,
    plans: &Plans,
    now: DateTime<Utc>,
) -> Result<(AccountRecord, UserRecord), StoreError> {
    let identity_id = match profile {
        AdminProfile::Reuse(id) => id,
        AdminProfile::Create => {
            let password_hash = row.password_hash.as_deref().ok_or_else(|| {
                StoreError::Corrupt("a new profile's sign-up has no password".into())
            })?;
            insert_identity(
                conn,
                &NewIdentity {
                    login,
                    password_hash,
                    first_name: &row.first_name,
                    last_name: &row.last_name,
                },
                now,
            )?
        }
    };
    // The plan chosen at sign-up; the default one if it has been configured away since.
    let plan = plans
        .choose(&row.plan)
        .unwrap_or_else(|_| plans.default_plan());
    create_account(conn, &row.account_name, plan, identity_id, now)
}

/// Creates the account and its first administrator (an active intranet user holding one
/// seat) on `identity_id`'s profile.
fn create_account(
    conn: &mut DbConnection,
    name: &str,
    plan: &Plan,
    identity_id: IdentityId,
    now: DateTime<Utc>,
) -> Result<(AccountRecord, UserRecord), StoreError> {
    let account_id = insert_account(conn, name, plan, now)?;
    let user_id = insert_user(
        conn,
        &NewUser {
            account_id,
            identity_id,
            user_type: UserType::Intranet,
            is_admin: true,
        },
        now,
    )?;
    let account = account_by_id(conn, account_id)?;
    let user = user_by_id(conn, account_id, user_id)?.ok_or(DomainError::NotFound("user"))?;
    audit::record(
        conn,
        AuditEvent {
            actor_token_id: None,
            account_id: Some(account_id),
            actor_user_id: Some(user_id),
            actor_identity_id: Some(identity_id),
            action: AuditAction::AccountCreated,
            subject_type: "account",
            subject_id: account_id.key(),
            details: json!({"name": name, "plan": plan.name, "admin_user_id": user_id.key()}),
            at: now,
        },
    )?;
    Ok((account, user))
}

/// Forgets sign-ups that can no longer be confirmed; returns how many.
pub fn forget_dead(db: &Database, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let at = now.naive_utc();
    db.write(move |conn| {
        Ok(diesel::delete(
            sign_ups::table.filter(
                sign_ups::expires_at
                    .le(at)
                    .or(sign_ups::confirmed_at.is_not_null()),
            ),
        )
        .execute(conn)?)
    })
}
