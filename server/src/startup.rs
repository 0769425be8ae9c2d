//! Building and running the application: read configuration, open the
//! database (migrations included), assemble the router, serve until SIGTERM
//! or Ctrl-C, then drain in-flight requests.

use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::compression::CompressionLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};
use utoipa_swagger_ui::SwaggerUi;

use app::backend::access::session_store::DbSessionStore;
use app::backend::rate_limit::RateLimiter;
use app::backend::state::Shared;
use app::backend::{AppState, Config, ConfigError, Db, DbError, settings};
use app::{App, AppError, shell};

use crate::csrf::{self, AllowedOrigins};
use crate::mail_worker::{MailWorker, TransportError};
use crate::metrics::{self, HttpMetrics};
use crate::security_headers;
use crate::webhook_worker::WebhookWorker;
use crate::{ops, rest, rpc_status};

/// Sessions end after this long without a request.
const SESSION_INACTIVITY: time::Duration = time::Duration::days(7);

/// Why Portico could not start; printed as one line before exiting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] TransportError),
    #[error("cannot set up the webhook client: {0}")]
    Webhooks(#[from] reqwest::Error),
    #[error("cannot read or store the secret: {0}")]
    Secret(app::AppError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

/// A built application bound to its port, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    mail_worker: MailWorker,
    webhook_worker: WebhookWorker,
    /// Whether `serve_until` runs the mail and webhook workers (always,
    /// except in tests that drive them: [`Application::without_workers`]).
    workers: bool,
    pub state: AppState,
}

impl Application {
    /// Connects to the database, runs migrations and binds the address.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(StartError::Serve)?;
        let state = state_at(config, addr).await?;
        let mail_worker =
            MailWorker::new(state.db.clone(), &state.config.mail, &state.config.base_url)?;
        let webhook_worker = WebhookWorker::new(state.clone())?;
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            mail_worker,
            webhook_worker,
            workers: true,
            state,
        })
    }

    /// Serves without the mail and webhook workers: the caller runs their
    /// due work itself ([`MailWorker::deliver_all_due`],
    /// [`WebhookWorker::deliver_due`]), as the tests do.
    pub fn without_workers(mut self) -> Self {
        self.workers = false;
        self
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests and
    /// the mail in hand finish. Background work (mail delivery, expired
    /// session clean-up) runs alongside.
    pub async fn serve_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let (mail, webhooks) = if self.workers {
            (
                Some(tokio::spawn(self.mail_worker.run(stop_rx.clone()))),
                Some(tokio::spawn(self.webhook_worker.run(stop_rx.clone()))),
            )
        } else {
            (None, None)
        };
        let sweeper = tokio::spawn(housekeeping(self.state.clone(), stop_rx));
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartError::Serve);
        let _ = stop_tx.send(true);
        for worker in [mail, webhooks].into_iter().flatten() {
            let _ = worker.await;
        }
        let _ = sweeper.await;
        served
    }
}

/// The state every service receives, from a configuration: connects to
/// the database (and migrates it) and loads or creates the secret. Binds
/// no port: [`Application::build`] adds the listener; service tests use
/// the state alone.
pub async fn app_state(config: Config) -> Result<AppState, StartError> {
    let addr = config.addr;
    state_at(config, addr).await
}

/// [`app_state`] for a server bound to `addr`.
async fn state_at(config: Config, addr: SocketAddr) -> Result<AppState, StartError> {
    let db = Db::connect(
        config.database_url.expose_secret(),
        config.db_kind,
        config.db_pool_size,
    )
    .await?;
    let secret = settings::load_or_create_secret(
        &db,
        config.secret.as_ref().map(ExposeSecret::expose_secret),
    )
    .await
    .map_err(StartError::Secret)?;
    Ok(AppState::new(Shared {
        limiter: RateLimiter::new(db.clone(), config.rate_limits.clone()),
        dns: app::backend::dns::Dns::new(config.dns_resolver),
        keys: app::backend::signing_keys::SigningKeys::new(db.clone()),
        leptos_options: leptos_options(addr, &config),
        db,
        config: Arc::new(config),
        secret: secret.into(),
    }))
}

/// Where cargo-leptos put the WASM, JS and CSS, and the address actually
/// bound. A release build names its files by content hash and lists the
/// hashes in `hash.txt` beside the binary (cargo-leptos `hash-files`); Leptos
/// links the hashed names when that file is there.
fn leptos_options(addr: std::net::SocketAddr, config: &Config) -> LeptosOptions {
    let hash_file = "hash.txt";
    let hashed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(hash_file).is_file()))
        .unwrap_or(false);
    LeptosOptions::builder()
        .output_name("portico")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hashed)
        .hash_file(hash_file.into())
        .build()
}

