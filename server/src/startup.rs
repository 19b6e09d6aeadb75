//! Builds the application: database, migrations, state, router, listener.

use std::{
    future::Future,
    net::SocketAddr,
    sync::{Arc, OnceLock},
    time::Duration,
};

use app::{
    accounts::ssr::{Providers, session},
    app::{App, shell},
    cla::ssr::WebhookSettings,
    forum::ssr::{ForumSettings, RecentMatches},
    insights::{
        countries_ssr::Countries,
        recording_ssr::{InsightSettings, Recorder},
        releases_ssr::CallHome,
    },
    jobs::ssr::JobSettings,
    mail_lists::campaigns_ssr::{CampaignSettings, Tally},
    privacy::{PrivacySettings, manifest::RetentionSettings},
    ssr::{
        AppState, Clock, SiteSettings, content_security_policy, db,
        files::{Files, LocalStore},
        mail::{self, Transport},
        rate_limit::{Limiter, PerIpLimits},
    },
};
use axum::{
    Router,
    extract::State,
    http::{Extensions, HeaderName, HeaderValue, StatusCode, header},
    middleware::{from_fn, from_fn_with_state},
    response::IntoResponse,
    routing::get,
};
use leptos::{config::LeptosOptions, nonce::provide_nonce};
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list,
};
use migrations::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    ServiceBuilderExt,
    compression::CompressionLayer,
    request_id::MakeRequestUuid,
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{
    assets,
    config::Config,
    middleware::{
        BodyLimits, RequestSpan, SiteOrigin, limit_body, refuse_cross_site_writes,
        server_fn_error_status,
    },
    page_cache::{self, PageCache},
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] db::ConnectError),
    #[error("could not apply the database migrations: {0}")]
    Migrate(sea_orm::DbErr),
    #[error("could not prepare the rate limiter: {0}")]
    Limiter(sea_orm::DbErr),
    #[error("mail: {0}")]
    Mail(#[from] mail::TransportError),
    #[error("server key: {0}")]
    Key(#[from] app::ssr::server_key::KeyError),
    #[error("PORTAL_GEOIP_DB: {0}")]
    GeoIp(String),
    #[error("could not set up the HTTP client for sign-in providers: {0}")]
    HttpClient(String),
    #[error("could not listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
}

/// The build files' name without a digest (`pkg/portal.wasm`), as the
/// server was compiled to expect them.
const PLAIN_NAME: &str = match option_env!("LEPTOS_OUTPUT_NAME") {
    Some(name) => name,
    None => "portal",
};

/// Told of each statement run, with its values.
pub type StatementObserver = Arc<dyn Fn(&sea_orm::Statement) + Send + Sync>;

/// A built application, bound to its port, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    mailer: Option<mail::Worker>,
    housekeeping: bool,
}

/// How often the mail worker looks for due mail.
const MAIL_POLL: Duration = Duration::from_secs(2);
/// Largest body of the job application form (see [`BodyLimits`]).
const UPLOAD_LIMIT: usize = 12 * 1024 * 1024;
/// How often expired rows are deleted and the features' periodic work runs.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);
/// How often the features' frequent work (a campaign's next batch) runs.
const TICK_EVERY: Duration = Duration::from_secs(5);

impl Application {
    pub async fn build(config: &Config, clock: Clock) -> Result<Self, StartupError> {
        Self::build_observed(config, clock, None).await
    }

