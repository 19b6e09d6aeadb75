//! What the provider sign-in server functions ask of the request.

pub use super::{
    SignedIn,
    identity_flow::flow_token,
    identity_links::{self, Browser},
};
pub use crate::ssr::{AppState, request};

/// The browser's flow cookie.
pub async fn flow(state: &AppState) -> Option<String> {
    let headers = leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .unwrap_or_default();
    flow_token(&headers, state.site.is_https())
}

pub async fn browser(state: &AppState) -> Browser {
    Browser {
        ip: request::client_ip(state.site.trust_forwarded_for).await,
        user_agent: request::user_agent().await,
        https: state.site.is_https(),
    }
}

/// Ends the flow cookie and continues as signed in.
pub fn land(state: &AppState, outcome: SignedIn) {
    use crate::accounts::ssr::identity_flow::SIGN_IN_FLOW;
    let https = state.site.is_https();
    request::set_cookie(SIGN_IN_FLOW.forget(https));
    match outcome {
        SignedIn::Session(cookie) => {
            request::set_cookie(cookie);
            leptos_axum::redirect("/account/welcome");
        }
        SignedIn::NeedsCode(cookie) => {
            request::set_cookie(cookie);
            leptos_axum::redirect("/account/two-factor/check");
        }
    }
}

/// The display name of the provider of the browser's flow.
pub async fn provider_name(state: &AppState, token: Option<&str>) -> String {
    use sea_orm::EntityTrait;

    use crate::{accounts::ssr::sign_in_flow, ssr::tokens};
    let Some(token) = token else {
        return String::new();
    };
    sign_in_flow::Entity::find_by_id(tokens::hash(token))
        .one(&state.db)
        .await
        .ok()
        .flatten()
        .and_then(|flow| {
            state
                .settings::<crate::accounts::ssr::Providers>()
                .ok()?
                .name(&flow.provider)
        })
        .unwrap_or_default()
}
