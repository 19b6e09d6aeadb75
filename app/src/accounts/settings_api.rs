//! Server functions for password reset, password change and sessions.

use leptos::prelude::*;

use super::types::SessionInfo;
use crate::error::AppError;

/// Mails a password-reset link if the address has an account; the answer
/// is the same either way.
#[server(endpoint = "account/forgot-password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    super::ssr::request_reset(
        &state.db,
        &state.clock,
        &state.limiter,
        &state.site.base_url,
        &email,
        &ip,
    )
    .await?;
    leptos_axum::redirect("/account/reset-sent");
    Ok(())
}

/// Sets a new password with the token from a reset mail. Every session of
/// the account ends.
#[server(endpoint = "account/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::{
        accounts::ssr::session,
        ssr::{AppState, request},
    };

    let state = AppState::from_context()?;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    super::ssr::reset_password(
        &state.db,
        &state.clock,
        &state.limiter,
        &token,
        password.into(),
        &ip,
    )
    .await?;
    request::set_cookie(session::SESSION.forget(state.site.is_https()));
    leptos_axum::redirect("/account/password-changed");
    Ok(())
}

/// Changes the signed-in member's password; other sessions end.
#[server(endpoint = "account/change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let input = super::ssr::PasswordChange {
        account_id: me.user.id,
        session_hash: me.session_hash,
        current: current_password.into(),
        new_password: new_password.into(),
        ip: request::client_ip(state.site.trust_forwarded_for).await,
    };
    super::ssr::change_password(&state.db, &state.clock, &state.limiter, input).await?;
    leptos_axum::redirect("/account?changed=password");
    Ok(())
}

/// Gives the signed-in member a new username (once every 30 days); the old
/// one stays reserved for them for 90 days.
#[server(endpoint = "account/change-username")]
pub async fn change_username(username: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    super::ssr::change_username(
        &state.db,
        &state.server_key,
        state.clock.now(),
        me.user.id,
        &username,
    )
    .await?;
    leptos_axum::redirect("/account?changed=username");
    Ok(())
}

/// Asks to change the email address; needs the current password. The
/// new address gets a confirmation link, the old one a notice.
#[server(endpoint = "account/change-email")]
pub async fn change_email(current_password: String, new_email: String) -> Result<(), AppError> {
    use super::ssr::{EmailChange, request_email_change};
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let input = EmailChange {
        account_id: me.user.id,
        password: current_password.into(),
        new_email,
        ip: request::client_ip(state.site.trust_forwarded_for).await,
    };
    request_email_change(
        &state.db,
        &state.clock,
        &state.limiter,
        &state.site.base_url,
        input,
    )
    .await?;
    leptos_axum::redirect("/account?changed=email-requested");
    Ok(())
}

/// Switches to the new address with the token mailed to it.
#[server(endpoint = "account/confirm-email-change")]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::confirm_email_change(&state.db, &state.clock, &token).await?;
    leptos_axum::redirect("/account/email-changed");
    Ok(())
}

/// The signed-in member's sessions.
#[server(endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    Ok(super::ssr::sessions::list(&state.db, me.user.id, &me.session_hash).await?)
}

/// Ends one of the member's sessions (`id` from [`my_sessions`]).
#[server(endpoint = "account/end-session")]
pub async fn end_session(id: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    super::ssr::sessions::end_one(&state.db, me.user.id, &id).await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// Withdraws "remember me" everywhere: other remembered sessions end, and
/// this one ends like a session without it.
#[server(endpoint = "account/forget-devices")]
pub async fn forget_devices() -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let ended =
        super::ssr::sessions::forget_remembered(&state.db, me.user.id, &me.session_hash).await?;
    tracing::info!(account = me.user.id, ended, "remembered devices forgotten");
    leptos_axum::redirect("/account/choices?forgotten=devices");
    Ok(())
}

/// Ends every session of the member but this one.
#[server(endpoint = "account/end-other-sessions")]
pub async fn end_other_sessions() -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    super::ssr::sessions::end_others(&state.db, me.user.id, &me.session_hash).await?;
    leptos_axum::redirect("/account");
    Ok(())
}
