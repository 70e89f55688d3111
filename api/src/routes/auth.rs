//! Logging in, refreshing a session and logging out (rule 9).

use crate::auth::SessionCaller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::rate_limit::{Endpoint, PasswordTarget};
use crate::reads::Bound;
use crate::responses::*;
use crate::second_factor::password_fingerprint;
use crate::secrets::{refresh_token, token_hash};
use crate::sessions::{user_agent, TokenPair};
use crate::state::AppState;
use actix_web::{post, web, HttpRequest, HttpResponse};
use domain::access::may_log_in;
use domain::ids::{AccountId, IdentityId, UserId};
use domain::login::Login;
use domain::session::acting_without_account;
use domain::two_factor::{SecondFactorCode, CHALLENGE_TTL_SECONDS};
use domain::{DomainError, FieldError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    /// Email address or E.164 phone number.
    #[schema(example = "ada@acme.example")]
    pub login: String,
    #[schema(example = "correct horse battery")]
    pub password: String,
    /// The account to act in. Without it, a profile that is an active user of exactly one
    /// account acts in that one; of several (or none), the token acts on the network profile
    /// only (`/v1/me` lists its accounts: log in again with one of them).
    #[schema(value_type = Option<AccountId>)]
    pub account_id: Option<Uuid>,
}

/// What a login answers when the profile has two-step authentication on: no token yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorChallenge {
    /// Always `second_factor_required`.
    #[schema(example = "second_factor_required")]
    pub status: &'static str,
    /// Send it with a code to `POST /v1/auth/login/second-factor`.
    #[schema(example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9…")]
    pub challenge: String,
    /// Seconds the challenge may be answered in.
    #[schema(example = 300)]
    pub expires_in: i64,
    /// What the code may be: the app's six digits, or a recovery code.
    #[schema(example = json!(["totp", "recovery_code"]))]
    pub methods: [&'static str; 2],
}

/// Log in: opens a session and answers its first pair — a short-lived access token and a
/// refresh token (`POST /v1/auth/refresh`). With `account_id` the session acts as the user in
/// that account; without it, in the profile's only active account if it has exactly one, and
/// otherwise on the network profile alone (`/v1/me` says which, and lists the accounts).
///
/// When the profile has two-step authentication on, the right password answers **202** with a
/// challenge instead, and no token: `POST /v1/auth/login/second-factor` with the challenge and
/// a code opens the session. When the account requires a second factor of a user who has none,
/// the pair says `two_factor_enrollment_required: true` and can only set one up.
///
/// Wrong passwords are counted per person, whichever of their logins is tried (wrong passwords
/// on the accept page and for a login change count too), and per login that matches nobody;
/// past the limit (10 by default, then one more per 30 s) the answer is 429 `rate_limited`
/// with `Retry-After`, even for the right password, the same for a known and an unknown login.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body(content = LoginBody, example = json!({
        "login": "ada@acme.example",
        "password": "correct horse battery",
        "account_id": "01936f4e-8b7a-7cc3-9a4e-3f2b1c0d9e8f"
    })),
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        (status = 202, description = "The password is right; a second factor is asked (two-step authentication is on)", body = SecondFactorChallenge),
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
#[post("/v1/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::Login, &req).await?;
    let login =
        Login::parse(&body.login).map_err(|e| DomainError::Invalid(vec![e.under("login")]))?;
    let looked_up = login.clone();
    let credentials = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::identities::credentials_by_login(db, &looked_up)
    })
    .await?;
    let (identity, hash) = match credentials {
        Some(c) => (Some(c.identity_id), Some(c.password_hash)),
        None => (None, None),
    };
    let fingerprint = hash.as_deref().map(password_fingerprint);
    // Failed attempts are counted per person too (whichever of their logins is tried), and
    // per login that matches nobody: stuffing from many addresses meets a limit.
    let target = match identity {
        Some(id) => PasswordTarget::Profile(id),
        None => PasswordTarget::UnknownLogin(login),
    };
    state.login_failures.check(&target).await?;
    let matches = state.passwords.verify(&body.password, hash).await?;
    let identity = match identity {
        Some(id) if matches => id,
        _ => {
            state.login_failures.failed(&target).await?;
            return Err(DomainError::InvalidCredentials.into());
        }
    };
    let acting = match body.account_id.map(AccountId) {
        Some(account_id) => {
            let user = crate::reads::read(&state, Bound::Page, move |db| {
                persistence::identities::user_of_identity(db, account_id, identity, now)
            })
            .await?;
            // Not a user there: the same answer as a wrong password, so accounts are not probed.
            let (user_id, status) = user.ok_or(DomainError::InvalidCredentials)?;
            may_log_in(status)?;
            Some((account_id, user_id))
        }
        None => {
            let profile = crate::reads::read(&state, Bound::Page, move |db| {
                persistence::identities::profile(db, identity, now)
            })
            .await?;
            let users: Vec<_> = profile
                .memberships
                .iter()
                .map(|m| (m.account_id, m.user_id, m.status))
                .collect();
            acting_without_account(&users)
        }
    };
    let two_step = crate::second_factor::record(&state, identity).await?;
    if crate::second_factor::is_on(two_step.as_ref()) {
        let challenge =
            state
                .tokens
                .issue_challenge(identity, acting, fingerprint.unwrap_or_default(), now)?;
        return Ok(HttpResponse::Accepted().json(SecondFactorChallenge {
            status: "second_factor_required",
            challenge,
            expires_in: CHALLENGE_TTL_SECONDS,
            methods: ["totp", "recovery_code"],
        }));
    }
    Ok(HttpResponse::Ok().json(crate::sessions::open(&state, &req, identity, acting, now).await?))
}

