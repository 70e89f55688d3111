//! Logs: one line per request, on stderr (stdout carries `console` messages only), as text or
//! JSON. Request lines name the path but never the query string, so that no secret a client
//! puts in a URL reaches a log.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{Error, HttpMessage};
use std::future::Future;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;
use uuid::Uuid;

tokio::task_local! {
    static REQUEST: Option<Uuid>;
}

/// The response header that names the request (the id in its log line and audit events).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being handled, if any.
pub fn current_request() -> Option<Uuid> {
    REQUEST.try_with(|id| *id).ok().flatten()
}

/// Middleware: the request's id (given by the logger) is the current request's while it is
/// handled (`crate::blocking::run` carries it to database work), and the response names it
/// in `X-Request-Id`.
pub fn request_scope<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
{
    let id = req.extensions().get::<RequestId>().map(|id| **id);
    let response = srv.call(req);
    async move {
        let mut res = REQUEST.scope(id, response).await?;
        if let Some(id) = id {
            let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
            let text = id.hyphenated().encode_lower(&mut text);
            if let Ok(value) = HeaderValue::from_str(text) {
                res.headers_mut()
                    .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
            }
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

/// The root span of a request: method, path (no query), request id; status at the end.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.path(),
            request_id = %request_id,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(error) => error.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
        span.in_scope(|| {
            if status >= 500 {
                tracing::error!(status, "request failed");
            } else {
                tracing::info!(status, "request finished");
            }
        });
    }
}
