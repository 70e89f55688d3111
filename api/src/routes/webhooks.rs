//! Webhooks: administrators (or their API tokens with `webhooks:write`) subscribe URLs to the
//! account's events, read each delivery, ping a receiver and redeliver what it missed.

use crate::auth::AccountCaller;
use crate::extract::JsonBody;
use crate::extract::{DeliveryPath, PathId};
use crate::idempotency::IdempotencyHeader;
use crate::openapi::field::Field;
use crate::pagination::{encode_cursor, page_request};
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::secrets::TokenSealer;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::enums::{DeliveryStatus, SwitchOffCause};
use domain::ids::WebhookId;
use domain::webhook::event::SubscribableEvent;
use domain::webhook::{
    may_manage_webhooks, may_subscribe, EventType, NewWebhook, Secret, WebhookChange, WebhookUrl,
};
use persistence::webhooks::{DeliveryRecord, WebhookRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn url() -> Field {
    Field::of::<WebhookUrl>()
        .about(
            "Where events are posted: `http` or `https`, a public address (loopback, private,\n\
             link-local and metadata addresses are refused, at creation and at every delivery), no\n\
             user name or password. Redirects are not followed.",
        )
        .example("https://crm.example.com/hooks/extranet")
}

/// The events a webhook may subscribe to: one or more, each once.
fn subscribable() -> Field {
    let all = EventType::subscribable().count();
    Field::list_of::<SubscribableEvent>().items(Some(1), Some(all))
}

fn events() -> Field {
    subscribable()
        .about(
            "The events to send (`ping` is sent by the ping endpoint only). An API token subscribes\n\
             only to events whose data its scopes read (each event's scope: `SubscribableEvent`);\n\
             otherwise 403 `insufficient_scope` naming the scope.",
        )
        .example(serde_json::json!(["invitation.created", "invitation.accepted", "user.dismissed"]))
}

fn new_events() -> Field {
    subscribable().or_null()
}

/// A webhook to create.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookBody {
    #[schema(schema_with = url)]
    pub url: String,
    #[schema(schema_with = events)]
    pub events: Vec<String>,
    /// The signing secret (16 to 128 printable characters); without it, one is generated and
    /// shown once.
    #[schema(value_type = Option<domain::webhook::Secret>)]
    pub secret: Option<String>,
}

/// What to change of a webhook; absent fields stay.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[schema(value_type = Option<WebhookUrl>)]
    pub url: Option<String>,
    #[schema(schema_with = new_events)]
    pub events: Option<Vec<String>>,
    /// A new signing secret (16 to 128 printable characters).
    #[schema(value_type = Option<domain::webhook::Secret>)]
    pub secret: Option<String>,
    /// `false` switches the webhook off: nothing more is posted to it (but pings) and no
    /// events are queued for it; its waiting deliveries are paused. `true` switches it on
    /// again: its failure streak and why it was off are forgotten, and its paused deliveries
    /// are sent — those younger than 72 hours; older ones are given up, with the reason.
    /// Switching it on, or changing `url` or `events`, takes it over: the caller (and the API
    /// token it acts through) answers for it from then on, and needs the scopes of its events.
    pub active: Option<bool>,
}

