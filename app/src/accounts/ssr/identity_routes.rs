//! The two addresses of a provider sign-in that are not pages:
//! `POST /auth/{key}/start` sends the browser to the provider, and
//! `GET /auth/{key}/callback` is where the provider sends it back. Every
//! failure ends on `/account/sign-in/failed` with a reason, never a trace.

use std::net::SocketAddr;

use axum::{
    Extension,
    extract::{ConnectInfo, Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{
    AccountError,
    identity_flow::{self, CallbackQuery, FlowError, Landing, SIGN_IN_FLOW, flow_token},
    providers::ProviderError,
    session::{self, Auth},
    sign_in::SignedIn,
};
use crate::ssr::{AppState, request::ip_of};

/// The provider sign-in's two addresses.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/auth/{key}/start", post(start))
        .route("/auth/{key}/callback", get(callback))
}

/// `POST /auth/{key}/start`: a new flow, then off to the provider.
pub async fn start(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
    Path(key): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let ip = ip_of(&headers, Some(peer), state.site.trust_forwarded_for);
    let linking = signed_in.map(|signed_in| signed_in.user.id);
    match identity_flow::start(&state, &key, linking, &ip).await {
        Ok(started) => redirect(&started.url, &[started.cookie]),
        Err(error) => failed(&key, &error, &[]),
    }
}

/// `GET /auth/{key}/callback`: the provider's answer.
pub async fn callback(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
    Path(key): Path<String>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Response {
    let https = state.site.is_https();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let token = flow_token(&headers, https);
    let forget = SIGN_IN_FLOW.forget(https);
    let landing = identity_flow::callback(&state, &key, token.as_deref(), query, user_agent).await;
    match landing {
        Ok(Landing::Pending) => redirect("/account/sign-in/finish", &[]),
        Ok(Landing::AlreadyLinked) => redirect("/account#sign-in-methods", &[forget]),
        Ok(Landing::SignedIn(outcome)) => {
            if let Some(previous) = signed_in
                && let Err(error) = session::end(&state.db, &previous.session_hash).await
            {
                tracing::error!(%error, "ending the previous session");
            }
            match outcome {
                SignedIn::Session(cookie) => redirect("/account/welcome", &[forget, cookie]),
                SignedIn::NeedsCode(cookie) => {
                    redirect("/account/two-factor/check", &[forget, cookie])
                }
            }
        }
        Err(error) => failed(&key, &error, &[forget]),
    }
}

/// The reason code the failure page explains.
fn reason(error: &FlowError) -> &'static str {
    match error {
        FlowError::Denied => "denied",
        FlowError::BadState => "state",
        FlowError::LinkedElsewhere => "linked_elsewhere",
        FlowError::Provider(ProviderError::Unknown) => "unknown",
        FlowError::Provider(ProviderError::Unreachable(_)) => "unreachable",
        FlowError::Provider(ProviderError::Rejected(_)) => "rejected",
        FlowError::Provider(ProviderError::BadIdToken(_)) => "id_token",
        FlowError::Account(AccountError::RateLimited) => "rate_limited",
        FlowError::Account(_) => "internal",
    }
}

fn failed(key: &str, error: &FlowError, cookies: &[HeaderValue]) -> Response {
    let reason = reason(error);
    match error {
        FlowError::Account(AccountError::Db { action, source }) => {
            tracing::error!(%source, action = *action, "provider sign-in failed");
        }
        _ => tracing::warn!(provider = %key, reason, cause = %error, "provider sign-in failed"),
    }
    let provider: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    redirect(
        &format!("/account/sign-in/failed?reason={reason}&provider={provider}"),
        cookies,
    )
}

fn redirect(location: &str, cookies: &[HeaderValue]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, value);
    }
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie.clone());
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
