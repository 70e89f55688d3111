//! A profile's password (rules 9 and 11): changed by its owner in a session, or reset with a
//! code sent to one of its logins. Either way the new hash, the end of sessions
//! (`domain::password_reset::sessions_ended_by`) and the notices to the profile's logins are
//! one transaction. The password belongs to the profile, not to an account: no account's
//! transaction is taken and no account's audit log records it (the accounts see its users'
//! logins, not their passwords).

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::tables::code_attempts;
use crate::tables::identities::set_password_hash;
use crate::tables::identities::{credentials_of, locale_of, logins_of_locked, password_hash_of};
use crate::tables::outbox::{self, NewMessage};
pub use crate::tables::password_resets::NewPasswordReset;
use crate::tables::password_resets::{self, spend_all, with_code};
use crate::tables::sending_counters;
use crate::tables::sessions;
use chrono::{DateTime, Utc};
use domain::code_attempts::AttemptCounter;
use domain::ids::{IdentityId, SessionId};
use domain::locale::{self, Locale};
use domain::login::Login;
use domain::password_reset::{
    decide_password_change, decide_password_reset_confirmation, decide_reset_request, notice_to,
    sessions_ended_by, PasswordReplaced, ResetRequest, CODE_TTL_MINUTES,
};
use domain::sending::{CodePurpose, Sending, SendingQuotas};
use domain::DomainError;
use serde_json::json;
use uuid::Uuid;

/// Changes the password of `identity` from session `current`: `checked_hash` is the hash the
/// current password was verified against (by the HTTP layer, off the transaction), `new_hash`
/// the new password's. Refused when the session ended meanwhile (401) or the password changed
/// since it was checked (403 `wrong_current_password`). Every other session ends; each login
/// is told, in their language, else the one `request_locale` (the request's) names.
#[allow(clippy::too_many_arguments)]
pub fn change(
    db: &Database,
    identity: IdentityId,
    current: SessionId,
    checked_hash: String,
    new_hash: String,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.write(move |conn| {
        // The profile's row locked first (PostgreSQL): a change or reset at the same moment
        // waits, and what is read next is what it left.
        let logins = logins_of_locked(conn, identity)?;
        let session = sessions::of_identity(conn, identity, current)?.map(|s| s.state());
        let unchanged = password_hash_of(conn, identity)?.as_deref() == Some(checked_hash.as_str());
        decide_password_change(session, unchanged, now)?;
        replace(
            conn,
            identity,
            &new_hash,
            PasswordReplaced::Changed { current },
            &logins,
            request_locale,
            now,
        )
    })
}

/// A reset asked for `new.login` from `new.client`. The budgets of codes are counted whether
/// or not the login is a profile's (so that the answers, refusals included, are the same);
/// only a profile's login gets a code, and nothing else tells them apart: the same
/// transaction, a few rows more. Never an account's quota or the recipient's daily one (rule
/// 11).
pub fn request_reset(
    db: &Database,
    new: NewPasswordReset,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let quotas = *quotas;
    db.write(move |conn| {
        let sending = Sending {
            channel: new.login.channel(),
            recipient: new.login.as_str(),
        };
        sending_counters::consume_code(
            conn,
            &sending,
            CodePurpose::PasswordReset,
            &new.client,
            &quotas,
            now,
        )?;
        let profile = credentials_of(conn, &new.login)?.map(|c| c.identity_id);
        let ResetRequest::SendCode(identity) = decide_reset_request(profile) else {
            return Ok(());
        };
        password_resets::insert(conn, identity, &new, now)?;
        // The profile's language, else the asker's: a stranger's header only picks among our
        // fixed texts.
        let locale = locale::for_person(locale_of(conn, identity)?, None, new.request_locale);
        let message = NewMessage {
            id: Uuid::now_v7(),
            account_id: None,
            channel: new.login.channel(),
            recipient: new.login.as_str().to_owned(),
            payload: json!({
                "kind": "password_reset_code",
                "locale": locale,
                "sealed_token": new.sealed_code,
                "login": new.login.as_str(),
                "expires_in_minutes": CODE_TTL_MINUTES,
            }),
        };
        outbox::enqueue(conn, &message, now)
    })
}

/// Resets the password of `login`'s profile with the code hashing to `code_hash`, tried from
/// `client`; `new_hash` is the new password's. A wrong code (or a login that is nobody's, or
/// no longer this profile's) counts against the login and the client address (`code_attempts`,
/// remembered although the request fails) and is 422 `invalid_code`; while either counter
/// waits, no code is tried (429). The right code spends every waiting reset of the profile,
/// ends every session, and each login is told. Returns the profile.
pub fn confirm_reset(
    db: &Database,
    login: &Login,
    code_hash: &str,
    new_hash: String,
    client: &str,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<IdentityId, StoreError> {
    let (login, code_hash) = (login.clone(), code_hash.to_owned());
    let attempts = AttemptCounter::for_password_reset(&login, client);
    // The outcome travels inside `Ok` so that a failed attempt is committed all the same.
    db.write(move |conn| {
        if let Err(wait) = code_attempts::may_try(conn, &attempts, now)? {
            return Ok(Err(wait));
        }
        let found = match credentials_of(conn, &login)? {
            Some(c) => {
                let logins = logins_of_locked(conn, c.identity_id)?;
                // The login may have moved to someone else while the profile was locked.
                let still_its = [&logins.email, &logins.phone]
                    .into_iter()
                    .any(|l| l.as_deref() == Some(login.as_str()));
                let matching = if still_its {
                    with_code(conn, c.identity_id, &login, &code_hash)?
                } else {
                    Vec::new()
                };
                Some((c.identity_id, logins, matching))
            }
            None => None,
        };
        let matching = found.as_ref().map_or(&[][..], |(_, _, m)| m.as_slice());
        match (decide_password_reset_confirmation(matching, now), found) {
            (Ok(()), Some((identity, logins, _))) => {
                code_attempts::succeeded(conn, &attempts)?;
                spend_all(conn, identity, now)?;
                replace(
                    conn,
                    identity,
                    &new_hash,
                    PasswordReplaced::Reset,
                    &logins,
                    request_locale,
                    now,
                )?;
                Ok(Ok(identity))
            }
            (Ok(()), None) | (Err(DomainError::InvalidCode), _) => {
                code_attempts::failed(conn, &attempts, now)?;
                Ok(Err(DomainError::InvalidCode))
            }
            (Err(e), _) => Ok(Err(e)),
        }
    })?
    .map_err(StoreError::from)
}

/// Writes the new hash, ends the sessions the way of replacing it ends, and tells each login
/// (in the profile's language, else the request's).
fn replace(
    conn: &mut DbConnection,
    identity: IdentityId,
    new_hash: &str,
    how: PasswordReplaced,
    logins: &domain::login_change::ProfileLogins,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    set_password_hash(conn, identity, new_hash, now)?;
    let locale = locale::for_person(locale_of(conn, identity)?, None, request_locale);
    let (kept, why) = sessions_ended_by(how);
    sessions::end_of_identity(conn, identity, kept, why, now)?;
    for login in notice_to(logins) {
        let message = NewMessage {
            id: Uuid::now_v7(),
            account_id: None,
            channel: login.channel(),
            recipient: login.as_str().to_owned(),
            payload: json!({"kind": "password_replaced", "how": how.as_str(), "locale": locale}),
        };
        outbox::enqueue(conn, &message, now)?;
    }
    Ok(())
}
