//! The privacy centre, the data manifest and retention.

pub mod centre;
pub mod cookies;
pub mod deletion;
pub mod erasure;
pub mod manifest;
pub mod requests;
pub mod retention;
