//! The network profile: a person's identity across accounts, with the login they sign in
//! with. Reached with any of the person's tokens, including a profile token (a login without
//! `account_id`), which works for a person dismissed from every account; never with an API
//! token.

use crate::auth::Caller;
use crate::extract::JsonBody;
use crate::openapi::field::Field;
use crate::problem::ApiError;
use crate::rate_limit::PasswordTarget;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use crate::views::ProfileView;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use domain::locale::Locale;
use domain::login::Email;
use domain::login_change::{code_expiry, parse_new_login, CODE_TTL_MINUTES};
use domain::sign_up::ConfirmationCode;
use domain::DomainError;
use persistence::login_changes::NewLoginChange;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The caller's network profile: logins, names, and the accounts it belongs to.
#[utoipa::path(
    tag = "network",
    responses(
        (status = 200, description = "The profile", body = ProfileView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/v1/network/profile")]
pub async fn get_profile(
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> Result<web::Json<ProfileView>, ApiError> {
    let identity = actor.identity_id();
    let now = state.clock.now();
    let profile = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::identities::profile(db, identity, now)
    })
    .await?;
    Ok(web::Json(ProfileView::from(&profile)))
}

/// What the person changes of their profile: only the fields given change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// The language of the person's messages (invitations to workgroups, login and password
    /// notices, reset codes), over their accounts'; `null` takes the choice back.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<Locale>, nullable)]
    pub locale: Option<Option<Locale>>,
}

/// Change the caller's network profile: the language of their messages.
#[utoipa::path(
    tag = "network",
    request_body(content = ProfilePatch, example = json!({"locale": "de"})),
    responses(
        (status = 200, description = "The profile after the change", body = ProfileView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    )
)]
#[patch("/v1/network/profile")]
pub async fn patch_profile(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<ProfilePatch>,
) -> Result<web::Json<ProfileView>, ApiError> {
    let now = state.clock.now();
    let identity = actor.identity_id();
    let profile = state
        .write(move |db| {
            if let Some(locale) = body.locale {
                persistence::identities::set_profile_locale(db, identity, locale, now)?;
            }
            persistence::identities::profile(db, identity, now)
        })
        .await?;
    Ok(web::Json(ProfileView::from(&profile)))
}

fn new_email() -> Field {
    let about = "Exactly one of `new_email` and `new_phone`.";
    Field::of::<Email>()
        .or_null()
        .about(about)
        .example("ann.lee@home.example")
}

/// A new login for the profile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginChangeBody {
    #[schema(schema_with = new_email)]
    pub new_email: Option<String>,
    /// E.164, e.g. `+14155550101`.
    #[schema(value_type = Option<domain::login::Phone>)]
    pub new_phone: Option<String>,
    /// The profile's password, again.
    #[schema(example = "correct horse battery")]
    pub current_password: String,
}

/// What asking for a login change answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginChangeStarted {
    /// Always `confirmation_sent`.
    #[schema(example = "confirmation_sent")]
    pub status: &'static str,
    /// The new login as the server understood it (normalised), where the code went.
    #[schema(example = "ann.lee@home.example")]
    pub new_login: String,
    /// Seconds the code stays valid.
    #[schema(example = 900)]
    pub expires_in: i64,
}

/// Change the profile's email or phone: a six-digit code goes to the new address (the console
/// delivery of `make run` prints it as `"code"`); `POST .../login-change/confirm` with it
/// switches the login. Until then nothing changes.
///
/// 403 `wrong_current_password`; 409 `login_taken` when the new login is someone else's
/// (another profile's, or a pending invitation's in an account where the person is an active
/// user; without saying whose), `same_login` when it already is the profile's; 429
/// `rate_limited` after 3 requests in an hour, or after too many wrong passwords (counted with
/// the person's failed logins).
#[utoipa::path(
    tag = "network",
    request_body(content = LoginChangeBody),
    responses(
        (status = 202, description = "A code was sent to the new login", body = LoginChangeStarted),
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
#[post("/v1/network/profile/login-change")]
pub async fn request_login_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<LoginChangeBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let identity = actor.identity_id();
    let new_login = parse_new_login(body.new_email.as_deref(), body.new_phone.as_deref())?;
    // Wrong passwords count against the person, with their failed logins.
    let target = PasswordTarget::Profile(identity);
    state.login_failures.check(&target).await?;
    let hash = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::identities::password_hash(db, identity)
    })
    .await?;
    if !state
        .passwords
        .verify(&body.current_password, Some(hash))
        .await?
    {
        state.login_failures.failed(&target).await?;
        return Err(DomainError::WrongCurrentPassword.into());
    }
    let code = state
        .sealer
        .issue_code(&code_binding(identity))
        .map_err(ApiError::internal)?;
    let shown = new_login.as_str().to_owned();
    let new = NewLoginChange {
        identity_id: identity,
        new_login,
        code_hash: code.hash,
        sealed_code: code.sealed,
        expires_at: code_expiry(now),
        client: state.limits.client(&req).to_string(),
        request_locale: crate::language::requested(&req),
    };
    let quotas = state.account_limits.quotas;
    state
        .write(move |db| persistence::login_changes::request(db, new, &quotas, now))
        .await?;
    Ok(HttpResponse::Accepted().json(LoginChangeStarted {
        status: "confirmation_sent",
        new_login: shown,
        expires_in: CODE_TTL_MINUTES * 60,
    }))
}

/// What a login-change code is bound to: the profile (the code is asked for by it alone).
fn code_binding(identity: domain::ids::IdentityId) -> String {
    format!("login-change:{identity}")
}

fn code() -> Field {
    let about = "The six digits sent to the new login.";
    Field::of::<ConfirmationCode>()
        .about(about)
        .example("048213")
}

/// The code sent to the new login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginChangeConfirmBody {
    #[schema(schema_with = code)]
    pub code: String,
}

/// Confirm a login change with the code sent to the new login: the profile's login switches
/// at once, and every account where the person is an active user sees the new one and records
/// `user.login_changed`; an account that dismissed the person goes on seeing the logins of the
/// dismissal and hears nothing. The old login is free everywhere (it can be invited again,
/// even into an account that dismissed the person), and the old address is told. Wrong, used
/// or expired code: 422 `invalid_code`; after a few wrong codes each further try waits longer
/// (429 `rate_limited` with `Retry-After`, the right code too), but the code stays good until
/// it expires; the new login taken meanwhile: 409
/// `login_taken`.
#[utoipa::path(
    tag = "network",
    request_body(content = LoginChangeConfirmBody),
    responses(
        (status = 200, description = "The profile with its new login", body = ProfileView),
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
#[post("/v1/network/profile/login-change/confirm")]
pub async fn confirm_login_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<LoginChangeConfirmBody>,
) -> Result<web::Json<ProfileView>, ApiError> {
    let now = state.clock.now();
    let identity = actor.identity_id();
    let code = ConfirmationCode::parse(&body.code)
        .map_err(|e| DomainError::Invalid(vec![e.under("code")]))?;
    let code_hash = state
        .sealer
        .code_hash(&code_binding(identity), code.as_str())
        .map_err(ApiError::internal)?;
    let client = state.limits.client(&req).to_string();
    let asked = crate::language::requested(&req);
    let profile = state
        .write(move |db| {
            persistence::login_changes::confirm(db, identity, &code_hash, &client, asked, now)?;
            persistence::identities::profile(db, identity, now)
        })
        .await?;
    Ok(web::Json(ProfileView::from(&profile)))
}
