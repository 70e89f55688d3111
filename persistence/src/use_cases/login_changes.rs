//! A network profile's login change: asked for with the profile's password (checked by the
//! HTTP layer), proved by a code sent to the new login, then switched. The old login is free in
//! every account at once; the accounts where the person is an active user know them by the new
//! one from then on and record the change in their audit logs; those that dismissed them go on
//! knowing them by the logins of the dismissal and hear nothing (`domain::known_logins`). The
//! old address is told.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, utc, Key};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::tx;
use crate::tables::accounts::bump_logins_version;
use crate::tables::code_attempts;
use crate::tables::identities::{credentials_of, locale_of, logins_of, set_login};
use crate::tables::invitations;
pub use crate::tables::login_changes::NewLoginChange;
use crate::tables::login_changes::{
    end_waiting_changes, insert_login_change, requests_since, spend, with_code,
};
use crate::tables::outbox::{self, NewMessage};
use crate::tables::sending_counters;
use crate::tables::users::{self, make_way};
use chrono::{DateTime, Duration, Utc};
use domain::audit::AuditAction;
use domain::code_attempts::AttemptCounter;
use domain::enums::UserStatus;
use domain::ids::{AccountId, IdentityId, UserId};
use domain::known_logins::follows_login_changes;
use domain::locale::{self, Locale};
use domain::login::Login;
use domain::login_change::{
    decide_login_change_confirmation, decide_login_change_request, PendingChange, ProfileLogins,
    RecentRequests, CODE_TTL_MINUTES,
};
use domain::sending::{CodePurpose, Sending, SendingQuotas};
use domain::DomainError;
use serde_json::json;
use uuid::Uuid;

/// Whether `login` is someone else's: another profile's login, or a pending invitation's in
/// an account where the profile is an active user (rule 6 holds within each account; where
/// the person is dismissed, the account goes on knowing them by the logins of the dismissal,
/// and reinstating them waits for such an invitation to be revoked).
fn taken(conn: &mut DbConnection, identity: IdentityId, login: &Login) -> Result<bool, StoreError> {
    let other_profile = credentials_of(conn, login)?.map(|c| c.identity_id);
    if other_profile.is_some_and(|id| id != identity) {
        return Ok(true);
    }
    let invited = invitations::pending_where_active(conn, identity, login)?;
    Ok(invited > 0)
}

/// Stores the change waiting for its code and the message carrying the code, in one
/// transaction, after the domain's checks (not the same login, within the hourly rate, free).
pub fn request(
    db: &Database,
    new: NewLoginChange,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let quotas = *quotas;
    db.write(move |conn| {
        let current = logins_of(conn, new.identity_id)?;
        let since = (now - Duration::hours(1)).naive_utc();
        let (count, oldest) = requests_since(conn, new.identity_id, since)?;
        let recent = RecentRequests {
            count: u32::try_from(count).unwrap_or(u32::MAX),
            oldest: oldest.map(utc),
        };
        let is_taken = taken(conn, new.identity_id, &new.new_login)?;
        decide_login_change_request(&current, &new.new_login, is_taken, recent, now)?;
        let sending = Sending {
            channel: new.new_login.channel(),
            recipient: new.new_login.as_str(),
        };
        // The new address has said yes to nothing yet: the budgets of codes (rule 11), never
        // its owner's quota, which invitations to them rely on.
        sending_counters::consume_code(
            conn,
            &sending,
            CodePurpose::LoginChange,
            &new.client,
            &quotas,
            now,
        )?;
        insert_login_change(conn, &new, now)?;
        let locale =
            locale::for_person(locale_of(conn, new.identity_id)?, None, new.request_locale);
        let message = NewMessage {
            id: Uuid::now_v7(),
            account_id: None,
            channel: new.new_login.channel(),
            recipient: new.new_login.as_str().to_owned(),
            payload: json!({
                "kind": "login_change_code",
                "locale": locale,
                "sealed_token": new.sealed_code,
                "expires_in_minutes": CODE_TTL_MINUTES,
            }),
        };
        outbox::enqueue(conn, &message, now)
    })
}

