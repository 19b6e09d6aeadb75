//! HTTP plumbing around every request: a span with a request id, security
//! headers, and refusal of cross-site state-changing requests.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::BodyExt;
use tower_http::{request_id::RequestId, trace::MakeSpan};
use tracing::Span;

/// One span per request: id, method and path. The query string is left out
/// on purpose — it may carry tokens — and so is the client address.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .and_then(|id| id.header_value().to_str().ok())
            .unwrap_or("-");
        tracing::info_span!(
            "request",
            request_id,
            method = %request.method(),
            path = request.uri().path(),
        )
    }
}

/// Server functions answer every error with 500. For calls from the
/// browser's script (which do not ask for HTML), put the status that goes
/// with the error's code instead — 422 for invalid input, 429 for rate
/// limits — so clients, logs and monitoring see what really happened.
/// Plain form posts are left alone: they are answered with a redirect back
/// to the form, which shows the error.
/// Tells the features of every page served, the page cache's included: a
/// `GET` answered 200 with HTML. (Visit statistics count these.)
pub async fn pages_served(
    State(state): State<app::ssr::AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let uri = request.uri().clone();
    let headers = request.headers().clone();
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0);
    let response = next.run(request).await;
    let page = response.status() == StatusCode::OK
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"));
    if page {
        app::features::page_served(
            &state,
            &app::ssr::feature::PageRequest {
                path: uri.path(),
                query: uri.query(),
                headers: &headers,
                peer,
            },
        );
    }
    response
}

pub async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let wants_html = wants_html(request.headers());
    let response = next.run(request).await;
    if wants_html || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, r#"{"code":"internal"}"#).into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        parts.status = status;
        if let Some(seconds) = error.retry_after() {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether the client asks for a page (a browser) rather than data.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("text/html"))
}

/// The site's own origin, e.g. `https://community.example.org`.
#[derive(Clone, Debug)]
pub struct SiteOrigin(pub String);

/// Refuses `POST`, `PUT`, `PATCH` and `DELETE` that a browser marks as sent
/// from another site (`Sec-Fetch-Site`) or whose `Origin` is not ours. This
/// backs up `SameSite` cookies against cross-site request forgery. The
/// one-click unsubscribe is exempt: a mail program may send it from
/// anywhere, and the token in its address is its only credential.
pub async fn refuse_cross_site_writes(
    State(origin): State<SiteOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) && request.uri().path() != "/mail/unsubscribe";
    if writes && is_cross_site(request.headers(), &origin.0) {
        tracing::warn!("cross-site write refused");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            Body::from(r#"{"code":"forbidden"}"#),
        )
            .into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap, site_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none` is a person typing the address or using a bookmark.
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match headers.get(header::ORIGIN).map(HeaderValue::to_str) {
        Some(Ok(origin)) => origin != site_origin,
        Some(Err(_)) => true,
        // Older browsers and non-browser clients send neither header;
        // SameSite cookies keep their requests unauthenticated anyway.
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    const SITE: &str = "https://community.example.org";

    #[test]
    fn same_origin_requests_pass() {
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            SITE
        ));
        assert!(!is_cross_site(&headers(&[("origin", SITE)]), SITE));
        assert!(!is_cross_site(&headers(&[]), SITE));
    }

    #[test]
    fn cross_site_requests_are_caught() {
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "https://evil.example")]),
            SITE
        ));
    }
}

/// How large a request body may be.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    /// Every request but uploads.
    pub default: usize,
    /// The paths the features name as uploads (the job application form,
    /// which carries a résumé of up to 5 MiB). Larger than that on
    /// purpose: a file somewhat over 5 MiB reaches the form's own check and
    /// gets a message at the field, not a bare 413.
    pub upload: usize,
}

/// Refuses an upload that is not multipart with a boundary (400), and
/// bodies over the limit for their path: at once when the declared
/// length is too large, and mid-stream when a body turns out longer. Either
/// way the answer is 413 with the stable code, whatever error the handler
/// made of the cut-off body (a browser form sent back to its page with the
/// error is left as it is).
pub async fn limit_body(
    State(limits): State<BodyLimits>,
    request: Request,
    next: Next,
) -> Response {
    let upload = app::features::is_upload(request.uri().path());
    if upload && request.method() == Method::POST && !has_multipart_boundary(request.headers()) {
        // The multipart decoder cannot start without one.
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            Body::from(r#"{"code":"bad_request"}"#),
        )
            .into_response();
    }
    let limit = if upload {
        limits.upload.max(limits.default)
    } else {
        limits.default
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    let wants_html = wants_html(request.headers());
    if declared.is_some_and(|length| length > limit) {
        return payload_too_large(wants_html);
    }
    let exceeded = Arc::new(AtomicBool::new(false));
    let seen = exceeded.clone();
    let request = request.map(|body| {
        Body::new(
            http_body_util::Limited::new(body, limit).map_err(move |error| {
                if error.is::<http_body_util::LengthLimitError>() {
                    seen.store(true, Ordering::Relaxed);
                }
                error
            }),
        )
    });
    let response = next.run(request).await;
    if exceeded.load(Ordering::Relaxed) && !response.status().is_redirection() {
        return payload_too_large(wants_html);
    }
    response
}

/// Whether the request is `multipart/form-data` with a boundary.
fn has_multipart_boundary(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';').map(str::trim);
    parts
        .next()
        .is_some_and(|kind| kind.eq_ignore_ascii_case("multipart/form-data"))
        && parts.any(|part| {
            part.split_once('=').is_some_and(|(name, value)| {
                name.trim().eq_ignore_ascii_case("boundary")
                    && !value.trim().trim_matches('"').is_empty()
            })
        })
}

/// The 413 answer: the error page for a browser, else the error's JSON.
fn payload_too_large(wants_html: bool) -> Response {
    let error = app::error::AppError::PayloadTooLarge;
    let (content_type, body) = if wants_html {
        let (title, explanation) = (error.title(), error.explanation());
        (
            "text/html; charset=utf-8",
            format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <title>{title}</title></head><body><main><h1>{title}</h1>\
                 <p>{explanation}</p><p><a href=\"/\">Home</a></p></main></body></html>"
            ),
        )
    } else {
        (
            "application/json",
            format!(r#"{{"code":"{}"}}"#, error.code()),
        )
    };
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, content_type)],
        body,
    )
        .into_response()
}
