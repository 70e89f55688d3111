//! The development inbox and clock (`crate::dev`): registered only when the server serves
//! them (`EXTRANET_DEV`, console delivery, a loopback address), unknown paths (404) otherwise;
//! not part of the API, so not in its document.
//!
//! - `GET /dev/messages?limit=&to=`: what the console delivery sent, newest first;
//! - `GET /dev/clock`, `POST /dev/clock {"advance_seconds": n}`: the server's clock and how
//!   far it is ahead; moving it lets invitations, codes and sessions expire;
//! - `POST /dev/upkeep`: runs now what the minute's upkeep does (expired invitations, ended
//!   access and memberships recorded, reminders sent), for after moving the clock;
//! - `GET /dev/inbox`: a page showing both (`api/web/dev-inbox.{html,js}`, the strict policy
//!   of the server's other pages).

use crate::dev::{DevInbox, KEPT};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::routes::pages::{asset, localized, Page, I18N_SCRIPT, STYLE};
use crate::state::AppState;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use domain::error::FieldError;
use domain::DomainError;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

const PAGE: &str = include_str!("../../web/dev-inbox.html");
const SCRIPT: &str = include_str!("../../web/dev-inbox.js");

/// The longest step the clock takes at once: a year.
pub const MAX_ADVANCE_SECONDS: i64 = 366 * 24 * 3600;
/// Messages a page of `/dev/messages` shows by default.
const DEFAULT_LIMIT: usize = 50;

/// The development routes, for `App::configure`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(messages)
        .service(clock)
        .service(advance_clock)
        .service(upkeep)
        .service(page)
        .service(i18n)
        .service(script)
        .service(style);
}

fn inbox(state: &AppState) -> Result<&Arc<DevInbox>, ApiError> {
    state
        .dev
        .as_ref()
        .ok_or_else(|| DomainError::NotFound("development inbox").into())
}

fn invalid(field: &str, code: &'static str, message: String) -> ApiError {
    DomainError::Invalid(vec![FieldError::new(field, code, message)]).into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessagesQuery {
    limit: Option<i64>,
    to: Option<String>,
}

#[get("/dev/messages")]
async fn messages(
    state: web::Data<AppState>,
    query: web::Query<MessagesQuery>,
) -> Result<HttpResponse, ApiError> {
    let inbox = inbox(&state)?;
    let limit = match query.limit {
        None => DEFAULT_LIMIT,
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|n| (1..=KEPT).contains(n))
            .ok_or_else(|| invalid("limit", "out_of_range", format!("1 to {KEPT}")))?,
    };
    let items = inbox.newest(limit, query.to.as_deref().map(str::trim));
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

fn clock_view(state: &AppState) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "now": state.clock.now(),
        "offset_seconds": state.clock.offset().num_seconds(),
    }))
}

#[get("/dev/clock")]
async fn clock(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    inbox(&state)?;
    Ok(clock_view(&state))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceBody {
    advance_seconds: i64,
}

#[post("/dev/clock")]
async fn advance_clock(
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<AdvanceBody>,
) -> Result<HttpResponse, ApiError> {
    inbox(&state)?;
    if !(1..=MAX_ADVANCE_SECONDS).contains(&body.advance_seconds) {
        return Err(invalid(
            "advance_seconds",
            "out_of_range",
            format!(
                "1 to {MAX_ADVANCE_SECONDS} (the clock only moves forward, a year at most at once)"
            ),
        ));
    }
    state
        .clock
        .advance(chrono::Duration::seconds(body.advance_seconds));
    tracing::warn!(
        advance_seconds = body.advance_seconds,
        offset_seconds = state.clock.offset().num_seconds(),
        "the development clock was moved forward"
    );
    Ok(clock_view(&state))
}

#[post("/dev/upkeep")]
async fn upkeep(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    inbox(&state)?;
    crate::upkeep::run_once(&state)
        .await
        .map_err(ApiError::internal)?;
    Ok(clock_view(&state))
}

#[get("/dev/inbox")]
async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    inbox(&state)?;
    Ok(localized(PAGE, Page::DevInbox, &req, None))
}

#[get("/dev/inbox/i18n.js")]
async fn i18n() -> HttpResponse {
    asset("text/javascript; charset=utf-8", I18N_SCRIPT)
}

#[get("/dev/inbox/dev-inbox.js")]
async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

#[get("/dev/inbox/dev-inbox.css")]
async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}
