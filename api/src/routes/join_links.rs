//! A workgroup's join links (issue #29) and the join requests made through them: created,
//! listed and revoked by whoever may bring new people into the workgroup; requests seen and
//! decided by its owner, moderators and the account's administrators.

use crate::auth::AccountCaller;
use crate::extract::{JoinLinkPath, JoinRequestPath, JsonBody, PathId};
use crate::openapi::field::Field;
use crate::pagination::{encode_cursor, page_request};
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use domain::enums::{JoinApproval, JoinRequestStatus};
use domain::ids::{JoinLinkId, JoinRequestId, UserId, WorkgroupId};
use domain::join_link::{NewJoinLink, NewJoinLinkRequest, MAX_ALLOWED_DOMAINS, MAX_USES};
use persistence::join_links::{JoinLinkRecord, JoinRequestRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A new join link.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJoinLinkBody {
    /// How many people may use it (1 to 10000); unlimited when left out.
    #[schema(schema_with = max_uses)]
    pub max_uses: Option<i64>,
    /// When it stops working; never when left out. Must be in the future.
    pub expires_at: Option<DateTime<Utc>>,
    /// Only email addresses at these domains (or their subdomains) may use it, at most 50;
    /// any the account lets in when left out. The account's own domain rules hold as well.
    #[schema(schema_with = allowed_domains)]
    pub allowed_domains: Option<Vec<String>>,
    /// `none`: people join at once; `required`: they wait for an owner's, a moderator's or an
    /// administrator's approval (holding a seat meanwhile).
    pub approval: JoinApproval,
}

fn max_uses() -> Field {
    Field::of::<i64>().range(1, MAX_USES).or_null().example(25)
}

fn allowed_domains() -> Field {
    Field::list(
        Field::of::<String>()
            .pattern(domain::login::DOMAIN_PATTERN)
            .example("client.example"),
    )
    .items(None, Some(MAX_ALLOWED_DOMAINS))
    .or_null()
}

/// A join link as its managers see it (never its code).
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinLinkView {
    pub id: JoinLinkId,
    pub workgroup_id: WorkgroupId,
    pub approval: JoinApproval,
    /// `null`: unlimited.
    #[schema(example = 25)]
    pub max_uses: Option<u32>,
    /// How many people used it (joined, or asked to).
    #[schema(example = 3)]
    pub uses: u32,
    pub expires_at: Option<DateTime<Utc>>,
    #[schema(example = json!(["client.example"]))]
    pub allowed_domains: Vec<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    /// When it was revoked; `null` while it works.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&JoinLinkRecord> for JoinLinkView {
    fn from(l: &JoinLinkRecord) -> Self {
        Self {
            id: l.id,
            workgroup_id: l.workgroup_id,
            approval: l.approval,
            max_uses: l.max_uses,
            uses: l.uses,
            expires_at: l.expires_at,
            allowed_domains: l.allowed_domains.clone(),
            created_by: l.created_by,
            created_at: l.created_at,
            revoked_at: l.revoked_at,
        }
    }
}

/// A new join link, with its address: the only answer that carries it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedJoinLinkView {
    #[serde(flatten)]
    pub link: JoinLinkView,
    /// The link to share: the server's `/join` page with the code in the fragment (which
    /// browsers never send to a server). Shown this once: only a hash of the code is kept.
    #[schema(
        example = "https://extranet.example/join#code=q3Jm0dJ8b1K2xY7vZk4pT9wQeR5sU6aH0cL2nB8fG1i"
    )]
    pub url: String,
}

