//! Sign-up and the account: settings, plan, usage.

use crate::auth::AccountCaller;
use crate::extract::JsonBody;
use crate::openapi::field::Field;
use crate::problem::ApiError;
use crate::rate_limit::Endpoint;
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use crate::views::{AccountView, ExternalDomainsBody, UsageView, UserView};
use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use domain::account::{AccountChange, AccountChangeRequest, AccountSettings, DomainLists};
use domain::enums::{RequireTwoFactor, WhoCanInvite};
use domain::error::FieldErrors;
use domain::locale::{self, Locale};
use domain::login::{Email, Login};
use domain::names::PersonName;
use domain::sign_up::{code_expiry, ConfirmationCode, SignUp, SignUpRequest, CODE_TTL_MINUTES};
use domain::DomainError;
use persistence::sign_ups::NewSignUp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The first administrator of a new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminBody {
    #[schema(schema_with = admin_email)]
    pub email: Option<String>,
    /// E.164, e.g. `+14155550101`.
    #[schema(value_type = Option<domain::login::Phone>)]
    pub phone: Option<String>,
    /// 8 to 128 characters. When the login already has a network profile, its password.
    #[schema(value_type = domain::password::Password)]
    pub password: String,
    #[schema(schema_with = ada)]
    pub first_name: String,
    #[schema(schema_with = lovelace)]
    pub last_name: String,
    /// Only when the login's existing profile has two-step authentication on: the six digits
    /// of its authenticator app, or an unused recovery code (at most 32 characters). Without
    /// it the right password answers 401 `second_factor_required`.
    #[schema(schema_with = crate::second_factor::optional_code_field, required = false)]
    #[serde(default)]
    pub second_factor_code: Option<String>,
}

fn admin_email() -> Field {
    let about = "Exactly one of `email` and `phone`: the login.";
    Field::of::<Email>()
        .or_null()
        .about(about)
        .example("ada@acme.example")
}

fn ada() -> Field {
    Field::of::<PersonName>().example("Ada")
}

fn lovelace() -> Field {
    Field::of::<PersonName>().example("Lovelace")
}

/// Sign-up: a new account and its first administrator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUpBody {
    /// The company portal's name.
    #[schema(value_type = domain::names::AccountName)]
    pub name: String,
    /// `free` (no limit, the default), `basic` (5), `standard` (50), `professional` (100),
    /// `enterprise` (250), or as configured.
    #[schema(example = "basic")]
    pub plan: Option<String>,
    pub admin: AdminBody,
    /// The language of the code's message and of the new account's messages; the request's
    /// `Accept-Language` when left out, else `en`.
    pub locale: Option<Locale>,
}

/// The new account, its administrator, and a token acting as that administrator.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignUpResponse {
    pub account: AccountView,
    pub user: UserView,
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    #[schema(example = 3600)]
    pub expires_in: u32,
    /// The session's refresh token (`POST /v1/auth/refresh`).
    #[schema(example = "exr_kq3V9m0b7yR2Xw8QpZs4Lh1TnA6cJfGdEeUuIiOo5Kk")]
    pub refresh_token: String,
    /// Seconds until the refresh token expires unless refreshed before.
    #[schema(example = 2_592_000)]
    pub refresh_expires_in: i64,
}

/// What a sign-up answers, always the same whether or not the login already has a profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignUpStarted {
    /// Always `confirmation_sent`.
    #[schema(example = "confirmation_sent")]
    pub status: &'static str,
    /// The login as the server understood it (normalised), where the code went.
    #[schema(example = "ada@acme.example")]
    pub login: String,
    /// Seconds the code stays valid.
    #[schema(example = 900)]
    pub expires_in: i64,
    #[schema(
        example = "A confirmation code was sent to the login; send it to POST /v1/accounts/confirm to create the account."
    )]
    pub detail: &'static str,
}

