//! The second factor (rule 13) as the HTTP layer handles it: new secrets and recovery codes
//! (random, here), the sealed secret opened with the server's key, a code checked against it
//! (`domain::two_factor::accepted_step`) and recorded as used (`persistence::two_factor`), and
//! wrong codes counted against the person (`AppState::second_factor_failures`, shared by every
//! server process on PostgreSQL).

use crate::problem::ApiError;
use crate::rate_limit::PasswordTarget;
use crate::reads::Bound;
use crate::state::AppState;
use domain::ids::IdentityId;
use domain::locale::Locale;
use domain::two_factor::{
    accepted_step, SecondFactorCode, TotpSecret, TwoFactorState, RECOVERY_ALPHABET, RECOVERY_CODES,
    RECOVERY_CODE_CHARS, SECRET_BYTES,
};
use domain::DomainError;
use persistence::two_factor::{Proof, TwoFactorRecord};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// The document's schema of a second factor's code in a request body (`domain::two_factor::
/// CODE_PATTERN`, at most `CODE_MAX_CHARS` characters): the limits a client can check first.
pub fn code_field() -> crate::openapi::field::Field {
    crate::openapi::field::Field::of::<String>()
        .about("The six digits the authenticator app shows now, or an unused recovery code (`xxxxx-xxxxx`; spaces, dashes and case do not matter). At most 32 characters.")
        .example("492039")
        .pattern(domain::two_factor::CODE_PATTERN)
        .max_chars(domain::two_factor::CODE_MAX_CHARS)
}

/// [`code_field`] where it is optional: only a profile with two-step on needs it (`null` or
/// absent: none given).
pub fn optional_code_field() -> crate::openapi::field::Field {
    code_field().or_null()
}

/// A fresh TOTP secret.
pub fn new_secret() -> Result<TotpSecret, ApiError> {
    let mut bytes = vec![0u8; SECRET_BYTES];
    rand::thread_rng().fill_bytes(&mut bytes);
    TotpSecret::from_bytes(bytes).ok_or_else(|| ApiError::internal("a TOTP secret too short"))
}

/// Fresh recovery codes, as kept (no dash).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            (0..RECOVERY_CODE_CHARS)
                .map(|_| char::from(RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())]))
                .collect()
        })
        .collect()
}

/// What the storage keeps of a recovery code of `identity`: its HMAC under the server's key,
/// bound to the profile (a leaked table cannot be searched without the key).
pub fn recovery_hash(
    state: &AppState,
    identity: IdentityId,
    code: &str,
) -> Result<String, ApiError> {
    state
        .sealer
        .code_hash(&format!("recovery-code:{identity}"), code)
        .map_err(ApiError::internal)
}

/// The secret sealed as `sealed`.
pub fn open_secret(state: &AppState, sealed: &str) -> Result<TotpSecret, ApiError> {
    state
        .sealer
        .open(sealed)
        .and_then(|text| TotpSecret::from_base32(&text))
        .ok_or_else(|| {
            ApiError::internal("a two-step secret cannot be opened: the server's key changed")
        })
}

/// A fingerprint of a stored password hash, carried by a login's challenge so that the
/// challenge dies when the password changes.
pub fn password_fingerprint(password_hash: &str) -> String {
    hex::encode(&Sha256::digest(password_hash.as_bytes())[..12])
}

/// The profile's second factor, on or waiting, if any.
pub async fn record(
    state: &AppState,
    identity: IdentityId,
) -> Result<Option<TwoFactorRecord>, ApiError> {
    crate::reads::read(state, Bound::Page, move |db| {
        persistence::two_factor::record(db, identity)
    })
    .await
}

/// Whether two-step is on for a profile whose second factor is `record`.
pub fn is_on(record: Option<&TwoFactorRecord>) -> bool {
    record.is_some_and(|r| r.state() == TwoFactorState::Enabled)
}

