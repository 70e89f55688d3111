//! Builds the server, the same way for `extranet serve` and for the tests.

use crate::clock::Clock;
use crate::config::Config;
use crate::delivery::transport::{EmailTransport, SmsTransport};
use crate::delivery::webhooks::{GuardedResolver, WebhookWorker};
use crate::delivery::Deliveries;
use crate::metrics::Metrics;
use crate::openapi;
use crate::passwords::Passwords;
use crate::problem::{self, ApiError};
use crate::rate_limit::{LoginFailures, PublicLimits};
use crate::routes;
use crate::secrets::{Keys, TokenSealer};
use crate::shutdown::{Signalled, Stopping};
use crate::state::AppState;
use crate::telemetry::RequestSpan;
use crate::tokens::Tokens;
use actix_web::dev::{ResourceDef, Server};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::{DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpRequest, HttpServer};
use persistence::{Database, PoolOptions};
use std::net::TcpListener;
use std::sync::Arc;
use tokio::sync::Notify;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    state: web::Data<AppState>,
    deliveries: Deliveries,
    webhooks: Arc<WebhookWorker>,
    /// When SIGTERM (or SIGINT) came, once it did.
    signalled: Signalled,
}

/// How long requests in flight at SIGTERM may take to finish, in seconds; past it, their
/// connections are closed.
const REQUESTS_GRACE_SECONDS: u64 = 10;

/// How long the delivery workers may take, after the requests, to finish the messages in hand;
/// past it they are dropped, and what they held is sent by the next process once its lease
/// runs out.
const WORKERS_GRACE: std::time::Duration = std::time::Duration::from_secs(15);

/// Says, as a warning, that the database is ahead of this binary when a newer release migrated
/// it. The process goes on: a release's migrations only expand the schema, so the release before
/// keeps working on it while a rolling upgrade replaces its processes (docs/MIGRATIONS.md).
pub fn warn_when_ahead(migrated: &persistence::Migrated) {
    if !migrated.unknown.is_empty() {
        tracing::warn!(
            unknown = migrated.unknown.join(", "),
            "the database is ahead of this binary: a newer release applied migrations this one \
             does not know; serving on it, as an older release does during a rolling upgrade \
             (`extranet migrate --check` exits 3 until the newer release replaces this one)"
        );
    }
}

impl Application {
    /// Connects to the database, migrates it, binds the address and prepares the server.
    pub async fn build(config: Config) -> Result<Self, String> {
        Self::build_with_clock(config, Clock::system()).await
    }

