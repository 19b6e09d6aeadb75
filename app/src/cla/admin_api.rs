//! The administrators' server function of the contributor agreements.

use leptos::prelude::*;

use super::types::SignatureRow;
use crate::error::AppError;

/// Signatures matching a search, a version and a standing; admins only.
#[server(endpoint = "cla/admin/signatures")]
pub async fn list_signatures(
    q: Option<String>,
    version: Option<i32>,
    status: Option<String>,
) -> Result<Vec<SignatureRow>, AppError> {
    use crate::{
        accounts::Role,
        ssr::{AppState, request},
    };

    let state = AppState::from_context()?;
    request::require_role(Role::Admin).await?;
    let filter = super::ssr::Filter { q, version, status };
    super::ssr::search(&state.db, state.clock.now(), &filter).await
}
