//! Server functions for the optional second factor.

use leptos::prelude::*;

use super::types::TwoFactorState;
use crate::error::AppError;

/// Whether the member has a second factor, and the set-up in progress.
#[server(endpoint = "account/two-factor")]
pub async fn two_factor_status() -> Result<TwoFactorState, AppError> {
    use super::ssr::two_factor;
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?.user;
    Ok(TwoFactorState {
        enabled: two_factor::is_enabled(&state.db, me.id).await?,
        setup: two_factor::pending_setup(&state.db, &state.server_key, me.id, &me.username).await?,
    })
}

/// Starts setting up an authenticator app.
#[server(endpoint = "account/two-factor/begin")]
pub async fn begin_two_factor() -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?.user;
    super::ssr::two_factor::begin(&state.db, &state.clock, &state.server_key, me.id).await?;
    leptos_axum::redirect("/account/two-factor");
    Ok(())
}

/// Confirms the set-up with a first code from the app.
#[server(endpoint = "account/two-factor/enable")]
pub async fn enable_two_factor(code: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?.user;
    super::ssr::two_factor::enable(
        &state.db,
        &state.clock,
        &state.server_key,
        me.id,
        &me.username,
        &code,
    )
    .await?;
    leptos_axum::redirect("/account/two-factor");
    Ok(())
}

/// Turns the second factor off (needs the password).
#[server(endpoint = "account/two-factor/disable")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?.user;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    super::ssr::two_factor::disable(
        &state.db,
        &state.clock,
        &state.limiter,
        me.id,
        password.into(),
        &ip,
    )
    .await?;
    leptos_axum::redirect("/account/two-factor");
    Ok(())
}

/// Completes a sign-in that waits for its second factor.
#[server(endpoint = "account/two-factor/verify")]
pub async fn verify_sign_in_code(code: String) -> Result<(), AppError> {
    use axum::http::HeaderMap;

    use crate::{
        accounts::ssr::session,
        ssr::{AppState, request},
    };

    let state = AppState::from_context()?;
    let https = state.site.is_https();
    let headers: HeaderMap = leptos_axum::extract()
        .await
        .map_err(|_| AppError::BadRequest)?;
    let expired = || {
        AppError::invalid(
            "code",
            "This sign-in has expired. Please sign in again with your password.",
        )
    };
    let token = session::pending_token(&headers, https).ok_or_else(expired)?;
    let result = super::ssr::complete_sign_in(
        &state.db,
        &state.clock,
        &state.server_key,
        &token,
        &code,
        &request::user_agent().await,
        https,
    )
    .await;
    match result {
        Ok(cookie) => {
            request::set_cookie(session::PENDING_SIGN_IN.forget(https));
            request::set_cookie(cookie);
            leptos_axum::redirect("/account/welcome");
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}
