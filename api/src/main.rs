//! The `extranet` binary: `serve`, `migrate` (and `migrate --check`), `backup` and `restore`
//! (SQLite), `openapi`, `invite` (a client of a server), and `two-factor-reset` (support's way
//! back in for a person who lost their second factor).

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
    Migrate {
        /// Apply nothing: say whether the database is at this binary's schema (exit 0), behind
        /// it (exit 2, the pending migrations listed) or ahead of it (exit 3: a newer release
        /// migrated it).
        #[arg(long)]
        check: bool,
    },
    /// Copy the SQLite database to PATH, consistently, while the server runs (checked, then
    /// renamed into place). On PostgreSQL: use pg_dump (it says how).
    Backup {
        /// Where the copy goes.
        path: PathBuf,
        /// Replace PATH if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the SQLite database with the backup at PATH (the server stopped). The backup is
    /// checked, must not be newer than this binary, and the replaced database is kept beside
    /// as `<db>.replaced-<time>`. On PostgreSQL: use pg_restore (it says how).
    Restore {
        /// The backup to restore.
        path: PathBuf,
    },
    /// Print the OpenAPI document as YAML (or write it to a file).
    Openapi {
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Invite the people of a CSV file into an extranet workgroup, through a server's API
    /// (batches of 100, safe to run again after a crash; a results file at the end).
    Invite(api::invite_cli::InviteArgs),
    /// Switch off two-step authentication for the profile with LOGIN (email or E.164 phone),
    /// who lost both the device and the recovery codes. Check who is asking first: this is
    /// what a stolen password alone could not do. The person's logins are told, and each
    /// account where they are a user records `two_factor.disabled` (by support).
    TwoFactorReset {
        /// The profile's email address or phone number.
        login: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Serve = cli.command {
        with_few_malloc_arenas();
    }
    if let Command::Invite(args) = cli.command {
        return api::invite_cli::run(args);
    }
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
    match &cli.command {
        Command::Migrate { check: true } => {
            return api::operations_cli::check(&config.database_url)
        }
        Command::Backup { path, force } => {
            return api::operations_cli::backup(&config.database_url, path, *force)
        }
        Command::Restore { path } => {
            return api::operations_cli::restore(&config.database_url, path)
        }
        _ => {}
    }
    telemetry::init(&config.log, config.log_json);
    let result = actix_web::rt::System::new().block_on(async move {
        match cli.command {
            Command::Migrate { .. } => {
                let url = config.database_url.clone();
                let db = persistence::Database::connect(&url, &persistence::PoolOptions::default())
                    .map_err(|e| e.to_string())?;
                let migrated = db.migrate().map_err(|e| e.to_string())?;
                tracing::info!(
                    backend = db.backend().name(),
                    applied = migrated.applied.len(),
                    "migrations applied"
                );
                api::startup::warn_when_ahead(&migrated);
                Ok(())
            }
            Command::Serve => {
                for warning in config.warnings() {
                    tracing::warn!("{warning}");
                }
                let bind = config.bind.clone();
                let backend = config
                    .database_url
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let dev = config.dev;
                let app = Application::build(config).await?;
                if dev {
                    tracing::info!(
                        port = app.port(),
                        "development inbox at /dev/inbox (codes and links sent to the console), clock at /dev/clock"
                    );
                }
                tracing::info!(%bind, port = app.port(), backend, "serving; Swagger UI at /docs");
                app.run().await.map_err(|e| e.to_string())
            }
            Command::TwoFactorReset { login } => {
                let login = domain::login::Login::parse(&login)
                    .map_err(|e| format!("{login}: {}", e.message))?;
                let db = persistence::Database::connect(
                    &config.database_url,
                    &persistence::PoolOptions::default(),
                )
                .map_err(|e| e.to_string())?;
                let now = chrono::Utc::now();
                let shown = login.as_str().to_owned();
                let reset = api::blocking::run(move || {
                    persistence::two_factor::reset_by_support(&db, &login, now)
                })
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
                if reset {
                    println!("two-step authentication is off for {shown}; its logins were told");
                    Ok(())
                } else {
                    Err(format!(
                        "{shown}: no profile with this login has two-step authentication"
                    ))
                }
            }
            Command::Openapi { .. }
            | Command::Invite(_)
            | Command::Backup { .. }
            | Command::Restore { .. } => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// glibc's malloc gives each thread that allocates an arena of its own (up to eight per core)
/// and keeps what is freed in it. SQLite's page caches move from thread to thread with their
/// pooled connections, so after concurrent searches ~50 MiB stayed resident in idle arenas
/// (peak 98 MiB, against 48 MiB with two arenas; mimalloc for Rust's allocations alone changed
/// nothing, SQLite allocates through libc). `serve` therefore starts itself again with two
/// arenas, unless the operator set `MALLOC_ARENA_MAX`; if that fails it goes on as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn with_few_malloc_arenas() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    // Returns only when the new image could not be started.
    let error = command.args(args).env("MALLOC_ARENA_MAX", "2").exec();
    eprintln!("extranet: could not restart with MALLOC_ARENA_MAX=2 ({error}); going on");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn with_few_malloc_arenas() {}

fn fail(message: &str) -> ExitCode {
    eprintln!("extranet: {message}");
    ExitCode::FAILURE
}
