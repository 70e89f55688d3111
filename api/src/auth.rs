//! The [`Caller`] every authenticated handler receives. The [`authenticate`] middleware
//! verifies the bearer token (see [`crate::tokens`]) and reads its session and the user row
//! again before the handler runs, so a logout, a dismissal or a transfer takes effect at once,
//! whatever tokens were issued before (rules 8 and 9). A bearer token starting `ext_` is an
//! integrator's API token: it is looked up by its hash with its creator's standing, and the
//! request must be within its scopes (`crate::scopes`).

use crate::problem::ApiError;
use crate::reads::Bound;
use crate::scopes;
use crate::secrets::{token_hash, API_TOKEN_PREFIX};
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use domain::access::{authorize_user, AccountUser, Actor};
use domain::api_token::require;
use domain::ids::{IdentityId, SessionId};
use domain::session::authorize_session;
use std::future::{ready, Ready};

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

/// The authenticated caller. The token is checked by [`authenticate`] before the handler
/// runs; extracting `Caller` takes that outcome and checks an API token's scopes against the
/// route, so it is ready at once and its refusal comes before any complaint about the body or
/// the parameters, on every backend.
pub struct Caller(pub Actor);

/// The authenticated caller acting as a user of an account: a [`Caller`] whose token is an
/// account's (a network-profile token is refused with 403 `account_token_required`), for the
/// endpoints that act in an account.
pub struct AccountCaller(pub AccountUser);

impl FromRequest for AccountCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let outcome = Caller::from_request(req, payload)
            .into_inner()
            .and_then(|Caller(actor)| Ok(Self(*actor.in_account()?)));
        ready(outcome)
    }
}

/// The caller and the session its access token belongs to, for the endpoints about sessions
/// (an API token has none: those endpoints are closed to it in `scopes::TABLE`).
pub struct SessionCaller {
    pub actor: Actor,
    pub session: SessionId,
}

impl FromRequest for SessionCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let outcome = Caller::from_request(req, payload)
            .into_inner()
            .and_then(|Caller(actor)| {
                let session = req
                    .extensions()
                    .get::<Identified>()
                    .and_then(|i| i.session)
                    .ok_or(domain::DomainError::Unreachable(
                        "a caller allowed on a session's endpoint without a session",
                    ))?;
                Ok(Self { actor, session })
            });
        ready(outcome)
    }
}

/// What [`authenticate`] found out about the request's bearer token, and the session of an
/// access token.
#[derive(Clone)]
struct Identified {
    actor: Result<Actor, ApiError>,
    session: Option<SessionId>,
    /// The account's two-step policy covers the session's user, who has no second factor:
    /// the session may only enroll one (`scopes::ENROLLMENT`), or log out.
    enrollment_only: bool,
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let identified = req.extensions().get::<Identified>().cloned();
        let outcome = match identified {
            Some(Identified {
                actor,
                enrollment_only,
                ..
            }) => actor.and_then(|actor| {
                if enrollment_only
                    && !scopes::allowed_enrolling(
                        req.method().as_str(),
                        req.match_pattern().as_deref(),
                    )
                {
                    return Err(domain::DomainError::TwoFactorEnrollmentRequired.into());
                }
                // Only an API token's request has a scope to check.
                if let Actor::User(user @ AccountUser { token: Some(_), .. }) = &actor {
                    let needs =
                        scopes::needs(req.method().as_str(), req.match_pattern().as_deref());
                    require(user, needs)?;
                }
                Ok(Self(actor))
            }),
            // No `Authorization` header at all (`authenticate` checks every one that comes).
            None => Err(bearer(req)
                .err()
                .unwrap_or_else(|| ApiError::internal("the token was not checked"))),
        };
        ready(outcome)
    }
}

/// Middleware: a request with an `Authorization` header has its token checked before routing
/// (the JWT verified and its user read again, or the API token looked up with its creator's
/// standing); the outcome waits in the request for [`Caller`]. Public endpoints ignore it.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.headers().contains_key(AUTHORIZATION) {
        let identified = match req.app_data::<web::Data<AppState>>().cloned() {
            Some(state) => identify(&state, bearer(req.request())).await,
            None => Identified {
                actor: Err(ApiError::internal("application state missing")),
                session: None,
                enrollment_only: false,
            },
        };
        req.extensions_mut().insert(identified);
    }
    next.call(req).await
}

/// The actor a bearer token stands for, as of now, and its session.
async fn identify(state: &web::Data<AppState>, token: Result<String, ApiError>) -> Identified {
    let token = match token {
        Ok(token) => token,
        Err(e) => {
            return Identified {
                actor: Err(e),
                session: None,
                enrollment_only: false,
            }
        }
    };
    // An API token is the integrator's credential: the account's two-step policy does not
    // restrict it (creating one is what the policy covers).
    if token.starts_with(API_TOKEN_PREFIX) {
        return Identified {
            actor: api_token(state, &token).await.map(Actor::User),
            session: None,
            enrollment_only: false,
        };
    }
    match access_token(state, &token).await {
        Ok((actor, session, enrollment_only)) => Identified {
            actor: Ok(actor),
            session: Some(session),
            enrollment_only,
        },
        Err(e) => Identified {
            actor: Err(e),
            session: None,
            enrollment_only: false,
        },
    }
}

/// The actor an access token stands for: its session must stand (rule 9) and, for a session
/// acting in an account, its user (rule 8). The session's `last_used_at` is written after the
/// answer, at most once a minute.
async fn access_token(
    state: &web::Data<AppState>,
    token: &str,
) -> Result<(Actor, SessionId, bool), ApiError> {
    let now = state.clock.now();
    let claims = state.tokens.verify(token, now)?;
    let identity: IdentityId = claims.sub.parse().map_err(|_| bad_claim())?;
    let sid: SessionId = claims.sid.parse().map_err(|_| bad_claim())?;
    let found = crate::reads::read(state, Bound::Page, move |db| {
        persistence::sessions::authenticate(db, sid, identity)
    })
    .await?;
    authorize_session(found.as_ref().map(|f| f.session.state()), now)?;
    let Some(persistence::sessions::Authenticated {
        session,
        standing,
        enrollment_only,
    }) = found
    else {
        return Err(bad_claim());
    };
    // The account and user the token names are its session's (a token re-signed with other
    // ones is no token of ours).
    let claimed = match (claims.acc.as_deref(), claims.uid.as_deref()) {
        (Some(acc), Some(uid)) => Some((
            acc.parse().map_err(|_| bad_claim())?,
            uid.parse().map_err(|_| bad_claim())?,
        )),
        (None, None) => None,
        _ => return Err(bad_claim()),
    };
    if claimed != session.acting {
        return Err(bad_claim());
    }
    if persistence::sessions::use_is_due(&session, now) {
        let db = state.db.clone();
        actix_web::rt::spawn(async move {
            let touched =
                crate::blocking::run(move || persistence::sessions::touch(&db, sid, now)).await;
            if let Ok(Err(e)) = touched {
                tracing::warn!(error = %e, "recording a session's use failed");
            }
        });
    }
    let actor = match session.acting {
        None => Actor::Identity(identity),
        Some((account_id, user_id)) => Actor::User(authorize_user(
            identity,
            claims.iat,
            account_id,
            user_id,
            standing.map(|s| s.as_of(now)),
        )?),
    };
    Ok((actor, sid, enrollment_only))
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
