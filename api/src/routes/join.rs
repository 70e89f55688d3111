//! The person's side of a join link, on the public `/join` page: what the link leads to,
//! asking for the code that proves a login, and confirming it. Public endpoints: the link's
//! code in the body is the credential, and each is rate limited per client address.

use crate::extract::JsonBody;
use crate::given_password::{given_password, GivenPassword};
use crate::openapi::field::Field;
use crate::problem::ApiError;
use crate::rate_limit::Endpoint;
use crate::reads::Bound;
use crate::responses::*;
use crate::routes::invitee::{AcceptResponse, LookupAccount, LookupWorkgroup};
use crate::secrets::token_hash;
use crate::state::AppState;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::enums::JoinApproval;
use domain::error::FieldErrors;
use domain::join_link::{parse_code, MAX_CODE_CHARS};
use domain::locale::{self, Locale};
use domain::login::{Email, Login};
use domain::names::PersonName;
use domain::password::Password;
use domain::sign_up::{code_expiry, ConfirmationCode, CODE_TTL_MINUTES};
use domain::DomainError;
use persistence::join_links::public::{Joined, JoiningProfile};
use persistence::join_links::NewJoinRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn link_code() -> Field {
    Field::of::<String>()
        .pattern(&format!("^[A-Za-z0-9_-]{{1,{MAX_CODE_CHARS}}}$"))
        .max_chars(MAX_CODE_CHARS)
        .about("The code from the link's fragment (`/join#code=…`).")
        .example("q3Jm0dJ8b1K2xY7vZk4pT9wQeR5sU6aH0cL2nB8fG1i")
}

/// The code of a join link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinCodeBody {
    #[schema(schema_with = link_code)]
    pub code: String,
}

/// What the join page shows of a link.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinLookupView {
    pub account: LookupAccount,
    pub workgroup: LookupWorkgroup,
    /// `required`: whoever joins waits for an owner's, a moderator's or an administrator's
    /// approval.
    pub approval: JoinApproval,
    pub expires_at: Option<DateTime<Utc>>,
    /// Only email addresses at these domains may use it (empty: any the account lets in).
    #[schema(example = json!(["client.example"]))]
    pub allowed_domains: Vec<String>,
    /// The account's language: the page continues in it unless the reader picks another.
    pub locale: Locale,
}

fn parsed_code(code: &str) -> Result<String, ApiError> {
    parse_code(code)
        .map(token_hash)
        .map_err(|e| ApiError::from(DomainError::Invalid(vec![e])))
}

/// What a join link leads to (public): the account, the workgroup, whether joining needs
/// approval. A revoked or unknown link is 404; an expired or used-up one 410
/// (`join_link_expired`, `join_link_used_up`), as invitation tokens answer.
#[utoipa::path(
    tag = "join links",
    security(()),
    request_body(content = JoinCodeBody),
    responses(
        (status = 200, description = "The link", body = JoinLookupView),
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
#[post("/v1/join-links/lookup")]
pub async fn lookup_join_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<JoinCodeBody>,
) -> Result<web::Json<JoinLookupView>, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::JoinLookup, &req).await?;
    let hash = parsed_code(&body.code)?;
    let found = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::join_links::public::lookup(db, &hash, now)
    })
    .await?;
    let (id, name, kind) = found.workgroup;
    Ok(web::Json(JoinLookupView {
        account: LookupAccount {
            id: found.link.account_id.as_uuid(),
            name: found.account_name,
        },
        workgroup: LookupWorkgroup {
            id: id.as_uuid(),
            name,
            kind,
        },
        approval: found.link.approval,
        expires_at: found.link.expires_at,
        allowed_domains: found.link.allowed_domains,
        locale: found.locale,
    }))
}

fn email() -> Field {
    Field::of::<Email>()
        .or_null()
        .about("Exactly one of `email` and `phone`: the login.")
        .example("ann@client.example")
}

fn ann() -> Field {
    Field::of::<PersonName>().example("Ann")
}

