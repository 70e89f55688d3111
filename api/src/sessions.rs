//! Opening sessions (rule 9): what a login, an accept and a sign-up's confirmation answer —
//! an access token naming its session and the session's first refresh token.

use crate::problem::ApiError;
use crate::secrets::refresh_token;
use crate::state::AppState;
use actix_web::http::header::USER_AGENT;
use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use domain::ids::{AccountId, IdentityId, UserId};
use persistence::sessions::{Opening, SessionRecord};
use serde::Serialize;
use utoipa::ToSchema;

/// An access token and the refresh token of its session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenPair {
    /// A short-lived JWT: send it as `Authorization: Bearer …`. It names its session and stops
    /// working when the session ends, even before `expires_in`.
    #[schema(example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9…")]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 3600)]
    pub expires_in: u32,
    /// Exchanged at `POST /v1/auth/refresh` for a new pair, once: keep only the newest. One
    /// presented again after its exchange ends the whole session.
    #[schema(example = "exr_kq3V9m0b7yR2Xw8QpZs4Lh1TnA6cJfGdEeUuIiOo5Kk")]
    pub refresh_token: String,
    /// Seconds until the refresh token expires unless the session is refreshed before (each
    /// refresh moves it, up to the session's maximum lifetime).
    #[schema(example = 2_592_000)]
    pub refresh_expires_in: i64,
    /// `true` when the account requires two-step authentication of this user, who has no
    /// second factor yet: the session can only set one up (`POST
    /// /v1/network/profile/two-factor`, then `/confirm`) or log out; every other call answers
    /// 403 `two_factor_enrollment_required`. Once confirmed, the same tokens work everywhere.
    #[schema(example = false)]
    pub two_factor_enrollment_required: bool,
}

/// The `User-Agent` a request came with.
pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Opens a session of `identity`, acting as `acting` in its account when given, and answers
/// its first pair.
pub async fn open(
    state: &AppState,
    req: &HttpRequest,
    identity: IdentityId,
    acting: Option<(AccountId, UserId)>,
    now: DateTime<Utc>,
) -> Result<TokenPair, ApiError> {
    let (refresh, hash) = refresh_token();
    let opening = Opening {
        identity,
        acting,
        user_agent: user_agent(req),
        refresh_hash: hash,
    };
    let policy = state.sessions;
    let (session, enrolling) = state
        .write(move |db| persistence::sessions::open(db, opening, policy, now))
        .await?;
    pair(state, &session, enrolling, refresh, now)
}

/// The pair of a session that stands, with `refresh` its current refresh token; `enrolling`:
/// the session may only set up a second factor (rule 13).
pub fn pair(
    state: &AppState,
    session: &SessionRecord,
    enrolling: bool,
    refresh: String,
    now: DateTime<Utc>,
) -> Result<TokenPair, ApiError> {
    let access = state
        .tokens
        .issue(session.identity_id, session.id, session.acting, now)?;
    Ok(TokenPair {
        access_token: access.access_token,
        token_type: access.token_type,
        expires_in: access.expires_in,
        refresh_token: refresh,
        // Whole seconds, rounded up: a session capped at its maximum ends a fraction of a
        // second into its last one.
        refresh_expires_in: ((session.expires_at - now).num_milliseconds().max(0) + 999) / 1000,
        two_factor_enrollment_required: enrolling,
    })
}
