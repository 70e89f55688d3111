//! Access tokens (JWT, HS256) and the [`Actor`] every authenticated handler receives.
//!
//! A token names the identity, and for account tokens the account and the user. `exp`, `iat`,
//! `iss` and `aud` are required and checked, and only HS256 is accepted (`alg: none` and every
//! other algorithm are refused). Each request then reads the user row again, so a dismissal
//! or a transfer takes effect at once, whatever tokens were issued before.

use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::{DateTime, Utc};
use domain::access::{authorize_user, Actor};
use domain::ids::{AccountId, IdentityId, UserId};
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const ISSUER: &str = "extranet";
pub const AUDIENCE: &str = "extranet-api";
/// Clock skew tolerated on `exp`.
const LEEWAY_SECONDS: u64 = 5;

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The identity (network profile).
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    /// The account the token acts in, for account tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acc: Option<String>,
    /// The user in that account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

/// An issued access token.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessToken {
    #[schema(example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9…")]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    #[schema(example = 3600)]
    pub expires_in: u32,
}

/// Signs and checks access tokens.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_seconds: u32,
}

impl Tokens {
    /// Signs with `key` (derived from `EXTRANET_JWT_SECRET`, see [`crate::secrets::Keys`]).
    pub fn new(key: &[u8], ttl_seconds: u32) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        // Expiry is checked against the server's clock (below), not the system's.
        validation.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
            ttl_seconds,
        }
    }

    /// A token for an identity, acting in an account when `user` is given.
    pub fn issue(
        &self,
        identity: IdentityId,
        user: Option<(AccountId, UserId)>,
        now: DateTime<Utc>,
    ) -> Result<AccessToken, ApiError> {
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: identity.to_string(),
            iat: now.timestamp(),
            exp: now.timestamp() + i64::from(self.ttl_seconds),
            acc: user.map(|(a, _)| a.to_string()),
            uid: user.map(|(_, u)| u.to_string()),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        Ok(AccessToken {
            access_token: token,
            token_type: "Bearer",
            expires_in: self.ttl_seconds,
        })
    }

    /// The claims of a valid token, unexpired at `now`; 401 `invalid_token` otherwise.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, ApiError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                let why = match e.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => "the token has expired",
                    jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                        "the token's signature is not valid"
                    }
                    jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => {
                        "the token is not signed with HS256"
                    }
                    jsonwebtoken::errors::ErrorKind::InvalidIssuer => {
                        "the token was issued by someone else"
                    }
                    jsonwebtoken::errors::ErrorKind::InvalidAudience => {
                        "the token is not meant for this API"
                    }
                    jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(_) => {
                        "the token lacks a required claim"
                    }
                    _ => "the token is not valid",
                };
                ApiError::unauthorized("invalid_token", why)
            })?;
        if claims.exp.saturating_add(LEEWAY_SECONDS as i64) < now.timestamp() {
            return Err(ApiError::unauthorized(
                "invalid_token",
                "the token has expired",
            ));
        }
        Ok(claims)
    }
}

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
            let standing = crate::reads::read(&state.db, true, move |db| {
                persistence::users::standing(db, account_id, user_id)
            })
            .await?;
            let user = authorize_user(identity, claims.iat, account_id, user_id, standing)?;
            Ok(Self(Actor::User(user)))
        })
    }
}
