//! The Contributor License Agreement: signing, corporate agreements, approval, the webhook.

pub mod admin;
pub mod approval;
pub mod confirm;
pub mod corporate;
pub mod signing;
pub mod webhook;
