//! Every error leaves as RFC 9457 `application/problem+json` with a stable `code`: the
//! domain's refusals, storage failures, and actix's own (bad JSON, wrong content type,
//! unknown route, wrong method, body too large, bad parameters). This is the one place that
//! maps errors to HTTP statuses.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use domain::{DomainError, ErrorKind, FieldError};
use persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every problem `code` the server answers with, by the status it comes with: the
/// document's enums (`Problem.code`, and each error response's). The HTTP suite checks
/// every problem it meets against this table.
pub const CODES: &[(u16, &[&str])] = &[
    (
        400,
        &[
            "malformed_json",
            "malformed_body",
            "invalid_parameter",
            "invalid_idempotency_key",
            "bad_request",
        ],
    ),
    (
        401,
        &[
            "missing_token",
            "invalid_token",
            "invalid_credentials",
            "invalid_refresh_token",
            "refresh_token_reused",
            "second_factor_required",
            "invalid_code",
            "invalid_challenge",
        ],
    ),
    (
        403,
        &[
            "account_token_required",
            "admin_required",
            "intranet_user_required",
            "user_dismissed",
            "extranet_user_cannot_invite",
            "workgroup_policy_forbids",
            "workgroup_moderator_required",
            "workgroup_owner_required",
            "inviter_or_admin_required",
            "insufficient_scope",
            "wrong_current_password",
            "two_factor_enrollment_required",
        ],
    ),
    (404, &["not_found"]),
    (405, &["method_not_allowed"]),
    (408, &["request_timeout"]),
    (
        409,
        &[
            "user_limit_reached",
            "user_limit_below_usage",
            "login_taken",
            "workgroup_not_extranet",
            "workgroup_has_external_members",
            "login_belongs_to_employee",
            "login_belongs_to_dismissed_user",
            "login_belongs_to_external_user",
            "invitation_pending",
            "duplicate_invitee",
            "invitee_conflict",
            "batch_refused",
            "invitation_not_pending",
            "invitation_not_awaiting_approval",
            "invitation_awaiting_approval",
            "domain_not_allowed",
            "inviter_no_longer_allowed",
            "already_a_user",
            "already_member",
            "membership_invitation_pending",
            "user_is_dismissed",
            "owner_must_be_replaced",
            "owner_must_be_employee",
            "new_owner_not_active",
            "cannot_dismiss_self",
            "last_admin",
            "already_dismissed",
            "not_dismissed",
            "too_many_tokens",
            "too_many_webhooks",
            "webhook_inactive",
            "not_extranet_user",
            "user_type_not_writable",
            "transfer_to_extranet_impossible",
            "admin_must_be_employee",
            "same_login",
            "join_request_pending",
            "join_request_not_awaiting",
            "review_closed",
            "access_review_open",
            "two_factor_enabled",
            "two_factor_not_started",
            "two_factor_not_enabled",
            "two_factor_required_first",
        ],
    ),
    (
        410,
        &[
            "invitation_expired",
            "access_period_over",
            "join_link_expired",
            "join_link_used_up",
        ],
    ),
    (413, &["payload_too_large"]),
    (415, &["unsupported_media_type"]),
    (
        422,
        &[
            "validation_failed",
            "batch_refused",
            "idempotency_key_reused",
            "invalid_code",
            "webhook_url_not_allowed",
        ],
    ),
    (429, &["rate_limited", "sending_quota_exceeded"]),
    (500, &["internal_error"]),
    (503, &["service_unavailable"]),
];

/// One problem with one field of the request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// Path of the field in the request: `admin.email`, `invitees[3].phone`.
    #[schema(example = "admin.email")]
    pub field: String,
    /// Stable, machine-readable code of the problem.
    #[schema(example = "invalid_email")]
    pub code: String,
    #[schema(
        example = "`ann@` is not a valid email address: the part after `@` is not a domain name"
    )]
    pub message: String,
    /// The pending invitation the row collides with (`invitation_pending`): resend it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub invitation_id: Option<domain::ids::InvitationId>,
    /// The row of the request's list the problem is in, counted from 0 (`3` for
    /// `invitees[3].email`); absent for a field outside a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0, example = 3)]
    pub index: Option<usize>,
}

impl ProblemField {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
            invitation_id: None,
            index: None,
        }
    }
}

