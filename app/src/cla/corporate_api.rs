//! Server functions of the corporate agreement.

// A server function takes one argument per form field; the corporate
// form has eight.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::CorporateOverview;
use crate::error::AppError;

/// The corporate agreement in force and the caller's companies.
#[server(endpoint = "cla/corporate")]
pub async fn load_corporate() -> Result<CorporateOverview, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::auth()
        .await?
        .map(|signed_in| signed_in.user);
    super::ssr::corporate_overview(&state.db, state.clock.now(), me.as_ref()).await
}

/// Signs the corporate agreement for a company; the signer then manages
/// who it covers.
#[server(endpoint = "cla/sign-corporate")]
pub async fn sign_corporate(
    company_name: String,
    postal_address: Option<String>,
    full_name: String,
    signatory_title: String,
    email: String,
    signature: String,
    agreed: Option<String>,
    sha256: String,
) -> Result<(), AppError> {
    use super::ssr::{Company, Origin, Signing, sign};
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_verified_user().await?;
    let ip = super::ssr::limits::admit_signing(&state, me.id).await?;
    let origin = Origin {
        limiter: &state.limiter,
        ip: &ip,
        base_url: &state.site.base_url,
    };
    let input = Signing {
        company: Some(Company {
            name: company_name,
            title: signatory_title,
        }),
        full_name,
        email,
        postal_address,
        signature,
        agreed: agreed.is_some(),
        sha256,
    };
    sign(&state.db, &state.clock, origin, &me, input).await?;
    leptos_axum::redirect("/contribute/corporate#companies");
    Ok(())
}

/// Adds a GitHub login, an address or a domain to a company's list.
#[server(endpoint = "cla/add-covered")]
pub async fn add_covered(id: i64, kind: String, value: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    crate::accounts::ssr::policy_hold::require_policy_accepted(&me.user).await?;
    super::ssr::limits::admit_list_edit(&state, me.user.id).await?;
    super::ssr::add_covered(
        &state.db,
        &state.clock,
        me.user.id,
        super::SignatureId(id),
        &kind,
        &value,
    )
    .await?;
    leptos_axum::redirect("/contribute/corporate#companies");
    Ok(())
}

/// Takes an entry off a company's list.
#[server(endpoint = "cla/remove-covered")]
pub async fn remove_covered(id: i64) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    super::ssr::limits::admit_list_edit(&state, me.user.id).await?;
    super::ssr::remove_covered(&state.db, &state.clock, me.user.id, id).await?;
    leptos_axum::redirect("/contribute/corporate#companies");
    Ok(())
}