/// Confirms the profile's change whose code hashes to `code_hash`, tried from `client`: the
/// login switches and the old one is free everywhere. A wrong code counts against the profile
/// and the client address (`code_attempts`; remembered although the request fails); while
/// either waits, no code is tried (429). Returns the profile's logins now.
pub fn confirm(
    db: &Database,
    identity: IdentityId,
    code_hash: &str,
    client: &str,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<ProfileLogins, StoreError> {
    let code_hash = code_hash.to_owned();
    let attempts = AttemptCounter::for_login_change(identity, client);
    let outcome = db.write(move |conn| {
        // Rule 6 in each of the profile's accounts: a batch of one of them is decided on its
        // logins either before this (and the new login is then taken) or after.
        let accounts = tx::lock_accounts_of(conn, identity)?;
        if let Err(wait) = code_attempts::may_try(conn, &attempts, now)? {
            return Ok(Err(wait));
        }
        let row = with_code(conn, identity, &code_hash)?;
        let new_login = row.as_ref().and_then(|r| {
            Login::from_email_or_phone(r.new_email.as_deref(), r.new_phone.as_deref()).ok()
        });
        let pending = row.as_ref().map(|r| PendingChange {
            expires_at: utc(r.expires_at),
            confirmed: r.confirmed_at.is_some(),
        });
        let is_taken = match &new_login {
            Some(login) => taken(conn, identity, login)?,
            None => false,
        };
        match (
            decide_login_change_confirmation(pending, is_taken, now),
            new_login,
        ) {
            (Ok(()), Some(login)) => {
                code_attempts::succeeded(conn, &attempts)?;
                end_waiting_changes(conn, identity, now)?;
                let logins = switch(conn, identity, &login, request_locale, now)?;
                bump_logins_version(conn, &accounts)?;
                Ok(Ok(logins))
            }
            (Err(DomainError::InvalidCode), _) | (Ok(()), None) => {
                code_attempts::failed(conn, &attempts, now)?;
                Ok(Err(DomainError::InvalidCode))
            }
            (Err(e), _) => {
                // The code was right but the login was taken since: the code is spent.
                if let Some(row) = row {
                    spend(conn, &row.id, now)?;
                }
                Ok(Err(e))
            }
        }
    });
    match outcome {
        Ok(result) => result.map_err(StoreError::from),
        // Another profile took the login in a concurrent transaction (PostgreSQL).
        Err(e) if e.is_unique_violation() => Err(DomainError::LoginTaken.into()),
        Err(e) => Err(e),
    }
}

/// Writes the new login, tells the old address, and, in every account where the person is an
/// active user, makes the account know them by it and records the change.
fn switch(
    conn: &mut DbConnection,
    identity: IdentityId,
    login: &Login,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<ProfileLogins, StoreError> {
    let before = logins_of(conn, identity)?;
    set_login(conn, identity, login, now)?;
    if let Some(old) = before.notice_to(login) {
        let message = NewMessage {
            id: Uuid::now_v7(),
            account_id: None,
            channel: old.channel(),
            recipient: old.as_str().to_owned(),
            payload: json!({
                "kind": "login_changed",
                "locale": locale::for_person(locale_of(conn, identity)?, None, request_locale),
                "old_login": before.replaced_by(login),
                "new_login": login.as_str(),
            }),
        };
        outbox::enqueue(conn, &message, now)?;
    }
    let field = match login {
        Login::Email(_) => "email",
        Login::Phone(_) => "phone",
    };
    let following = following_accounts(conn, identity)?;
    let new = ProfileLogins {
        email: login.email().map(|e| e.as_str().to_owned()),
        phone: login.phone().map(|p| p.as_str().to_owned()),
    };
    make_way(conn, &following, identity, &new)?;
    // The users that follow the change: written and returned at once, so that a dismissal
    // committed meanwhile is seen (such a user keeps the logins of its dismissal).
    let followed = users::follow_login(conn, identity, login, now.naive_utc())?;
    let events = followed
        .into_iter()
        .map(|(account, user)| {
            let user: UserId = parse_id(&user)?;
            Ok(AuditEvent {
                account_id: Some(parse_id::<AccountId>(&account)?),
                actor_user_id: Some(user),
                actor_identity_id: Some(identity),
                actor_token_id: None,
                action: AuditAction::UserLoginChanged,
                subject_type: "user",
                subject_id: user.key(),
                details: json!({
                    "before": {field: before.replaced_by(login)},
                    "after": {field: login.as_str()},
                }),
                at: now,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    audit::record_all(conn, &events)?;
    logins_of(conn, identity)
}

/// The accounts where the profile is an active user: those that follow its login changes
/// (`domain::known_logins::follows_login_changes`).
fn following_accounts(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Vec<AccountId>, StoreError> {
    users::accounts_of_identity(conn, identity)?
        .into_iter()
        .filter_map(
            |(account, status)| match parse_word(&status, UserStatus::parse) {
                Ok(status) if follows_login_changes(status) => Some(parse_id(&account)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            },
        )
        .collect()
}
