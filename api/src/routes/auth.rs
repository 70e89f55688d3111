//! Logging in.

use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::rate_limit::{Endpoint, PasswordTarget};
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use crate::tokens::AccessToken;
use actix_web::{post, web, HttpRequest};
use domain::access::may_log_in;
use domain::ids::AccountId;
use domain::login::Login;
use domain::DomainError;
use serde::Deserialize;
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
    /// The account to act in. Without it the token acts on the network profile only.
    #[schema(value_type = Option<AccountId>)]
    pub account_id: Option<Uuid>,
}

/// Log in: with `account_id` the token acts as the user in that account; without it, only on
/// the network profile (`/v1/me` then lists the profile's accounts).
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
        (status = 200, description = "Logged in", body = AccessToken),
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
) -> Result<web::Json<AccessToken>, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::Login, &req)?;
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
    // Failed attempts are counted per person too (whichever of their logins is tried), and
    // per login that matches nobody: stuffing from many addresses meets a limit.
    let target = match identity {
        Some(id) => PasswordTarget::Profile(id),
        None => PasswordTarget::UnknownLogin(login),
    };
    state.login_failures.check(&target)?;
    let matches = state.passwords.verify(&body.password, hash).await?;
    let identity = match identity {
        Some(id) if matches => id,
        _ => {
            state.login_failures.failed(&target);
            return Err(DomainError::InvalidCredentials.into());
        }
    };
    let Some(account_id) = body.account_id.map(AccountId) else {
        return Ok(web::Json(state.tokens.issue(identity, None, now)?));
    };
    let user = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::identities::user_of_identity(db, account_id, identity)
    })
    .await?;
    // Not a user there: the same answer as a wrong password, so accounts are not probed.
    let (user_id, status) = user.ok_or(DomainError::InvalidCredentials)?;
    may_log_in(status)?;
    Ok(web::Json(state.tokens.issue(
        identity,
        Some((account_id, user_id)),
        now,
    )?))
}