/// An RFC 9457 problem: what went wrong, for people (`title`, `detail`) and for programs
/// (`code`, `errors`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    #[schema(example = "urn:extranet:problem:user_limit_reached")]
    pub problem_type: String,
    #[schema(example = "Conflict")]
    pub title: String,
    #[schema(example = 409)]
    pub status: u16,
    #[schema(example = "the plan's user limit is reached: 2 seat(s) needed, 1 available")]
    pub detail: String,
    /// Stable, machine-readable code: clients match on this.
    #[schema(example = "user_limit_reached")]
    pub code: String,
    /// Field problems, when the request had invalid fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Seats a refused request needed (`user_limit_reached`; `batch_refused` when the seats
    /// were short too).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub needed: Option<u32>,
    /// Seats that were free (`user_limit_reached`, `batch_refused`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub available: Option<u32>,
}

/// An error on its way to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<ProblemField>,
    pub needed: Option<u32>,
    pub available: Option<u32>,
    /// Extra headers: `WWW-Authenticate` on 401, `Allow` on 405, `Retry-After` on 429.
    pub headers: Vec<(header::HeaderName, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            needed: None,
            available: None,
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// 401: no token, or one that is not valid.
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail).with_header(
            header::WWW_AUTHENTICATE,
            format!("Bearer error=\"invalid_token\", error_description=\"{code}\""),
        )
    }

    /// 422 with field problems.
    pub fn invalid_fields(errors: Vec<ProblemField>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("`{}`: {}", one.field, one.message),
            many => format!("{} fields are invalid", many.len()),
        };
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            detail,
        );
        e.errors = errors;
        e
    }

    /// 500: the cause goes to the log, never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "something went wrong on our side; it has been logged",
        )
    }

    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: format!("urn:extranet:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            errors: self.errors.clone(),
            needed: self.needed,
            available: self.available,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type(PROBLEM_JSON);
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.as_str()));
        }
        response.json(self.problem())
    }
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        Self {
            field: e.field,
            code: e.code.to_owned(),
            message: e.message,
            invitation_id: e.invitation_id,
            index: e.index,
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let status = match e.kind() {
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Gone => StatusCode::GONE,
            ErrorKind::Internal => return Self::internal(e),
        };
        if let DomainError::Invalid(errors) = e {
            return Self::invalid_fields(errors.into_iter().map(ProblemField::from).collect());
        }
        let rows: Vec<ProblemField> = e
            .field_errors()
            .iter()
            .cloned()
            .map(ProblemField::from)
            .collect();
        let mut api = if status == StatusCode::UNAUTHORIZED {
            Self::unauthorized(e.code(), e.to_string())
        } else {
            Self::new(status, e.code(), e.to_string())
        };
        match e {
            DomainError::UserLimitReached { needed, available }
            | DomainError::BatchRefused {
                seats: Some(domain::seats::Shortfall { needed, available }),
                ..
            } => {
                api.needed = Some(needed);
                api.available = Some(available);
            }
            DomainError::ResendTooSoon {
                retry_after_seconds,
            }
            | DomainError::TooManyLoginChanges {
                retry_after_seconds,
            }
            | DomainError::TooManyCodeAttempts {
                retry_after_seconds,
            }
            | DomainError::SendingQuotaExceeded {
                retry_after_seconds,
                ..
            } => {
                api = api.with_header(header::RETRY_AFTER, retry_after_seconds.to_string());
            }
            _ => {}
        }
        api.errors = rows;
        api
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d.into(),
            StoreError::KeyReused => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used with a different request; use a new key",
            ),
            StoreError::Unavailable(_) | StoreError::Busy => {
                tracing::warn!(cause = %e, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service_unavailable",
                    "the database is not reachable right now; try again shortly",
                )
                .with_header(header::RETRY_AFTER, "1")
            }
            _ => Self::internal(e),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::internal(e)
    }
}

/// The last line of defence: an error response that is not yet problem+json (one that actix
/// or a middleware made itself) is rewritten as one, keeping its status and headers.
pub fn ensure_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such resource".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this method is not allowed here".to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the request body is too large".to_owned(),
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "rate_limited",
            "too many requests; wait for the time Retry-After gives".to_owned(),
        ),
        s if s.is_server_error() => (
            "internal_error",
            "something went wrong on our side".to_owned(),
        ),
        s => (
            "bad_request",
            format!("the request was refused ({})", s.as_u16()),
        ),
    };
    let problem = ApiError::new(status, code, detail).problem();
    let (req, mut res) = res.into_parts();
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    let res = res.set_body(body).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res).map_into_right_body(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_cannot_happen_is_our_fault_not_the_clients() {
        let e = ApiError::from(DomainError::Unreachable("a test"));
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(e.code, "internal_error");
    }
}
