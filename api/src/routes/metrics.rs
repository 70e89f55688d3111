//! `GET /metrics`: what `crate::metrics` recorded, and the database's figures read now.

use crate::metrics::CONTENT_TYPE;
use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use std::time::Duration;

/// How long a scrape waits for the database's figures; past it, they are left out.
const DATABASE_DEADLINE: Duration = Duration::from_secs(3);

/// An excerpt of what a scrape shows, for the document.
const EXAMPLE: &str = r#"# HELP http_requests_total HTTP requests answered, by method, route pattern and status.
# TYPE http_requests_total counter
http_requests_total{method="POST",route="/v1/invitations",status="201"} 12
http_requests_total{method="GET",route="unmatched",status="404"} 1
# HELP http_request_duration_seconds Time from a request's arrival to its response, by method and route pattern.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{method="POST",route="/v1/invitations",le="0.005"} 9
http_request_duration_seconds_bucket{method="POST",route="/v1/invitations",le="0.01"} 12
http_request_duration_seconds_bucket{method="POST",route="/v1/invitations",le="+Inf"} 12
http_request_duration_seconds_sum{method="POST",route="/v1/invitations"} 0.061
http_request_duration_seconds_count{method="POST",route="/v1/invitations"} 12
# HELP extranet_outbox_pending Messages waiting to be sent (first tries and retries), by channel.
# TYPE extranet_outbox_pending gauge
extranet_outbox_pending{channel="email"} 3
# HELP extranet_seats_used Seats held (active users of both types and pending invitations), summed over the accounts of each plan.
# TYPE extranet_seats_used gauge
extranet_seats_used{plan="basic"} 4
"#;

/// Metrics for Prometheus (text format 0.0.4).
///
/// Counted by this process: `http_requests_total` (by `method`, `route` — the route's
/// pattern, `unmatched` when none matched — and `status`), `http_request_duration_seconds` (a
/// histogram, 0.5 ms to 5 s, by `method` and `route`), `extranet_delivery_attempts_total` (by
/// `channel` and `outcome`: `sent`, `retry`, `given_up`). Read from the database at each
/// scrape: `extranet_outbox_pending` and `extranet_outbox_failed` (by `channel`),
/// `extranet_accounts`, `extranet_seats_used` and `extranet_seats_limit` (by `plan`; a plan
/// without a user limit has no `extranet_seats_limit`); left out when the database does not
/// answer within three seconds. Public: keep it from the internet at the proxy.
#[utoipa::path(
    tag = "health",
    security(()),
    responses(
        (status = 200, description = "The metrics", content_type = "text/plain; version=0.0.4",
         body = String, example = json!(EXAMPLE)),
    )
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (db, plans) = (state.db.clone(), state.account_limits.plans.clone());
    let read = crate::blocking::run(move || persistence::metrics::snapshot(&db, &plans));
    let snapshot = match tokio::time::timeout(DATABASE_DEADLINE, read).await {
        Ok(Ok(Ok(snapshot))) => Some(snapshot),
        Ok(Ok(Err(e))) => {
            tracing::warn!(error = %e, "metrics: the database's figures could not be read");
            None
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "metrics: the database's figures could not be read");
            None
        }
        Err(_) => {
            tracing::warn!("metrics: the database's figures took too long; left out");
            None
        }
    };
    let text = state
        .metrics
        .encode(snapshot.as_ref())
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(text))
}
