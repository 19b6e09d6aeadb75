//! Moderation: the report queue, actions on posts, threads and members,
//! and the append-only moderation log.

mod api;
mod log_page;
mod queue_page;
mod types;

pub use api::*;
pub use log_page::ModerationLogPage;
pub use queue_page::ModerationPage;
pub use types::*;

#[cfg(feature = "ssr")]
pub mod ssr;
