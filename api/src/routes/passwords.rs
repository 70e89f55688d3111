//! A profile's password (rules 9 and 11): changed by a signed-in person who gives the current
//! one, or reset by anyone holding a code sent to one of the profile's logins. A change ends
//! every other session of the profile, a reset every one; each login of the profile is told.

use crate::auth::SessionCaller;
use crate::extract::JsonBody;
use crate::openapi::field::Field;
use crate::problem::ApiError;
use crate::rate_limit::{Endpoint, PasswordTarget};
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{post, web, HttpRequest, HttpResponse};
use domain::error::FieldErrors;
use domain::ids::IdentityId;
use domain::login::Login;
use domain::password::Password;
use domain::password_reset::{code_expiry, CODE_TTL_MINUTES};
use domain::sign_up::ConfirmationCode;
use domain::DomainError;
use persistence::passwords::NewPasswordReset;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The profile's password now, and the new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeBody {
    /// The profile's password now.
    #[schema(example = "my current passphrase")]
    pub current_password: String,
    /// The new password: 8 to 128 characters, not one character repeated (the policy of
    /// every password).
    #[schema(value_type = Password)]
    pub new_password: String,
}

/// Change the profile's password: every **other** session of the profile ends at once (their
/// access tokens are refused from their next request, their refresh tokens are dead); the one
/// this request is made in goes on. Each login of the profile is told, by email or SMS.
///
/// 403 `wrong_current_password` (a wrong one counts with the person's failed logins: past the
/// limit, 429 `rate_limited` with `Retry-After`, even for the right one); 422 when the new
/// password does not meet the policy; 401 when this session ended meanwhile. An API token
/// cannot change a password.
#[utoipa::path(
    tag = "network",
    request_body(content = PasswordChangeBody, example = json!({
        "current_password": "my current passphrase",
        "new_password": "a new and longer passphrase"
    })),
    responses(
        (status = 204, description = "Changed; every other session ended"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/network/profile/password")]
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: SessionCaller,
    JsonBody(body): JsonBody<PasswordChangeBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let (identity, session) = (caller.actor.identity_id(), caller.session);
    let new = Password::parse(&body.new_password)
        .map_err(|e| DomainError::Invalid(vec![e.under("new_password")]))?;
    let checked = current_password(&state, identity, &body.current_password).await?;
    let new_hash = state.passwords.hash(&new).await?;
    let asked = crate::language::requested(&req);
    state
        .write(move |db| {
            persistence::passwords::change(db, identity, session, checked, new_hash, asked, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Checks the profile's current password, as a signed-in person gives it to change something
/// of the profile: the hash it was checked against (the use case refuses the change if the
/// password changed since), or 403 `wrong_current_password` — a wrong one counted with the
/// person's failed logins (429 past the limit, even for the right one).
pub(crate) async fn current_password(
    state: &AppState,
    identity: IdentityId,
    given: &str,
) -> Result<String, ApiError> {
    let target = PasswordTarget::Profile(identity);
    state.login_failures.check(&target).await?;
    let checked = crate::reads::read(state, Bound::Page, move |db| {
        persistence::identities::password_hash(db, identity)
    })
    .await?;
    if !state.passwords.verify(given, Some(checked.clone())).await? {
        state.login_failures.failed(&target).await?;
        return Err(DomainError::WrongCurrentPassword.into());
    }
    Ok(checked)
}

/// What a reset code is bound to: the login it was sent to.
fn code_binding(login: &Login) -> String {
    format!("password-reset:{}", login.as_str())
}

/// The login whose password is forgotten.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetBody {
    /// The email address or E.164 phone number the person signs in with.
    #[schema(value_type = domain::login::Login)]
    pub login: String,
}

/// What asking for a reset answers: the same whether or not the login is anyone's.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordResetStarted {
    /// Always `reset_requested`.
    #[schema(example = "reset_requested")]
    pub status: &'static str,
    /// The login as the server understood it (normalised).
    #[schema(example = "ann@client.example")]
    pub login: String,
    /// Seconds a code stays valid.
    #[schema(example = 900)]
    pub expires_in: i64,
    #[schema(
        example = "If the login belongs to a profile, a six-digit code was sent to it; send it with a new password to POST /v1/auth/password-reset/confirm."
    )]
    pub detail: &'static str,
}

/// Ask for a password reset (public): when the login belongs to a profile, a six-digit code
/// goes to it (the console delivery of `make run` prints it as `"code"`, with a link to
/// `/reset-password`). The answer is 202 with the same body whether or not the login is
/// anyone's, and costs the same.
///
/// A code is valid for 15 minutes and works once. Asking again sends another code and leaves
/// the earlier ones valid. Codes count against the budgets of codes strangers ask for (3 per
/// address and 20 per client address an hour, and a ceiling for everyone), for unknown logins
/// too, never against an account's quota: past one, 429 `sending_quota_exceeded` with
/// `Retry-After`.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body(content = PasswordResetBody, example = json!({"login": "ann@client.example"})),
    responses(
        (status = 202, description = "Asked for; a code went to the login if it is a profile's", body = PasswordResetStarted),
        (status = 400, response = BadRequest),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/auth/password-reset")]
pub async fn request_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<PasswordResetBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::PasswordReset, &req).await?;
    let login =
        Login::parse(&body.login).map_err(|e| DomainError::Invalid(vec![e.under("login")]))?;
    // The same work whatever the login: a code is issued (a keyed hash and a sealing), and one
    // write transaction counts it against the budgets of codes and looks the login up; only a
    // profile's login adds a row and a message to it. No password is hashed on either way, and
    // nothing is sent before the answer (the delivery worker sends after the commit).
    let code = state
        .sealer
        .issue_code(&code_binding(&login))
        .map_err(ApiError::internal)?;
    let shown = login.as_str().to_owned();
    let new = NewPasswordReset {
        login,
        code_hash: code.hash,
        sealed_code: code.sealed,
        expires_at: code_expiry(now),
        client: state.limits.client(&req).to_string(),
        request_locale: crate::language::requested(&req),
    };
    let quotas = state.account_limits.quotas;
    state
        .write(move |db| persistence::passwords::request_reset(db, new, &quotas, now))
        .await?;
    Ok(HttpResponse::Accepted().json(PasswordResetStarted {
        status: "reset_requested",
        login: shown,
        expires_in: CODE_TTL_MINUTES * 60,
        detail: "If the login belongs to a profile, a six-digit code was sent to it; send it with a new password to POST /v1/auth/password-reset/confirm.",
    }))
}