    /// As [`Application::build`], going by `clock` (tests move it to let time pass).
    pub async fn build_with_clock(config: Config, clock: Clock) -> Result<Self, String> {
        let options = PoolOptions {
            max_connections: config.db_pool_size,
            ..PoolOptions::default()
        };
        let url = config.database_url.clone();
        let (db, migrated) = crate::blocking::run(move || -> Result<_, String> {
            let db = Database::connect(&url, &options).map_err(|e| e.to_string())?;
            let migrated = db.migrate().map_err(|e| e.to_string())?;
            Ok((db, migrated))
        })
        .await
        .map_err(|e| e.to_string())??;
        warn_when_ahead(&migrated);
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let secret = crate::secret_file::master_secret(config.jwt_secret.as_ref(), db.backend())?;
        let keys = Keys::derive(secret.as_ref());
        let sealer = Arc::new(TokenSealer::new(&keys));
        // Each worker is woken by the writes that queue its work, once committed.
        let wakeup = Arc::new(Notify::new());
        let wake = wakeup.clone();
        db.on_messages(move || wake.notify_one());
        let metrics = Metrics::new();
        // What the console delivery sends, kept for the development inbox when it is served.
        let dev = config
            .dev
            .then(|| Arc::new(crate::dev::DevInbox::new(clock.clone())));
        let deliveries = Deliveries {
            db: db.clone(),
            email: EmailTransport::new(
                &config.email,
                &config.email_from,
                config.email_ca_file.as_deref(),
                dev.clone(),
            )?,
            sms: SmsTransport::new(&config.sms, dev.clone())?,
            sealer: sealer.clone(),
            public_url: config.public_url.clone(),
            wakeup,
            lease: chrono::Duration::seconds(i64::from(config.outbox_lease_seconds)),
            clock: clock.clone(),
            metrics: metrics.clone(),
        };
        let webhook_wakeup = Arc::new(Notify::new());
        let wake = webhook_wakeup.clone();
        db.on_webhook_deliveries(move || wake.notify_one());
        let webhooks = Arc::new(WebhookWorker::new(
            db.clone(),
            sealer.clone(),
            clock.clone(),
            webhook_wakeup,
            config.webhooks.clone(),
            metrics.clone(),
        )?);
        // Where the rate limits count: the database on PostgreSQL, memory on SQLite.
        let buckets = Arc::new(persistence::rate_limits::Buckets::for_database(&db));
        let state = web::Data::new(AppState {
            resolver: GuardedResolver::new(&config.webhooks),
            webhooks: config.webhooks.clone(),
            signup_sms: config.signup_sms,
            app_url: config.app_url.clone(),
            public_url: config.public_url.clone(),
            clock: clock.clone(),
            sealer,
            db: db.clone(),
            scans: crate::state::Scans::for_pool(config.db_pool_size),
            account_limits: Arc::new(persistence::Limits {
                plans: config.plans.clone(),
                quotas: config.quotas,
                resend_interval_seconds: config.resend_interval_seconds,
            }),
            tokens: Tokens::new(&keys.jwt, config.token_ttl_seconds),
            sessions: config.sessions,
            passwords: Passwords::new(cores)?,
            limits: PublicLimits::new(
                config.public_rate_per_second,
                config.public_burst,
                config.trusted_proxies.clone(),
                buckets.clone(),
                clock.clone(),
            ),
            login_failures: LoginFailures::new(
                config.login_failure_burst,
                std::time::Duration::from_secs(u64::from(config.login_failure_interval_seconds)),
                buckets.clone(),
                clock.clone(),
            ),
            second_factor_failures: LoginFailures::new(
                domain::two_factor::FAILURE_BURST,
                std::time::Duration::from_secs(domain::two_factor::FAILURE_INTERVAL_SECONDS),
                buckets,
                clock.clone(),
            ),
            metrics: metrics.clone(),
            readiness: tokio::sync::Mutex::new(()),
            dev: dev.clone(),
            retention: config.retention,
        });
        let state_for_upkeep = state.clone();
        let signalled = Signalled::default();
        let operations = openapi::operations();
        let known = web::Data::new(KnownRoutes::from_document(&operations));
        // The document this server serves, made once for every worker: its plans, and its own
        // address, relative to where the document is read (`EXTRANET_PUBLIC_URL` may be a
        // frontend's site, and a proxy may stand in front).
        let served = openapi::complete(
            operations,
            &openapi::exact::Published {
                server_url: "/".into(),
                plans: config.plans.names().map(str::to_owned).collect(),
            },
        );
        let read_timeout = config.request_read_timeout;
        let cors_origins = config.cors_origins.clone();
        if !cors_origins.is_empty() {
            let origins: Vec<&str> = cors_origins.iter().collect();
            tracing::info!(origins = %origins.join(", "), "browser pages on these origins may call /v1/ (CORS)");
        }
        let server = HttpServer::new(move || {
            let recorder = metrics.clone();
            let origins = cors_origins.clone();
            // The routes' own document is the same for every worker: `served` is made of it.
            let (app, _) = App::new()
                // Innermost, so that every answer of the API — refusals too — passes through it,
                // and its own answers to preflights through everything else.
                .wrap(crate::cors::middleware(&cors_origins))
                .wrap(actix_web::middleware::from_fn(move |req, next| {
                    crate::cors::settle(origins.clone(), req, next)
                }))
                .wrap(ErrorHandlers::new().default_handler(problem::ensure_problem))
                .wrap(actix_web::middleware::from_fn(crate::auth::authenticate))
                .wrap_fn(crate::telemetry::request_scope)
                .wrap(TracingLogger::<RequestSpan>::new())
                // Every answer, errors included: browsers must not guess another content type
                // (a JSON body read as HTML), and nothing the API says — tokens, people, secrets
                // shown once — is kept by a browser or a shared cache. A route's own header wins.
                .wrap(
                    DefaultHeaders::new()
                        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                        .add((header::CACHE_CONTROL, "no-store")),
                )
                // Every request's body has a deadline; its payload is held until the answer is
                // sent, so that a connection whose body was not all read is closed.
                .wrap_fn(move |req, srv| crate::read_deadline::guard(read_timeout, req, srv))
                // Outermost: every request is counted and timed, whatever answered it.
                .wrap_fn(move |req, srv| crate::metrics::record(recorder.clone(), req, srv))
                .app_data(state.clone())
                .app_data(known.clone())
                .app_data(web::PathConfig::default().error_handler(|e, _| {
                    crate::extract::invalid_parameter(e, "path parameter").into()
                }))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    crate::extract::invalid_parameter(e, "query parameter").into()
                }))
                .into_utoipa_app()
                .openapi(<openapi::ApiDoc as utoipa::OpenApi>::openapi())
                .configure(routes::configure)
                .split_for_parts();
            let serves_dev = dev.is_some();
            app.configure(|cfg| {
                if serves_dev {
                    routes::dev::configure(cfg);
                }
            })
            .service(routes::accept_page::script)
            .service(routes::accept_page::style)
            .service(routes::accept_page::i18n)
            .service(routes::reset_password_page::script)
            .service(routes::reset_password_page::style)
            .service(routes::reset_password_page::i18n)
            .service(routes::join_page::script)
            .service(routes::join_page::style)
            .service(routes::join_page::i18n)
            // `/docs` as README and the contract write it: Swagger UI lives at `/docs/`.
            .route(
                "/docs",
                web::get().to(|| async {
                    actix_web::HttpResponse::PermanentRedirect()
                        .insert_header((header::LOCATION, "/docs/"))
                        .finish()
                }),
            )
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .external_url_unchecked("/openapi.json", served.clone())
                    .config(SwaggerConfig::default().persist_authorization(true)),
            )
            .default_service(web::to(unknown_route))
        })
        // Database work runs on blocking threads; a bounded number keeps memory bounded.
        .worker_max_blocking_threads(8)
        // A connection's first request head must arrive within the read deadline (408 and
        // closed otherwise); bodies, and later heads, have theirs in `read_deadline`.
        .client_request_timeout(read_timeout)
        .keep_alive(crate::read_deadline::KEEP_ALIVE)
        .on_connect(move |io, data| crate::read_deadline::watch_connection(read_timeout, io, data))
        .listen(listener)
        .map_err(|e| e.to_string())?
        // SIGTERM and SIGINT alike stop it gracefully (actix's own handling would drop the
        // requests in flight at SIGINT), noting when.
        .disable_signals()
        .shutdown_signal(signalled.clone().wait())
        .shutdown_timeout(REQUESTS_GRACE_SECONDS)
        .run();
        Ok(Self {
            server,
            port,
            state: state_for_upkeep,
            deliveries,
            webhooks,
            signalled,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that runs the upkeep once, now, as the minute's tick does (tests and QA let
    /// time pass with the clock and then ask for what the upkeep would have done meanwhile).
    pub fn upkeep(&self) -> crate::upkeep::Upkeep {
        crate::upkeep::Upkeep::new(self.state.clone())
    }

    /// Serves until the server is stopped, delivering messages and keeping house meanwhile.
    /// SIGTERM (or SIGINT) stops it gracefully: no new connections, the requests in flight
    /// finish (for [`REQUESTS_GRACE_SECONDS`] at most), then the delivery workers finish the
    /// messages in hand (for [`WORKERS_GRACE`] at most); the time it took is logged.
    pub async fn run(self) -> std::io::Result<()> {
        let state = self.state.clone();
        let upkeep = tokio::spawn(async move {
            let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every_minute.tick().await;
                // Failures are logged; the next minute tries again.
                let _ = crate::upkeep::run_once(&state).await;
            }
        });
        let (stop, stopping) = Stopping::new();
        let worker = tokio::spawn(self.deliveries.run(stopping.clone()));
        let webhooks = tokio::spawn(self.webhooks.run(stopping));
        let served = self.server.await;
        let requests_done = std::time::Instant::now();
        upkeep.abort();
        stop.stop();
        let (worker_abort, webhooks_abort) = (worker.abort_handle(), webhooks.abort_handle());
        let workers = async {
            let _ = tokio::join!(worker, webhooks);
        };
        let workers_stopped = tokio::time::timeout(WORKERS_GRACE, workers).await.is_ok();
        if !workers_stopped {
            worker_abort.abort();
            webhooks_abort.abort();
        }
        let since = self.signalled.at().unwrap_or(requests_done);
        tracing::info!(
            shutdown_ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX),
            requests_ms =
                u64::try_from(requests_done.duration_since(since).as_millis()).unwrap_or(u64::MAX),
            workers_stopped,
            "shut down"
        );
        served
    }
}