/// Sign up: a confirmation code goes to the admin's login (email or SMS; the console delivery
/// of `make run` prints it as `"code"`); `POST /v1/accounts/confirm` with it creates the
/// account and its first administrator (an employee holding one seat).
///
/// The answer is 202 with the same body in every case, so it tells nobody whether the login
/// already exists. Nothing is reserved until the code is confirmed: the login stays free, and
/// an unconfirmed sign-up expires. A login that already has a network profile signs up with
/// that profile's password; the profile then belongs to one more account. A profile with
/// two-step authentication on gives its second factor too (`admin.second_factor_code`): the
/// right password without it is 401 `second_factor_required` (only someone who knows the
/// password learns the profile exists), a wrong code 401 `invalid_code`.
#[utoipa::path(
    tag = "accounts",
    security(()),
    request_body(content = SignUpBody, example = json!({
        "name": "Acme Web Agency",
        "plan": "basic",
        "admin": {"email": "ada@acme.example", "password": "correct horse battery", "first_name": "Ada", "last_name": "Lovelace"}
    })),
    responses(
        (status = 202, description = "A confirmation code was sent to the login", body = SignUpStarted),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/accounts")]
pub async fn sign_up(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<SignUpBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::SignUp, &req).await?;
    let cmd = SignUp::parse(
        SignUpRequest {
            account_name: &body.name,
            plan: body.plan.as_deref(),
            email: body.admin.email.as_deref(),
            phone: body.admin.phone.as_deref(),
            password: &body.admin.password,
            first_name: &body.admin.first_name,
            last_name: &body.admin.last_name,
        },
        &state.account_limits.plans,
        state.signup_sms,
    )?;
    if let Some(code) = &body.admin.second_factor_code {
        domain::two_factor::SecondFactorCode::parse(code)
            .map_err(|e| DomainError::Invalid(vec![e.under("admin.second_factor_code")]))?;
    }
    let login = cmd.login.clone();
    let existing = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::identities::credentials_by_login(db, &login)
    })
    .await?;
    // One Argon2 computation either way: checking an existing profile's password, or hashing
    // the new profile's. Which one it was shows nowhere in the answer.
    let (proved_profile, password_hash) = match existing {
        Some(c) => {
            let matches = state
                .passwords
                .verify(cmd.password.expose(), Some(c.password_hash))
                .await?;
            if matches {
                // The profile's password proves it; with two-step on, so must its second
                // factor (rule 13).
                crate::second_factor::require_if_on(
                    &state,
                    c.identity_id,
                    body.admin.second_factor_code.as_deref(),
                    "admin.second_factor_code",
                    crate::language::requested(&req),
                )
                .await?;
            }
            (matches.then_some(c.identity_id), None)
        }
        None => (None, Some(state.passwords.hash(&cmd.password).await?)),
    };
    let code = state
        .sealer
        .issue_code(cmd.login.as_str())
        .map_err(ApiError::internal)?;
    let login = cmd.login.as_str().to_owned();
    let new = NewSignUp {
        login: cmd.login,
        account_name: cmd.account_name.into_string(),
        plan: cmd.plan.name.clone(),
        first_name: cmd.first_name.into_string(),
        last_name: cmd.last_name.into_string(),
        password_hash,
        proved_profile,
        code_hash: code.hash,
        sealed_code: code.sealed,
        expires_at: code_expiry(now),
        client: state.limits.client(&req).to_string(),
        locale: locale::for_sign_up(body.locale, crate::language::requested(&req)),
    };
    let quotas = state.account_limits.quotas;
    state
        .write(move |db| persistence::sign_ups::start(db, new, &quotas, now))
        .await?;
    Ok(HttpResponse::Accepted().json(SignUpStarted {
        status: "confirmation_sent",
        login,
        expires_in: CODE_TTL_MINUTES * 60,
        detail: "A confirmation code was sent to the login; send it to POST /v1/accounts/confirm to create the account.",
    }))
}

