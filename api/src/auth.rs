//! The [`Caller`] every authenticated handler receives: extracting it verifies the bearer token
//! (see [`crate::tokens`]) and reads the user row again, so a dismissal or a transfer takes
//! effect at once, whatever tokens were issued before. A bearer token starting `ext_` is an
//! integrator's API token: it is looked up by its hash with its creator's standing, and the
//! request must be within its scopes (`crate::scopes`).

use crate::problem::ApiError;
use crate::reads::Bound;
use crate::scopes;
use crate::secrets::{token_hash, API_TOKEN_PREFIX};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use domain::access::{authorize_user, Actor};
use domain::api_token::require;
use domain::ids::{AccountId, IdentityId, UserId};
use futures_util::future::LocalBoxFuture;

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "missing_token",
                "send `Authorization: Bearer <access token>`",
            )
        })?;
    let value = header.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::unauthorized(
            "missing_token",
            "the Authorization header must be `Bearer <access token>`",
        )),
    }
}

fn bad_claim() -> ApiError {
    ApiError::unauthorized("invalid_token", "the token names no valid identity")
}

/// The authenticated caller: extracting it verifies the token and re-reads the user.
pub struct Caller(pub Actor);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let needs = scopes::needs(req.method().as_str(), req.match_pattern().as_deref());
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token?;
            if token.starts_with(API_TOKEN_PREFIX) {
                let user = api_token(&state, &token).await?;
                require(&user, needs)?;
                return Ok(Self(Actor::User(user)));
            }
            let claims = state.tokens.verify(&token, state.clock.now())?;
            let identity: IdentityId = claims.sub.parse().map_err(|_| bad_claim())?;
            let (Some(acc), Some(uid)) = (claims.acc.as_deref(), claims.uid.as_deref()) else {
                return Ok(Self(Actor::Identity(identity)));
            };
            let account_id: AccountId = acc.parse().map_err(|_| bad_claim())?;
            let user_id: UserId = uid.parse().map_err(|_| bad_claim())?;
            let standing = crate::reads::read(&state, Bound::Page, move |db| {
                persistence::users::standing(db, account_id, user_id)
            })
            .await?;
            let user = authorize_user(identity, claims.iat, account_id, user_id, standing)?;
            Ok(Self(Actor::User(user)))
        })
    }
}

/// The user an API token acts as; its `last_used_at` is written after the answer, at most
/// once a minute.
async fn api_token(
    state: &web::Data<AppState>,
    secret: &str,
) -> Result<domain::access::AccountUser, ApiError> {
    let now = state.clock.now();
    let hash = token_hash(secret);
    let (user, due) = crate::reads::read(state, Bound::Page, move |db| {
        persistence::api_tokens::authenticate(db, &hash, now)
    })
    .await?;
    if let (true, Some(token)) = (due, user.token) {
        let db = state.db.clone();
        actix_web::rt::spawn(async move {
            let touched =
                crate::blocking::run(move || persistence::api_tokens::touch(&db, token.id, now))
                    .await;
            if let Ok(Err(e)) = touched {
                tracing::warn!(error = %e, "recording an API token's use failed");
            }
        });
    }
    Ok(user)
}
