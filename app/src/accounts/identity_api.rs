//! Server functions for signing in with GitHub and OpenID Connect
//! providers: the step after the provider, and the settings section.

use leptos::prelude::*;

use super::types::{PendingIdentity, ProviderButton, SignInMethods};
use crate::error::AppError;

/// The configured providers, for the sign-in buttons.
#[server(endpoint = "account/providers")]
pub async fn sign_in_providers() -> Result<Vec<ProviderButton>, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    Ok(state
        .settings::<crate::accounts::ssr::Providers>()?
        .buttons())
}

/// The browser's sign-in with a provider that waits for a choice, if any.
#[server(endpoint = "account/pending-identity")]
pub async fn identity_to_finish() -> Result<PendingIdentity, AppError> {
    use super::ssr::identity_requests::*;

    let state = AppState::from_context()?;
    let token = flow(&state).await;
    let name = provider_name(&state, token.as_deref()).await;
    Ok(identity_links::pending(&state.db, &state.clock, &name, token.as_deref()).await?)
}

/// Creates an account for the browser's new identity.
#[server(endpoint = "account/finish-sign-up")]
pub async fn finish_sign_up(
    username: String,
    email: Option<String>,
    age_confirmed: Option<String>,
    policy_accepted: Option<String>,
) -> Result<(), AppError> {
    use super::ssr::identity_requests::*;
    use crate::accounts::ssr::identity_links::NewIdentityMember;

    let state = AppState::from_context()?;
    let token = flow(&state).await;
    let input = NewIdentityMember {
        username,
        email,
        age_confirmed: age_confirmed.is_some(),
        policy_accepted: policy_accepted.is_some(),
    };
    let outcome = identity_links::finish_sign_up(
        &state.db,
        &state.clock,
        &state.limiter,
        &state.server_key,
        &state.site.base_url,
        token.as_deref(),
        input,
        &browser(&state).await,
    )
    .await?;
    land(&state, outcome);
    Ok(())
}

/// Links the identity to the existing account, on its password.
#[server(endpoint = "account/link-with-password")]
pub async fn link_with_password(password: String) -> Result<(), AppError> {
    use super::ssr::identity_requests::*;

    let state = AppState::from_context()?;
    let token = flow(&state).await;
    let outcome = identity_links::link_with_password(
        &state.db,
        &state.clock,
        &state.limiter,
        token.as_deref(),
        password.into(),
        &browser(&state).await,
    )
    .await?;
    land(&state, outcome);
    Ok(())
}

/// Mails the existing account's owner a link that confirms the linking.
#[server(endpoint = "account/link-by-mail")]
pub async fn link_by_mail() -> Result<(), AppError> {
    use super::ssr::identity_requests::*;

    let state = AppState::from_context()?;
    let token = flow(&state).await;
    let name = provider_name(&state, token.as_deref()).await;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    identity_links::link_by_mail(
        &state.db,
        &state.clock,
        &state.limiter,
        &state.site.base_url,
        &name,
        token.as_deref(),
        &ip,
    )
    .await?;
    leptos_axum::redirect("/account/check-mail");
    Ok(())
}

/// Links the identity with the mailed token and signs its owner in.
#[server(endpoint = "account/confirm-identity-link")]
pub async fn confirm_identity_link(token: String) -> Result<(), AppError> {
    use super::ssr::identity_requests::*;

    let state = AppState::from_context()?;
    let outcome =
        identity_links::confirm_mail_link(&state.db, &state.clock, &token, &browser(&state).await)
            .await?;
    land(&state, outcome);
    Ok(())
}

/// Links the identity to the signed-in member who asked for it.
#[server(endpoint = "account/confirm-link")]
pub async fn confirm_link() -> Result<(), AppError> {
    use super::ssr::identity_requests::*;
    use crate::accounts::ssr::identity_flow::SIGN_IN_FLOW;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let token = flow(&state).await;
    identity_links::confirm_link(&state.db, &state.clock, token.as_deref(), me.user.id).await?;
    let https = state.site.is_https();
    request::set_cookie(SIGN_IN_FLOW.forget(https));
    leptos_axum::redirect("/account#sign-in-methods");
    Ok(())
}

/// Abandons the browser's sign-in with a provider.
#[server(endpoint = "account/cancel-sign-in")]
pub async fn cancel_sign_in() -> Result<(), AppError> {
    use super::ssr::identity_requests::*;
    use crate::accounts::ssr::identity_flow::SIGN_IN_FLOW;

    let state = AppState::from_context()?;
    let token = flow(&state).await;
    identity_links::cancel(&state.db, token.as_deref()).await?;
    let https = state.site.is_https();
    request::set_cookie(SIGN_IN_FLOW.forget(https));
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in member's password and linked identities.
#[server(endpoint = "account/sign-in-methods")]
pub async fn my_sign_in_methods() -> Result<SignInMethods, AppError> {
    use super::ssr::identity_requests::*;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let providers = state.settings::<crate::accounts::ssr::Providers>()?;
    Ok(crate::accounts::ssr::identities::methods(&state.db, providers, me.user.id).await?)
}

/// Unlinks one of the signed-in member's identities.
#[server(endpoint = "account/unlink-identity")]
pub async fn unlink_identity(id: i64) -> Result<(), AppError> {
    use super::ssr::identity_requests::*;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    crate::accounts::ssr::identities::unlink(&state.db, me.user.id, id).await?;
    leptos_axum::redirect("/account#sign-in-methods");
    Ok(())
}
