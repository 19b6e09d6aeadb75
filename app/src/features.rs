//! The composition root on the server side: every feature, listed once,
//! and what the server does with all of them together. Adding a feature
//! is its folder and one line in [`ALL`].

use axum::Router;
use sea_orm::DbErr;

use crate::ssr::{
    AppState,
    cookies::CookieKind,
    feature::{Counts, Feature, Task},
};

/// Every feature that brings something to the server.
pub const ALL: &[Feature] = &[
    crate::accounts::ssr::FEATURE,
    crate::forum::ssr::FEATURE,
    crate::moderation::ssr::FEATURE,
    crate::cla::ssr::FEATURE,
    crate::jobs::ssr::FEATURE,
    crate::mail_lists::FEATURE,
    crate::insights::FEATURE,
    crate::privacy::ssr::FEATURE,
];

/// The plain axum routes of every feature.
pub fn routes() -> Router<AppState> {
    ALL.iter().fold(Router::new(), |router, feature| {
        router.merge((feature.routes)())
    })
}

/// Every cookie the portal can set.
pub fn cookies() -> impl Iterator<Item = &'static CookieKind> {
    ALL.iter()
        .flat_map(|feature| feature.cookies.iter().copied())
}

/// Tells every feature of a page the server answered with.
pub fn page_served(state: &AppState, request: &crate::ssr::feature::PageRequest<'_>) {
    for feature in ALL {
        (feature.page_served)(state, request);
    }
}

/// Whether requests to `path` may carry a body as large as an upload.
pub fn is_upload(path: &str) -> bool {
    ALL.iter()
        .any(|feature| feature.upload_paths.contains(&path))
}

/// Deletes what has outlived its retention: the shared rows first, then
/// each feature's. A part that fails is logged and the others still run; the first failure is returned. Runs every few minutes
/// and from `portal purge`.
pub async fn purge(state: &AppState) -> Result<Counts, DbErr> {
    let (mut counts, shared) = match crate::ssr::purge(state).await {
        Ok(counts) => (counts, None),
        Err(error) => {
            tracing::warn!(%error, "purging the shared rows failed");
            (Counts::new(), Some(error))
        }
    };
    let failed = run(state, |feature| feature.purge, &mut counts).await;
    if counts.iter().any(|(_, n)| *n > 0) {
        tracing::info!(deleted = %summary(&counts), "expired rows deleted");
    }
    shared.or(failed).map_or(Ok(counts), Err)
}

/// Each feature's other periodic work (digests), after [`purge`].
pub async fn periodic(state: &AppState) -> Result<Counts, DbErr> {
    let mut counts = Counts::new();
    let failed = run(state, |feature| feature.periodic, &mut counts).await;
    if counts.iter().any(|(_, n)| *n > 0) {
        tracing::info!(done = %summary(&counts), "periodic work done");
    }
    failed.map_or(Ok(counts), Err)
}

/// Each feature's frequent work (a campaign's next batch): every few
/// seconds while the housekeeping runs.
pub async fn tick(state: &AppState) -> Result<Counts, DbErr> {
    let mut counts = Counts::new();
    let failed = run(state, |feature| feature.tick, &mut counts).await;
    if counts.iter().any(|(_, n)| *n > 0) {
        tracing::info!(done = %summary(&counts), "frequent work done");
    }
    failed.map_or(Ok(counts), Err)
}

/// Runs one task of every feature, adding to `counts`; the first error.
async fn run(
    state: &AppState,
    task: impl Fn(&Feature) -> for<'a> fn(&'a AppState) -> Task<'a, Counts>,
    counts: &mut Counts,
) -> Option<DbErr> {
    let mut first = None;
    for feature in ALL {
        match task(feature)(state).await {
            Ok(done) => counts.extend(done),
            Err(error) => {
                tracing::warn!(feature = feature.name, %error, "background work failed");
                first.get_or_insert(error);
            }
        }
    }
    first
}

/// `expired sessions: 3, finished mail: 1`, leaving out the zeros.
pub fn summary(counts: &Counts) -> String {
    counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{what}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