/// The code a sign-up sent, and the login it went to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The admin's email or phone, as given at sign-up.
    #[schema(example = "ada@acme.example")]
    pub login: String,
    #[schema(schema_with = sign_up_code)]
    pub code: String,
}

fn sign_up_code() -> Field {
    let about = "The six digits sent to the login.";
    Field::of::<ConfirmationCode>()
        .about(about)
        .example("048213")
}

/// Confirm a sign-up with the code sent to its login: the account and its first administrator
/// are created, and a token acting as that administrator comes back (public).
///
/// A wrong, used or expired code is 422 `invalid_code`. After 5 wrong codes for a login (10
/// from one client address) each further try waits twice as long as the last: 429
/// `rate_limited` with `Retry-After`, the right code too; once the wait is over the code still
/// works (nobody can cancel another person's sign-up by guessing). When the login has a network profile whose password the
/// sign-up did not give, 401 `invalid_credentials`: the code proves the login, not the password.
#[utoipa::path(
    tag = "accounts",
    security(()),
    request_body(content = ConfirmBody),
    responses(
        (status = 201, description = "Account created", body = SignUpResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/v1/accounts/confirm")]
pub async fn confirm_sign_up(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ConfirmBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    state.limits.check(Endpoint::Confirm, &req).await?;
    let mut errors = FieldErrors::new();
    let login = errors.check("login", Login::parse(&body.login));
    let code = errors.check("code", ConfirmationCode::parse(&body.code));
    errors.finish()?;
    let (Some(login), Some(code)) = (login, code) else {
        return Err(
            DomainError::Unreachable("a confirmation without field errors misses a field").into(),
        );
    };
    let hash = state
        .sealer
        .code_hash(login.as_str(), code.as_str())
        .map_err(ApiError::internal)?;
    let limits = state.account_limits.clone();
    let client = state.limits.client(&req).to_string();
    let (account, user) = state
        .write(move |db| {
            persistence::sign_ups::confirm(db, &login, &hash, &client, &limits.plans, now)
        })
        .await?;
    let tokens = crate::sessions::open(
        &state,
        &req,
        user.identity_id,
        Some((account.id, user.id)),
        now,
    )
    .await?;
    Ok(HttpResponse::Created().json(SignUpResponse {
        account: AccountView::new(&account, &state.account_limits.plans),
        user: UserView::from(&user),
        access_token: tokens.access_token,
        token_type: tokens.token_type,
        expires_in: tokens.expires_in,
        refresh_token: tokens.refresh_token,
        refresh_expires_in: tokens.refresh_expires_in,
    }))
}

/// The caller's account: plan and settings.
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/v1/account")]
pub async fn get_account(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
) -> Result<web::Json<AccountView>, ApiError> {
    let account = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::accounts::account(db, &user)
    })
    .await?;
    Ok(web::Json(AccountView::new(
        &account,
        &state.account_limits.plans,
    )))
}

/// A change of the account's settings: only the fields given change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    #[schema(value_type = Option<domain::names::AccountName>)]
    pub name: Option<String>,
    /// Who may invite new people: `admins`, `employees`, or `employees_with_approval` (an
    /// employee's invitations wait, `awaiting_approval`, until an administrator approves them);
    /// external users never may.
    pub who_can_invite: Option<WhoCanInvite>,
    /// `{"allow": [...]}` or `{"deny": [...]}` for external invitees' email domains; `null`
    /// allows any domain again.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<ExternalDomainsBody>, nullable)]
    pub external_domains: Option<Option<ExternalDomainsBody>>,
    #[schema(schema_with = ttl_hours)]
    pub invitation_ttl_hours: Option<i64>,
    /// The language of the account's messages (an invitation's own, or the person's choice,
    /// comes first).
    pub locale: Option<Locale>,
    /// How many days a new external user's access runs when the inviter gives no end
    /// (shortened to a workgroup's `max_external_access_days`); `null`: open-ended.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 3650)]
    pub default_external_access_days: Option<Option<i64>>,
    /// Whom two-step authentication is required of: `none`, `admins` or `everyone`. A covered
    /// user without a second factor can then only set one up (every other call: 403
    /// `two_factor_enrollment_required`), from their next request. A policy that covers the
    /// administrator setting it needs their own second factor first (409
    /// `two_factor_required_first`).
    pub require_two_factor: Option<RequireTwoFactor>,
}