/// `code` parsed as a second factor; 422 under `field` when it is neither six digits nor a
/// recovery code (no guess is counted for it).
pub fn parse_code(code: &str, field: &str) -> Result<SecondFactorCode, ApiError> {
    SecondFactorCode::parse(code).map_err(|e| DomainError::Invalid(vec![e.under(field)]).into())
}

/// Refused (429) while the person's wrong codes block them.
pub async fn check_limit(state: &AppState, identity: IdentityId) -> Result<(), ApiError> {
    state
        .second_factor_failures
        .check(&PasswordTarget::SecondFactor(identity))
        .await
}

/// Counts a wrong code against the person.
pub async fn failed(state: &AppState, identity: IdentityId) -> Result<(), ApiError> {
    state
        .second_factor_failures
        .failed(&PasswordTarget::SecondFactor(identity))
        .await
}

/// How `code` proves the second factor `record` of a profile, before it is recorded as used;
/// `None` for a wrong TOTP (a recovery code is known right or wrong only when it is spent).
pub fn proof(
    state: &AppState,
    identity: IdentityId,
    record: Option<&TwoFactorRecord>,
    code: &SecondFactorCode,
) -> Result<Option<Proof>, ApiError> {
    let Some(record) = record else {
        return Ok(None);
    };
    Ok(match code {
        SecondFactorCode::Totp(digits) => {
            let secret = open_secret(state, &record.sealed_secret)?;
            accepted_step(&secret, digits, state.clock.now(), record.last_step)
                .ok()
                .map(|step| Proof::Totp {
                    sealed_secret: record.sealed_secret.clone(),
                    step,
                })
        }
        SecondFactorCode::Recovery(code) => Some(Proof::Recovery {
            hash: recovery_hash(state, identity, code)?,
        }),
    })
}

/// Lets `identity` in by its second factor `code` (two-step on): the code is recorded as used
/// — a TOTP's step once, a recovery code spent (and told) —, or counted as wrong: 401
/// `invalid_code`; 429 while wrong codes block the person.
pub async fn verify(
    state: &AppState,
    identity: IdentityId,
    code: &str,
    field: &str,
    asked: Option<Locale>,
) -> Result<(), ApiError> {
    let code = parse_code(code, field)?;
    check_limit(state, identity).await?;
    let found = record(state, identity).await?;
    verified(state, identity, found.as_ref(), &code, asked).await
}

/// [`verify`] against the second factor `found`, read already.
async fn verified(
    state: &AppState,
    identity: IdentityId,
    found: Option<&TwoFactorRecord>,
    code: &SecondFactorCode,
    asked: Option<Locale>,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let used = match (is_on(found), proof(state, identity, found, code)?) {
        (
            true,
            Some(Proof::Totp {
                sealed_secret,
                step,
            }),
        ) => {
            state
                .write(move |db| {
                    persistence::two_factor::use_totp(db, identity, sealed_secret, step)
                })
                .await?
        }
        (true, Some(Proof::Recovery { hash })) => {
            state
                .write(move |db| {
                    persistence::two_factor::use_recovery_code(db, identity, hash, asked, now)
                })
                .await?
        }
        _ => false,
    };
    if used {
        Ok(())
    } else {
        failed(state, identity).await?;
        Err(DomainError::WrongSecondFactor.into())
    }
}

/// Where a password has just let `identity` in to join an account or sign one up (accepting
/// an invitation, a join link, a sign-up): with two-step on, `code` must be its second factor
/// too (401 `second_factor_required` without one).
pub async fn require_if_on(
    state: &AppState,
    identity: IdentityId,
    code: Option<&str>,
    field: &str,
    asked: Option<Locale>,
) -> Result<(), ApiError> {
    let found = record(state, identity).await?;
    match (is_on(found.as_ref()), code) {
        (false, _) => Ok(()),
        (true, None) => Err(DomainError::SecondFactorRequired.into()),
        (true, Some(code)) => {
            let code = parse_code(code, field)?;
            check_limit(state, identity).await?;
            verified(state, identity, found.as_ref(), &code, asked).await
        }
    }
}
