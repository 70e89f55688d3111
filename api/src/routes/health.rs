//! Liveness and readiness.

use crate::problem::ApiError;
use crate::responses::*;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{get, web};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "health", security(()), responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// How long readiness waits for the database before it answers 503.
const READINESS_DEADLINE: Duration = Duration::from_secs(2);

/// Readiness: the database answers.
///
/// A `SELECT 1` on the check's own connection (made again when it was lost), not through the
/// pools; on SQLite, also that the file at the configured path is still the one opened at
/// start. `503 service_unavailable` within two seconds when the database does not answer.
#[utoipa::path(
    tag = "health",
    security(()),
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Readiness>, ApiError> {
    let deadline = tokio::time::Instant::now() + READINESS_DEADLINE;
    let not_ready = |why: &dyn std::fmt::Display| {
        tracing::warn!(error = %why, "readiness check failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "the database does not answer",
        )
        .with_header(actix_web::http::header::RETRY_AFTER, "1")
    };
    // Checks wait for each other here, without a thread; a check still waiting for the
    // database when its deadline passed leaves the next one to fail at once.
    let _turn = tokio::time::timeout_at(deadline, state.readiness.lock())
        .await
        .map_err(|_| not_ready(&"an earlier check is still waiting for the database"))?;
    let db = state.db.clone();
    tokio::time::timeout_at(deadline, crate::blocking::run(move || db.ping()))
        .await
        .map_err(|_| not_ready(&"no answer within the deadline"))?
        .map_err(|e| not_ready(&e))?
        .map_err(|e| not_ready(&e))?;
    Ok(web::Json(Readiness {
        status: "ready",
        database: state.db.backend().name(),
    }))
}
