//! Privacy: the policy page and the data manifest that drives it.

pub mod manifest;
mod policy_page;

pub use policy_page::PolicyPage;

use leptos::prelude::*;

use crate::error::AppError;

/// The retention periods this installation is configured with.
#[server(endpoint = "privacy/retention")]
pub async fn retention_settings() -> Result<manifest::RetentionSettings, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    state.settings::<manifest::RetentionSettings>().copied()
}
