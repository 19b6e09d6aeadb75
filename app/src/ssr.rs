//! Server-only infrastructure shared by every feature: state, database,
//! clock, Markdown, the feature contract, and the Content-Security-Policy
//! of the HTML pages.

mod clock;
pub mod cookies;
pub mod dates;
pub mod db;
pub mod feature;
pub mod files;
pub mod mail;
pub mod mail_lists;
pub mod markdown;
pub mod rate_limit;
pub mod request;
pub mod server_key;
mod shell;
mod state;
pub mod tokens;

pub use clock::Clock;
pub use shell::{SHARED_PAGE_HEADER, content_security_policy, mark_page_shared};
pub use state::{AppState, SiteSettings};

use crate::error::AppError;

/// Logs a database error with what was being done, and returns the error
/// the browser may see. The database's own text never leaves the server.
pub fn db_error(action: &'static str, error: sea_orm::DbErr) -> AppError {
    let unavailable = matches!(
        error,
        sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_)
    );
    tracing::error!(action, error = %error, "database error");
    if unavailable {
        AppError::Unavailable
    } else {
        AppError::Internal
    }
}

/// Deletes what the shared infrastructure keeps past its time: old
/// rate-limit counters and past days' keys, finished mail and
/// old `.eml` files, unsubscribe links older than a year. The features
/// purge their own rows (see `crate::features::housekeeping`).
pub async fn purge(state: &AppState) -> Result<feature::Counts, sea_orm::DbErr> {
    let now = state.clock.now();
    let files = match state
        .mail_folder
        .as_deref()
        .map(|f| mail::purge_files(f, now))
    {
        Some(Ok(files)) => files,
        Some(Err(error)) => {
            tracing::warn!(%error, "deleting old .eml files failed");
            0
        }
        None => 0,
    };
    Ok(vec![
        (
            "old rate-limit counters",
            rate_limit::purge(&state.db, now).await?,
        ),
        ("finished mail", mail::purge(&state.db, now).await?),
        ("old mail files", files),
        (
            "old unsubscribe links",
            mail_lists::purge_links(&state.db, now).await?,
        ),
    ])
}

/// A bare response with the status of `error`, for plain axum handlers
/// (downloads) whose clients need no body.
pub fn error_status(error: &crate::error::AppError) -> axum::response::Response {
    use axum::{http::StatusCode, response::IntoResponse};
    StatusCode::from_u16(error.status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        .into_response()
}

/// Sets the status code of the page being rendered.
pub fn set_response_status(status: u16) {
    if let (Some(response), Ok(code)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
}
