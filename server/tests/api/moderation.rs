//! Moderation: reports, actions and the log.

pub mod actions;
