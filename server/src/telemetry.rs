//! Logging with `tracing`: an env filter (`RUST_LOG`, else the configured
//! filter), pretty or JSON lines on standard error.
//!
//! Log lines carry ids, counts and codes — never a personal field, token,
//! password or secret.

use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

use crate::config::LogFormat;

/// Installs the global subscriber. Calling it twice is harmless (the second
/// call changes nothing), which keeps tests simple.
pub fn init(format: LogFormat, default_filter: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(default_filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Pretty => registry
            .with(fmt::layer().with_writer(std::io::stderr).with_target(false))
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_writer(std::io::stderr)
                    .with_current_span(true)
                    .flatten_event(true),
            )
            .try_init(),
    };
    // Already installed (a second start in the same process): keep it.
    drop(result);
}