fn lee() -> Field {
    Field::of::<PersonName>().example("Lee")
}

/// Asking to join through a link: who the person is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequestBody {
    #[schema(schema_with = link_code)]
    pub code: String,
    #[schema(schema_with = email)]
    pub email: Option<String>,
    /// E.164, e.g. `+14155550101`.
    #[schema(value_type = Option<domain::login::Phone>)]
    pub phone: Option<String>,
    #[schema(schema_with = ann)]
    pub first_name: String,
    #[schema(schema_with = lee)]
    pub last_name: String,
    /// The language of the code's message; the request's `Accept-Language` when left out.
    pub locale: Option<Locale>,
}

/// What asking answers, whatever the login.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinCodeSent {
    /// Always `confirmation_sent`.
    #[schema(example = "confirmation_sent")]
    pub status: &'static str,
    /// The login as the server understood it (normalised), where the code went.
    #[schema(example = "ann@client.example")]
    pub login: String,
    /// Seconds the code stays valid.
    #[schema(example = 900)]
    pub expires_in: i64,
}

/// Ask to join through a link (public): a six-digit code goes to the login (email or SMS),
/// which `POST /v1/join-links/confirm` takes. Nothing else is written, and the answer is the
/// same whether or not the login is anyone's. An address the link or the account does not let
/// in is 422 (`domain_not_allowed` on `email`; a link with domains takes no phone). The code
/// counts against the budgets of codes per recipient and client address (429
/// `sending_quota_exceeded`), never an account's.
#[utoipa::path(
    tag = "join links",
    security(()),
    request_body(content = JoinRequestBody, example = json!({"code": "q3Jm0dJ8b1K2xY7vZk4pT9wQeR5sU6aH0cL2nB8fG1i", "email": "ann@client.example", "first_name": "Ann", "last_name": "Lee"})),
    responses(
        (status = 202, description = "A code was sent to the login", body = JoinCodeSent),
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
#[post("/v1/join-links/request")]
pub async fn request_to_join(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<JoinRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::JoinRequest, &req).await?;
    let mut errors = FieldErrors::new();
    let hash = errors.check("code", parse_code(&body.code).map(token_hash));
    let login = errors.check(
        "",
        Login::from_email_or_phone(body.email.as_deref(), body.phone.as_deref()),
    );
    let first = errors.check("first_name", PersonName::parse(&body.first_name));
    let last = errors.check("last_name", PersonName::parse(&body.last_name));
    errors.finish()?;
    let (Some(hash), Some(login), Some(first), Some(last)) = (hash, login, first, last) else {
        return Err(
            DomainError::Unreachable("a join request without field errors misses a field").into(),
        );
    };
    let code = state
        .sealer
        .issue_code(login.as_str())
        .map_err(ApiError::internal)?;
    let shown = login.as_str().to_owned();
    let new = NewJoinRequest {
        login,
        first_name: first.into_string(),
        last_name: last.into_string(),
        code_hash: code.hash,
        sealed_code: code.sealed,
        code_expires_at: code_expiry(now),
        client: state.limits.client(&req).to_string(),
        locale: locale::for_sign_up(body.locale, crate::language::requested(&req)),
    };
    let quotas = state.account_limits.quotas;
    state
        .write(move |db| persistence::join_links::public::request(db, &hash, new, &quotas, now))
        .await?;
    Ok(HttpResponse::Accepted().json(JoinCodeSent {
        status: "confirmation_sent",
        login: shown,
        expires_in: CODE_TTL_MINUTES * 60,
    }))
}

fn six_digits() -> Field {
    Field::of::<ConfirmationCode>()
        .about("The six digits sent to the login.")
        .example("048213")
}