fn ttl_hours() -> Field {
    Field::of::<i64>()
        .or_null()
        .about("1 to 720 hours; 168 (7 days) by default.")
        .example(168)
        .range(1, AccountSettings::MAX_TTL_HOURS)
}

/// Change the account's name and settings (administrators).
#[utoipa::path(
    tag = "accounts",
    request_body(content = AccountPatch, example = json!({
        "who_can_invite": "employees",
        "external_domains": {"allow": ["client.example"]},
        "invitation_ttl_hours": 72
    })),
    responses(
        (status = 200, description = "The account after the change", body = AccountView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    )
)]
#[patch("/v1/account")]
pub async fn patch_account(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    JsonBody(body): JsonBody<AccountPatch>,
) -> Result<web::Json<AccountView>, ApiError> {
    let now = state.clock.now();
    let domains = body.external_domains.as_ref().map(|d| match d {
        Some(d) => DomainLists {
            allow: d.allow.as_deref(),
            deny: d.deny.as_deref(),
        },
        None => DomainLists::default(),
    });
    let change = AccountChange::parse(AccountChangeRequest {
        name: body.name.as_deref(),
        who_can_invite: body.who_can_invite,
        external_domains: domains,
        invitation_ttl_hours: body.invitation_ttl_hours,
        locale: body.locale,
        default_external_access_days: body.default_external_access_days,
        require_two_factor: body.require_two_factor,
    })?;
    let account = state
        .write(move |db| persistence::accounts::update_account(db, &user, change, now))
        .await?;
    Ok(web::Json(AccountView::new(
        &account,
        &state.account_limits.plans,
    )))
}

/// The plan to move to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    #[schema(example = "standard")]
    pub plan: String,
}

/// Move the account to another plan (administrators). Refused with 409
/// `user_limit_below_usage` when the seats held would not fit under the new limit.
#[utoipa::path(
    tag = "accounts",
    request_body(content = PlanBody, example = json!({"plan": "standard"})),
    responses(
        (status = 200, description = "The account on its new plan", body = AccountView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 408, response = RequestTimeout),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    )
)]
#[put("/v1/account/plan")]
pub async fn put_plan(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    JsonBody(body): JsonBody<PlanBody>,
) -> Result<web::Json<AccountView>, ApiError> {
    let now = state.clock.now();
    let plan = state
        .account_limits
        .plans
        .choose(&body.plan)
        .map_err(|e| domain::DomainError::Invalid(vec![e.under("plan")]))?
        .clone();
    let limits = state.account_limits.clone();
    let account = state
        .write(move |db| persistence::accounts::change_plan(db, &user, &plan, &limits, now))
        .await?;
    Ok(web::Json(AccountView::new(
        &account,
        &state.account_limits.plans,
    )))
}

/// Who holds the account's seats (employees only): every active user and every pending
/// invitation holds one (an invitation awaiting approval too, counted in
/// `pending_invitations`); `user_limit` and `available` are `null` on unlimited plans.
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "Seat usage", body = UsageView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/v1/account/usage")]
pub async fn usage(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
) -> Result<web::Json<UsageView>, ApiError> {
    let now = state.clock.now();
    let limits = state.account_limits.clone();
    let usage = crate::reads::read(&state, Bound::Page, move |db| {
        persistence::accounts::usage(db, &user, &limits, now)
    })
    .await?;
    Ok(web::Json(UsageView::new(
        &usage,
        &state.account_limits.quotas,
    )))
}
