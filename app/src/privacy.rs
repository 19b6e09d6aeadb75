//! Privacy: the policy page and the data manifest (DESIGN P6) that drives it.

pub mod manifest;
mod policy_page;

pub use policy_page::PolicyPage;
