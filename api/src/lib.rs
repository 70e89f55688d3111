//! Extranet's HTTP API: actix-web routes over the persistence layer, problem+json errors,
//! JWT auth, the OpenAPI document and Swagger UI, configuration and telemetry.

pub mod auth;
pub mod blocking;
pub mod clock;
pub mod config;
pub mod cors;
pub mod delivery;
pub mod dev;
pub mod extract;
pub mod given_password;
pub mod idempotency;
pub mod invite_cli;
pub mod language;
pub mod metrics;
pub mod openapi;
pub mod operations_cli;
pub mod pagination;
pub mod passwords;
pub mod problem;
pub mod rate_limit;
pub mod read_deadline;
pub mod reads;
pub mod responses;
pub mod routes;
pub mod scopes;
pub mod second_factor;
pub mod secret_file;
pub mod secrets;
pub mod sessions;
pub mod shutdown;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tokens;
pub mod upkeep;
pub mod views;

pub use config::Config;
pub use startup::Application;