/// The longest challenge looked at.
const CHALLENGE_MAX_CHARS: usize = 2048;

/// A login's challenge and the second factor.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorBody {
    /// The challenge the login answered (at most 2048 characters).
    #[schema(
        example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9…",
        min_length = 1,
        max_length = 2048
    )]
    pub challenge: String,
    #[schema(schema_with = crate::second_factor::code_field)]
    pub code: String,
}

/// Complete a login with two-step authentication on (public): the challenge `POST
/// /v1/auth/login` answered, and a code — the app's (the step before or after now is accepted
/// too, each code once) or an unused recovery code (spent; each login of the profile is told,
/// and the accounts record `two_factor.recovery_code_used`). Answers the session's first pair,
/// as a login does.
///
/// 401 `invalid_code` for a wrong or used code — counted per person in every server process:
/// after 5, one more a minute, even the right code waits (429 `rate_limited` with
/// `Retry-After`); a password reset forgives them. 401 `invalid_challenge` when the challenge
/// expired (5 minutes), is not ours, or the password changed since: log in again.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body(content = SecondFactorBody, example = json!({
        "challenge": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9…",
        "code": "492039"
    })),
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
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
#[post("/v1/auth/login/second-factor")]
pub async fn second_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<SecondFactorBody>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::SecondFactor, &req).await?;
    let mut errors = domain::error::FieldErrors::new();
    if body.challenge.is_empty() || body.challenge.chars().count() > CHALLENGE_MAX_CHARS {
        errors.push(FieldError::new(
            "challenge",
            "invalid_format",
            "the challenge the login answered (1 to 2048 characters)",
        ));
    }
    errors.check("code", SecondFactorCode::parse(&body.code));
    errors.finish()?;
    let claims = state.tokens.verify_challenge(&body.challenge, now)?;
    let invalid = || ApiError::from(DomainError::InvalidChallenge);
    let identity: IdentityId = claims.sub.parse().map_err(|_| invalid())?;
    let acting = match (claims.acc.as_deref(), claims.uid.as_deref()) {
        (Some(a), Some(u)) => Some((
            AccountId(a.parse().map_err(|_| invalid())?),
            UserId(u.parse().map_err(|_| invalid())?),
        )),
        (None, None) => None,
        _ => return Err(invalid()),
    };
    // A challenge of a password that changed since is dead (a reset shuts a guesser out).
    let hash = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::identities::password_hash(db, identity)
    })
    .await
    .map_err(|_| invalid())?;
    if password_fingerprint(&hash) != claims.pwd {
        return Err(invalid());
    }
    let asked = crate::language::requested(&req);
    crate::second_factor::verify(&state, identity, &body.code, "code", asked).await?;
    if let Some((account_id, _)) = acting {
        let user = crate::reads::read(&state, Bound::Page, move |db| {
            persistence::identities::user_of_identity(db, account_id, identity, now)
        })
        .await?;
        let (_, status) = user.ok_or(DomainError::InvalidCredentials)?;
        may_log_in(status)?;
    }
    Ok(web::Json(
        crate::sessions::open(&state, &req, identity, acting, now).await?,
    ))
}

/// The longest refresh token looked up; a longer one is refused unread.
const REFRESH_TOKEN_MAX_CHARS: usize = 128;

/// A session's refresh token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    /// The newest refresh token of the session (at most 128 characters).
    #[schema(
        example = "exr_kq3V9m0b7yR2Xw8QpZs4Lh1TnA6cJfGdEeUuIiOo5Kk",
        min_length = 1,
        max_length = 128
    )]
    pub refresh_token: String,
}

/// Refresh a session: the refresh token is exchanged for a new pair, and is dead from then on.
/// A refresh token presented again after its exchange has been copied: the answer is 401
/// `refresh_token_reused` **and the whole session ends** — every access token of it is refused
/// from its next request (reuse detection; a browser app refreshes once at a time and keeps
/// only the newest refresh token). An unknown refresh token, or one of a session that ended
/// or expired, is 401 `invalid_refresh_token`; a session whose user was dismissed since it
/// opened, 401 `invalid_token`. Each refresh moves the session's end (`refresh_expires_in`),
/// never past its maximum lifetime after the login.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body(content = RefreshBody, example = json!({
        "refresh_token": "exr_kq3V9m0b7yR2Xw8QpZs4Lh1TnA6cJfGdEeUuIiOo5Kk"
    })),
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::Refresh, &req).await?;
    let length = body.refresh_token.chars().count();
    let problem = match length {
        0 => Some(("required", "the refresh token is empty".to_owned())),
        n if n > REFRESH_TOKEN_MAX_CHARS => Some((
            "too_long",
            format!("a refresh token has at most {REFRESH_TOKEN_MAX_CHARS} characters"),
        )),
        _ => None,
    };
    if let Some((code, message)) = problem {
        return Err(
            DomainError::Invalid(vec![FieldError::new("refresh_token", code, message)]).into(),
        );
    }
    let presented = token_hash(&body.refresh_token);
    let (next, next_hash) = refresh_token();
    let (agent, policy) = (user_agent(&req), state.sessions);
    let (session, enrolling) = state
        .write(move |db| {
            persistence::sessions::refresh(db, presented, next_hash, agent, policy, now)
        })
        .await?;
    Ok(web::Json(crate::sessions::pair(
        &state, &session, enrolling, next, now,
    )?))
}

/// Log out: the caller's session ends — its access tokens are refused from the next request,
/// its refresh token is dead. API tokens have no session (revoke one with `DELETE
/// /v1/api-tokens/{id}`).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[post("/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    caller: SessionCaller,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let (identity, session) = (caller.actor.identity_id(), caller.session);
    state
        .write(move |db| persistence::sessions::log_out(db, identity, session, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
