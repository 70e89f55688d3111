//! Workgroups and projects: create, list, read, change, members.

use crate::auth::AccountCaller;
use crate::extract::JsonBody;
use crate::extract::PathId;
use crate::idempotency::{self, IdempotencyHeader};
use crate::openapi::field::Field;
use crate::pagination::{encode_cursor, page_request};
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use crate::views::{WorkgroupPage, WorkgroupView};
use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use domain::enums::{InvitePolicy, WorkgroupKind};
use domain::ids::WorkgroupId;
use domain::workgroup::{
    NewWorkgroup, NewWorkgroupRequest, WorkgroupChange, WorkgroupChangeRequest, WorkgroupName,
    MAX_DESCRIPTION_CHARS,
};
use persistence::workgroups::WorkgroupFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A new workgroup or project.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkgroupBody {
    #[schema(schema_with = client_website)]
    pub name: String,
    pub kind: WorkgroupKind,
    #[schema(schema_with = description)]
    pub description: Option<String>,
    /// "Allow access for external users"; off by default.
    pub allow_external: Option<bool>,
    /// Who may add people: `owner`, `moderators` or `members` (the default).
    pub invite_policy: Option<InvitePolicy>,
    /// The most days an external person's access may run while brought into or kept in this
    /// workgroup (an invitation's or an extension's end beyond it is 422 `beyond_maximum`);
    /// none by default.
    #[schema(minimum = 1, maximum = 3650)]
    pub max_external_access_days: Option<i64>,
}

pub(super) fn client_website() -> Field {
    Field::of::<WorkgroupName>().example("Client website")
}

fn description() -> Field {
    Field::of::<String>()
        .or_null()
        .max_chars(MAX_DESCRIPTION_CHARS)
}

/// Create a workgroup or project (employees); the creator becomes its owner.
#[utoipa::path(
    tag = "workgroups",
    params(IdempotencyHeader),
    request_body(content = NewWorkgroupBody, example = json!({
        "name": "Client website", "kind": "project", "allow_external": true, "invite_policy": "moderators"
    })),
    responses(
        (status = 201, description = "Created", body = WorkgroupView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    )
)]
#[post("/v1/workgroups")]
pub async fn create_workgroup(
    req: HttpRequest,
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    key: IdempotencyHeader,
    JsonBody(body): JsonBody<NewWorkgroupBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let new = NewWorkgroup::parse(NewWorkgroupRequest {
        name: &body.name,
        kind: body.kind,
        description: body.description.as_deref(),
        allow_external: body.allow_external,
        invite_policy: body.invite_policy,
        max_external_access_days: body.max_external_access_days,
    })?;
    let key = key.key_for(&req, &body);
    let done = state
        .write(move |db| persistence::workgroups::create_workgroup(db, user, new, now, key))
        .await?;
    Ok(idempotency::respond::<WorkgroupView, _>(
        StatusCode::CREATED,
        &done,
    ))
}

/// Filters and page of the workgroups list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkgroupListQuery {
    /// Only extranet workgroups (`true`) or only the others (`false`).
    pub extranet: Option<bool>,
    /// `group` or `project`.
    #[param(inline)]
    pub kind: Option<WorkgroupKind>,
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// The workgroups the caller may see, newest first: every one of the account's for employees,
/// only its own for an external user.
#[utoipa::path(
    tag = "workgroups",
    params(WorkgroupListQuery),
    responses(
        (status = 200, description = "A page of workgroups", body = WorkgroupPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/workgroups")]
pub async fn list_workgroups(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    query: web::Query<WorkgroupListQuery>,
) -> Result<web::Json<WorkgroupPage>, ApiError> {
    let page = page_request::<WorkgroupId>(query.limit, query.cursor.as_deref())?;
    let filter = WorkgroupFilter {
        extranet: query.extranet,
        kind: query.kind,
    };
    let page = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::workgroups::list_workgroups(db, &user, filter, page)
    })
    .await?;
    Ok(web::Json(WorkgroupPage {
        items: page.items.iter().map(WorkgroupView::from).collect(),
        next_cursor: page.next_after.map(encode_cursor),
    }))
}
/// One workgroup; 404 when there is none or the caller may not see it.
#[utoipa::path(
    tag = "workgroups",
    params(PathId<WorkgroupId>),
    responses(
        (status = 200, description = "The workgroup", body = WorkgroupView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[get("/v1/workgroups/{id}")]
pub async fn get_workgroup(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<WorkgroupId>,
) -> Result<web::Json<WorkgroupView>, ApiError> {
    let group = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::workgroups::get_workgroup(db, &user, id)
    })
    .await?;
    Ok(web::Json(WorkgroupView::from(&group)))
}

/// A change of a workgroup: only the fields given change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkgroupPatch {
    #[schema(value_type = Option<WorkgroupName>)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(schema_with = new_description)]
    pub description: Option<Option<String>>,
    /// "Allow access for external users". Cannot be switched off while external members or
    /// pending external invitations remain (409 `workgroup_has_external_members`).
    pub allow_external: Option<bool>,
    pub invite_policy: Option<InvitePolicy>,
    /// The most days an external person's access may run in this workgroup; `null` takes the
    /// maximum away. Ends already set stay as they are: the maximum bounds ends set from now on.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 3650)]
    pub max_external_access_days: Option<Option<i64>>,
}

fn new_description() -> Field {
    description().about("`null` clears it.")
}

/// Change a workgroup (its owner, moderators, administrators).
#[utoipa::path(
    tag = "workgroups",
    params(PathId<WorkgroupId>),
    request_body(content = WorkgroupPatch, example = json!({"allow_external": true})),
    responses(
        (status = 200, description = "The workgroup after the change", body = WorkgroupView),
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
#[patch("/v1/workgroups/{id}")]
pub async fn patch_workgroup(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<WorkgroupId>,
    JsonBody(body): JsonBody<WorkgroupPatch>,
) -> Result<web::Json<WorkgroupView>, ApiError> {
    let now = state.clock.now();
    let change = WorkgroupChange::parse(WorkgroupChangeRequest {
        name: body.name.as_deref(),
        description: body.description.as_ref().map(|d| d.as_deref()),
        allow_external: body.allow_external,
        invite_policy: body.invite_policy,
        max_external_access_days: body.max_external_access_days,
    })?;
    let group = state
        .write(move |db| persistence::workgroups::update_workgroup(db, &user, id, &change, now))
        .await?;
    Ok(web::Json(WorkgroupView::from(&group)))
}
