//! Access tokens (JWT, HS256): issued at sign-in, checked on every authenticated request.
//!
//! A token names the identity and its session (`sid`, rule 9: the token dies with the
//! session), and for account tokens the account and the user. `exp`, `iat`, `iss`, `aud` and
//! `sid` are required and checked, and only HS256 is accepted (`alg: none` and every other
//! algorithm are refused).

use crate::problem::ApiError;
use chrono::{DateTime, Utc};
use domain::ids::{AccountId, IdentityId, SessionId, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "extranet";
pub const AUDIENCE: &str = "extranet-api";
/// The audience of a login's challenge (rule 13): never an access token's, nor the other way.
pub const CHALLENGE_AUDIENCE: &str = "extranet-second-factor";
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
    /// The session the token belongs to (required: a token without one does not decode).
    pub sid: String,
    /// The account the token acts in, for account tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acc: Option<String>,
    /// The user in that account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

/// What a login's challenge says: the profile that gave its password, the account it asked to
/// act in, and a fingerprint of the password hash it was given against — a challenge dies
/// when the password changes (a reset shuts out whoever learnt the old one).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChallengeClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    pub pwd: String,
}

/// An issued access token (answered as part of `crate::sessions::TokenPair`).
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u32,
}

/// Signs and checks access tokens.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    challenges: Validation,
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
        let mut challenges = Validation::new(Algorithm::HS256);
        challenges.set_issuer(&[ISSUER]);
        challenges.set_audience(&[CHALLENGE_AUDIENCE]);
        challenges.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        challenges.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
            challenges,
            ttl_seconds,
        }
    }

    /// A login's challenge (rule 13): `identity` gave its password (whose stored hash has the
    /// fingerprint `password`), to act as `user` when given; answered with a second factor at
    /// `POST /v1/auth/login/second-factor` within `domain::two_factor::CHALLENGE_TTL_SECONDS`.
    pub fn issue_challenge(
        &self,
        identity: IdentityId,
        user: Option<(AccountId, UserId)>,
        password: String,
        now: DateTime<Utc>,
    ) -> Result<String, ApiError> {
        let claims = ChallengeClaims {
            iss: ISSUER.to_owned(),
            aud: CHALLENGE_AUDIENCE.to_owned(),
            sub: identity.to_string(),
            iat: now.timestamp(),
            exp: now.timestamp() + domain::two_factor::CHALLENGE_TTL_SECONDS,
            acc: user.map(|(a, _)| a.to_string()),
            uid: user.map(|(_, u)| u.to_string()),
            pwd: password,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// The claims of a challenge of ours, unexpired at `now`; 401 `invalid_challenge` for
    /// anything else (an access token too).
    pub fn verify_challenge(
        &self,
        challenge: &str,
        now: DateTime<Utc>,
    ) -> Result<ChallengeClaims, ApiError> {
        let claims =
            jsonwebtoken::decode::<ChallengeClaims>(challenge, &self.decoding, &self.challenges)
                .map(|data| data.claims)
                .map_err(|_| ApiError::from(domain::DomainError::InvalidChallenge))?;
        if claims.exp <= now.timestamp() {
            return Err(domain::DomainError::InvalidChallenge.into());
        }
        Ok(claims)
    }

    /// A token of a session of an identity, acting in an account when `user` is given.
    pub fn issue(
        &self,
        identity: IdentityId,
        session: SessionId,
        user: Option<(AccountId, UserId)>,
        now: DateTime<Utc>,
    ) -> Result<AccessToken, ApiError> {
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: identity.to_string(),
            iat: now.timestamp(),
            exp: now.timestamp() + i64::from(self.ttl_seconds),
            sid: session.to_string(),
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
