//! The privacy centre, the data manifest and retention.

pub mod centre;
pub mod manifest;
pub mod retention;
