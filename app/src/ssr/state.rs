use std::sync::Arc;

use axum::{extract::FromRef, http::Extensions};
use leptos::prelude::*;
use sea_orm::DatabaseConnection;

use super::{Clock, rate_limit::Limiter};
use crate::error::AppError;

/// Settings the features need at run time.
#[derive(Clone, Debug)]
pub struct SiteSettings {
    /// The address people use to reach the site, e.g. `https://community.example.org`.
    pub base_url: String,
    /// Behind a reverse proxy: take the client's address from the last
    /// entry of `X-Forwarded-For` instead of the connection.
    pub trust_forwarded_for: bool,
    /// Other sites the sign-in forms may post to (the providers' origins),
    /// for the Content-Security-Policy's `form-action`.
    pub form_origins: Vec<String>,
}

impl SiteSettings {
    /// Whether the site is served over TLS (secure cookies, `__Host-` prefix).
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Everything a request handler or server function shares: provided once
/// at start-up, cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The pool for writes, and for reads that must see them.
    pub db: DatabaseConnection,
    /// A pool for pages and listings that only read: on SQLite, separate
    /// connections that never wait behind a write (see `db::connect_reads`).
    pub reads: DatabaseConnection,
    pub clock: Clock,
    pub site: Arc<SiteSettings>,
    pub limiter: Limiter,
    /// Seals secrets kept in the database; never stored there itself.
    pub server_key: super::server_key::ServerKey,
    /// Where mail is written as `.eml` files when no SMTP server is set
    /// (cleared out by housekeeping).
    pub mail_folder: Option<std::path::PathBuf>,
    /// Each feature's own settings, by type (see [`AppState::settings`]).
    pub features: Arc<Extensions>,
    pub leptos_options: LeptosOptions,
}

impl AppState {
    /// A feature's settings, which the server provides at start-up: the
    /// shared state holds them without knowing the features.
    pub fn settings<T: Send + Sync + 'static>(&self) -> Result<&T, AppError> {
        self.features.get::<T>().ok_or_else(|| {
            tracing::error!(
                settings = std::any::type_name::<T>(),
                "feature settings not provided at start-up"
            );
            AppError::Internal
        })
    }

    /// The state provided to server functions and pages.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            AppError::Internal
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
