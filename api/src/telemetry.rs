//! Logs: one line per request, on stderr (stdout carries `console` messages only), as text or
//! JSON. Request lines name the path but never the query string, so that no secret a client
//! puts in a URL reaches a log.
//!
//! Every request has an id: the client's `X-Request-Id` when it is sensible, a new UUID
//! otherwise. The same id is in the request's log lines, in its response's `X-Request-Id` and
//! in the audit events it records.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{Error, HttpMessage};
use persistence::request::RequestId;
use std::future::Future;
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;
use uuid::Uuid;

tokio::task_local! {
    static REQUEST: Option<RequestId>;
}

/// The header that names the request: the client's, when sensible, or ours; answered in every
/// response, and the id of the request's log line and audit events.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The longest request id taken from a client.
pub const REQUEST_ID_MAX_LEN: usize = 128;

/// The id of the request being handled, if any.
pub fn current_request() -> Option<RequestId> {
    REQUEST.try_with(Clone::clone).ok().flatten()
}

/// Whether a client's `X-Request-Id` is kept: 1 to 128 characters of `A-Z a-z 0-9 . _ : @ / +
/// = -` (what request ids, trace ids and base64 are made of; nothing that could forge a log
/// line or a header).
pub fn is_sensible_request_id(id: &str) -> bool {
    (1..=REQUEST_ID_MAX_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:@/+=-".contains(&b))
}

/// The request's id, as this server names it (kept in the request's extensions).
#[derive(Debug, Clone)]
struct NamedRequest(RequestId);

/// The client's id when it gave a sensible one, otherwise a new UUID (v7: the one the logger
/// made for the request).
fn name_request(request: &ServiceRequest) -> RequestId {
    let given = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| is_sensible_request_id(id));
    if let Some(id) = given {
        return RequestId::from(id);
    }
    let made = request
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map_or_else(Uuid::now_v7, |id| **id);
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    RequestId::from(&*made.hyphenated().encode_lower(&mut text))
}

/// The id [`RequestSpan`] gave the request.
fn request_id(request: &actix_web::HttpRequest) -> Option<RequestId> {
    request
        .extensions()
        .get::<NamedRequest>()
        .map(|named| named.0.clone())
}

/// Middleware: the request's id (named by [`RequestSpan`]) is the current request's while it
/// is handled (`crate::blocking::run` carries it to database work), and the response names it
/// in `X-Request-Id`.
pub fn request_scope<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
{
    let id = request_id(req.request());
    let header = id.as_deref().and_then(|id| HeaderValue::from_str(id).ok());
    let response = srv.call(req);
    async move {
        let mut res = REQUEST.scope(id, response).await?;
        if let Some(value) = header {
            res.headers_mut()
                .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
        }
        Ok(res)
    }
}

/// Installs the global subscriber; a second call (tests start many servers) does nothing.
pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// The root span of a request: method, path (no query), request id; status at the end. The
/// request's line ("request finished") also carries the id as a field of its own, so that a
/// JSON line has `request_id` at the top level (and in `span`, as every line of the request).
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = name_request(request);
        let span = tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.path(),
            request_id = %id,
            status = tracing::field::Empty,
        );
        request.extensions_mut().insert(NamedRequest(id));
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, id) = match outcome {
            Ok(response) => (response.status().as_u16(), request_id(response.request())),
            Err(error) => (error.as_response_error().status_code().as_u16(), None),
        };
        let id = id.as_deref().unwrap_or_default();
        span.record("status", status);
        span.in_scope(|| {
            if status >= 500 {
                tracing::error!(status, request_id = id, "request failed");
            } else {
                tracing::info!(status, request_id = id, "request finished");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_kept_only_when_sensible() {
        for kept in [
            "a",
            "abc-123",
            "0f8c2a3e-5b1d-4c7e-9f00-123456789abc",
            "trace:span@host/edge+x=y_z.v",
            &"x".repeat(REQUEST_ID_MAX_LEN),
        ] {
            assert!(is_sensible_request_id(kept), "{kept}");
        }
        for replaced in [
            "",
            "has space",
            "new\nline",
            "quote\"",
            "caf\u{e9}",
            "semi;colon",
            "{json}",
            &"x".repeat(REQUEST_ID_MAX_LEN + 1),
        ] {
            assert!(!is_sensible_request_id(replaced), "{replaced}");
        }
    }
}