/// Confirming a join: the link, the login and its code, and a password (the login's existing
/// network profile's, or one for the new profile).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinConfirmBody {
    #[schema(schema_with = link_code)]
    pub code: String,
    /// The email or phone the code went to.
    #[schema(example = "ann@client.example")]
    pub login: String,
    #[schema(schema_with = six_digits)]
    pub confirmation_code: String,
    /// The password of the login's network profile, or one for the new profile.
    #[schema(value_type = domain::password::Password)]
    pub password: String,
    /// Only for a profile with two-step authentication on: the six digits of its
    /// authenticator app, or an unused recovery code (at most 32 characters). Without it the
    /// right password answers 401 `second_factor_required`, and nothing is done.
    #[schema(schema_with = crate::second_factor::optional_code_field, required = false)]
    #[serde(default)]
    pub second_factor_code: Option<String>,
}

/// The request waits for approval.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwaitingApproval {
    /// Always `awaiting_approval`.
    #[schema(example = "awaiting_approval")]
    pub status: &'static str,
}

/// Confirm a join with the code sent to the login (public). Through a link without approval
/// the person becomes an external user of the account and a member of the workgroup (an
/// external user already: a member), and 201 carries their tokens; through one that needs
/// approval, 202 `{"status": "awaiting_approval"}`, a seat held for a new person meanwhile.
/// A wrong, used or expired code is 422 `invalid_code`, slowed as sign-up codes are (429 with
/// `Retry-After`); a login with a network profile must give its password (401
/// `invalid_credentials`). Rules 1, 3, 4 and 6 are judged now: 409 `workgroup_not_extranet`,
/// `domain_not_allowed`, `inviter_no_longer_allowed` (the link's creator may no longer bring
/// people in), `user_limit_reached`, `join_request_pending`, and the invitations' codes for a
/// login that is an employee's (`login_belongs_to_employee`), a dismissed user's, a pending
/// invitation's, or a member's already. Dead links answer as on lookup (404, 410).
#[utoipa::path(
    tag = "join links",
    security(()),
    request_body(content = JoinConfirmBody, example = json!({"code": "q3Jm0dJ8b1K2xY7vZk4pT9wQeR5sU6aH0cL2nB8fG1i", "login": "ann@client.example", "confirmation_code": "048213", "password": "correct horse battery"})),
    responses(
        (status = 201, description = "Joined: the new member and a token acting as them", body = AcceptResponse),
        (status = 202, description = "Waiting for approval", body = AwaitingApproval),
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
#[post("/v1/join-links/confirm")]
pub async fn confirm_join(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<JoinConfirmBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::JoinConfirm, &req).await?;
    let mut errors = FieldErrors::new();
    let link_hash = errors.check("code", parse_code(&body.code).map(token_hash));
    let login = errors.check("login", Login::parse(&body.login));
    let code = errors.check(
        "confirmation_code",
        ConfirmationCode::parse(&body.confirmation_code),
    );
    let password = errors.check("password", Password::parse(&body.password));
    if let Some(code) = &body.second_factor_code {
        errors.check(
            "second_factor_code",
            domain::two_factor::SecondFactorCode::parse(code),
        );
    }
    errors.finish()?;
    let (Some(link_hash), Some(login), Some(code), Some(password)) =
        (link_hash, login, code, password)
    else {
        return Err(
            DomainError::Unreachable("a confirmation without field errors misses a field").into(),
        );
    };
    let code_hash = state
        .sealer
        .code_hash(login.as_str(), code.as_str())
        .map_err(ApiError::internal)?;
    let l = login.clone();
    let credentials = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::identities::credentials_by_login(db, &l)
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
        GivenPassword::Existing(existing) => JoiningProfile::Existing(existing),
        GivenPassword::New { password_hash } => JoiningProfile::New { password_hash },
    };
    let client = state.limits.client(&req).to_string();
    let plans = state.account_limits.plans.clone();
    let joined = state
        .write(move |db| {
            persistence::join_links::public::confirm(
                db, &link_hash, &login, &code_hash, &client, profile, &plans, now,
            )
        })
        .await?;
    let user = match joined {
        Joined::Awaiting(_) => {
            return Ok(HttpResponse::Accepted().json(AwaitingApproval {
                status: "awaiting_approval",
            }))
        }
        Joined::Member(user) => user,
    };
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
