//! Mail lists: the forum digest and its one-click unsubscribe.

pub mod digest;
