//! The job board: applications and who may read them.

pub mod access;
pub mod applications;
