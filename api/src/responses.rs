//! The error responses operations list in the OpenAPI document: each is a [`Problem`].
#![allow(dead_code)] // The types exist for the document only; they are never built.

use crate::problem::Problem;
use utoipa::ToResponse;

/// Malformed JSON (`malformed_json`), or a query or path parameter that does not parse
/// (`invalid_parameter`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:malformed_json",
        "title": "Bad Request",
        "status": 400,
        "detail": "the body is not valid JSON: expected `,` or `}` at line 1 column 18",
        "code": "malformed_json"
    })
)]
pub struct BadRequest(Problem);

/// No token, or one that is expired, badly signed, of an ended session or of a dismissed user
/// (`missing_token`, `invalid_token`); a wrong login or password (`invalid_credentials`); a
/// refresh token unknown or of an ended session (`invalid_refresh_token`), or exchanged already
/// (`refresh_token_reused`: the session has ended).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:missing_token",
        "title": "Unauthorized",
        "status": 401,
        "detail": "send `Authorization: Bearer <access token>`",
        "code": "missing_token"
    })
)]
pub struct Unauthorized(Problem);

/// Authenticated but not allowed (`admin_required`, `intranet_user_required`,
/// `account_token_required`, `user_dismissed`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:admin_required",
        "title": "Forbidden",
        "status": 403,
        "detail": "only an administrator of the account may do this",
        "code": "admin_required"
    })
)]
pub struct Forbidden(Problem);

/// No such thing, or not visible to the caller (`not_found`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:not_found",
        "title": "Not Found",
        "status": 404,
        "detail": "no such invitation",
        "code": "not_found"
    })
)]
pub struct NotFound(Problem);

/// Conflicts with the current state or a rule (`user_limit_reached` with `needed` and
/// `available`, `user_limit_below_usage`, `login_taken`, `workgroup_not_extranet`,
/// `domain_not_allowed`, `inviter_no_longer_allowed`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:user_limit_reached",
        "title": "Conflict",
        "status": 409,
        "detail": "the plan's user limit is reached: 2 seat(s) needed, 1 available",
        "code": "user_limit_reached",
        "needed": 2,
        "available": 1
    })
)]
pub struct Conflict(Problem);

/// The body did not arrive within the read deadline, `EXTRANET_REQUEST_READ_TIMEOUT_SECONDS`
/// (10 s by default) after the request's head (`request_timeout`); the connection is closed.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:request_timeout",
        "title": "Request Timeout",
        "status": 408,
        "detail": "the request body did not arrive within the read deadline; the connection is closed",
        "code": "request_timeout"
    })
)]
pub struct RequestTimeout(Problem);

/// The body is larger than 256 KiB (`payload_too_large`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:payload_too_large",
        "title": "Payload Too Large",
        "status": 413,
        "detail": "the request body is larger than 262144 bytes",
        "code": "payload_too_large"
    })
)]
pub struct PayloadTooLarge(Problem);

/// The body is not JSON (`unsupported_media_type`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:unsupported_media_type",
        "title": "Unsupported Media Type",
        "status": 415,
        "detail": "send the body as `Content-Type: application/json`",
        "code": "unsupported_media_type"
    })
)]
pub struct UnsupportedMediaType(Problem);

/// Well-formed but invalid (`validation_failed`): `errors[]` names every bad field.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:validation_failed",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "2 fields are invalid",
        "code": "validation_failed",
        "errors": [
            {"field": "admin.email", "code": "invalid_email", "message": "`ann@` is not a valid email address: the part after `@` is not a domain name"},
            {"field": "admin.password", "code": "password_too_short", "message": "a password needs at least 8 characters"}
        ]
    })
)]
pub struct Unprocessable(Problem);

/// Too many requests from this address (`rate_limited`); retry after `Retry-After` seconds.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:rate_limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "too many requests; wait for the time Retry-After gives",
        "code": "rate_limited"
    })
)]
pub struct TooManyRequests(Problem);

/// Over for good (`invitation_expired`: ask for the invitation to be sent again). Says
/// nothing of what it was.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:invitation_expired",
        "title": "Gone",
        "status": 410,
        "detail": "this invitation has expired: ask for it to be sent again",
        "code": "invitation_expired"
    })
)]
pub struct Gone(Problem);

/// The database is not reachable (`service_unavailable`): try again after `Retry-After`
/// seconds. Answered at once (within a second) rather than after a wait for a connection.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({
        "type": "urn:extranet:problem:service_unavailable",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "the database is not reachable right now; try again shortly",
        "code": "service_unavailable"
    })
)]
pub struct ServiceUnavailable(Problem);
