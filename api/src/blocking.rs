//! Database work off the event loop: [`run`] is `web::block` carrying the request's id
//! (see `crate::telemetry::request_scope`) to the thread that runs the work, so the audit
//! events a use case records name the request they came in.

use actix_web::error::BlockingError;
use actix_web::web;

/// Runs `f` on a blocking thread, within the current request.
pub async fn run<F, R>(f: F) -> Result<R, BlockingError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let request = crate::telemetry::current_request();
    web::block(move || persistence::request::in_request(request, f)).await
}
