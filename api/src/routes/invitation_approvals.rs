//! Approving invitations (`who_can_invite: employees_with_approval`): an employee's invitations
//! of new people wait, `awaiting_approval`, until an administrator approves (they are sent) or
//! rejects them (their seats are free). Listed with `GET /v1/invitations?status=awaiting_approval`.

use crate::auth::AccountCaller;
use crate::extract::PathId;
use crate::problem::ApiError;
use crate::responses::*;
use crate::state::AppState;
use crate::views::InvitationView;
use actix_web::{post, web};
use domain::ids::InvitationId;

/// Approve an invitation awaiting approval (administrators): it is sent now, by you, with a
/// link valid for the account's `invitation_ttl_hours` from now, and its status is `pending`;
/// the employee who invited is told. Today's rules must allow it (409 `workgroup_not_extranet`,
/// `domain_not_allowed`). One that expired while it waited takes a seat again (409
/// `user_limit_reached` when none is free, or the login's conflict when someone took it). Any
/// other invitation: 409 `invitation_not_awaiting_approval`.
#[utoipa::path(
    tag = "invitations",
    params(PathId<InvitationId>),
    responses(
        (status = 200, description = "Approved and sent", body = InvitationView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/invitations/{id}/approve")]
pub async fn approve_invitation(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<InvitationId>,
) -> Result<web::Json<InvitationView>, ApiError> {
    let now = state.clock.now();
    let token = state.sealer.issue().map_err(ApiError::internal)?;
    let limits = state.account_limits.clone();
    let invitation = state
        .write(move |db| persistence::approval::approve(db, &user, &limits, id, token, now))
        .await?;
    Ok(web::Json(InvitationView::shown(
        &invitation,
        user.disclosure(),
    )))
}

/// Reject an invitation awaiting approval (administrators): it is `rejected`, nothing is sent,
/// its seat is free; the employee who invited is told. Any other invitation: 409
/// `invitation_not_awaiting_approval`.
#[utoipa::path(
    tag = "invitations",
    params(PathId<InvitationId>),
    responses(
        (status = 200, description = "Rejected", body = InvitationView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/invitations/{id}/reject")]
pub async fn reject_invitation(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<InvitationId>,
) -> Result<web::Json<InvitationView>, ApiError> {
    let now = state.clock.now();
    let invitation = state
        .write(move |db| persistence::approval::reject(db, &user, id, now))
        .await?;
    Ok(web::Json(InvitationView::shown(
        &invitation,
        user.disclosure(),
    )))
}