/// A page of a workgroup's join links, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinLinkList {
    pub items: Vec<JoinLinkView>,
    /// The `cursor` of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A page of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JoinLinkQuery {
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// Create a join link of a workgroup: whoever may bring new people into it (the account's
/// `who_can_invite`, the workgroup's invite policy; administrators always), while it takes
/// external users (409 `workgroup_not_extranet`). The answer's `url` is the only place the
/// link appears.
#[utoipa::path(
    tag = "join links",
    params(PathId<WorkgroupId>),
    request_body(content = NewJoinLinkBody, example = json!({"max_uses": 25, "allowed_domains": ["client.example"], "approval": "required"})),
    responses(
        (status = 201, description = "Created", body = CreatedJoinLinkView),
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
#[post("/v1/workgroups/{id}/join-links")]
pub async fn create_join_link(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(group): PathId<WorkgroupId>,
    JsonBody(body): JsonBody<NewJoinLinkBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let link = NewJoinLink::parse(
        NewJoinLinkRequest {
            max_uses: body.max_uses,
            expires_at: body.expires_at,
            allowed_domains: body.allowed_domains.as_deref(),
            approval: body.approval,
        },
        now,
    )?;
    let code = crate::secrets::join_code();
    let hash = crate::secrets::token_hash(&code);
    let created = state
        .write(move |db| persistence::join_links::manage::create(db, user, group, link, hash, now))
        .await?;
    Ok(HttpResponse::Created().json(CreatedJoinLinkView {
        link: JoinLinkView::from(&created),
        url: format!("{}/join#code={code}", state.public_url),
    }))
}

/// A workgroup's join links, newest first (never their codes), for whoever may create them.
#[utoipa::path(
    tag = "join links",
    params(PathId<WorkgroupId>, JoinLinkQuery),
    responses(
        (status = 200, description = "A page of links", body = JoinLinkList),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/workgroups/{id}/join-links")]
pub async fn list_join_links(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(group): PathId<WorkgroupId>,
    query: web::Query<JoinLinkQuery>,
) -> Result<web::Json<JoinLinkList>, ApiError> {
    let page = page_request::<JoinLinkId>(query.limit, query.cursor.as_deref())?;
    let links = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::join_links::manage::list(db, &user, group, page)
    })
    .await?;
    Ok(web::Json(JoinLinkList {
        items: links.items.iter().map(JoinLinkView::from).collect(),
        next_cursor: links.next_after.map(encode_cursor),
    }))
}

