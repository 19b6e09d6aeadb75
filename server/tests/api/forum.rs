//! The forum: threads, posts and their edits.

pub mod edits;
pub mod threads;
