//! What a server function may ask of the request it is serving.

use std::net::SocketAddr;

use axum::{
    extract::ConnectInfo,
    http::{HeaderMap, HeaderValue, header},
};
use leptos::prelude::*;
use leptos_axum::{ResponseOptions, extract};

/// The browser's `User-Agent`, for naming sessions by device family.
pub async fn user_agent() -> String {
    extract::<HeaderMap>()
        .await
        .ok()
        .and_then(|headers| {
            headers
                .get(header::USER_AGENT)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The client's IP address, for rate limits only (never stored as such).
pub async fn client_ip(trust_forwarded_for: bool) -> String {
    let headers = extract::<HeaderMap>().await.unwrap_or_default();
    let peer = extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(address)| address);
    ip_of(&headers, peer, trust_forwarded_for)
}

/// [`client_ip`] for plain axum handlers.
pub fn ip_of(headers: &HeaderMap, peer: Option<SocketAddr>, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(last) = headers
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
    {
        return last.trim().to_owned();
    }
    peer.map(|address| address.ip().to_string())
        .unwrap_or_default()
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// One CSV field (RFC 4180): quoted, and defused against spreadsheet
/// formulas, so that a spreadsheet opening an export runs nothing someone
/// typed as a name.
pub fn csv_field(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

/// A file download: `body` as an attachment named `file_name` (ASCII
/// letters, digits, `.`, `-` and `_` only), never rendered inline, never
/// stored by a cache.
pub fn attachment(
    body: impl Into<axum::body::Body>,
    content_type: &'static str,
    file_name: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;

    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let mut response = body.into().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(
            csv_field("Ada \"the\" Countess"),
            "\"Ada \"\"the\"\" Countess\""
        );
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("plain"), "\"plain\"");
    }
}