/// Revoke a join link: its code is unknown from now on (404, like one that never existed).
/// Requests already waiting for approval stay to be decided.
#[utoipa::path(
    tag = "join links",
    params(PathId<JoinLinkPath>),
    responses(
        (status = 200, description = "Revoked", body = JoinLinkView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[delete("/v1/workgroups/{id}/join-links/{link_id}")]
pub async fn revoke_join_link(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(path): PathId<JoinLinkPath>,
) -> Result<web::Json<JoinLinkView>, ApiError> {
    let now = state.clock.now();
    let link = state
        .write(move |db| {
            persistence::join_links::manage::revoke_link(db, user, path.workgroup, path.link, now)
        })
        .await?;
    Ok(web::Json(JoinLinkView::from(&link)))
}

/// A person's request to join a workgroup through a join link.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinRequestView {
    pub id: JoinRequestId,
    pub workgroup_id: WorkgroupId,
    pub join_link_id: JoinLinkId,
    /// The login the person proved with a code.
    #[schema(example = "ann@client.example")]
    pub login: String,
    #[schema(example = "Ann")]
    pub first_name: String,
    #[schema(example = "Lee")]
    pub last_name: String,
    /// `awaiting_approval`, `approved`, `rejected`, or `joined` (at once, without approval).
    #[schema(schema_with = request_status)]
    pub status: JoinRequestStatus,
    /// Whether it holds a seat while it waits (it would bring a new person in).
    pub holds_seat: bool,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    /// The user it let in.
    pub user_id: Option<UserId>,
}

fn request_status() -> Field {
    Field::words(
        JoinRequestStatus::ALL
            .iter()
            .filter(|s| **s != JoinRequestStatus::Unconfirmed)
            .map(|s| s.as_str()),
    )
}

impl From<&JoinRequestRecord> for JoinRequestView {
    fn from(r: &JoinRequestRecord) -> Self {
        Self {
            id: r.id,
            workgroup_id: r.workgroup_id,
            join_link_id: r.join_link_id,
            login: r.login.clone(),
            first_name: r.first_name.clone(),
            last_name: r.last_name.clone(),
            status: r.status,
            holds_seat: r.holds_seat,
            created_at: r.created_at,
            decided_at: r.decided_at,
            decided_by: r.decided_by,
            user_id: r.user_id,
        }
    }
}

/// A page of a workgroup's join requests, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinRequestList {
    pub items: Vec<JoinRequestView>,
    /// The `cursor` of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Filter of the join requests list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JoinRequestQuery {
    /// Only requests in this state.
    #[param(schema_with = request_status)]
    pub status: Option<JoinRequestStatus>,
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// A workgroup's join requests, newest first, for its owner, moderators and the account's
/// administrators.
#[utoipa::path(
    tag = "join links",
    params(PathId<WorkgroupId>, JoinRequestQuery),
    responses(
        (status = 200, description = "A page of requests", body = JoinRequestList),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/workgroups/{id}/join-requests")]
pub async fn list_join_requests(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(group): PathId<WorkgroupId>,
    query: web::Query<JoinRequestQuery>,
) -> Result<web::Json<JoinRequestList>, ApiError> {
    // A request whose login is not proved yet is nobody's business but its asker's.
    if query.status == Some(JoinRequestStatus::Unconfirmed) {
        return Err(crate::extract::invalid_parameter(
            "`unconfirmed` requests are never listed",
            "query string",
        ));
    }
    let status = query.status;
    let page = page_request::<JoinRequestId>(query.limit, query.cursor.as_deref())?;
    let requests = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::join_links::requests::list(db, &user, group, status, page)
    })
    .await?;
    Ok(web::Json(JoinRequestList {
        items: requests.items.iter().map(JoinRequestView::from).collect(),
        next_cursor: requests.next_after.map(encode_cursor),
    }))
}

/// Approve a join request: the person becomes an external user of the account and a member
/// of the workgroup (an external user already: a member), their held seat theirs. Rules 1, 3,
/// 4 and 6 and the domain rules are judged again now: 409 `workgroup_not_extranet`,
/// `domain_not_allowed`, `user_limit_reached` (a request that holds no seat), the invitations'
/// codes for a login that is no longer free, `join_request_not_awaiting` once decided.
#[utoipa::path(
    tag = "join links",
    params(PathId<JoinRequestPath>),
    responses(
        (status = 200, description = "Approved", body = JoinRequestView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/workgroups/{id}/join-requests/{request_id}/approve")]
pub async fn approve_join_request(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(path): PathId<JoinRequestPath>,
) -> Result<web::Json<JoinRequestView>, ApiError> {
    let now = state.clock.now();
    let plans = state.account_limits.plans.clone();
    let request = state
        .write(move |db| {
            persistence::join_links::requests::approve(
                db,
                user,
                path.workgroup,
                path.request,
                &plans,
                now,
            )
        })
        .await?;
    Ok(web::Json(JoinRequestView::from(&request)))
}

/// Reject a join request: nothing is created, and the seat it held is free again.
#[utoipa::path(
    tag = "join links",
    params(PathId<JoinRequestPath>),
    responses(
        (status = 200, description = "Rejected", body = JoinRequestView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/workgroups/{id}/join-requests/{request_id}/reject")]
pub async fn reject_join_request(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(path): PathId<JoinRequestPath>,
) -> Result<web::Json<JoinRequestView>, ApiError> {
    let now = state.clock.now();
    let request = state
        .write(move |db| {
            persistence::join_links::requests::reject(db, user, path.workgroup, path.request, now)
        })
        .await?;
    Ok(web::Json(JoinRequestView::from(&request)))
}
