//! Access reviews (issue #30): an administrator starts one for a workgroup's external members
//! or for every external user of the account, with a due instant and what happens to those
//! nobody answers for; the reviewers (the workgroup's owner and moderators, the account's
//! administrators) answer `keep` or `remove` until then; at it the answers apply.

use crate::auth::AccountCaller;
use crate::extract::{JsonBody, PathId, ReviewItemPath};
use crate::idempotency::{self, IdempotencyHeader};
use crate::openapi::field::Field;
use crate::pagination::{encode_cursor, page_request};
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use crate::views::UserView;
use actix_web::http::StatusCode;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::access_review::{NewReview, NewReviewRequest, MAX_EVERY_DAYS};
use domain::enums::{ReviewDecision, ReviewOutcome, ReviewStatus};
use domain::ids::{AccessReviewId, UserId, WorkgroupId};
use domain::scope::Disclosure;
use persistence::access_reviews::StartedReview;
use persistence::models::access_review_items::{ItemRecord, Progress};
use persistence::models::access_reviews::ReviewRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A new access review.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccessReviewBody {
    /// The workgroup whose active external members are reviewed (it must take external
    /// users); left out, every active external user of the account is.
    #[schema(value_type = Option<WorkgroupId>)]
    pub workgroup_id: Option<Uuid>,
    /// When the answers apply: later than now, at most 365 days ahead. Answers can change
    /// until this instant.
    pub due_at: DateTime<Utc>,
    /// What happens to a person nobody answered for: `keep` or `remove`.
    pub on_no_answer: ReviewDecision,
    /// Makes the review recur: when it applies, the next review of the same scope starts, due
    /// this many days (1 to 365) after it.
    #[schema(schema_with = every_days)]
    pub every_days: Option<i64>,
}

fn every_days() -> Field {
    Field::of::<i64>()
        .range(1, MAX_EVERY_DAYS)
        .or_null()
        .example(90)
}

/// How far a review's answers are.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewProgressView {
    /// The people the review is about.
    #[schema(example = 3)]
    pub total: u32,
    /// Answered `keep`.
    #[schema(example = 1)]
    pub kept: u32,
    /// Answered `remove`.
    #[schema(example = 1)]
    pub removed: u32,
    /// Not answered: they take `on_no_answer` when the review applies.
    #[schema(example = 1)]
    pub unanswered: u32,
}

impl From<Progress> for ReviewProgressView {
    fn from(p: Progress) -> Self {
        Self {
            total: p.total,
            kept: p.kept,
            removed: p.removed,
            unanswered: p.unanswered,
        }
    }
}

/// An access review, with its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessReviewView {
    pub id: AccessReviewId,
    /// The workgroup reviewed; `null`: every external user of the account.
    pub workgroup_id: Option<WorkgroupId>,
    /// When the answers apply (and stop changing).
    pub due_at: DateTime<Utc>,
    pub on_no_answer: ReviewDecision,
    /// The period of a recurring review, in days; `null`: it does not recur.
    #[schema(example = 90)]
    pub every_days: Option<u32>,
    /// `open` until it is applied at `due_at` (answers change until then), or `cancelled`.
    pub status: ReviewStatus,
    /// The administrator who started it; `null`: the system, as the next of a recurring one.
    pub created_by: Option<UserId>,
    /// The recurring review this one follows.
    pub previous_id: Option<AccessReviewId>,
    pub created_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub progress: ReviewProgressView,
}

impl From<&ReviewRecord> for AccessReviewView {
    fn from(r: &ReviewRecord) -> Self {
        Self {
            id: r.id,
            workgroup_id: r.workgroup_id,
            due_at: r.due_at,
            on_no_answer: r.on_no_answer,
            every_days: r.every_days,
            status: r.status,
            created_by: r.created_by,
            previous_id: r.previous_id,
            created_at: r.created_at,
            applied_at: r.applied_at,
            cancelled_at: r.cancelled_at,
            progress: r.progress.into(),
        }
    }
}

