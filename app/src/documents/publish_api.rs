//! Publishing a new version of a document, for administrators.

use leptos::prelude::*;

use super::types::{DocumentKind, PublishedVersion};
use crate::error::AppError;

/// Publishes the next version of `kind`. Only a `material` version asks
/// members to accept or sign again. `effective` is `YYYY-MM-DD` (UTC),
/// today or later; empty means now.
#[server(endpoint = "documents/publish")]
pub async fn publish_document(
    kind: DocumentKind,
    title: String,
    body: String,
    material: Option<String>,
    effective: Option<String>,
) -> Result<PublishedVersion, AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    let admin = crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    let published = super::ssr::publish_checked(
        &state.db,
        state.clock.now(),
        kind,
        &title,
        &body,
        material.is_some(),
        effective.as_deref().unwrap_or_default(),
    )
    .await?;
    tracing::info!(
        account_id = admin.id,
        kind = kind.as_str(),
        version = published.version,
        material = material.is_some(),
        "document version published"
    );
    Ok(published)
}
