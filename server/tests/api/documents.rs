//! Versioned documents: asking members to accept a changed policy.

pub mod consent;
