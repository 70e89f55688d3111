//! Two-step authentication (rule 13): a profile's set-up, its confirmation by a first code, the
//! codes that let it in (a TOTP step recorded once; a recovery code spent once), and switching
//! it off. The secret is sealed and opened by the HTTP layer, which checks a TOTP against it
//! (`domain::two_factor::accepted_step`); here each use is recorded by a conditional write, so
//! that a code lets in once across every server process.
//!
//! The second factor is the profile's, in every account: switching it on or off, and using a
//! recovery code, is recorded in the audit log of every account where the person is an active
//! user (`two_factor.*`, reported to webhooks as the user), and each login of the profile is
//! told.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::shared::audit::{self, AuditEvent};
use crate::tables::identities::{
    credentials_of, locale_of, logins_of, logins_of_locked, password_hash_of,
};
use crate::tables::outbox::{self, NewMessage};
pub use crate::tables::two_factors::TwoFactorRecord;
use crate::tables::{recovery_codes, sessions, two_factors, users};
use chrono::{DateTime, Utc};
use domain::audit::AuditAction;
use domain::ids::{IdentityId, SessionId};
use domain::locale::{self, Locale};
use domain::login::Login;
use domain::password_reset::notice_to;
use domain::session::SessionEnd;
use domain::two_factor::{decide_confirm, decide_start, require_enabled, TwoFactorState};
use domain::DomainError;
use serde_json::{json, Value};
use uuid::Uuid;

/// Where a profile's second factor stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorStatus {
    pub record: Option<TwoFactorRecord>,
    /// Unused recovery codes (none before a set-up is confirmed).
    pub recovery_codes_left: u32,
}

impl TwoFactorStatus {
    pub fn state(&self) -> Option<TwoFactorState> {
        self.record.as_ref().map(TwoFactorRecord::state)
    }
}

/// The profile's second factor and its unused recovery codes.
pub fn status(db: &Database, identity: IdentityId) -> Result<TwoFactorStatus, StoreError> {
    db.read(|conn| {
        Ok(TwoFactorStatus {
            record: two_factors::find(conn, identity)?,
            recovery_codes_left: recovery_codes::unused(conn, identity)?,
        })
    })
}

/// The profile's second factor, on or waiting, if any (one read: what a login, an accept or a
/// code's check needs).
pub fn record(db: &Database, identity: IdentityId) -> Result<Option<TwoFactorRecord>, StoreError> {
    db.read(|conn| two_factors::find(conn, identity))
}

/// Starts a set-up with the sealed secret `sealed_secret` (refused while two-step is on; one
/// that waited is replaced). Returns the login an authenticator app labels it with.
pub fn start(
    db: &Database,
    identity: IdentityId,
    sealed_secret: String,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    db.write(move |conn| {
        let logins = logins_of_locked(conn, identity)?;
        decide_start(two_factors::find(conn, identity)?.map(|r| r.state()))?;
        two_factors::start(conn, identity, &sealed_secret, now)?;
        Ok(logins.email.or(logins.phone).unwrap_or_default())
    })
}

/// How a code was checked, to be recorded as used in the transaction that acts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A TOTP accepted for `step`, checked against the secret sealed as `sealed_secret`.
    Totp { sealed_secret: String, step: i64 },
    /// A recovery code, by its keyed hash.
    Recovery { hash: String },
}

