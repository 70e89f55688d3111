//! Liveness and readiness.

use crate::problem::ApiError;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{get, web};
use serde::Serialize;
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

/// Readiness: the database answers.
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
    let db = state.db.clone();
    crate::blocking::run(move || db.ping())
        .await?
        .map_err(|e| {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError::new(
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "the database does not answer",
            )
        })?;
    Ok(web::Json(Readiness {
        status: "ready",
        database: state.db.backend().name(),
    }))
}
