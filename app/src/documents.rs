//! Versioned documents: the privacy policy, terms and contributor
//! agreements (promise P14, docs/promises.md). Each version has an effective date and the
//! SHA-256 of its exact text.

mod api;
mod changes_view;
mod document_view;
mod publish_api;
mod publish_page;
mod types;

pub use api::*;
pub use changes_view::ChangeList;
pub use document_view::DocumentView;
pub use publish_api::*;
pub use publish_page::PublishPage;
pub use types::*;

#[cfg(feature = "ssr")]
pub mod ssr;