/// Confirms the set-up that waits with its first code (a TOTP accepted for `step` against
/// `sealed_secret`): two-step is on, `recovery_hashes` are the profile's recovery codes, every
/// other session of the profile ends (`current` goes on), each login is told, and the accounts
/// where the person is active record it. A code used already: 422 `invalid_code`.
#[allow(clippy::too_many_arguments)]
pub fn confirm(
    db: &Database,
    identity: IdentityId,
    current: SessionId,
    sealed_secret: String,
    step: i64,
    recovery_hashes: Vec<String>,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.write(move |conn| {
        let logins = logins_of_locked(conn, identity)?;
        let record = two_factors::find(conn, identity)?;
        decide_confirm(record.as_ref().map(|r| r.state()))?;
        if !two_factors::use_step(conn, identity, &sealed_secret, step)? {
            // Another set-up replaced this one, or the code was used a moment ago.
            return Err(DomainError::InvalidCode.into());
        }
        two_factors::enable(conn, identity, now)?;
        recovery_codes::replace_all(conn, identity, &recovery_hashes, now)?;
        sessions::end_of_identity(
            conn,
            identity,
            Some(current),
            SessionEnd::TwoFactorEnabled,
            now,
        )?;
        record_everywhere(
            conn,
            identity,
            AuditAction::TwoFactorEnabled,
            json!({}),
            now,
        )?;
        tell(
            conn,
            identity,
            &logins,
            json!({"how": "enabled"}),
            request_locale,
            now,
        )
    })
}

/// Records a TOTP accepted for `step` against `sealed_secret` as used; `false` when it was
/// used already (or the second factor changed meanwhile): the code does not let in.
pub fn use_totp(
    db: &Database,
    identity: IdentityId,
    sealed_secret: String,
    step: i64,
) -> Result<bool, StoreError> {
    db.write(move |conn| {
        let on = two_factors::find(conn, identity)?
            .is_some_and(|r| r.state() == TwoFactorState::Enabled);
        Ok(on && two_factors::use_step(conn, identity, &sealed_secret, step)?)
    })
}

/// Spends the recovery code hashing to `hash`; `false` when the profile has no such unused
/// code (or two-step is off). A spent code is recorded in the accounts where the person is
/// active, and each login is told how many are left.
pub fn use_recovery_code(
    db: &Database,
    identity: IdentityId,
    hash: String,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    db.write(move |conn| {
        let on = two_factors::find(conn, identity)?
            .is_some_and(|r| r.state() == TwoFactorState::Enabled);
        if !on || !recovery_codes::spend(conn, identity, &hash, now)? {
            return Ok(false);
        }
        let left = recovery_codes::unused(conn, identity)?;
        record_everywhere(
            conn,
            identity,
            AuditAction::TwoFactorRecoveryCodeUsed,
            json!({"recovery_codes_left": left}),
            now,
        )?;
        let logins = logins_of(conn, identity)?;
        tell(
            conn,
            identity,
            &logins,
            json!({"how": "recovery_code_used", "recovery_codes_left": left}),
            request_locale,
            now,
        )?;
        Ok(true)
    })
}

/// Makes a new set of recovery codes (`hashes`), proved by `proof` (a code, used here); the old
/// codes no longer work. The accounts record it (audit only) and each login is told. `false`,
/// and nothing changed, when the code was used already: the caller counts it as wrong.
pub fn renew_recovery_codes(
    db: &Database,
    identity: IdentityId,
    proof: Proof,
    hashes: Vec<String>,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    db.write(move |conn| {
        let logins = logins_of_locked(conn, identity)?;
        require_enabled(two_factors::find(conn, identity)?.map(|r| r.state()))?;
        if !used(conn, identity, &proof, now)? {
            return Ok(false);
        }
        recovery_codes::replace_all(conn, identity, &hashes, now)?;
        record_everywhere(
            conn,
            identity,
            AuditAction::TwoFactorRecoveryCodesRenewed,
            json!({}),
            now,
        )?;
        tell(
            conn,
            identity,
            &logins,
            json!({"how": "recovery_codes_renewed"}),
            request_locale,
            now,
        )?;
        Ok(true)
    })
}

/// Records the code `proof` stands for as used; `false` when it was used already.
fn used(
    conn: &mut DbConnection,
    identity: IdentityId,
    proof: &Proof,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    match proof {
        Proof::Totp {
            sealed_secret,
            step,
        } => two_factors::use_step(conn, identity, sealed_secret, *step),
        Proof::Recovery { hash } => recovery_codes::spend(conn, identity, hash, now),
    }
}

