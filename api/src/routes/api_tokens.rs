//! Integrators' API tokens: created by a person (the secret is shown once), listed and revoked
//! by their owner, or by an administrator.

use crate::auth::AccountCaller;
use crate::extract::JsonBody;
use crate::extract::PathId;
use crate::idempotency::IdempotencyHeader;
use crate::openapi::field::Field;
use crate::pagination::{encode_cursor, page_request};
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::api_token::{NewToken, Scope};
use domain::ids::ApiTokenId;
use persistence::api_tokens::{Secret, TokenRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

fn scopes() -> Field {
    Field::list_of::<Scope>()
        .about("What the token may do; at least one.")
        .example(serde_json::json!(["invitations:write", "invitations:read"]))
        .items(Some(1), None)
}

/// A token to create.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiTokenBody {
    /// What the token is for, so you know which one to revoke.
    #[schema(value_type = domain::api_token::TokenName)]
    pub name: String,
    #[schema(schema_with = scopes)]
    pub scopes: Vec<Scope>,
    /// When the token stops working (at most two years ahead); without it, it works until
    /// revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token as its owner sees it: never the secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenView {
    pub id: ApiTokenId,
    /// The user the token acts as.
    pub user_id: domain::ids::UserId,
    #[schema(example = "CRM sync")]
    pub name: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When the token was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&TokenRecord> for ApiTokenView {
    fn from(t: &TokenRecord) -> Self {
        Self {
            id: t.id,
            user_id: t.user_id,
            name: t.name.clone(),
            scopes: t.scopes.clone(),
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
            created_at: t.created_at,
        }
    }
}

/// A created token, with its secret: shown now (and to a replay of the same
/// `Idempotency-Key`), never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiTokenView {
    #[serde(flatten)]
    pub about: ApiTokenView,
    /// The secret: send it as `Authorization: Bearer ext_…`. Store it now; it is not shown
    /// again.
    #[schema(example = "ext_3q2-7wEvRk5mVh0X2aQy6mJ0bS8cT1uLd4pN9oK7fGc")]
    pub token: String,
}

/// A page of tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenPage {
    pub items: Vec<ApiTokenView>,
    pub next_cursor: Option<String>,
}

/// Create an API token acting as you, within the scopes you choose and never beyond your own
/// rights. The secret (`ext_…`, 256 random bits, stored only as a hash) is in the answer
/// once. A token cannot create tokens; a user holds at most 50 live ones.
#[utoipa::path(
    tag = "api-tokens",
    params(IdempotencyHeader),
    request_body(content = NewApiTokenBody, example = json!({
        "name": "CRM sync", "scopes": ["invitations:write", "invitations:read"], "expires_at": "2027-06-30T00:00:00Z"
    })),
    responses(
        (status = 201, description = "Created; the secret is shown this once", body = CreatedApiTokenView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    )
)]
#[post("/v1/api-tokens")]
pub async fn create_api_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    key: IdempotencyHeader,
    JsonBody(body): JsonBody<NewApiTokenBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let new = NewToken::parse(&body.name, &body.scopes, body.expires_at, now)?;
    let (_, issued) = state
        .sealer
        .issue_api_secret()
        .map_err(ApiError::internal)?;
    let secret = Secret {
        hash: issued.hash,
        sealed: issued.sealed,
    };
    let key = key.key_for(&req, &body);
    let done = state
        .write(move |db| persistence::api_tokens::create(db, user, new, secret, key, now))
        .await?;
    // The secret shown is the one stored sealed with the outcome: on a replay, the first one.
    let token_secret = state
        .sealer
        .open(&done.outcome.sealed_secret)
        .ok_or_else(|| ApiError::internal("an API token's sealed secret cannot be opened"))?;
    let mut res = HttpResponse::build(StatusCode::CREATED);
    if done.replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(res.json(CreatedApiTokenView {
        about: ApiTokenView::from(&done.outcome.token),
        token: token_secret,
    }))
}

/// Page of the tokens list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ApiTokenListQuery {
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// Your API tokens, newest first (administrators: every token of the account), revoked and
/// expired ones included; never their secrets.
#[utoipa::path(
    tag = "api-tokens",
    params(ApiTokenListQuery),
    responses(
        (status = 200, description = "A page of tokens", body = ApiTokenPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/api-tokens")]
pub async fn list_api_tokens(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    query: web::Query<ApiTokenListQuery>,
) -> Result<web::Json<ApiTokenPage>, ApiError> {
    let page = page_request::<ApiTokenId>(query.limit, query.cursor.as_deref())?;
    let found = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::api_tokens::list(db, &user, page)
    })
    .await?;
    Ok(web::Json(ApiTokenPage {
        items: found.items.iter().map(ApiTokenView::from).collect(),
        next_cursor: found.next_after.map(encode_cursor),
    }))
}

/// One of your tokens (administrators: any of the account's); 404 otherwise.
#[utoipa::path(
    tag = "api-tokens",
    params(PathId<ApiTokenId>),
    responses(
        (status = 200, description = "The token", body = ApiTokenView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[get("/v1/api-tokens/{id}")]
pub async fn get_api_token(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<ApiTokenId>,
) -> Result<web::Json<ApiTokenView>, ApiError> {
    let found = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::api_tokens::get(db, &user, id)
    })
    .await?;
    Ok(web::Json(ApiTokenView::from(&found)))
}

/// Revoke a token: its next request is 401. Revoking a revoked token changes nothing.
#[utoipa::path(
    tag = "api-tokens",
    params(PathId<ApiTokenId>),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[delete("/v1/api-tokens/{id}")]
pub async fn revoke_api_token(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<ApiTokenId>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state
        .write(move |db| persistence::api_tokens::revoke(db, &user, id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
