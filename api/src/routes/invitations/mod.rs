//! Invitations of new people, as the account sees them: the batch, the list, and the lifecycle
//! (resend, revoke). The invitee's side is in `invitee`.

use crate::auth::AccountCaller;
use crate::extract::JsonBody;
use crate::extract::PathId;
use crate::idempotency::{self, IdempotencyHeader};
use crate::pagination::{encode_cursor, page_request};
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use crate::views::{InvitationPage, InvitationView};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use domain::enums::{
    BatchDelivery, DeliveryState, InvitationStatus, OnConflict, UserType, WorkgroupKind,
};
use domain::error::{DomainError, FieldError};
use domain::ids::{InvitationId, WorkgroupId};
use domain::invitation::{Batch, BatchRequest, InviteeRequest, WorkgroupRequest};
use persistence::invite::NewInvitations;
use persistence::lifecycle::InvitationFilter;
use persistence::StoreError;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

mod batch;

pub use batch::*;

/// Invite people: by email or phone, into an extranet workgroup (external users) or the
/// account (employees); several at once, all or nothing.
///
/// Every active user and every pending invitation holds a seat of the plan's user limit; a
/// batch that does not fit is refused whole (409 `user_limit_reached` with `needed` and
/// `available`). Each row is checked against the account: an employee's login (409
/// `login_belongs_to_employee`), a dismissed user's (409 `login_belongs_to_dismissed_user`),
/// a pending invitation's (409 `invitation_pending`, with its `invitation_id`); an active
/// external user gets a membership invitation to the workgroup instead. A refusal names every
/// problem of every row at once — invalid fields (422), conflicts (409) and the rows the seats
/// do not reach — each in `errors[]` with its row's `index` (`invitees[3].email` is index 3);
/// its `code` is `batch_refused` when they are of several kinds or reasons. `on_conflict:
/// skip` invites the rows that can be and answers the others `skipped` (or `already_invited`);
/// `delivery: none` sends nothing and answers each invitation's `link`.
#[utoipa::path(
    tag = "invitations",
    params(IdempotencyHeader),
    // Swagger UI offers the first by name: `create_project` works on a new account as is.
    request_body(content = InvitationBatchBody, examples(
        ("create_project" = (summary = "Two external people into a new extranet project (works as is)", value = json!({
            "type": "extranet",
            "workgroup": {"name": "Client website", "kind": "project"},
            "message": "Welcome to the project!",
            "invitees": [
                {"email": "ann@client.example", "first_name": "Ann", "last_name": "Lee"},
                {"phone": "+14155550101", "first_name": "Bo", "last_name": "Ng"}
            ]
        }))),
        ("existing_workgroup" = (summary = "Into an existing extranet workgroup: put the `id` of one from GET /v1/workgroups?extranet=true (or the `workgroup.id` the first example answered)", value = json!({
            "type": "extranet",
            "workgroup_id": "01936f4e-8b7a-7cc3-9a4e-3f2b1c0d9e8f",
            "invitees": [{"email": "cy@partner.example", "first_name": "Cy", "last_name": "Ray"}]
        }))),
        ("dry_run" = (summary = "Check a batch (rows, rules, seats) without creating or sending anything: 200", value = json!({
            "type": "extranet",
            "workgroup": {"name": "Client website", "kind": "project"},
            "invitees": [{"email": "ann@client.example", "first_name": "Ann", "last_name": "Lee"}],
            "dry_run": true
        }))),
    )),
    responses(
        (status = 201, description = "Invited", body = BatchResponse),
        (status = 200, description = "Dry run: what would be created; nothing was", body = BatchResponse),
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
#[post("/v1/invitations")]
pub async fn create_invitations(
    req: HttpRequest,
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    key: IdempotencyHeader,
    JsonBody(body): JsonBody<InvitationBatchBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let workgroup = match (&body.workgroup_id, &body.workgroup) {
        (Some(id), _) => WorkgroupRequest::Existing(WorkgroupId(*id)),
        (None, Some(w)) => WorkgroupRequest::New {
            name: &w.name,
            kind: w.kind.unwrap_or(WorkgroupKind::Group),
        },
        (None, None) => WorkgroupRequest::None,
    };
    let parsed = Batch::parse(&BatchRequest {
        invitation_type: body.invitation_type,
        workgroup,
        message: body.message.as_deref(),
        invitees: body
            .invitees
            .iter()
            .map(|i| InviteeRequest {
                email: i.email.as_deref(),
                phone: i.phone.as_deref(),
                first_name: &i.first_name,
                last_name: &i.last_name,
                locale: i.locale,
                access_expires_at: i.access_expires_at,
            })
            .collect(),
        locale: body.locale,
        access_expires_at: body.access_expires_at,
        on_conflict: body.on_conflict.unwrap_or(OnConflict::Refuse),
        delivery: body.delivery.unwrap_or(BatchDelivery::Send),
    });
    let batch = one_workgroup(&body, parsed).map_err(|e| e.rows_under(INVITEES))?;
    let limits = state.account_limits.clone();
    if body.dry_run {
        let preview = crate::reads::read(&state, Bound::Page, move |db| {
            persistence::invite::preview_batch(db, &user, &limits, &batch, now).map_err(in_rows)
        })
        .await?;
        return Ok(HttpResponse::Ok().json(BatchResponse::shown(
            &preview,
            user.disclosure(),
            |_| None,
        )));
    }
    let tokens = (0..batch.invitees.len())
        .map(|_| state.sealer.issue())
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    let key = key.key_for(&req, &body);
    let new = NewInvitations { batch, tokens };
    let done = state
        .write(move |db| {
            persistence::invite::create_batch(db, user, &limits, new, now, key).map_err(in_rows)
        })
        .await?;
    let link = |sealed: &str| {
        let token = state.sealer.open(sealed);
        if token.is_none() {
            // The secret changed since the answer was stored (a replay): no link to give.
            tracing::warn!("a handed-over invitation's token cannot be opened");
        }
        token.map(|t| format!("{}/accept#token={t}", state.public_url))
    };
    Ok(idempotency::respond_with(StatusCode::CREATED, &done, |r| {
        BatchResponse::shown(r, user.disclosure(), link)
    }))
}

/// Filters and page of the invitations list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvitationListQuery {
    #[param(inline)]
    pub status: Option<InvitationStatus>,
    #[serde(rename = "type")]
    #[param(inline)]
    pub invitation_type: Option<UserType>,
    #[param(value_type = Option<WorkgroupId>)]
    pub workgroup_id: Option<Uuid>,
    /// Part of the email, phone or a name, any case (at most 200 characters).
    #[param(inline, value_type = Option<crate::pagination::Search>)]
    pub q: Option<String>,
    /// What became of the invitation's message: `queued`, `sent` or `failed` (an address that
    /// bounced, a number the gateway refused).
    #[param(inline)]
    pub delivery: Option<DeliveryState>,
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

/// Where a batch's rows are in its body.
const INVITEES: &str = "invitees";

/// A batch's refusal, its rows named by their place in the body (`invitees[3].email`).
fn in_rows(e: StoreError) -> StoreError {
    match e {
        StoreError::Domain(e) => StoreError::Domain(e.rows_under(INVITEES)),
        other => other,
    }
}

/// `workgroup_id` and `workgroup` exclude each other — a rule of the request's shape, so the
/// API's to check — reported first, with whatever else of the batch is wrong.
fn one_workgroup(
    body: &InvitationBatchBody,
    parsed: Result<Batch, DomainError>,
) -> Result<Batch, DomainError> {
    if body.workgroup_id.is_none() || body.workgroup.is_none() {
        return parsed;
    }
    let mut errors = vec![FieldError::new(
        "workgroup",
        "workgroup_or_workgroup_id",
        "give `workgroup_id` or `workgroup`, not both",
    )];
    match parsed {
        Err(DomainError::Invalid(rest)) => errors.extend(rest),
        Err(other) => return Err(other),
        Ok(batch) => errors.extend(batch.invalid_rows),
    }
    Err(DomainError::Invalid(errors))
}

/// The account's invitations, newest first (employees).
#[utoipa::path(
    tag = "invitations",
    params(InvitationListQuery),
    responses(
        (status = 200, description = "A page of invitations", body = InvitationPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/invitations")]
pub async fn list_invitations(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    query: web::Query<InvitationListQuery>,
) -> Result<web::Json<InvitationPage>, ApiError> {
    let now = state.clock.now();
    let query = query.into_inner();
    let page = page_request::<InvitationId>(query.limit, query.cursor.as_deref())?;
    let filter = InvitationFilter {
        status: query.status,
        invitation_type: query.invitation_type,
        workgroup_id: query.workgroup_id.map(WorkgroupId),
        q: domain::names::parse_search(query.q.as_deref())?,
        delivery: query.delivery,
    };
    let bound = Bound::of(filter.scans());
    let page = crate::reads::read(&state, bound, move |db| {
        persistence::lifecycle::list_invitations(db, &user, &filter, page, now)
    })
    .await?;
    Ok(web::Json(InvitationPage {
        items: page
            .items
            .iter()
            .map(|i| InvitationView::shown(i, user.disclosure()))
            .collect(),
        next_cursor: page.next_after.map(encode_cursor),
    }))
}
/// One invitation (employees). Never shows the token.
#[utoipa::path(
    tag = "invitations",
    params(PathId<InvitationId>),
    responses(
        (status = 200, description = "The invitation", body = InvitationView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[get("/v1/invitations/{id}", guard = "not_a_path_of_its_own")]
pub async fn get_invitation(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<InvitationId>,
) -> Result<web::Json<InvitationView>, ApiError> {
    let now = state.clock.now();
    let invitation = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::lifecycle::get_invitation(db, &user, id, now)
    })
    .await?;
    Ok(web::Json(InvitationView::shown(
        &invitation,
        user.disclosure(),
    )))
}

/// Send an invitation again (its inviter, or an admin): a new token and expiry, the old link
/// dead. A pending one may be resent once a minute (429 otherwise); an expired one takes a
/// seat again. The one who resends must be allowed to send it today (`who_can_invite`, the
/// workgroup's invite policy, the domain rules, rule 1), and vouches for it from then on; an
/// expired one resent by an employee whose invitations need approval waits for it again. One
/// awaiting approval was never sent: 409 `invitation_awaiting_approval` until approved.
#[utoipa::path(
    tag = "invitations",
    params(PathId<InvitationId>),
    responses(
        (status = 200, description = "Sent again", body = InvitationView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/invitations/{id}/resend")]
pub async fn resend_invitation(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<InvitationId>,
) -> Result<web::Json<InvitationView>, ApiError> {
    let now = state.clock.now();
    let token = state.sealer.issue().map_err(ApiError::internal)?;
    let limits = state.account_limits.clone();
    let invitation = state
        .write(move |db| persistence::lifecycle::resend(db, &user, &limits, id, token, now))
        .await?;
    Ok(web::Json(InvitationView::shown(
        &invitation,
        user.disclosure(),
    )))
}

/// Revoke an invitation (its inviter, or an admin); a pending one, or one awaiting approval,
/// frees its seat.
#[utoipa::path(
    tag = "invitations",
    params(PathId<InvitationId>),
    responses(
        (status = 200, description = "Revoked", body = InvitationView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
#[post("/v1/invitations/{id}/revoke")]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<InvitationId>,
) -> Result<web::Json<InvitationView>, ApiError> {
    let now = state.clock.now();
    let invitation = state
        .write(move |db| persistence::lifecycle::revoke(db, &user, id, now))
        .await?;
    Ok(web::Json(InvitationView::shown(
        &invitation,
        user.disclosure(),
    )))
}

/// `/v1/invitations/{id}` is not `/v1/invitations/accept` (nor `lookup`, `decline`): those are
/// paths of their own, and a `GET` of one is answered 405 with their `Allow`, not read as an
/// invitation id.
fn not_a_path_of_its_own(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    !matches!(
        ctx.head().uri.path(),
        "/v1/invitations/lookup" | "/v1/invitations/accept" | "/v1/invitations/decline"
    )
}