/// A webhook: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: WebhookId,
    #[schema(example = "https://crm.example.com/hooks/extranet")]
    pub url: String,
    pub events: Vec<EventType>,
    /// Whether events are sent to it. It is switched off by a `PATCH`, after its deliveries
    /// failed for days, and when whoever answers for it could no longer make it: the API
    /// token it was made through revoked or expired, the user dismissed or no longer an
    /// administrator (`disabled_cause`).
    pub active: bool,
    /// Since when every delivery has failed, while they do.
    pub failing_since: Option<DateTime<Utc>>,
    /// Since when it is switched off.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Why it is switched off, and how to switch it on again.
    pub disabled_reason: Option<String>,
    /// Why it is switched off, as a word: `failing`, `switched_off` (a `PATCH`),
    /// `token_revoked`, `token_expired`, `creator_dismissed`, `creator_not_admin`.
    pub disabled_cause: Option<SwitchOffCause>,
    /// The user who answers for it: who made it, or last took it over (switched it on again,
    /// or changed its `url` or `events`). It posts while that user is an active administrator.
    pub created_by: Option<String>,
    /// The API token that was done through, if it was: it posts while that token is live.
    pub created_by_token_id: Option<domain::ids::ApiTokenId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&WebhookRecord> for WebhookView {
    fn from(w: &WebhookRecord) -> Self {
        Self {
            id: w.id,
            url: w.url.clone(),
            events: w.events.clone(),
            active: w.active,
            failing_since: w.failing_since,
            disabled_at: w.disabled_at,
            disabled_reason: w.disabled_reason.clone(),
            disabled_cause: w.disabled_cause,
            created_by: w.created_by.clone(),
            created_by_token_id: w.created_by_token_id,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// A created webhook, with its signing secret: shown now (and to a replay of the same
/// `Idempotency-Key`), never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhookView {
    #[serde(flatten)]
    pub about: WebhookView,
    /// Verify each delivery with it: `X-Extranet-Signature: t=<unix seconds>,v1=<hex
    /// HMAC-SHA256 of "<t>.<body>">`.
    #[schema(example = "whsec_9mXb3Yq0c2Rk7N1vTgWd5HsLp8eJf4Ua6Zo-Ci0QyAs")]
    pub secret: String,
}

/// A page of webhooks.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPage {
    pub items: Vec<WebhookView>,
    pub next_cursor: Option<String>,
}

/// One delivery of an event to a webhook.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryView {
    pub id: domain::ids::WebhookDeliveryId,
    pub webhook_id: WebhookId,
    /// The event's id, the same on every attempt and redelivery (`X-Extranet-Event-Id`):
    /// receivers drop duplicates by it.
    pub event_id: String,
    pub event: EventType,
    /// `pending` (waiting for its next attempt), `sent` (the receiver answered 2xx),
    /// `failed` (given up; redeliver it) or `paused` (its webhook is switched off: sent if it
    /// is switched on again within 72 hours of the event, given up after).
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub response_status: Option<u16>,
    /// Why the last attempt failed.
    #[schema(example = "the receiver answered 500 Internal Server Error")]
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<&DeliveryRecord> for WebhookDeliveryView {
    fn from(d: &DeliveryRecord) -> Self {
        Self {
            id: domain::ids::WebhookDeliveryId(d.id),
            webhook_id: d.webhook_id,
            event_id: d.event_id.clone(),
            event: d.event,
            status: d.status,
            attempts: d.attempts,
            response_status: d.response_status,
            last_error: d.last_error.clone(),
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
            sent_at: d.sent_at,
        }
    }
}

/// A page of deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryPage {
    pub items: Vec<WebhookDeliveryView>,
    pub next_cursor: Option<String>,
}

/// Page of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WebhookListQuery {
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

fn seal(sealer: &TokenSealer, secret: &Secret) -> Result<String, ApiError> {
    sealer.seal(secret.expose()).map_err(ApiError::internal)
}

/// Subscribe a URL to the account's events. Each delivery is a `POST` of the event as JSON,
/// signed with the webhook's secret (`X-Extranet-Signature: t=<unix seconds>,v1=<hex
/// HMAC-SHA256 of "<t>.<body>">`) and named by `X-Extranet-Event-Id`; it is retried with
/// backoff for about a day when the receiver does not answer 2xx. The secret is shown once.
#[utoipa::path(
    tag = "webhooks",
    params(IdempotencyHeader),
    request_body(content = NewWebhookBody, example = json!({
        "url": "https://crm.example.com/hooks/extranet",
        "events": ["invitation.created", "invitation.accepted", "user.dismissed"]
    })),
    responses(
        (status = 201, description = "Created; the secret is shown this once", body = CreatedWebhookView),
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
#[post("/v1/webhooks")]
pub async fn create_webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    key: IdempotencyHeader,
    JsonBody(body): JsonBody<NewWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    may_manage_webhooks(&user)?;
    let new = NewWebhook::parse(
        &body.url,
        &body.events,
        body.secret.as_deref(),
        state.webhooks.allow_loopback,
    )?;
    may_subscribe(&user, new.events)?;
    state.resolver.check(&new.url).await?;
    let secret = new
        .secret
        .clone()
        .unwrap_or_else(|| Secret::generated(TokenSealer::webhook_secret()));
    let sealed = seal(&state.sealer, &secret)?;
    let key = key.key_for(&req, &body);
    let done = state
        .write(move |db| persistence::webhooks::create(db, user, new, sealed, key, now))
        .await?;
    // The secret shown is the one stored with the outcome: on a replay, the first one.
    let shown = state
        .sealer
        .open(&done.outcome.sealed_secret)
        .ok_or_else(|| ApiError::internal("a webhook's sealed secret cannot be opened"))?;
    let mut res = HttpResponse::build(StatusCode::CREATED);
    if done.replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(res.json(CreatedWebhookView {
        about: WebhookView::from(&done.outcome.webhook),
        secret: shown,
    }))
}

/// The account's webhooks, newest first; never their secrets.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookListQuery),
    responses(
        (status = 200, description = "A page of webhooks", body = WebhookPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    query: web::Query<WebhookListQuery>,
) -> Result<web::Json<WebhookPage>, ApiError> {
    let page = page_request::<WebhookId>(query.limit, query.cursor.as_deref())?;
    let now = state.clock.now();
    let found = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::webhooks::list(db, &user, page, now)
    })
    .await?;
    Ok(web::Json(WebhookPage {
        items: found.items.iter().map(WebhookView::from).collect(),
        next_cursor: found.next_after.map(encode_cursor),
    }))
}

