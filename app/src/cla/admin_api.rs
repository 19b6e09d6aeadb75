//! The administrators' server function of the contributor agreements.

use leptos::prelude::*;

use super::types::{ListedEntry, SignatureRow};
use crate::error::AppError;

/// Signatures matching a search, a version and a standing; admins only.
#[server(endpoint = "cla/admin/signatures")]
pub async fn list_signatures(
    q: Option<String>,
    version: Option<i32>,
    status: Option<String>,
) -> Result<Vec<SignatureRow>, AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    let filter = super::ssr::Filter { q, version, status };
    super::ssr::search(&state.db, state.clock.now(), &filter).await
}

/// The entries of companies' lists, those waiting for approval first;
/// admins only.
#[server(endpoint = "cla/admin/covered")]
pub async fn list_covered() -> Result<Vec<ListedEntry>, AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    super::ssr::listed(&state.db).await
}

/// Approves an entry of a company's list (`decision=approve`) or takes it
/// off the list (`decision=remove`); admins only.
#[server(endpoint = "cla/admin/decide-covered")]
pub async fn decide_covered(id: i64, decision: String) -> Result<(), AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    let admin = crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    let approve = match decision.as_str() {
        "approve" => true,
        "remove" => false,
        _ => return Err(AppError::invalid("decision", "Choose approve or remove.")),
    };
    super::ssr::decide(&state.db, &state.clock, admin.id, id, approve).await?;
    leptos_axum::redirect("/admin/cla#covered");
    Ok(())
}
