//! The invitee's side of an invitation, on the public accept page: what the link leads to
//! (lookup), accepting and declining. Public endpoints: the token in the body is the
//! credential, and each is rate limited per client address.

use crate::extract::JsonBody;
use crate::given_password::{given_password, GivenPassword};
use crate::problem::ApiError;
use crate::rate_limit::Endpoint;
use crate::reads::Bound;
use crate::responses::*;
use crate::secrets::token_hash;
use crate::state::AppState;
use crate::views::{InvitationView, UserView};
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::enums::{InvitationStatus, UserType, WorkgroupKind};
use domain::locale::Locale;
use domain::names::PersonName;
use domain::password::Password;
use domain::DomainError;
use persistence::accept::AcceptingProfile;
use persistence::models::users::UserRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The token from an invitation link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    #[schema(example = "q3Jm0dJ8b1K2xY7vZk4pT9wQeR5sU6aH0cL2nB8fG1i")]
    pub token: String,
}

/// The invitation as the accept page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupInvitation {
    #[schema(value_type = domain::ids::InvitationId)]
    pub id: Uuid,
    #[serde(rename = "type")]
    pub invitation_type: UserType,
    pub status: InvitationStatus,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub message: Option<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupAccount {
    #[schema(value_type = domain::ids::AccountId)]
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupWorkgroup {
    #[schema(value_type = domain::ids::WorkgroupId)]
    pub id: Uuid,
    pub name: String,
    pub kind: WorkgroupKind,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupInviter {
    pub first_name: String,
    pub last_name: String,
}

/// What the accept page shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupView {
    pub invitation: LookupInvitation,
    pub account: LookupAccount,
    pub workgroup: Option<LookupWorkgroup>,
    pub inviter: LookupInviter,
    /// Whether the login already has a network profile: the page then asks for that
    /// profile's password rather than a new one.
    pub profile_exists: bool,
    /// The language the invitation's message was written in (the invitation's, else the
    /// account's): the accept page continues in it.
    pub locale: Locale,
}

/// What an invitation link leads to: account, workgroup, inviter, invitee, expiry (public).
/// The token of an accepted, declined or revoked invitation is dead: 404, like one that never
/// existed. An expired one is 410 `invitation_expired`, with nothing of the invitation.
#[utoipa::path(
    tag = "invitations",
    security(()),
    request_body(content = TokenBody),
    responses(
        (status = 200, description = "The invitation", body = LookupView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 408, response = RequestTimeout),
        (status = 410, response = Gone),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/invitations/lookup")]
pub async fn lookup_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<TokenBody>,
) -> Result<web::Json<LookupView>, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::Lookup, &req).await?;
    let hash = token_hash(&body.token);
    let found = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::accept::lookup(db, &hash, now)
    })
    .await?;
    let i = &found.invitation;
    Ok(web::Json(LookupView {
        invitation: LookupInvitation {
            id: i.id.as_uuid(),
            invitation_type: i.invitation_type,
            status: i.status,
            email: i.email.clone(),
            phone: i.phone.clone(),
            first_name: i.first_name.clone(),
            last_name: i.last_name.clone(),
            message: i.message.clone(),
            expires_at: i.expires_at,
        },
        account: LookupAccount {
            id: i.account_id.as_uuid(),
            name: found.account_name.clone(),
        },
        workgroup: found.workgroup.map(|(id, name, kind)| LookupWorkgroup {
            id: id.as_uuid(),
            name,
            kind,
        }),
        inviter: LookupInviter {
            first_name: found.inviter_first_name.clone(),
            last_name: found.inviter_last_name.clone(),
        },
        profile_exists: found.profile_exists,
        locale: found.locale,
    }))
}

/// Accepting: the token, a password (the existing profile's, or a new one), optional names.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    pub token: String,
    /// The password of the login's existing network profile, or one for the new profile.
    #[schema(value_type = domain::password::Password)]
    pub password: String,
    /// For a new profile; the invitation's names otherwise.
    #[schema(value_type = Option<PersonName>)]
    pub first_name: Option<String>,
    #[schema(value_type = Option<PersonName>)]
    pub last_name: Option<String>,
    /// Only for a profile with two-step authentication on: the six digits of its
    /// authenticator app, or an unused recovery code (at most 32 characters). Without it the
    /// right password answers 401 `second_factor_required`, and nothing is done.
    #[schema(schema_with = crate::second_factor::optional_code_field, required = false)]
    #[serde(default)]
    pub second_factor_code: Option<String>,
}

