//! Members of workgroups: the list, adding existing users (membership invitations), roles,
//! removal; and the caller's own membership invitations, accepted or declined.

use crate::auth::AccountCaller;
use crate::extract::JsonBody;
use crate::extract::{InvitedTo, MemberPath, PathId};
use crate::idempotency::{self, IdempotencyHeader};
use crate::pagination::{encode_cursor, page_request};
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use crate::views::{MemberPage, MemberView, WorkgroupInvitationPage, WorkgroupInvitationView};
use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::enums::{MembershipStatus, Role};
use domain::ids::{UserId, WorkgroupId};
use domain::membership::parse_new_member_role;
use persistence::members::{MemberFilter, NewMember};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
/// Filters and page of a members list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MemberListQuery {
    /// `owner`, `moderator` or `member`.
    #[param(inline)]
    pub role: Option<Role>,
    /// `active`, or `invited` (asked in, not yet accepted).
    #[param(inline)]
    pub status: Option<MembershipStatus>,
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// The workgroup's members, for those who may see the workgroup. Employees see active
/// members and pending membership invitations; an external user sees active members only.
#[utoipa::path(
    tag = "workgroups",
    params(PathId<WorkgroupId>, MemberListQuery),
    responses(
        (status = 200, description = "A page of members", body = MemberPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/workgroups/{id}/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<WorkgroupId>,
    query: web::Query<MemberListQuery>,
) -> Result<web::Json<MemberPage>, ApiError> {
    let page = page_request::<UserId>(query.limit, query.cursor.as_deref())?;
    let filter = MemberFilter {
        role: query.role,
        status: query.status,
    };
    let page = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::members::list_members(db, &user, id, filter, page)
    })
    .await?;
    Ok(web::Json(MemberPage {
        items: page
            .items
            .iter()
            .map(|m| MemberView::shown(m, user.disclosure()))
            .collect(),
        next_cursor: page.next_after.map(encode_cursor),
    }))
}

/// An existing user of the account to add to a workgroup.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberBody {
    #[schema(value_type = UserId)]
    pub user_id: uuid::Uuid,
    /// `member` (the default) or `moderator` (appointed by the owner, moderators or admins).
    /// Ownership is handed over by changing an active member's role to `owner`.
    pub role: Option<Role>,
    /// When the membership ends (RFC 3339, later than now): the member then leaves the
    /// workgroup (`membership.expired`) and stays a user of the account. None by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// Add an existing user to a workgroup, as the group's `invite_policy` allows (`owner`,
/// `moderators` or `members`; administrators always). The user gets a membership invitation
/// (`status: invited`) and a message, and accepts or declines it under
/// `/v1/me/workgroup-invitations`. External users join extranet workgroups only; an external
/// caller can pick only users it can see. Adding yourself joins at once.
#[utoipa::path(
    tag = "workgroups",
    params(
        PathId<WorkgroupId>,
        IdempotencyHeader,
    ),
    request_body(content = NewMemberBody, example = json!({"user_id": "0192f0c1-7c1e-7a3e-9f1a-1f2e3d4c5b6a", "role": "member"})),
    responses(
        (status = 201, description = "Invited (or, for the caller itself, joined)", body = MemberView),
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
#[post("/v1/workgroups/{id}/members")]
pub async fn add_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    key: IdempotencyHeader,
    PathId(group): PathId<WorkgroupId>,
    JsonBody(body): JsonBody<NewMemberBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let role = parse_new_member_role(body.role)?;
    let key = key.key_for(&req, &body);
    let candidate = UserId(body.user_id);
    let new = NewMember {
        group,
        user: candidate,
        role,
        expires_at: body.expires_at,
    };
    let limits = state.account_limits.clone();
    let done = state
        .write(move |db| persistence::members::add_member(db, user, &limits, new, now, key))
        .await?;
    Ok(idempotency::respond_with(StatusCode::CREATED, &done, |m| {
        MemberView::shown(m, user.disclosure())
    }))
}

