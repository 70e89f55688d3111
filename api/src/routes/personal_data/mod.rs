//! A person's data, exported (issue #32; GDPR art. 15 and 20): the person's own, through the
//! network profile, and what an account holds about one of its users, for its administrators.
//! Reads only (one snapshot, on a blocking thread after a scan's permit: an export reads
//! every list of a person); an administrator's export is recorded in the audit trail.

pub mod views;

use crate::auth::{AccountCaller, Caller};
use crate::extract::PathId;
use crate::problem::ApiError;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{get, web, HttpResponse};
use domain::ids::UserId;
use domain::scope::Disclosure;
use views::PersonalDataExport;

/// The export as a file to keep: `extranet-export-<id>.json`, never cached.
fn attachment(export: &PersonalDataExport, id: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"extranet-export-{id}.json\""),
        ))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(export)
}

/// Export the caller's data (GDPR art. 15 and 20).
///
/// Everything stored about the caller, as a JSON file: the network
/// profile, its second factor's state, every user it is in every account, with memberships,
/// invitations to its logins, join requests, login changes, sessions, API tokens, audit
/// events where it acted or was acted on, and the messages to its logins still kept. Never a
/// secret: `withheld` names what is stored but not shown. Each list newest first, at most
/// 10000 items (`truncated` names a list cut there). With the person's own token only (a
/// profile or an account token; never an API token).
#[utoipa::path(
    tag = "network",
    responses(
        (status = 200, description = "The person's data", body = PersonalDataExport,
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename=\"extranet-export-<profile id>.json\"`"),
                ("Cache-Control" = String, description = "`no-store`"),
            )),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/v1/network/profile/export")]
pub async fn export_profile(
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> Result<HttpResponse, ApiError> {
    let identity = actor.identity_id();
    let now = state.clock.now();
    let data = crate::reads::read(&state, Bound::Scan, move |db| {
        persistence::personal_data::of_profile(db, identity, now)
    })
    .await?;
    let export = PersonalDataExport::new(data, now, Disclosure::ALL);
    Ok(attachment(&export, identity))
}

/// Export what the account holds about a user (administrators).
///
/// Administrators, or an administrator's API token with `users:export` (which shows contact
/// data with `users:read`, and invitees' data and messages' bodies with `invitations:read`,
/// as everywhere); a JSON file (GDPR art. 15 and 20): the user, its memberships,
/// invitations to its logins or that it accepted, join requests, sessions, API tokens, the
/// audit events of the account where it acted or was acted on, and the account's messages to
/// its logins still kept. Nothing of another account, nor of the person's profile beyond what
/// the account shows. 404 for a user of another account. The export is recorded in the audit
/// trail (`user.exported`: who and when, not what).
#[utoipa::path(
    tag = "users",
    params(PathId<UserId>),
    responses(
        (status = 200, description = "What the account holds about the user", body = PersonalDataExport,
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename=\"extranet-export-<user id>.json\"`"),
                ("Cache-Control" = String, description = "`no-store`"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[get("/v1/users/{id}/export")]
pub async fn export_user(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    PathId(id): PathId<UserId>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let data = crate::reads::read(&state, Bound::Scan, move |db| {
        persistence::personal_data::of_user(db, &user, id, now)
    })
    .await?;
    state
        .write(move |db| persistence::personal_data::record_export(db, &user, id, now))
        .await?;
    let export = PersonalDataExport::new(data, now, user.disclosure());
    Ok(attachment(&export, id))
}
