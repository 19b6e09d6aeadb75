//! Server-only half of moderation: reports, the actions moderators take,
//! sanctions, and the append-only log every action writes to in the same
//! transaction.

mod actions;
mod entities;
mod log;
mod queue;
mod reports;
mod retention;
mod sanctions;

pub use actions::*;
pub use entities::*;
pub use log::*;
pub use queue::*;
pub use reports::*;
pub use retention::{FEATURE, KEEP_FLAGS, KEEP_SANCTIONS, purge_flags, purge_sanctions};
pub use sanctions::*;
