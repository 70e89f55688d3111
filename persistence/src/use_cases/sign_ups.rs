//! Sign-ups waiting for the code sent to their login, and their confirmation, which creates the
//! account. A waiting sign-up reserves nothing (the login stays free) and expires.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::{parse_opt_id, parse_word, utc, Key};
use crate::shared::audit::{self, AuditEvent};
use crate::tables::accounts::{account_by_id, insert_account, AccountRecord};
use crate::tables::code_attempts;
use crate::tables::identities::{credentials_of, insert_identity, NewIdentity};
use crate::tables::outbox::{self, sign_up_code_message};
use crate::tables::sending_counters;
pub use crate::tables::sign_ups::NewSignUp;
use crate::tables::sign_ups::{insert_sign_up, use_up, with_code, SignUpRow};
use crate::tables::users::{insert_user, user_by_id, NewUser, UserRecord};
use chrono::{DateTime, Utc};
use domain::audit::AuditAction;
use domain::code_attempts::AttemptCounter;
use domain::enums::UserType;
use domain::ids::IdentityId;
use domain::locale::Locale;
use domain::login::Login;
use domain::plan::{Plan, Plans};
use domain::sending::{CodePurpose, Sending, SendingQuotas};
use domain::sign_up::{decide_sign_up_confirmation, AdminProfile, PendingSignUp, CODE_TTL_MINUTES};
use domain::DomainError;
use serde_json::json;

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
        sending_counters::consume_code(
            conn,
            &sending,
            CodePurpose::SignUp,
            &new.client,
            &quotas,
            now,
        )?;
        insert_sign_up(conn, &new, now)?;
        let message =
            sign_up_code_message(&new.login, &new.sealed_code, CODE_TTL_MINUTES, new.locale);
        outbox::enqueue(conn, &message, now)
    })
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
        let row = with_code(conn, &login, &code_hash)?;
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
    let locale = parse_word(&row.locale, Locale::parse)?;
    create_account(conn, &row.account_name, plan, locale, identity_id, now)
}

/// Creates the account (its messages in `locale`) and its first administrator (an active
/// intranet user holding one seat) on `identity_id`'s profile.
fn create_account(
    conn: &mut DbConnection,
    name: &str,
    plan: &Plan,
    locale: Locale,
    identity_id: IdentityId,
    now: DateTime<Utc>,
) -> Result<(AccountRecord, UserRecord), StoreError> {
    let account_id = insert_account(conn, name, plan, locale, now)?;
    let user_id = insert_user(
        conn,
        &NewUser {
            access_expires_at: None,
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