    /// [`Application::build`], with `observer` called for every statement
    /// the request handlers' database pools run (the tests count the
    /// queries of a whole request with it).
    pub async fn build_observed(
        config: &Config,
        clock: Clock,
        observer: Option<StatementObserver>,
    ) -> Result<Self, StartupError> {
        let db = connect(config).await?;
        if config.auto_migrate {
            Migrator::up(&db, None)
                .await
                .map_err(StartupError::Migrate)?;
        }
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartupError::Listen {
                    address: config.listen,
                    source,
                })?;
        let mut state = app_state(config, db, clock).await?;
        if let Some(observer) = observer {
            for pool in [&mut state.db, &mut state.reads] {
                let observer = Arc::clone(&observer);
                pool.set_metric_callback(move |info| observer(info.statement));
            }
        }
        let transport = match &config.smtp_url {
            Some(url) => Transport::smtp(
                url.expose_secret(),
                config.smtp_ca_file.as_deref().map(std::path::Path::new),
            )?,
            None => Transport::files(&config.mail_dir)?,
        };
        let mailer = mail::Worker::new(
            state.db.clone(),
            state.clock.clone(),
            transport,
            &config.mail_from,
        )?
        .unsubscribing_by_mail_at(
            config
                .mail_unsubscribe_address
                .as_deref()
                .and_then(|address| address.parse().ok()),
        );
        let mailer = config.mail_worker.then_some(mailer);
        let router = router(state.clone(), config);
        Ok(Self {
            listener,
            router,
            state,
            mailer,
            housekeeping: config.housekeeping,
        })
    }

    /// The port actually bound (useful when the configuration asked for 0).
    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let mailer = self
            .mailer
            .map(|mailer| tokio::spawn(mailer.run(MAIL_POLL)));
        let state = self.state.clone();
        // Each feature logs its own failures; the next round tries again.
        let housekeeping = self.housekeeping.then(|| {
            tokio::spawn(async move {
                let mut last = None::<tokio::time::Instant>;
                loop {
                    if last.is_none_or(|at| at.elapsed() >= HOUSEKEEPING_EVERY) {
                        let _ = app::features::purge(&state).await;
                        let _ = app::features::periodic(&state).await;
                        last = Some(tokio::time::Instant::now());
                    }
                    let _ = app::features::tick(&state).await;
                    tokio::time::sleep(TICK_EVERY).await;
                }
            })
        });
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        // Unsent mail stays in the outbox for the next start.
        if let Some(mailer) = mailer {
            mailer.abort();
        }
        if let Some(housekeeping) = housekeeping {
            housekeeping.abort();
        }
        served?;
        // The readers first: the writer's close folds the write-ahead log
        // into the database only once it is the last connection.
        if let Err(error) = self.state.reads.close().await {
            tracing::warn!(%error, "closing the read pool");
        }
        if let Err(error) = self.state.db.close().await {
            tracing::warn!(%error, "closing the database pool");
        }
        Ok(())
    }
}

/// The state shared by every request, over an open database.
pub async fn app_state(
    config: &Config,
    db: DatabaseConnection,
    clock: Clock,
) -> Result<AppState, StartupError> {
    let leptos_options = LeptosOptions::builder()
        .output_name(assets::build_name(&config.site_root, PLAIN_NAME))
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build();
    let server_key = config.server_key()?;
    let reads = db::connect_reads(config.database_url.expose_secret(), &db, None).await?;
    let providers = Providers::new(config.sign_in_providers(), &config.base_url)
        .map_err(|error| StartupError::HttpClient(error.to_string()))?;
    let mut features = Extensions::new();
    features.insert(ForumSettings {
        held_posts: config.forum_held_posts,
        matches: RecentMatches::default(),
    });
    features.insert(RetentionSettings {
        application_days: config.application_retention_days,
    });
    features.insert(PrivacySettings {
        contact: config.privacy_contact(),
    });
    features.insert(Files(Arc::new(LocalStore::new(&config.upload_dir))));
    features.insert(CampaignSettings {
        per_minute: config.mail_rate_per_minute,
        tracking: config.mail_tracking,
        tally: Tally::default(),
    });
    features.insert(Recorder::start(
        db.clone(),
        clock.clone(),
        &server_key,
        &config.base_url,
        InsightSettings {
            enabled: config.insights,
            keep_days: config.insights_keep_days,
            per_address_per_minute: config.insights_views_per_minute,
            countries: config
                .geoip_db
                .as_deref()
                .map(|path| Countries::open(path).map(Arc::new))
                .transpose()
                .map_err(StartupError::GeoIp)?,
        },
    ));
    features.insert(CallHome::new(&server_key));
    features.insert(
        app::insights::published::ReportAudience::parse(&config.usage_report)
            .unwrap_or(app::insights::published::ReportAudience::Nobody),
    );
    features.insert(JobSettings {
        retention_days: config.application_retention_days,
    });
    features.insert(
        WebhookSettings::new(
            config.github_webhook_secret.clone(),
            config.github_status_token.clone(),
            &config.github_api_url,
        )
        .map_err(|error| StartupError::HttpClient(error.to_string()))?,
    );
    let site = SiteSettings {
        base_url: config.base_url.clone(),
        trust_forwarded_for: config.trust_forwarded_for,
        form_origins: providers.form_origins(),
    };
    features.insert(providers);
    Ok(AppState {
        reads,
        limiter: Limiter::load(&db, server_key.clone())
            .await
            .map_err(StartupError::Limiter)?
            .with_per_ip(PerIpLimits {
                registrations_per_hour: config.registrations_per_ip_per_hour,
                sign_ins_per_10_minutes: config.sign_ins_per_ip_per_10_minutes,
                forum_posts_per_10_minutes: config.forum_posts_per_ip_per_10_minutes,
            }),
        server_key,
        mail_folder: config
            .smtp_url
            .is_none()
            .then(|| std::path::PathBuf::from(&config.mail_dir)),
        db,
        clock,
        site: Arc::new(site),
        features: Arc::new(features),
        leptos_options,
    })
}

