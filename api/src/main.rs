//! The `extranet` binary: `serve`, `migrate`, `openapi`.

use api::{config::Config, telemetry, Application};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "extranet",
    version,
    about = "Bring external users into your workspace, with limited access"
)]
struct Cli {
    /// Configuration file (default: ./extranet.toml when it exists). Environment variables
    /// override it.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve the API (Swagger UI at /docs).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document as YAML (or write it to a file).
    Openapi {
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi { output } = &cli.command {
        return match api::openapi::yaml() {
            Ok(yaml) => match output {
                Some(path) => match std::fs::write(path, yaml) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(&format!("cannot write {}: {e}", path.display())),
                },
                None => {
                    print!("{yaml}");
                    ExitCode::SUCCESS
                }
            },
            Err(e) => fail(&e),
        };
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&format!("configuration: {e}")),
    };
    telemetry::init(&config.log, config.log_json);
    let result = actix_web::rt::System::new().block_on(async move {
        match cli.command {
            Command::Migrate => {
                let url = config.database_url.clone();
                let db = persistence::Database::connect(&url, &persistence::PoolOptions::default())
                    .map_err(|e| e.to_string())?;
                let applied = db.migrate().map_err(|e| e.to_string())?;
                tracing::info!(backend = db.backend().name(), applied = applied.len(), "migrations applied");
                Ok(())
            }
            Command::Serve => {
                if config.jwt_secret.is_none() {
                    tracing::warn!(
                        "EXTRANET_JWT_SECRET is not set: using a random key, so access tokens stop working when the server restarts"
                    );
                }
                for warning in config.warnings() {
                    tracing::warn!("{warning}");
                }
                let bind = config.bind.clone();
                let backend = config.database_url.split(':').next().unwrap_or_default().to_owned();
                let app = Application::build(config).await?;
                tracing::info!(%bind, port = app.port(), backend, "serving; Swagger UI at /docs");
                app.run().await.map_err(|e| e.to_string())
            }
            Command::Openapi { .. } => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("extranet: {message}");
    ExitCode::FAILURE
}
