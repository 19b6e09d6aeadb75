//! Administration: roles and their audit.

pub mod roles;
