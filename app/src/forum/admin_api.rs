//! Server functions admins use to manage categories.

use leptos::prelude::*;

use crate::error::AppError;

/// Creates a category (no `id`) or changes one.
#[server(endpoint = "forum/save-category")]
pub async fn save_category(
    id: Option<i64>,
    name: String,
    description: String,
    position: String,
) -> Result<(), AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    let input = super::ssr::CategoryInput::parse(&name, &description, &position)?;
    super::ssr::save_category(&state.db, &state.clock, id.map(super::CategoryId), input).await?;
    leptos_axum::redirect("/admin/forum");
    Ok(())
}

/// Deletes a category that holds no thread at all (hidden and deleted ones
/// count: their category must stay for moderators to restore them).
#[server(endpoint = "forum/delete-category")]
pub async fn delete_category(id: i64) -> Result<(), AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    super::ssr::delete_category(&state.db, super::CategoryId(id)).await?;
    leptos_axum::redirect("/admin/forum");
    Ok(())
}