fn reset_code() -> Field {
    let about = "The six digits sent to the login.";
    Field::of::<ConfirmationCode>()
        .about(about)
        .example("048213")
}

/// The code sent to the login, and the new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmBody {
    /// The login the code was sent to.
    #[schema(value_type = domain::login::Login)]
    pub login: String,
    #[schema(schema_with = reset_code)]
    pub code: String,
    /// The new password: 8 to 128 characters, not one character repeated.
    #[schema(value_type = Password)]
    pub new_password: String,
}

/// Reset the password with the code sent to the login (public): the password is the new one
/// at once, **every** session of the profile ends (in every account and on the profile), each
/// login of the profile is told, and every code sent for it is spent. The person's failed
/// logins are forgotten (in this server process), so whoever was guessing does not keep them
/// out.
///
/// A wrong, used or expired code, or a login that is nobody's: 422 `invalid_code`. After 5
/// wrong codes for a login (10 from one client address) each further try waits twice as long
/// as the last: 429 `rate_limited` with `Retry-After`, the right code too; once the wait is
/// over the code still works (nobody can cancel another person's reset by guessing). A new
/// password outside the policy: 422 `validation_failed`, and the code is not tried.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body(content = PasswordResetConfirmBody, example = json!({
        "login": "ann@client.example",
        "code": "048213",
        "new_password": "a new and longer passphrase"
    })),
    responses(
        (status = 204, description = "The password is reset; every session ended"),
        (status = 400, response = BadRequest),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<PasswordResetConfirmBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state
        .limits
        .check(Endpoint::PasswordResetConfirm, &req)
        .await?;
    let mut errors = FieldErrors::new();
    let login = errors.check("login", Login::parse(&body.login));
    let code = errors.check("code", ConfirmationCode::parse(&body.code));
    let password = errors.check("new_password", Password::parse(&body.new_password));
    errors.finish()?;
    let (Some(login), Some(code), Some(password)) = (login, code, password) else {
        return Err(DomainError::Unreachable("a reset without field errors misses a field").into());
    };
    let code_hash = state
        .sealer
        .code_hash(&code_binding(&login), code.as_str())
        .map_err(ApiError::internal)?;
    let new_hash = state.passwords.hash(&password).await?;
    let client = state.limits.client(&req).to_string();
    let asked = crate::language::requested(&req);
    let identity = state
        .write(move |db| {
            persistence::passwords::confirm_reset(
                db, &login, &code_hash, new_hash, &client, asked, now,
            )
        })
        .await?;
    state
        .login_failures
        .forgive(&PasswordTarget::Profile(identity))
        .await?;
    // So are its wrong second factors: whoever guessed them knew the old password, and every
    // challenge of it is dead now (rule 13).
    state
        .second_factor_failures
        .forgive(&PasswordTarget::SecondFactor(identity))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
