//! Insights: visit statistics that identify no one (promises P1, P2, P4).
//! The server counts the pages it serves (`recording_ssr`): every page is
//! a page load, and the browser runs no script to count. The company's products call home
//! too: they ask for updates (`releases_ssr`) and send anonymous usage
//! reports (`usage_ssr`).

#[cfg(feature = "ssr")]
pub mod countries_ssr;
pub mod dashboard;
pub mod dashboard_page;
pub mod installs;
pub mod installs_page;
#[cfg(feature = "ssr")]
pub mod installs_ssr;
pub mod published;
#[cfg(feature = "ssr")]
pub mod published_ssr;
#[cfg(feature = "ssr")]
pub mod recording_ssr;
pub mod releases;
#[cfg(feature = "ssr")]
pub mod releases_ssr;
#[cfg(feature = "ssr")]
pub mod summary_ssr;
#[cfg(feature = "ssr")]
pub mod usage_ssr;

/// What insights bring to the server: the exports and feeds, the page hook and the
/// retention of raw views.
#[cfg(feature = "ssr")]
pub const FEATURE: crate::ssr::feature::Feature = crate::ssr::feature::Feature {
    routes: || {
        axum::Router::new()
            .route(
                "/admin/insights.csv",
                axum::routing::get(summary_ssr::export),
            )
            .route(
                releases_ssr::UPDATES_PATH,
                axum::routing::get(releases_ssr::update_check),
            )
            .route(
                usage_ssr::USAGE_PATH,
                axum::routing::post(usage_ssr::receive),
            )
            .route(
                usage_ssr::SCHEMA_PATH,
                axum::routing::get(usage_ssr::schema),
            )
            .route(
                published::FEED_PATH,
                axum::routing::get(published_ssr::feed),
            )
    },
    page_served: |state, request| {
        if let Ok(recorder) = state.settings::<recording_ssr::Recorder>() {
            recorder.page(request, state.site.trust_forwarded_for);
        }
    },
    purge: |state| {
        Box::pin(async move {
            let now = state.clock.now();
            let mut counts = usage_ssr::purge(&state.db, now).await?;
            if let Ok(recorder) = state.settings::<recording_ssr::Recorder>() {
                counts.extend(recording_ssr::purge(&state.db, recorder.settings(), now).await?);
            }
            Ok(counts)
        })
    },
    tick: |state| {
        Box::pin(async move {
            let Ok(calls) = state.settings::<releases_ssr::CallHome>() else {
                return Ok(Vec::new());
            };
            let written = calls.flush(&state.db, state.clock.now()).await?;
            Ok(vec![("update checks counted", written)])
        })
    },
    periodic: |state| {
        Box::pin(async move {
            let now = state.clock.now();
            if let Ok(recorder) = state.settings::<recording_ssr::Recorder>()
                && let Some(countries) = &recorder.settings().countries
            {
                countries.refresh();
            }
            let mut counts = summary_ssr::summarise(&state.db, now).await?;
            if state
                .settings::<published::ReportAudience>()
                .is_ok_and(|audience| *audience != published::ReportAudience::Nobody)
            {
                counts.extend(published_ssr::publish_finished(&state.db, now).await?);
            }
            Ok(counts)
        })
    },
    ..crate::ssr::feature::Feature::named("insights")
};
