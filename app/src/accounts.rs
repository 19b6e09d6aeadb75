//! Member accounts. This foundation holds the account types and what the
//! `portal create-admin` command needs; registration and sign-in build on it.

mod types;

pub use types::*;

#[cfg(feature = "ssr")]
pub mod ssr;