/// One webhook of the account.
#[utoipa::path(
    tag = "webhooks",
    params(PathId<WebhookId>),
    responses(
        (status = 200, description = "The webhook", body = WebhookView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[get("/v1/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<WebhookId>,
) -> Result<web::Json<WebhookView>, ApiError> {
    let now = state.clock.now();
    let found = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::webhooks::get(db, &user, id, now)
    })
    .await?;
    Ok(web::Json(WebhookView::from(&found)))
}

/// Change a webhook's URL, events or secret; switch it off or on again. A new URL is checked
/// like a new webhook's, and applies to deliveries still waiting. Changing its URL or events,
/// or switching it on again, takes it over (`created_by`, `created_by_token_id`): an API token
/// needs the scopes of its events for that (403 `insufficient_scope`).
#[utoipa::path(
    tag = "webhooks",
    params(PathId<WebhookId>),
    request_body(content = WebhookPatch, example = json!({"active": true})),
    responses(
        (status = 200, description = "The webhook as it is now", body = WebhookView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    )
)]
#[patch("/v1/webhooks/{id}")]
pub async fn patch_webhook(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<WebhookId>,
    JsonBody(body): JsonBody<WebhookPatch>,
) -> Result<web::Json<WebhookView>, ApiError> {
    let now = state.clock.now();
    may_manage_webhooks(&user)?;
    let change = WebhookChange::parse(
        body.url.as_deref(),
        body.events.as_deref(),
        body.secret.as_deref(),
        body.active,
        state.webhooks.allow_loopback,
    )?;
    if let Some(events) = change.events {
        may_subscribe(&user, events)?;
    }
    if let Some(url) = &change.url {
        state.resolver.check(url).await?;
    }
    let sealed = change
        .secret
        .as_ref()
        .map(|s| seal(&state.sealer, s))
        .transpose()?;
    let updated = state
        .write(move |db| persistence::webhooks::update(db, &user, id, change, sealed, now))
        .await?;
    Ok(web::Json(WebhookView::from(&updated)))
}

/// Delete a webhook and its delivery log; nothing more is sent to it.
#[utoipa::path(
    tag = "webhooks",
    params(PathId<WebhookId>),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[delete("/v1/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<WebhookId>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state
        .write(move |db| persistence::webhooks::delete(db, &user, id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send the webhook a `ping` event now, to try the receiver; its delivery shows in the log
/// like any other. A switched-off webhook is pinged too: it is the way to try a receiver before
/// switching its webhook on again (a ping carries nothing of the account's).
#[utoipa::path(
    tag = "webhooks",
    params(PathId<WebhookId>),
    responses(
        (status = 202, description = "The ping is on its way", body = WebhookDeliveryView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[post("/v1/webhooks/{id}/ping")]
pub async fn ping_webhook(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<WebhookId>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let delivery = state
        .write(move |db| persistence::webhooks::ping(db, &user, id, now))
        .await?;
    Ok(HttpResponse::Accepted().json(WebhookDeliveryView::from(&delivery)))
}

/// The webhook's deliveries, newest first: event, status, attempts, the receiver's last
/// answer and the next attempt.
#[utoipa::path(
    tag = "webhooks",
    params(PathId<WebhookId>, WebhookListQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = WebhookDeliveryPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<WebhookId>,
    query: web::Query<WebhookListQuery>,
) -> Result<web::Json<WebhookDeliveryPage>, ApiError> {
    let page = page_request::<Uuid>(query.limit, query.cursor.as_deref())?;
    let now = state.clock.now();
    let found = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::webhooks::deliveries(db, &user, id, page, now)
    })
    .await?;
    Ok(web::Json(WebhookDeliveryPage {
        items: found.items.iter().map(WebhookDeliveryView::from).collect(),
        next_cursor: found.next_after.map(encode_cursor),
    }))
}

/// Send a delivery's event again, as a new delivery with the same event id and body, while the
/// webhook is on (a switched-off webhook is sent nothing: 409 `webhook_inactive`).
#[utoipa::path(
    tag = "webhooks",
    params(
        PathId<DeliveryPath>,
    ),
    responses(
        (status = 202, description = "The new delivery", body = WebhookDeliveryView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(DeliveryPath {
        webhook: id,
        delivery,
    }): PathId<DeliveryPath>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let again = state
        .write(move |db| persistence::webhooks::redeliver(db, &user, id, delivery, now))
        .await?;
    Ok(HttpResponse::Accepted().json(WebhookDeliveryView::from(&again)))
}