/// What changes of a membership: only the fields given (at least one), all or nothing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    /// `owner` hands ownership over (the owner or an administrator; an active employee only):
    /// the previous owner becomes a moderator.
    pub role: Option<Role>,
    /// When the membership ends (RFC 3339, later than now; never the owner's): the member
    /// then leaves the workgroup and stays a user of the account. `null`: it does not end.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<DateTime<Utc>>, nullable)]
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

/// Change a member's role or the end of its membership (the owner, moderators,
/// administrators). The owner is never demoted directly: make another active employee the
/// owner first.
#[utoipa::path(
    tag = "workgroups",
    params(
PathId<MemberPath>),
    request_body(content = MemberPatch, example = json!({"role": "moderator"})),
    responses(
        (status = 200, description = "The member after the change", body = MemberView),
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
#[patch("/v1/workgroups/{id}/members/{user_id}")]
pub async fn patch_member(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(MemberPath {
        workgroup: group,
        member,
    }): PathId<MemberPath>,
    JsonBody(body): JsonBody<MemberPatch>,
) -> Result<web::Json<MemberView>, ApiError> {
    let now = state.clock.now();
    let change = persistence::members::MemberChange {
        role: body.role,
        expires_at: body.expires_at,
    };
    if change == persistence::members::MemberChange::default() {
        return Err(domain::DomainError::invalid(
            "",
            "required",
            "nothing to change: send `role` or `expires_at`",
        )
        .into());
    }
    let changed = state
        .write(move |db| persistence::members::change_member(db, &user, group, member, change, now))
        .await?;
    Ok(web::Json(MemberView::shown(&changed, user.disclosure())))
}

/// Remove a member, or withdraw a membership invitation (the owner, moderators,
/// administrators); any member may remove itself (leave). The owner hands ownership over
/// first.
#[utoipa::path(
    tag = "workgroups",
    params(
PathId<MemberPath>),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[delete("/v1/workgroups/{id}/members/{user_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(MemberPath {
        workgroup: group,
        member,
    }): PathId<MemberPath>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state
        .write(move |db| persistence::members::remove_member(db, &user, group, member, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Page of the caller's workgroup invitations.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkgroupInvitationQuery {
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// The caller's pending membership invitations: workgroups it has been asked to join.
#[utoipa::path(
    tag = "workgroups",
    params(WorkgroupInvitationQuery),
    responses(
        (status = 200, description = "A page of membership invitations", body = WorkgroupInvitationPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/me/workgroup-invitations")]
pub async fn my_workgroup_invitations(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    query: web::Query<WorkgroupInvitationQuery>,
) -> Result<web::Json<WorkgroupInvitationPage>, ApiError> {
    let page = page_request::<WorkgroupId>(query.limit, query.cursor.as_deref())?;
    let page = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::workgroup_invitations::list_workgroup_invitations(db, &user, page)
    })
    .await?;
    Ok(web::Json(WorkgroupInvitationPage {
        items: page
            .items
            .iter()
            .map(WorkgroupInvitationView::from)
            .collect(),
        next_cursor: page.next_after.map(encode_cursor),
    }))
}

/// Accept an invitation to a workgroup: the caller becomes an active member.
#[utoipa::path(
    tag = "workgroups",
    params(PathId<InvitedTo>),
    responses(
        (status = 200, description = "The caller's membership, now active", body = MemberView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/me/workgroup-invitations/{workgroup_id}/accept")]
pub async fn accept_workgroup_invitation(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(InvitedTo(group)): PathId<InvitedTo>,
) -> Result<web::Json<MemberView>, ApiError> {
    let now = state.clock.now();
    let member = state
        .write(move |db| {
            persistence::workgroup_invitations::accept_workgroup_invitation(db, &user, group, now)
        })
        .await?;
    Ok(web::Json(MemberView::shown(&member, user.disclosure())))
}

/// Decline an invitation to a workgroup: it is gone, and may be sent again later.
#[utoipa::path(
    tag = "workgroups",
    params(PathId<InvitedTo>),
    responses(
        (status = 204, description = "Declined"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[post("/v1/me/workgroup-invitations/{workgroup_id}/decline")]
pub async fn decline_workgroup_invitation(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(InvitedTo(group)): PathId<InvitedTo>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state
        .write(move |db| {
            persistence::workgroup_invitations::decline_workgroup_invitation(db, &user, group, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