/// One person of a review: the answer given for them, and what applying the review did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessReviewItemView {
    pub review_id: AccessReviewId,
    pub user_id: UserId,
    /// `keep`, `remove`, or `null` while nobody has answered.
    pub decision: Option<ReviewDecision>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Once the review is applied: `kept`, `removed` (from the workgroup, still a user),
    /// `dismissed` (no workgroup left), or `unchanged` (no longer an active external member
    /// when it applied); `null` before.
    pub outcome: Option<ReviewOutcome>,
    pub user: UserView,
}

impl AccessReviewItemView {
    /// The item as a caller who reads `d` sees it.
    pub fn shown(i: &ItemRecord, d: Disclosure) -> Self {
        Self {
            review_id: i.review_id,
            user_id: i.user.id,
            decision: i.decision,
            decided_by: i.decided_by,
            decided_at: i.decided_at,
            outcome: i.outcome,
            user: UserView::shown(&i.user, d),
        }
    }
}

/// A review just started, with the people it is about (the first 200; the rest in
/// `GET /v1/access-reviews/{id}/items` from `items_next_cursor`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAccessReviewView {
    #[serde(flatten)]
    pub review: AccessReviewView,
    pub items: Vec<AccessReviewItemView>,
    /// The `cursor` of the items' next page; `null` when they are all here.
    pub items_next_cursor: Option<String>,
}

impl CreatedAccessReviewView {
    fn shown(s: &StartedReview, d: Disclosure) -> Self {
        Self {
            review: AccessReviewView::from(&s.review),
            items: s
                .items
                .iter()
                .map(|i| AccessReviewItemView::shown(i, d))
                .collect(),
            items_next_cursor: s.next_after.map(encode_cursor),
        }
    }
}

/// A page of access reviews, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessReviewList {
    pub items: Vec<AccessReviewView>,
    /// The `cursor` of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A page of a review's items, by user id, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessReviewItemList {
    pub items: Vec<AccessReviewItemView>,
    /// The `cursor` of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A page of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccessReviewQuery {
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// A reviewer's answer for one person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecisionBody {
    /// `keep`: the person keeps their access; `remove`: they leave the workgroup (every
    /// workgroup, for an account-wide review) when the review applies, and are dismissed once
    /// no workgroup is left.
    pub decision: ReviewDecision,
}

/// Start an access review (administrators): of a workgroup's active external members, or of
/// every active external user of the account. One review of a scope is open at a time (409
/// `access_review_open`); a workgroup that takes no external users has none to review (409
/// `workgroup_not_extranet`). At `due_at` the answers apply, nobody's answer taking
/// `on_no_answer`: `remove` takes a person out of the workgroup, and dismisses one left in none.
#[utoipa::path(
    tag = "access reviews",
    params(IdempotencyHeader),
    request_body(content = NewAccessReviewBody, example = json!({
        "workgroup_id": "01936f4e-8b7a-7cc3-9a4e-3f2b1c0d9e8f",
        "due_at": "2027-03-31T17:00:00Z", "on_no_answer": "remove", "every_days": 90
    })),
    responses(
        (status = 201, description = "Started, with the people it is about", body = CreatedAccessReviewView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    )
)]
#[post("/v1/access-reviews")]
pub async fn create_access_review(
    req: HttpRequest,
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    key: IdempotencyHeader,
    JsonBody(body): JsonBody<NewAccessReviewBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let review = NewReview::parse(
        NewReviewRequest {
            workgroup_id: body.workgroup_id.map(WorkgroupId),
            due_at: body.due_at,
            on_no_answer: body.on_no_answer,
            every_days: body.every_days,
        },
        now,
    )?;
    let key = key.key_for(&req, &body);
    let done = state
        .write(move |db| persistence::access_reviews::create(db, user, review, key, now))
        .await?;
    Ok(idempotency::respond_with(StatusCode::CREATED, &done, |s| {
        CreatedAccessReviewView::shown(s, user.disclosure())
    }))
}