/// The paths the API has, with their methods: what a request that matched no route is told.
pub struct KnownRoutes(Arc<Vec<(ResourceDef, Vec<Method>)>>);

impl KnownRoutes {
    fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (&item.get, Method::GET),
                    (&item.post, Method::POST),
                    (&item.put, Method::PUT),
                    (&item.patch, Method::PATCH),
                    (&item.delete, Method::DELETE),
                ]
                .into_iter()
                .filter(|(op, _)| op.is_some())
                .map(|(_, m)| m)
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(Arc::new(routes))
    }
}

/// 405 with `Allow` for a known path with another method; 404 otherwise.
async fn unknown_route(
    req: HttpRequest,
    known: web::Data<KnownRoutes>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let path = req.path();
    // A path of its own (`/v1/invitations/accept`) before a pattern that also matches it
    // (`/v1/invitations/{id}`).
    let matched = known
        .0
        .iter()
        .filter(|(def, _)| def.is_match(path))
        .min_by_key(|(def, _)| def.pattern().is_some_and(|p| p.contains('{')));
    Err(match matched {
        Some((_, methods)) => {
            let allow: Vec<&str> = methods.iter().map(Method::as_str).collect();
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!(
                    "{} {path} does not exist; allowed: {}",
                    req.method(),
                    allow.join(", ")
                ),
            )
            .with_header(header::ALLOW, allow.join(", "))
        }
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no {path}"),
        ),
    })
}
