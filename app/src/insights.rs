//! Insights: visit statistics that identify no one (promises P1, P2, P4).
//! The server counts the pages it serves (`recording_ssr`); the hydrated
//! app reports its client-side navigations to [`BEACON_PATH`], since those
//! never reach the server as a page. The company's products call home
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

/// Where the hydrated app reports a client-side navigation: a same-origin
/// POST whose body is the new path, nothing else.
pub const BEACON_PATH: &str = "/insights/view";

/// Longest beacon body read; a longer one is refused.
#[cfg(feature = "ssr")]
const BEACON_MAX: usize = 1024;

/// What insights bring to the server: the beacon, the page hook and the
/// retention of raw views.
#[cfg(feature = "ssr")]
pub const FEATURE: crate::ssr::feature::Feature = crate::ssr::feature::Feature {
    routes: || {
        axum::Router::new()
            .route(BEACON_PATH, axum::routing::post(beacon))
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

/// `POST /insights/view` with the path the app navigated to. Same-origin
/// only (the server refuses cross-site writes before this runs); answers
/// 204 whether or not the view was counted, so it tells nothing.
#[cfg(feature = "ssr")]
async fn beacon(
    axum::extract::State(state): axum::extract::State<crate::ssr::AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::http::StatusCode {
    use axum::http::StatusCode;

    if body.len() > BEACON_MAX {
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    let Ok(target) = std::str::from_utf8(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    if let Ok(recorder) = state.settings::<recording_ssr::Recorder>() {
        let request = recording_ssr::PageRequest {
            path: target,
            query: None,
            headers: &headers,
            peer: Some(peer),
        };
        recorder.navigation(&request, target.trim(), state.site.trust_forwarded_for);
    }
    StatusCode::NO_CONTENT
}

/// Reports each client-side navigation after the first page (which the
/// server counted when it served it) to [`BEACON_PATH`]. Call once, inside
/// the router.
#[cfg(feature = "hydrate")]
pub fn report_navigations() {
    use leptos::prelude::*;

    let location = leptos_router::hooks::use_location();
    let first = StoredValue::new(true);
    Effect::new(move |_| {
        let path = location.pathname.get();
        let search = location.search.get();
        if first.get_value() {
            first.set_value(false);
            return;
        }
        let target = if search.is_empty() {
            path
        } else {
            format!("{path}?{}", search.trim_start_matches('?'))
        };
        if let Some(window) = web_sys::window() {
            let _ = window
                .navigator()
                .send_beacon_with_opt_str(BEACON_PATH, Some(&target));
        }
    });
}
