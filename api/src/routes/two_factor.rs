//! Two-step authentication of the network profile (rule 13): set up with a TOTP app,
//! confirmed by a first code (which gives the recovery codes, once), seen, and switched off
//! with the password and a code. A session that may only enroll (the account requires a second
//! factor of its user) may call the first three (`scopes::ENROLLMENT`); an API token none.

use crate::auth::SessionCaller;
use crate::extract::JsonBody;
use crate::openapi::field::Field;
use crate::problem::ApiError;
use crate::responses::*;
use crate::routes::passwords::current_password;
use crate::second_factor::{
    check_limit, failed, new_recovery_codes, new_secret, open_secret, parse_code, proof, record,
    recovery_hash,
};
use crate::state::AppState;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::two_factor::{
    accepted_step, decide_confirm, shown_recovery_code, SecondFactorCode, TwoFactorState, DIGITS,
    RECOVERY_CODES, STEP_SECONDS,
};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where the profile's two-step authentication stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorView {
    /// Whether logins ask for a second factor.
    pub enabled: bool,
    /// A set-up was started and waits for its first code (`POST …/two-factor/confirm`).
    pub pending: bool,
    /// When it was switched on.
    #[schema(required = false, nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled_at: Option<DateTime<Utc>>,
    /// Recovery codes not used yet (0 while off).
    #[schema(example = 10, minimum = 0, maximum = 10)]
    pub recovery_codes_left: u32,
}

/// The profile's two-step authentication: on or off, a set-up waiting, recovery codes left.
#[utoipa::path(
    tag = "network",
    responses(
        (status = 200, description = "Where it stands", body = TwoFactorView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/v1/network/profile/two-factor")]
pub async fn get_two_factor(
    state: web::Data<AppState>,
    caller: SessionCaller,
) -> Result<web::Json<TwoFactorView>, ApiError> {
    let identity = caller.actor.identity_id();
    let found = crate::reads::read(&state, crate::reads::Bound::Page, move |db| {
        persistence::two_factor::status(db, identity)
    })
    .await?;
    let state_now = found.state();
    Ok(web::Json(TwoFactorView {
        enabled: state_now == Some(TwoFactorState::Enabled),
        pending: state_now == Some(TwoFactorState::Pending),
        enabled_at: found.record.and_then(|r| r.enabled_at),
        recovery_codes_left: found.recovery_codes_left,
    }))
}

/// The profile's password, to start a set-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorStartBody {
    /// The profile's password now.
    #[schema(example = "my current passphrase")]
    pub current_password: String,
}

/// A TOTP secret to add to an authenticator app.
#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorSecret {
    /// The secret in base32 (RFC 4648, no padding), for typing into the app by hand.
    #[schema(example = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]
    pub secret: String,
    /// The same as an `otpauth://` URI: show it as a QR code for the app to scan.
    #[schema(
        example = "otpauth://totp/Extranet:ada%40acme.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Extranet"
    )]
    pub otpauth_uri: String,
    /// Always `SHA1`.
    #[schema(example = "SHA1")]
    pub algorithm: &'static str,
    /// Digits of a code: 6.
    #[schema(example = 6)]
    pub digits: usize,
    /// Seconds a code lasts: 30.
    #[schema(example = 30)]
    pub period: i64,
}

/// Start setting up two-step authentication: a new TOTP secret (RFC 6238: SHA-1, 6 digits,
/// 30 s) for an authenticator app. It is **not on** until `POST
/// /v1/network/profile/two-factor/confirm` with a first code; starting again replaces a secret
/// that was not confirmed. 409 `two_factor_enabled` while it is on (switch it off first to move
/// to another device); 403 `wrong_current_password` (counted with the person's failed logins).
#[utoipa::path(
    tag = "network",
    request_body(content = TwoFactorStartBody, example = json!({"current_password": "my current passphrase"})),
    responses(
        (status = 201, description = "A secret waiting for its first code", body = TwoFactorSecret),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/network/profile/two-factor")]
pub async fn start_two_factor(
    state: web::Data<AppState>,
    caller: SessionCaller,
    JsonBody(body): JsonBody<TwoFactorStartBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let identity = caller.actor.identity_id();
    current_password(&state, identity, &body.current_password).await?;
    let secret = new_secret()?;
    let sealed = state
        .sealer
        .seal(&secret.base32())
        .map_err(ApiError::internal)?;
    let login = state
        .write(move |db| persistence::two_factor::start(db, identity, sealed, now))
        .await?;
    Ok(HttpResponse::Created().json(TwoFactorSecret {
        secret: secret.base32(),
        otpauth_uri: secret.otpauth_uri(&login),
        algorithm: "SHA1",
        digits: DIGITS,
        period: STEP_SECONDS,
    }))
}

fn totp_code() -> Field {
    Field::of::<String>()
        .about("The six digits the authenticator app shows now.")
        .example("492039")
        .pattern("^[0-9]{6}$")
}

/// The first code of the app, to confirm the set-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorConfirmBody {
    #[schema(schema_with = totp_code)]
    pub code: String,
}

