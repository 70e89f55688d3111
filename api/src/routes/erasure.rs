//! A person's data erased (issue #32, rule 14): by the person through the network profile
//! (the password, a code sent to their login, and the second factor when two-step is on), or
//! by an administrator for a dismissed user of their account.

use crate::auth::{AccountCaller, Caller};
use crate::extract::{JsonBody, PathId};
use crate::openapi::field::Field;
use crate::problem::ApiError;
use crate::responses::*;
use crate::routes::passwords::current_password;
use crate::state::AppState;
use crate::views::UserView;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::erasure::CODE_TTL_MINUTES;
use domain::ids::{IdentityId, UserId};
use domain::sign_up::ConfirmationCode;
use domain::DomainError;
use persistence::erasure::CodeRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The profile's password, to ask for the code that confirms an erasure.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureCodeBody {
    /// The profile's password.
    #[schema(example = "correct horse battery")]
    pub password: String,
}

/// What asking for an erasure's code answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureCodeSent {
    /// Always `confirmation_sent`.
    #[schema(example = "confirmation_sent")]
    pub status: &'static str,
    /// The profile's login, where the code went.
    #[schema(example = "ann@client.example")]
    pub sent_to: String,
    /// Seconds the code stays valid.
    #[schema(example = 900)]
    pub expires_in: i64,
}

/// What an erasure's code is bound to: the profile (asked for by it alone).
fn code_binding(identity: IdentityId) -> String {
    format!("erasure:{identity}")
}

/// Ask for the code that confirms erasing one's own data: six digits go to the profile's
/// login (the console delivery of `make run` prints it as `"code"`); a new request replaces
/// the code. Nothing is erased yet: `POST /v1/network/profile/erase` with the password and
/// the code does it.
///
/// 403 `wrong_current_password`; 429 `sending_quota_exceeded` past the budgets of codes (three
/// an hour to the login, as for every code that proves one; those of the client address), 429
/// `rate_limited` after too many wrong passwords (counted with the person's failed logins).
#[utoipa::path(
    tag = "network",
    request_body(content = ErasureCodeBody),
    responses(
        (status = 202, description = "A code was sent to the profile's login", body = ErasureCodeSent),
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
#[post("/v1/network/profile/erase/code")]
pub async fn request_erasure_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<ErasureCodeBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let identity = actor.identity_id();
    current_password(&state, identity, &body.password).await?;
    let code = state
        .sealer
        .issue_code(&code_binding(identity))
        .map_err(ApiError::internal)?;
    let request = CodeRequest {
        identity_id: identity,
        code_hash: code.hash,
        sealed_code: code.sealed,
        client: state.limits.client(&req).to_string(),
        request_locale: crate::language::requested(&req),
    };
    let quotas = state.account_limits.quotas;
    let sent_to = state
        .write(move |db| persistence::erasure::request_code(db, request, &quotas, now))
        .await?;
    Ok(HttpResponse::Accepted().json(ErasureCodeSent {
        status: "confirmation_sent",
        sent_to,
        expires_in: CODE_TTL_MINUTES * 60,
    }))
}

fn code() -> Field {
    Field::of::<ConfirmationCode>()
        .about("The six digits sent to the profile's login.")
        .example("048213")
}

/// The erasure confirmed: the password again, the code sent to the login, and the second
/// factor when two-step is on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseProfileBody {
    /// The profile's password.
    #[schema(example = "correct horse battery")]
    pub password: String,
    #[schema(schema_with = code)]
    pub code: String,
    /// With two-step on: a code of the authenticator app, or an unused recovery code (401
    /// `second_factor_required` without one).
    #[serde(default)]
    #[schema(schema_with = crate::second_factor::optional_code_field)]
    pub second_factor_code: Option<String>,
}

/// What erasing one's data answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileErased {
    /// Always `erased`.
    #[schema(example = "erased")]
    pub status: &'static str,
    pub erased_at: DateTime<Utc>,
    /// The accounts that knew the person: each now shows an "Erased user".
    #[schema(example = 2)]
    pub accounts: usize,
}

/// Erase one's own data (GDPR art. 17): in every account the person's user is dismissed (its
/// seat free) and shows as "Erased user" from now on; invitations waiting for them are
/// declined; their logins, names and the messages sent to them are gone from every invitation,
/// message, audit event and webhook delivery that held them (ids stay, as pseudonyms); their
/// sessions, codes and second factor are deleted, and the login is free again — for a new
/// invitation or sign-up. Each account records `user.erased` (`by: person`), which its webhooks
/// hear of. It cannot be undone; every token of the profile stops at once.
///
/// 403 `wrong_current_password`; 401 `second_factor_required` / `invalid_code` for the second
/// factor; 422 `invalid_code` for a wrong, used or expired code (after a few wrong ones, 429
/// `rate_limited`, the right code too); 409 `last_admin` while the person is an account's last
/// active administrator (make someone else one first).
#[utoipa::path(
    tag = "network",
    request_body(content = EraseProfileBody),
    responses(
        (status = 200, description = "The person's data is erased", body = ProfileErased),
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
#[post("/v1/network/profile/erase")]
pub async fn erase_profile(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<EraseProfileBody>,
) -> Result<web::Json<ProfileErased>, ApiError> {
    let now = state.clock.now();
    let identity = actor.identity_id();
    let code = ConfirmationCode::parse(&body.code)
        .map_err(|e| DomainError::Invalid(vec![e.under("code")]))?;
    // A second factor's shape is checked whether or not two-step is on: the document's
    // limits hold for every request.
    if let Some(given) = &body.second_factor_code {
        crate::second_factor::parse_code(given, "second_factor_code")?;
    }
    current_password(&state, identity, &body.password).await?;
    crate::second_factor::require_if_on(
        &state,
        identity,
        body.second_factor_code.as_deref(),
        "second_factor_code",
        crate::language::requested(&req),
    )
    .await?;
    let code_hash = state
        .sealer
        .code_hash(&code_binding(identity), code.as_str())
        .map_err(ApiError::internal)?;
    let client = state.limits.client(&req).to_string();
    let erased = state
        .write(move |db| persistence::erasure::erase_person(db, identity, &code_hash, &client, now))
        .await?;
    Ok(web::Json(ProfileErased {
        status: "erased",
        erased_at: erased.erased_at,
        accounts: erased.accounts,
    }))
}

/// Erase a dismissed user's data (administrators; GDPR art. 17): what the account holds about
/// the person — the logins it knew them by, their names, their closed invitations and join
/// requests, the messages sent to them, their sessions and API tokens — is erased, and the
/// audit trail and webhook deliveries keep their shape with the person's words replaced (ids
/// stay, as pseudonyms). The user stays, shown as "Erased user" with `erased_at`. When no
/// other account knows the person, their network profile is erased too and the login is free
/// again; else they go on using it there. Records `user.erased` (`by: administrator`), which
/// webhooks hear of. Erasing an erased user changes nothing. Dismiss first: 409
/// `not_dismissed` for an active user.
#[utoipa::path(
    tag = "users",
    params(PathId<UserId>),
    responses(
        (status = 200, description = "The user, erased", body = UserView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/users/{id}/erase")]
pub async fn erase_user(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<UserId>,
) -> Result<web::Json<UserView>, ApiError> {
    let now = state.clock.now();
    let erased = state
        .write(move |db| persistence::erasure::erase_user(db, &user, id, now))
        .await?;
    Ok(web::Json(UserView::shown(&erased, user.disclosure())))
}