/// Opens the configured database.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, db::ConnectError> {
    db::connect(
        config.database_url.expose_secret(),
        config.database_max_connections,
    )
    .await
}

/// The application's routes, worked out once per process. Working them out
/// renders the app with resource loading switched off process-wide (a
/// global flag in Leptos), and a page rendered by another server in this
/// process during that window would wait forever for its data.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState, config: &Config) -> Router {
    let routes = route_list();
    let leptos_options = state.leptos_options.clone();
    let page_cache = PageCache::new(config.page_cache_seconds, state.reads.clone());
    let site_origin = SiteOrigin(origin_of(&config.base_url));
    let build = assets::Build::new(&leptos_options.output_name, PLAIN_NAME);
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(app::features::routes())
        .leptos_routes_with_context(&state, routes, provide_nonce, move || {
            shell(leptos_options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            provide_nonce,
            shell,
        ))
        .with_state(state.clone())
        .layer(from_fn_with_state(state.clone(), session::load))
        .layer(from_fn(server_fn_error_status))
        .layer(from_fn_with_state(site_origin, refuse_cross_site_writes))
        .layer(from_fn_with_state(page_cache, page_cache::serve))
        .layer(from_fn_with_state(build, assets::caching))
        .layer(from_fn_with_state(state, crate::middleware::pages_served));
    with_security_headers(router, config.base_url.starts_with("https://")).layer(
        ServiceBuilder::new()
            .set_x_request_id(MakeRequestUuid)
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(RequestSpan)
                    .on_response(DefaultOnResponse::new().level(Level::INFO))
                    // Every response, failed or not, has its line above;
                    // a second line per 5xx would turn a flood of `busy`
                    // answers into a flood of errors. Causes are logged
                    // where they happen.
                    .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
            )
            .propagate_x_request_id()
            .layer(CompressionLayer::new())
            .layer(from_fn_with_state(
                BodyLimits {
                    default: config.body_limit_bytes,
                    upload: UPLOAD_LIMIT,
                },
                limit_body,
            ))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                Duration::from_secs(config.request_timeout_secs),
            )),
    )
}

/// Headers on every response. HTML pages set their own
/// Content-Security-Policy with a fresh nonce; everything else gets the
/// strictest one.
fn with_security_headers(router: Router, https: bool) -> Router {
    let fixed = HeaderValue::from_static;
    let fallback_csp = HeaderValue::from_str(&content_security_policy(None, &[]))
        .unwrap_or_else(|_| fixed("default-src 'none'; frame-ancestors 'none'"));
    let permissions = fixed(
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
         interest-cohort=(), browsing-topics=()",
    );
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            fallback_csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            fixed("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            fixed("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            fixed("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            permissions,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            https.then(|| fixed("max-age=31536000; includeSubDomains")),
        ))
}

fn origin_of(base_url: &str) -> String {
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("http", base_url));
    let host = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
