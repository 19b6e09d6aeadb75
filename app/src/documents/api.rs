use leptos::prelude::*;

use super::types::{DocumentKind, PublishedDocument};
use crate::error::AppError;

/// The version of a document in force now.
#[server(endpoint = "documents/current")]
pub async fn current_document(kind: DocumentKind) -> Result<PublishedDocument, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::current(&state.reads, kind, state.clock.now()).await
}