/// The new user and a token acting as them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub expires_in: u32,
    /// The session's refresh token (`POST /v1/auth/refresh`).
    #[schema(example = "exr_kq3V9m0b7yR2Xw8QpZs4Lh1TnA6cJfGdEeUuIiOo5Kk")]
    pub refresh_token: String,
    /// Seconds until the refresh token expires unless refreshed before.
    #[schema(example = 2_592_000)]
    pub refresh_expires_in: i64,
    /// `true` when the account requires two-step authentication of this user, who has none
    /// yet: the session can only set one up (see `TokenPair`).
    #[schema(example = false)]
    pub two_factor_enrollment_required: bool,
    pub user: UserView,
}

impl AcceptResponse {
    /// The session just opened for `user`: also the answer of joining through a join link.
    pub(crate) fn new(tokens: crate::sessions::TokenPair, user: &UserRecord) -> Self {
        Self {
            access_token: tokens.access_token,
            token_type: tokens.token_type,
            expires_in: tokens.expires_in,
            refresh_token: tokens.refresh_token,
            refresh_expires_in: tokens.refresh_expires_in,
            two_factor_enrollment_required: tokens.two_factor_enrollment_required,
            user: UserView::from(user),
        }
    }
}

/// Accept an invitation (public): the person joins the account, and the workgroup as a member.
/// A login that already has a network profile must give that profile's password (401
/// `invalid_credentials` otherwise), and with two-step authentication on its second factor in
/// `second_factor_code` (401 `second_factor_required` without it, `invalid_code` when wrong). Resent, revoked, used and unknown tokens are 404, expired
/// ones 410. Today's rules are checked again: the workgroup must still allow external users
/// (409 `workgroup_not_extranet`), the account's domain rules still let the address in (409
/// `domain_not_allowed`), and whoever sent the invitation last must still be allowed to send
/// it (409 `inviter_no_longer_allowed`; a dismissed inviter's invitations stay valid). A
/// profile that already is a user of the account cannot join it twice (409 `already_a_user`),
/// dismissed or not: a dismissed user comes back only by a reinstatement (an invitation to a
/// login the person took after their dismissal is answered like any other, so that the account
/// learns nothing of it, and is refused to them here).
#[utoipa::path(
    tag = "invitations",
    security(()),
    request_body(content = AcceptBody, example = json!({"token": "q3Jm0dJ8b1K2xY7vZk4pT9wQeR5sU6aH0cL2nB8fG1i", "password": "correct horse battery"})),
    responses(
        (status = 201, description = "Accepted", body = AcceptResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 410, response = Gone),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/invitations/accept")]
pub async fn accept_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<AcceptBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::Accept, &req).await?;
    // The body as its schema says, whatever the token: a password by the policy (an existing
    // profile's was made under it) and names, when given, as names are.
    let mut errors = domain::error::FieldErrors::new();
    let password = errors.check("password", Password::parse(&body.password));
    let first = body
        .first_name
        .as_deref()
        .and_then(|n| errors.check("first_name", PersonName::parse(n)));
    let last = body
        .last_name
        .as_deref()
        .and_then(|n| errors.check("last_name", PersonName::parse(n)));
    if let Some(code) = &body.second_factor_code {
        errors.check(
            "second_factor_code",
            domain::two_factor::SecondFactorCode::parse(code),
        );
    }
    errors.finish()?;
    let password = password.ok_or(DomainError::Unreachable(
        "a password that parsed is missing",
    ))?;
    let hash = token_hash(&body.token);
    let h = hash.clone();
    let credentials = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::accept::credentials_for_token(db, &h, now)
    })
    .await?;
    let profile = match given_password(
        &state,
        credentials,
        &body.password,
        &password,
        body.second_factor_code.as_deref(),
        crate::language::requested(&req),
    )
    .await?
    {
        GivenPassword::Existing(existing) => AcceptingProfile::Existing(existing),
        GivenPassword::New { password_hash } => AcceptingProfile::New {
            password_hash,
            first_name: first.map(PersonName::into_string),
            last_name: last.map(PersonName::into_string),
        },
    };
    let user = state
        .write(move |db| persistence::accept::accept(db, &hash, profile, now))
        .await?;
    let tokens = crate::sessions::open(
        &state,
        &req,
        user.identity_id,
        Some((user.account_id, user.id)),
        now,
    )
    .await?;
    Ok(HttpResponse::Created().json(AcceptResponse::new(tokens, &user)))
}

/// Decline an invitation (public); its seat is freed.
#[utoipa::path(
    tag = "invitations",
    security(()),
    request_body(content = TokenBody),
    responses(
        (status = 200, description = "Declined", body = InvitationView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 408, response = RequestTimeout),
        (status = 410, response = Gone),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/invitations/decline")]
pub async fn decline_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<TokenBody>,
) -> Result<web::Json<InvitationView>, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::Accept, &req).await?;
    let hash = token_hash(&body.token);
    let invitation = state
        .write(move |db| persistence::accept::decline(db, &hash, now))
        .await?;
    Ok(web::Json(InvitationView::from(&invitation)))
}
