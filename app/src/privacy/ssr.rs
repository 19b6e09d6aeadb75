//! Server-only half of the privacy centre: a member's data as JSON, and the
//! erasure of an account, both generated from the data manifest.

mod consent;
mod erase;
mod export;

pub use consent::{accept_policy, pending_policy};
pub use erase::{DeletedBy, erase_account};
pub use export::{EXPORT_PER_ACCOUNT, Member, NOT_SHOWN, VIEWS_PER_ACCOUNT, member_data, to_json};

use crate::ssr::feature::Feature;

/// What the privacy centre brings to the server: the download of a
/// member's data.
pub const FEATURE: Feature = Feature {
    routes: || {
        axum::Router::new().route("/account/data.json", axum::routing::get(export::download))
    },
    ..Feature::named("privacy")
};
