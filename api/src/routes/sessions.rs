//! The caller's sessions (rule 9): every live session of its profile, in every account and on
//! the profile alone, and ending them — one, or all but the current one ("sign out
//! everywhere else"). Reached with any of the person's access tokens; never with an API token.

use crate::auth::SessionCaller;
use crate::extract::PathId;
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{delete, get, web, HttpResponse};
use chrono::{DateTime, Utc};
use domain::ids::{AccountId, SessionId, UserId};
use persistence::sessions::SessionRecord;
use serde::Serialize;
use utoipa::ToSchema;

/// One live session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: SessionId,
    /// The account the session acts in; absent for a session on the network profile alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub account_id: Option<AccountId>,
    /// The user it acts as in that account.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub user_id: Option<UserId>,
    /// When it opened: the login (or accept, or sign-up).
    pub created_at: DateTime<Utc>,
    /// Its last refresh, or the last request of one of its access tokens (written at most
    /// once a minute).
    pub last_used_at: DateTime<Utc>,
    /// When it ends unless refreshed before.
    pub expires_at: DateTime<Utc>,
    /// The `User-Agent` of its login or last refresh (at most 256 characters); `null` when
    /// none was sent.
    #[schema(example = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0")]
    pub user_agent: Option<String>,
    /// Whether this is the session of the token that asks.
    pub current: bool,
}

impl SessionView {
    fn new(s: &SessionRecord, current: SessionId) -> Self {
        Self {
            id: s.id,
            account_id: s.acting.map(|(a, _)| a),
            user_id: s.acting.map(|(_, u)| u),
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
            user_agent: s.user_agent.clone(),
            current: s.id == current,
        }
    }
}

/// The caller's live sessions (at most 100: a profile keeps no more open).
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    /// Most recently used first.
    #[schema(max_items = 100)]
    pub items: Vec<SessionView>,
}

/// The live sessions of the caller's profile, in every account and on the profile alone, most
/// recently used first; the caller's own is `current`. A profile keeps at most 100 open: a new
/// login ends the least recently used one past them.
#[utoipa::path(
    tag = "sessions",
    responses(
        (status = 200, description = "The live sessions", body = SessionList),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/v1/me/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: SessionCaller,
) -> Result<web::Json<SessionList>, ApiError> {
    let now = state.clock.now();
    let identity = caller.actor.identity_id();
    let sessions = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::sessions::list(db, identity, now)
    })
    .await?;
    Ok(web::Json(SessionList {
        items: sessions
            .iter()
            .map(|s| SessionView::new(s, caller.session))
            .collect(),
    }))
}

/// End one of the caller's live sessions (the current one too: that is a logout). Its access
/// tokens are refused from their next request and its refresh token is dead. Another person's
/// session, or one that already ended, is 404.
#[utoipa::path(
    tag = "sessions",
    params(PathId<SessionId>),
    responses(
        (status = 204, description = "Ended"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[delete("/v1/me/sessions/{id}")]
pub async fn end_session(
    state: web::Data<AppState>,
    caller: SessionCaller,
    PathId(id): PathId<SessionId>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let identity = caller.actor.identity_id();
    state
        .write(move |db| persistence::sessions::revoke(db, identity, id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sign out everywhere else: every session of the caller's profile ends but the current one.
#[utoipa::path(
    tag = "sessions",
    responses(
        (status = 204, description = "Every other session ended"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[delete("/v1/me/sessions")]
pub async fn end_other_sessions(
    state: web::Data<AppState>,
    caller: SessionCaller,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let (identity, current) = (caller.actor.identity_id(), caller.session);
    state
        .write(move |db| persistence::sessions::revoke_others(db, identity, current, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
