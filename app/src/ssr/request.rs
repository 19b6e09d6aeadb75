//! What a server function may ask of the request it is serving.

use std::net::SocketAddr;

use axum::{
    Extension,
    extract::ConnectInfo,
    http::{HeaderMap, HeaderValue, header},
};
use leptos::prelude::*;
use leptos_axum::{ResponseOptions, extract};

use super::session::{Auth, SignedIn};
use crate::{accounts::CurrentUser, error::AppError};

/// The signed-in member, if any.
pub async fn auth() -> Result<Option<SignedIn>, AppError> {
    match extract::<Extension<Auth>>().await {
        Ok(Extension(Auth(signed_in))) => Ok(signed_in),
        Err(error) => {
            tracing::error!(%error, "session middleware missing");
            Err(AppError::Internal)
        }
    }
}

/// The signed-in member, or `unauthorized`.
pub async fn require_user() -> Result<SignedIn, AppError> {
    auth().await?.ok_or(AppError::Unauthorized)
}

/// The signed-in member with a confirmed address, or an error saying why not.
pub async fn require_verified_user() -> Result<CurrentUser, AppError> {
    let user = require_user().await?.user;
    if user.email_verified {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The signed-in member holding `role`: `unauthorized` when signed out,
/// `forbidden` without the role.
pub async fn require_role(role: crate::accounts::Role) -> Result<CurrentUser, AppError> {
    let user = require_user().await?.user;
    if user.has_role(role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

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