/// The recovery codes, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten single-use codes (`xxxxx-xxxxx`), each letting in once instead of the app's code.
    /// Shown **only now**: keep them somewhere safe.
    #[schema(
        example = json!([
            "abcde-fghjk", "mnpqr-stuvw", "xyz23-45678", "9abcd-efghi", "jkmnp-qrstu",
            "vwxyz-23456", "789ab-cdefg", "hijkm-npqrs", "tuvwx-yz234", "56789-abcde"
        ]),
        min_items = 10,
        max_items = 10
    )]
    pub recovery_codes: Vec<String>,
}

/// Confirm the set-up with the app's first code: two-step authentication is **on**, the answer
/// holds ten recovery codes (shown once), every **other** session of the profile ends, each
/// login of the profile is told, and the accounts where the person is a user record
/// `two_factor.enabled`. A code of the step before or after now is accepted (clock skew), and a
/// code once only. 422 `invalid_code` for a wrong or used code (counted against the person:
/// 429 past the limit); 409 `two_factor_not_started` / `two_factor_enabled`.
#[utoipa::path(
    tag = "network",
    request_body(content = TwoFactorConfirmBody, example = json!({"code": "492039"})),
    responses(
        (status = 200, description = "On; the recovery codes", body = RecoveryCodes),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/network/profile/two-factor/confirm")]
pub async fn confirm_two_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: SessionCaller,
    JsonBody(body): JsonBody<TwoFactorConfirmBody>,
) -> Result<web::Json<RecoveryCodes>, ApiError> {
    let now = state.clock.now();
    let (identity, session) = (caller.actor.identity_id(), caller.session);
    let SecondFactorCode::Totp(digits) = parse_code(&body.code, "code")? else {
        return Err(DomainError::Invalid(vec![domain::FieldError::new(
            "code",
            "invalid_format",
            "the six digits the authenticator app shows",
        )])
        .into());
    };
    check_limit(&state, identity).await?;
    let found = record(&state, identity).await?;
    decide_confirm(found.as_ref().map(|r| r.state()))?;
    let record = found.ok_or(DomainError::Unreachable(
        "a set-up confirmed without its row",
    ))?;
    let secret = open_secret(&state, &record.sealed_secret)?;
    let Ok(step) = accepted_step(&secret, &digits, now, record.last_step) else {
        failed(&state, identity).await?;
        return Err(DomainError::InvalidCode.into());
    };
    let codes = new_recovery_codes();
    let hashes = codes
        .iter()
        .map(|c| recovery_hash(&state, identity, c))
        .collect::<Result<Vec<_>, _>>()?;
    let asked = crate::language::requested(&req);
    let sealed = record.sealed_secret;
    state
        .write(move |db| {
            persistence::two_factor::confirm(
                db, identity, session, sealed, step, hashes, asked, now,
            )
        })
        .await?;
    debug_assert_eq!(codes.len(), RECOVERY_CODES);
    Ok(web::Json(RecoveryCodes {
        recovery_codes: codes.iter().map(|c| shown_recovery_code(c)).collect(),
    }))
}

/// The password and a code, to switch two-step off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorDisableBody {
    /// The profile's password now.
    #[schema(example = "my current passphrase")]
    pub current_password: String,
    #[schema(schema_with = crate::second_factor::code_field)]
    pub code: String,
}

