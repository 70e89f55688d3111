//! The caller and the account's users.

use crate::auth::{AccountCaller, Caller};
use crate::extract::PathId;
use crate::extract::{JsonBody, OptionalJsonBody};
use crate::pagination::{encode_cursor, page_request};
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use crate::views::{ProfileView, UserPage, UserView};
use actix_web::{get, patch, post, web};
use chrono::{DateTime, Utc};
use domain::access::Actor;
use domain::enums::{UserStatus, UserType};
use domain::ids::UserId;
use persistence::users::UserFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The caller: a user of an account (`kind: user`), or a network profile (`kind: profile`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MeView {
    /// With an account token: the caller's user in that account.
    User(UserView),
    /// With a network-profile token: the profile and its accounts.
    Profile(ProfileView),
}

/// Who is calling: with an account token the user (type, status, admin flag); with a
/// network-profile token the profile and the accounts it belongs to.
#[utoipa::path(
    tag = "users",
    responses(
        (status = 200, description = "The caller", body = MeView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/v1/me")]
pub async fn me(
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> Result<web::Json<MeView>, ApiError> {
    let now = state.clock.now();
    let me = crate::reads::read(&state, Bound::Page, move |db| match actor {
        Actor::User(user) => persistence::users::get_user(db, &user, user.user_id, now)
            .map(|u| MeView::User(UserView::shown(&u, user.disclosure()))),
        Actor::Identity(id) => persistence::identities::profile(db, id, now)
            .map(|p| MeView::Profile(ProfileView::from(&p))),
    })
    .await?;
    Ok(web::Json(me))
}

/// Filters and page of the users list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// `intranet` or `extranet`.
    #[serde(rename = "type")]
    #[param(inline)]
    pub user_type: Option<UserType>,
    /// `active` or `dismissed`.
    #[param(inline)]
    pub status: Option<UserStatus>,
    /// Part of a name, email or phone, any case (at most 200 characters). The email and phone
    /// a user is found by are those the account knows it by: a dismissed user is found by the
    /// ones of its dismissal, never by logins its person took since.
    #[param(inline, value_type = Option<crate::pagination::Search>)]
    pub q: Option<String>,
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// The account's users, newest first. An external caller sees only itself and the users who
/// share a workgroup with it.
#[utoipa::path(
    tag = "users",
    params(UserListQuery),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    query: web::Query<UserListQuery>,
) -> Result<web::Json<UserPage>, ApiError> {
    let query = query.into_inner();
    let page = page_request::<UserId>(query.limit, query.cursor.as_deref())?;
    let filter = UserFilter {
        user_type: query.user_type,
        status: query.status,
        q: domain::names::parse_search(query.q.as_deref())?,
    };
    let bound = Bound::of(filter.scans());
    let now = state.clock.now();
    let page = crate::reads::read(&state, bound, move |db| {
        persistence::users::list_users(db, &user, &filter, page, now)
    })
    .await?;
    Ok(web::Json(UserPage {
        items: page
            .items
            .iter()
            .map(|u| UserView::shown(u, user.disclosure()))
            .collect(),
        next_cursor: page.next_after.map(encode_cursor),
    }))
}

/// One user; 404 when there is none or the caller may not see it. An active user shows its
/// network profile's email and phone of now; a dismissed one those of its dismissal, whatever
/// the person has changed since (the account does not follow the person it dismissed).
#[utoipa::path(
    tag = "users",
    params(PathId<UserId>),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[get("/v1/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<UserId>,
) -> Result<web::Json<UserView>, ApiError> {
    let now = state.clock.now();
    let found = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::users::get_user(db, &user, id, now)
    })
    .await?;
    Ok(web::Json(UserView::shown(&found, user.disclosure())))
}

/// Dismiss a user (administrators): access ends at once, even for tokens already issued; the
/// data and memberships stay; the seat is freed. Not yourself, not the last administrator.
/// From then on the account sees the user with the email and phone it has now, whatever the
/// person changes on their network profile, and hears of no such change (until a
/// reinstatement); while the person still has one of them, it is the dismissed user's in the
/// account (inviting it is 409 `login_belongs_to_dismissed_user`).
#[utoipa::path(
    tag = "users",
    params(PathId<UserId>),
    responses(
        (status = 200, description = "The user, now dismissed", body = UserView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/users/{id}/dismiss")]
pub async fn dismiss_user(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<UserId>,
) -> Result<web::Json<UserView>, ApiError> {
    let now = state.clock.now();
    let dismissed = state
        .write(move |db| persistence::users::dismiss(db, &user, id, now))
        .await?;
    Ok(web::Json(UserView::shown(&dismissed, user.disclosure())))
}

/// What reinstating a user may say: the end of an external user's access from now on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReinstateBody {
    /// The end of the reinstated external user's access. Left out: the end it had while that
    /// is still ahead, else none — but where one of its workgroups has a
    /// `max_external_access_days`, an access that ended needs a new end (422 `required`).
    pub access_expires_at: Option<DateTime<Utc>>,
}

/// Reinstate a dismissed user (administrators), when the plan has a free seat
/// (409 `user_limit_reached` otherwise). The body is optional. The user logs in with the same credentials, and the
/// account sees its network profile's email and phone of now again; while a pending invitation
/// of the account holds one of them, the reinstatement is refused: 409 `invitation_pending`,
/// its `errors` naming the field and the invitation (`invitation_id`) to revoke first.
#[utoipa::path(
    tag = "users",
    params(PathId<UserId>),
    request_body(content = Option<ReinstateBody>,
        example = json!({"access_expires_at": "2027-03-31T17:00:00Z"})),
    responses(
        (status = 200, description = "The user, active again", body = UserView),
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
#[post("/v1/users/{id}/reinstate")]
pub async fn reinstate_user(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<UserId>,
    OptionalJsonBody(body): OptionalJsonBody<Option<ReinstateBody>>,
) -> Result<web::Json<UserView>, ApiError> {
    let now = state.clock.now();
    let limits = state.account_limits.clone();
    // No body, `null`, or `{}`: nothing said of the end.
    let end = body.flatten().and_then(|b| b.access_expires_at);
    let reinstated = state
        .write(move |db| persistence::users::reinstate(db, &user, &limits, id, end, now))
        .await?;
    Ok(web::Json(UserView::shown(&reinstated, user.disclosure())))
}

/// Transfer an external user to the intranet (administrators; Bitrix24's "Transfer to
/// intranet"): the user becomes an employee, keeps every membership and role, and keeps its
/// seat (usage moves from `active_extranet` to `active_intranet`). 409 `not_extranet_user`
/// for an employee: there is no way back (see `transfer-to-extranet`).
#[utoipa::path(
    tag = "users",
    params(PathId<UserId>),
    responses(
        (status = 200, description = "The user, now an employee", body = UserView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/users/{id}/transfer-to-intranet")]
pub async fn transfer_to_intranet(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<UserId>,
) -> Result<web::Json<UserView>, ApiError> {
    let now = state.clock.now();
    let moved = state
        .write(move |db| persistence::users::transfer_to_intranet(db, &user, id, now))
        .await?;
    Ok(web::Json(UserView::shown(&moved, user.disclosure())))
}

/// There is no transfer from the intranet to the extranet; this path exists to say so. It
/// always answers 409 `transfer_to_extranet_impossible` (after 404 for a user you cannot see),
/// naming the two ways: dismiss the employee and invite them as an external user with another
/// email or phone, or the person changes the login of their network profile
/// (`POST /v1/network/profile/login-change`) and is invited again with the old one.
#[utoipa::path(
    tag = "users",
    params(PathId<UserId>),
    responses(
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        // A network-profile token (`account_token_required`), an API token without
        // `users:write` (`insufficient_scope`).
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/users/{id}/transfer-to-extranet")]
pub async fn transfer_to_extranet(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<UserId>,
) -> Result<web::Json<UserView>, ApiError> {
    let now = state.clock.now();
    crate::reads::read(&state, Bound::Page, move |db| {
        persistence::users::get_user(db, &user, id, now)
    })
    .await?;
    Err(domain::transfer::refuse_transfer_to_extranet().into())
}

/// What an administrator changes on a user: only the fields given. A user's names, email and phone are its network
/// profile's (the person changes them); its status changes by dismissal and reinstatement;
/// its type never: sending `type` is 409 `user_type_not_writable`, naming the ways.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Make an active employee an administrator, or no longer one (the last active
    /// administrator stays one).
    pub is_admin: Option<bool>,
    /// The end of an active external user's access (RFC 3339, later than now): moved later
    /// to extend it, earlier to shorten it; `null` makes it open-ended. Within the strictest
    /// `max_external_access_days` of the user's workgroups (422 `beyond_maximum`, naming it;
    /// `required` when `null` is sent under one). From that instant the user is dismissed by
    /// the system: its tokens stop, its seat is free.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<DateTime<Utc>>, nullable)]
    pub access_expires_at: Option<Option<DateTime<Utc>>>,
    /// Never writable; read (whatever its value, `null` too) only to answer why.
    #[serde(rename = "type", default, deserialize_with = "present")]
    #[schema(ignore)]
    pub user_type: Option<serde_json::Value>,
}

/// A field that was sent, whatever its value: `null` is sent too.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// Change a user (administrators), all or nothing: the administrator flag, the end of an
/// external user's access (issue #30: extend, shorten, or make it open-ended; audited as
/// `user.access_changed`). At least one of them. A user's type is never written:
/// an external user becomes an employee by `transfer-to-intranet`, and an employee never
/// becomes an external user (409 `user_type_not_writable`, whose detail names the ways).
#[utoipa::path(
    tag = "users",
    params(PathId<UserId>),
    request_body(content = UserPatch, example = json!({"access_expires_at": "2027-03-31T17:00:00Z"})),
    responses(
        (status = 200, description = "The user as it is now", body = UserView),
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
#[patch("/v1/users/{id}")]
pub async fn patch_user(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<UserId>,
    JsonBody(body): JsonBody<UserPatch>,
) -> Result<web::Json<UserView>, ApiError> {
    let now = state.clock.now();
    if body.user_type.is_some() {
        return Err(domain::transfer::refuse_type_change().into());
    }
    let change = persistence::users::UserChange {
        is_admin: body.is_admin,
        access_expires_at: body.access_expires_at,
    };
    if change == persistence::users::UserChange::default() {
        return Err(domain::DomainError::invalid(
            "",
            "required",
            "nothing to change: send `is_admin` or `access_expires_at`",
        )
        .into());
    }
    let changed = state
        .write(move |db| persistence::users::change_user(db, &user, id, change, now))
        .await?;
    Ok(web::Json(UserView::shown(&changed, user.disclosure())))
}
