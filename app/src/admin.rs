//! Administration: members' roles and the audit log of role changes.

mod api;
mod members_page;
mod types;

pub use api::*;
pub use members_page::MembersPage;
pub use types::*;

#[cfg(feature = "ssr")]
pub mod ssr;
