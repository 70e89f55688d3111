//! The [`Caller`] every authenticated handler receives: extracting it verifies the bearer token
//! (see [`crate::tokens`]) and reads the user row again, so a dismissal or a transfer takes
//! effect at once, whatever tokens were issued before.

use crate::problem::ApiError;
use crate::reads::Bound;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use domain::access::{authorize_user, Actor};
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
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let claims = state.tokens.verify(&token?, state.clock.now())?;
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