/// The access reviews the caller reviews, newest first: every one of the account for an
/// administrator; for another employee, those of the workgroups it owns or moderates.
#[utoipa::path(
    tag = "access reviews",
    params(AccessReviewQuery),
    responses(
        (status = 200, description = "A page of reviews", body = AccessReviewList),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/access-reviews")]
pub async fn list_access_reviews(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    query: web::Query<AccessReviewQuery>,
) -> Result<web::Json<AccessReviewList>, ApiError> {
    let page = page_request::<AccessReviewId>(query.limit, query.cursor.as_deref())?;
    let reviews = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::access_reviews::list(db, &user, page)
    })
    .await?;
    Ok(web::Json(AccessReviewList {
        items: reviews.items.iter().map(AccessReviewView::from).collect(),
        next_cursor: reviews.next_after.map(encode_cursor),
    }))
}

/// An access review and its progress, for its reviewers.
#[utoipa::path(
    tag = "access reviews",
    params(PathId<AccessReviewId>),
    responses(
        (status = 200, description = "The review", body = AccessReviewView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[get("/v1/access-reviews/{id}")]
pub async fn get_access_review(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<AccessReviewId>,
) -> Result<web::Json<AccessReviewView>, ApiError> {
    let review = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::access_reviews::get(db, &user, id)
    })
    .await?;
    Ok(web::Json(AccessReviewView::from(&review)))
}

/// The people an access review is about, with the answers given and, once applied, what it
/// did — for its reviewers.
#[utoipa::path(
    tag = "access reviews",
    params(PathId<AccessReviewId>, AccessReviewQuery),
    responses(
        (status = 200, description = "A page of the review's items", body = AccessReviewItemList),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/access-reviews/{id}/items")]
pub async fn list_access_review_items(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<AccessReviewId>,
    query: web::Query<AccessReviewQuery>,
) -> Result<web::Json<AccessReviewItemList>, ApiError> {
    let page = page_request::<UserId>(query.limit, query.cursor.as_deref())?;
    let now = state.clock.now();
    let items = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::access_reviews::list_items(db, &user, id, page, now)
    })
    .await?;
    Ok(web::Json(AccessReviewItemList {
        items: items
            .items
            .iter()
            .map(|i| AccessReviewItemView::shown(i, user.disclosure()))
            .collect(),
        next_cursor: items.next_after.map(encode_cursor),
    }))
}

/// Answer for one person of an access review (its reviewers): `keep` or `remove`. Answers
/// change until the review's `due_at`; from that instant on, 409 `review_closed`.
#[utoipa::path(
    tag = "access reviews",
    params(PathId<ReviewItemPath>),
    request_body(content = ReviewDecisionBody, example = json!({"decision": "keep"})),
    responses(
        (status = 200, description = "The item, answered", body = AccessReviewItemView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    )
)]
#[put("/v1/access-reviews/{id}/items/{user_id}")]
pub async fn decide_access_review_item(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(path): PathId<ReviewItemPath>,
    JsonBody(body): JsonBody<ReviewDecisionBody>,
) -> Result<web::Json<AccessReviewItemView>, ApiError> {
    let now = state.clock.now();
    let decision = body.decision;
    let item = state
        .write(move |db| {
            persistence::access_reviews::decide(db, user, path.review, path.user, decision, now)
        })
        .await?;
    Ok(web::Json(AccessReviewItemView::shown(
        &item,
        user.disclosure(),
    )))
}

/// Cancel an open access review before its `due_at` (administrators): none of its answers
/// apply, and a recurring one stops. Cancelling a cancelled review changes nothing; an applied
/// or due one is 409 `review_closed`.
#[utoipa::path(
    tag = "access reviews",
    params(PathId<AccessReviewId>),
    responses(
        (status = 200, description = "Cancelled", body = AccessReviewView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[delete("/v1/access-reviews/{id}")]
pub async fn cancel_access_review(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<AccessReviewId>,
) -> Result<web::Json<AccessReviewView>, ApiError> {
    let now = state.clock.now();
    let review = state
        .write(move |db| persistence::access_reviews::cancel(db, user, id, now))
        .await?;
    Ok(web::Json(AccessReviewView::from(&review)))
}