/// Switches two-step off for its owner: `checked_hash` is the password hash the current
/// password was verified against (refused, 403 `wrong_current_password`, if it changed since),
/// and `proof` a code, used here. The secret and the recovery codes are removed; the accounts
/// record it; each login is told. `false`, and nothing changed, when the code was used already
/// (or is no recovery code of the profile's): the caller counts it as wrong.
pub fn disable(
    db: &Database,
    identity: IdentityId,
    checked_hash: String,
    proof: Proof,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    db.write(move |conn| {
        let logins = logins_of_locked(conn, identity)?;
        if password_hash_of(conn, identity)?.as_deref() != Some(checked_hash.as_str()) {
            return Err(DomainError::WrongCurrentPassword.into());
        }
        require_enabled(two_factors::find(conn, identity)?.map(|r| r.state()))?;
        if !used(conn, identity, &proof, now)? {
            return Ok(false);
        }
        switch_off(conn, identity, &logins, json!({}), request_locale, now)?;
        Ok(true)
    })
}

/// Switches two-step off for the person with `login`, at their request, by the operator
/// (`extranet two-factor-reset`): they lost both the device and the recovery codes, and
/// proved who they are to support. The accounts record it (actor: none, `by: support`), and
/// each login is told. `false` when the login is nobody's or two-step was off.
pub fn reset_by_support(
    db: &Database,
    login: &Login,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let login = login.clone();
    db.write(move |conn| {
        let Some(identity) = credentials_of(conn, &login)?.map(|c| c.identity_id) else {
            return Ok(false);
        };
        let logins = logins_of_locked(conn, identity)?;
        if two_factors::find(conn, identity)?.is_none() {
            return Ok(false);
        }
        switch_off(conn, identity, &logins, json!({"by": "support"}), None, now)?;
        Ok(true)
    })
}

fn switch_off(
    conn: &mut DbConnection,
    identity: IdentityId,
    logins: &domain::login_change::ProfileLogins,
    by: Value,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    two_factors::remove(conn, identity)?;
    recovery_codes::remove_all(conn, identity)?;
    let support = by.get("by").is_some();
    record_everywhere(
        conn,
        identity,
        AuditAction::TwoFactorDisabled,
        by.clone(),
        now,
    )?;
    let mut notice = json!({"how": "disabled"});
    if support {
        notice["by"] = json!("support");
    }
    tell(conn, identity, logins, notice, request_locale, now)
}

/// Records `action` about the person in every account where they are an active user, as
/// done by that user (by nobody when support did it: `details.by`).
fn record_everywhere(
    conn: &mut DbConnection,
    identity: IdentityId,
    action: AuditAction,
    details: Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let by_support = details.get("by").is_some();
    let events: Vec<AuditEvent<'_>> = users::active_of_identity(conn, identity)?
        .into_iter()
        .map(|(account, user)| AuditEvent {
            account_id: Some(account),
            actor_user_id: (!by_support).then_some(user),
            actor_identity_id: (!by_support).then_some(identity),
            actor_token_id: None,
            action,
            subject_type: "user",
            subject_id: user.key(),
            details: details.clone(),
            at: now,
        })
        .collect();
    audit::record_all(conn, &events)
}

/// Tells each login of the profile (in its language, else the request's) what happened:
/// `notice` is the payload's `how` and what goes with it.
fn tell(
    conn: &mut DbConnection,
    identity: IdentityId,
    logins: &domain::login_change::ProfileLogins,
    notice: Value,
    request_locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let locale = locale::for_person(locale_of(conn, identity)?, None, request_locale);
    for login in notice_to(logins) {
        let mut payload = json!({"kind": "two_factor_changed", "locale": locale});
        if let (Some(p), Some(n)) = (payload.as_object_mut(), notice.as_object()) {
            p.extend(n.clone());
        }
        let message = NewMessage {
            id: Uuid::now_v7(),
            account_id: None,
            channel: login.channel(),
            recipient: login.as_str().to_owned(),
            payload,
        };
        outbox::enqueue(conn, &message, now)?;
    }
    Ok(())
}
