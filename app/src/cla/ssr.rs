//! Server side of the contributor agreements: the signature records, who
//! is covered, signing, revoking and receipts.

mod admin;
mod approvals;
mod confirming;
mod corporate;
mod coverage;
mod download;
mod entities;
pub mod limits;
mod mails;
mod overview;
mod records;
mod signing;
mod webhook;

pub use admin::{Filter, search, signatures_csv};
pub use approvals::{decide, listed};
pub use confirming::confirm_contact;
pub use corporate::{add_covered, corporate_overview, remove_covered};
pub use coverage::{is_current, status};
pub use download::receipt_download;
pub use entities::*;
pub use overview::overview;
pub use records::{ErasedRecord, erased_records};
pub use signing::{Company, Origin, Signing, receipt, revoke, sign};
pub use webhook::{WebhookSettings, github_webhook};

use crate::error::AppError;

/// What the contributor agreements bring to the server: receipts, the
/// administrators' CSV export and the GitHub webhook.
pub const FEATURE: crate::ssr::feature::Feature = crate::ssr::feature::Feature {
    routes: || {
        use axum::routing::{get, post};
        axum::Router::new()
            .route("/contribute/receipts/{id}/download", get(receipt_download))
            .route("/api/cla/v1/github-webhook", post(github_webhook))
            .route("/admin/cla/signatures.csv", get(signatures_csv))
    },
    ..crate::ssr::feature::Feature::named("cla")
};

/// Maps a database error to the code the browser may see.
fn failed(action: &'static str) -> impl FnOnce(sea_orm::DbErr) -> AppError {
    move |error| crate::ssr::db_error(action, error)
}
