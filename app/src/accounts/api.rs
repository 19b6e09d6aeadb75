//! Server functions of the accounts feature.

use leptos::prelude::*;

use super::types::CurrentUser;
use crate::error::AppError;

/// Creates an account and mails a confirmation link. `website` is a
/// honeypot: people never see it, bots fill it in.
#[server(endpoint = "account/register")]
pub async fn register(
    username: String,
    email: String,
    password: String,
    age_confirmed: Option<String>,
    policy_accepted: Option<String>,
    website: Option<String>,
) -> Result<(), AppError> {
    use super::ssr::{NewMember, register};
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    if website.is_some_and(|value| !value.is_empty()) {
        tracing::info!("registration honeypot filled in; ignored");
    } else {
        let input = NewMember {
            username,
            email,
            password: password.into(),
            age_confirmed: age_confirmed.is_some(),
            policy_accepted: policy_accepted.is_some(),
            ip,
        };
        register(
            &state.db,
            &state.clock,
            &state.limiter,
            &state.server_key,
            &state.site.base_url,
            input,
        )
        .await?;
    }
    leptos_axum::redirect("/account/check-mail");
    Ok(())
}

/// Confirms an email address with the token from the mailed link.
#[server(endpoint = "account/confirm-email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let signed_in = crate::accounts::ssr::auth::auth().await?;
    let session = signed_in
        .as_ref()
        .map(|me| (me.user.id, me.session_hash.as_str()));
    super::ssr::confirm_email(&state.db, &state.clock, &token, session).await?;
    leptos_axum::redirect("/account/verified");
    Ok(())
}

/// Mails a fresh confirmation link to the signed-in member.
#[server(endpoint = "account/resend-confirmation")]
pub async fn resend_confirmation() -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    super::ssr::resend_confirmation(
        &state.db,
        &state.clock,
        &state.limiter,
        &state.site.base_url,
        me.user.id,
        &ip,
    )
    .await?;
    leptos_axum::redirect("/account/check-mail");
    Ok(())
}

/// Signs in and starts a session; "remember me" makes its cookie persistent.
#[server(endpoint = "account/sign-in")]
pub async fn sign_in(
    login: String,
    password: String,
    remember: Option<String>,
) -> Result<(), AppError> {
    use super::ssr::{SignIn, SignedIn, sign_in};
    use crate::{
        accounts::ssr::session,
        ssr::{AppState, request},
    };

    let state = AppState::from_context()?;
    let previous = crate::accounts::ssr::auth::auth().await?;
    let input = SignIn {
        login,
        password: password.into(),
        remember: remember.is_some(),
        user_agent: request::user_agent().await,
        https: state.site.is_https(),
        ip: request::client_ip(state.site.trust_forwarded_for).await,
    };
    let (_, outcome) = sign_in(
        &state.db,
        &state.clock,
        &state.limiter,
        &state.site.base_url,
        input,
    )
    .await?;
    if let Some(previous) = previous {
        session::end(&state.db, &previous.session_hash)
            .await
            .map_err(|error| crate::ssr::db_error("ending the previous session", error))?;
    }
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
    Ok(())
}

/// Signs out: the session ends on the server, the cookie is removed.
#[server(endpoint = "account/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::{
        accounts::ssr::session,
        ssr::{AppState, request},
    };

    let state = AppState::from_context()?;
    if let Some(signed_in) = crate::accounts::ssr::auth::auth().await? {
        session::end(&state.db, &signed_in.session_hash)
            .await
            .map_err(|error| crate::ssr::db_error("ending the session", error))?;
    }
    request::set_cookie(session::SESSION.forget(state.site.is_https()));
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in member, if any.
#[server(endpoint = "account/whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::accounts::ssr::auth::auth()
        .await?
        .map(|signed_in| signed_in.user))
}
