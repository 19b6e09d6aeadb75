//! Server functions of the contributor agreements.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use super::types::{AgreementOverview, CoverageStatus, Receipt};
use crate::error::AppError;

/// The individual agreement in force, its changes, and the caller's standing.
#[server(endpoint = "cla/agreement")]
pub async fn load_agreement() -> Result<AgreementOverview, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::auth()
        .await?
        .map(|signed_in| signed_in.user);
    super::ssr::overview(&state.db, state.clock.now(), me.as_ref()).await
}

/// Signs the individual agreement (members with a confirmed address).
#[server(endpoint = "cla/sign")]
pub async fn sign_agreement(
    full_name: String,
    email: String,
    postal_address: Option<String>,
    signature: String,
    agreed: Option<String>,
    sha256: String,
) -> Result<(), AppError> {
    use super::ssr::{Origin, Signing, sign};
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_verified_user().await?;
    crate::accounts::ssr::policy_hold::require_policy_accepted(&me).await?;
    let ip = super::ssr::limits::admit_signing(&state, me.id).await?;
    let origin = Origin {
        limiter: &state.limiter,
        ip: &ip,
        base_url: &state.site.base_url,
    };
    let input = Signing {
        company: None,
        full_name,
        email,
        postal_address,
        signature,
        agreed: agreed.is_some(),
        sha256,
    };
    let id = sign(&state.db, &state.clock, origin, &me, input).await?;
    leptos_axum::redirect(&format!("/contribute/receipts/{}", id.0));
    Ok(())
}

/// Confirms a signature's contact address with the token mailed to it; no
/// sign-in needed, as the address's owner may not be the signer.
#[server(endpoint = "cla/confirm-contact")]
pub async fn confirm_contact(token: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::confirm_contact(&state.db, &state.clock, &state.site.base_url, &token).await?;
    leptos_axum::redirect("/contribute/confirmed");
    Ok(())
}

/// Revokes one of the caller's signatures for future contributions.
#[server(endpoint = "cla/revoke")]
pub async fn revoke_signature(id: i64, reason: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    super::ssr::revoke(
        &state.db,
        &state.clock,
        me.user.id,
        super::SignatureId(id),
        &reason,
    )
    .await?;
    leptos_axum::redirect("/contribute#my-signatures");
    Ok(())
}

/// The receipt of one of the caller's signatures.
#[server(endpoint = "cla/receipt")]
pub async fn signature_receipt(id: i64) -> Result<Receipt, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    super::ssr::receipt(&state.db, me.user.id, super::SignatureId(id)).await
}

/// For CI bots: `GET /api/cla/v1/status?github=<login>` or `?email=<address>`.
/// Answers whether a signature covers them, and nothing personal.
#[server(endpoint = "cla/v1/status", input = GetUrl)]
pub async fn cla_status(
    github: Option<String>,
    email: Option<String>,
) -> Result<CoverageStatus, AppError> {
    use crate::ssr::{AppState, rate_limit::CLA_STATUS_PER_IP, request};

    let state = AppState::from_context()?;
    if github.is_none() && email.is_none() {
        return Err(AppError::invalid(
            "github",
            "Ask with ?github=<login> or ?email=<address>.",
        ));
    }
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    state
        .limiter
        .admit(&state.db, &[(CLA_STATUS_PER_IP, &ip)], state.clock.now())
        .await?;
    super::ssr::status(
        &state.db,
        state.clock.now(),
        github.as_deref(),
        email.as_deref(),
    )
    .await
}
