//! The contract between a feature and the composition root
//! (`crate::features`): what a feature brings to the server besides its
//! pages and server functions. Infrastructure never names a feature; it
//! takes these, and the composition root lists the features once.

use std::{future::Future, pin::Pin};

use axum::Router;
use sea_orm::DbErr;

use super::{AppState, cookies::CookieKind};

/// Work a feature does in the background, over the shared state.
pub type Task<'a, T> = Pin<Box<dyn Future<Output = Result<T, DbErr>> + Send + 'a>>;

/// What was deleted or done, by kind, for the log and for `portal purge`:
/// `("expired sessions", 3)`. Counts only, never what they were.
pub type Counts = Vec<(&'static str, u64)>;

/// One feature, as the server sees it.
pub struct Feature {
    /// A short name, for logs.
    pub name: &'static str,
    /// Plain axum routes (downloads, webhooks, redirects to providers),
    /// beside the Leptos pages and server functions.
    pub routes: fn() -> Router<AppState>,
    /// Paths whose requests may carry a body as large as an upload (a
    /// résumé); every other request keeps the default limit.
    pub upload_paths: &'static [&'static str],
    /// Every cookie the feature can set; a `Set-Cookie` is made only
    /// through one of these, and a test compares them with the privacy
    /// policy's table.
    pub cookies: &'static [&'static CookieKind],
    /// Deletes what has outlived its retention period. Runs every few
    /// minutes and from `portal purge`; running it twice does nothing more.
    pub purge: for<'a> fn(&'a AppState) -> Task<'a, Counts>,
    /// Other periodic work (digests), after the purge; not run by
    /// `portal purge`.
    pub periodic: for<'a> fn(&'a AppState) -> Task<'a, Counts>,
    /// Work that cannot wait for the housekeeping (a campaign's next
    /// batch): runs every few seconds, so it must cost next to nothing
    /// when there is nothing to do.
    pub tick: for<'a> fn(&'a AppState) -> Task<'a, Counts>,
    /// Told of every page the server answered with (a `GET` answered 200
    /// with HTML, from the page cache or not), after the answer is made.
    /// Runs on the request path: it must not wait for anything.
    pub page_served: fn(&AppState, &PageRequest<'_>),
}

/// A page request, as [`Feature::page_served`] sees it.
pub struct PageRequest<'a> {
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a axum::http::HeaderMap,
    pub peer: Option<std::net::SocketAddr>,
}

impl Feature {
    /// A feature with nothing for the server yet; set what it has.
    pub const fn named(name: &'static str) -> Self {
        Self {
            name,
            routes: Router::new,
            upload_paths: &[],
            cookies: &[],
            purge: nothing,
            periodic: nothing,
            tick: nothing,
            page_served: |_, _| {},
        }
    }
}

fn nothing(_: &AppState) -> Task<'_, Counts> {
    Box::pin(async { Ok(Counts::new()) })
}
