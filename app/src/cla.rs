//! Contributor License Agreements: a versioned individual agreement signed
//! online by members with a confirmed address, receipts, revocation, and a
//! status API that CI bots ask whether a contributor is covered.

mod admin_api;
mod admin_page;
mod agreement_page;
mod api;
mod confirm_page;
mod corporate_api;
mod corporate_page;
mod covered_admin_view;
mod receipt_page;
mod types;

pub use admin_api::*;
pub use admin_page::SignaturesPage;
pub use agreement_page::ContributePage;
pub use api::*;
pub use confirm_page::{ConfirmContactPage, ContactConfirmedPage};
pub use corporate_api::*;
pub use corporate_page::CorporatePage;
pub use receipt_page::ReceiptPage;
pub use types::*;

#[cfg(feature = "ssr")]
pub mod ssr;