/// Switch two-step authentication off, with the password and a code (the app's, or an unused
/// recovery code): the secret and the recovery codes are deleted, each login of the profile is
/// told, and the accounts record `two_factor.disabled`. Where an account requires a second
/// factor of this user, its sessions can then only set one up again. 403
/// `wrong_current_password`; 422 `invalid_code` (wrong or used; counted: 429 past the limit);
/// 409 `two_factor_not_enabled`.
///
/// Lost both the device and the recovery codes? Nobody can switch it off from the API without
/// a code: the person asks the service's operator, who checks who they are and runs
/// `extranet two-factor-reset LOGIN` (README, "Operating it").
#[utoipa::path(
    tag = "network",
    request_body(content = TwoFactorDisableBody, example = json!({
        "current_password": "my current passphrase",
        "code": "492039"
    })),
    responses(
        (status = 204, description = "Off"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[delete("/v1/network/profile/two-factor")]
pub async fn disable_two_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: SessionCaller,
    JsonBody(body): JsonBody<TwoFactorDisableBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let identity = caller.actor.identity_id();
    let code = parse_code(&body.code, "code")?;
    let checked = current_password(&state, identity, &body.current_password).await?;
    let proof = code_proof(&state, identity, &code).await?;
    let asked = crate::language::requested(&req);
    let done = state
        .write(move |db| persistence::two_factor::disable(db, identity, checked, proof, asked, now))
        .await?;
    counted(&state, identity, done).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How a code a signed-in person gives (to switch two-step off, to renew the recovery codes)
/// proves their second factor, before the change records it as used: refused (409) while
/// two-step is off, 429 while wrong codes block the person, and a wrong code counted (422
/// `invalid_code`).
async fn code_proof(
    state: &AppState,
    identity: domain::ids::IdentityId,
    code: &SecondFactorCode,
) -> Result<persistence::two_factor::Proof, ApiError> {
    check_limit(state, identity).await?;
    let found = record(state, identity).await?;
    domain::two_factor::require_enabled(found.as_ref().map(|r| r.state()))?;
    match proof(state, identity, found.as_ref(), code)? {
        Some(proof) => Ok(proof),
        None => {
            failed(state, identity).await?;
            Err(DomainError::InvalidCode.into())
        }
    }
}

/// Whether a change a code proved was `done`: a code found used when the change recorded it (a
/// wrong recovery code, or one used a moment ago by another request) changed nothing, and is
/// counted as wrong (422 `invalid_code`).
async fn counted(
    state: &AppState,
    identity: domain::ids::IdentityId,
    done: bool,
) -> Result<(), ApiError> {
    if done {
        return Ok(());
    }
    failed(state, identity).await?;
    Err(DomainError::InvalidCode.into())
}

/// A code, to make a new set of recovery codes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryCodesBody {
    #[schema(schema_with = crate::second_factor::code_field)]
    pub code: String,
}

/// Make a new set of recovery codes, with a code (the app's, or one of the unused recovery
/// codes): ten new codes, shown once; **the old ones no longer work**. Each login of the
/// profile is told, and the accounts record `two_factor.recovery_codes_renewed`. 422
/// `invalid_code` (wrong or used; counted: 429 past the limit); 409 `two_factor_not_enabled`.
#[utoipa::path(
    tag = "network",
    request_body(content = RecoveryCodesBody, example = json!({"code": "492039"})),
    responses(
        (status = 200, description = "The new recovery codes", body = RecoveryCodes),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/network/profile/two-factor/recovery-codes")]
pub async fn renew_recovery_codes(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: SessionCaller,
    JsonBody(body): JsonBody<RecoveryCodesBody>,
) -> Result<web::Json<RecoveryCodes>, ApiError> {
    let now = state.clock.now();
    let identity = caller.actor.identity_id();
    let code = parse_code(&body.code, "code")?;
    let proof = code_proof(&state, identity, &code).await?;
    let codes = new_recovery_codes();
    let hashes = codes
        .iter()
        .map(|c| recovery_hash(&state, identity, c))
        .collect::<Result<Vec<_>, _>>()?;
    let asked = crate::language::requested(&req);
    let done = state
        .write(move |db| {
            persistence::two_factor::renew_recovery_codes(db, identity, proof, hashes, asked, now)
        })
        .await?;
    counted(&state, identity, done).await?;
    Ok(web::Json(RecoveryCodes {
        recovery_codes: codes.iter().map(|c| shown_recovery_code(c)).collect(),
    }))
}