/// Every minute: deletes expired sessions and ended rate-limit windows,
/// marks invitations past their expiry as expired, queues the reminders
/// that are due, and deletes webhook deliveries and finished mails past
/// their 30 days, and OpenID codes and refresh-token families past their end;
/// mails managers the join requests they have not heard of (hourly at most);
/// recounts the next few tenants' counters and corrects any drift.
async fn housekeeping(state: AppState, mut stop: watch::Receiver<bool>) {
    let db = state.db.clone();
    let sessions = DbSessionStore::new(db.clone());
    let mut recount_from = 0;
    loop {
        if let Err(e) = state.limiter.sweep().await {
            tracing::warn!(error = ?e, "rate limit clean-up failed");
        }
        if let Err(e) = sessions.delete_expired().await {
            tracing::warn!(error = %e, "expired session clean-up failed");
        }
        if let Err(e) = app::backend::onboarding::invites::sweep(&db).await {
            tracing::warn!(error = ?e, "invitation expiry sweep failed");
        }
        if let Err(e) = app::backend::onboarding::invites::send_reminders(&state).await {
            tracing::warn!(error = ?e, "invitation reminders failed");
        }
        if let Err(e) = app::backend::delivery::webhooks::prune_deliveries(&db).await {
            tracing::warn!(error = ?e, "webhook delivery clean-up failed");
        }
        if let Err(e) = app::backend::delivery::mail::prune_outbox(&db).await {
            tracing::warn!(error = ?e, "mail outbox clean-up failed");
        }
        if let Err(e) = app::backend::onboarding::join_requests::mail_due_digests(&state).await {
            tracing::warn!(error = ?e, "join request digests failed");
        }
        if let Err(e) = app::backend::oidc::tokens::delete_expired(&state).await {
            tracing::warn!(error = ?e, "expired OpenID codes and grants clean-up failed");
        }
        match app::backend::tenant_admin::counters::repair_batch(
            &db,
            recount_from,
            app::backend::tenant_admin::counters::REPAIR_BATCH,
        )
        .await
        {
            Ok((next, _)) => recount_from = next,
            Err(e) => tracing::warn!(error = ?e, "tenant counter repair failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// The whole HTTP surface: pages, server functions, REST, operational
/// endpoints, with sessions, CSRF protection, metrics and compression.
pub fn router(state: AppState) -> Router {
    let http_metrics = HttpMetrics::default();
    let routes = generate_route_list(App);
    let leptos_routes = Router::<AppState>::new()
        .leptos_routes_with_context(&state, routes, app::i18n::provide_from_request, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::page_language::choose,
        ));

    let ops = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz));
    let metrics_route = Router::new()
        .route("/metrics", get(metrics::render))
        .with_state(metrics::MetricsEndpoint {
            metrics: http_metrics.clone(),
            token: state
                .config
                .metrics_token
                .as_ref()
                .map(|t| Arc::from(t.expose_secret())),
        });
    let page_headers = security_headers::PageHeaders::new(&state.config);
    let (api, openapi) = rest::router_and_document();
    let openapi = rest::served_openapi(openapi, &state.config);
    let api = api
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .route("/api", axum::routing::any(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found));

    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("portico_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(SESSION_INACTIVITY))
        .with_signed(cookie_key(state.secret.expose_secret()));
    let own_origins = AllowedOrigins(Arc::new(vec![state.config.base_url.clone()]));

    Router::new()
        .merge(ops)
        .merge(api)
        .merge(crate::oidc::router())
        .merge(crate::scim::router())
        .merge(crate::sso::router())
        .merge(crate::assets::pkg_router(&state.config.site_root))
        .merge(leptos_routes)
        .with_state(state)
        .merge(metrics_route)
        .layer(axum::middleware::from_fn(rpc_status::set_error_status))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            own_origins,
            csrf::protect,
        ))
        .layer(axum::middleware::from_fn_with_state(
            http_metrics,
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(crate::assets::cache_control))
        .layer(axum::middleware::from_fn_with_state(
            page_headers,
            security_headers::add,
        ))
        .layer(CompressionLayer::new())
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                // As tower-http's default span, with tokens in the URL redacted.
                |req: &http::Request<axum::body::Body>| {
                    tracing::debug_span!(
                        target: "tower_http::trace::make_span",
                        "request",
                        method = %req.method(),
                        uri = %crate::redact::redact(&req.uri().to_string()),
                        version = ?req.version(),
                    )
                },
            ),
        )
}

/// The key that signs session cookies, derived from Portico's secret.
fn cookie_key(secret: &str) -> Key {
    use sha2::{Digest, Sha512};
    let digest = Sha512::digest(format!("portico session cookie\n{secret}"));
    Key::from(digest.as_slice())
}

/// Unknown REST paths answer with the JSON error body, not the HTML 404.
async fn api_not_found() -> AppError {
    AppError::NotFound
}

/// Logs as plain text; `RUST_LOG` filters (default: info).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, draining requests");
}

/// The `portico` binary: configure, build, serve.
pub async fn run() -> Result<(), StartError> {
    let config = Config::from_env()?;
    init_tracing();
    let app = Application::build(config).await?;
    let code = crate::memory::drop_start_up_code();
    tracing::debug!(bytes = code, "start-up's code pages unmapped");
    tracing::info!(addr = %app.state.leptos_options.site_addr, "Portico listening");
    app.serve_until(shutdown_signal()).await
}
