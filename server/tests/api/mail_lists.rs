//! Mail lists: the lists administrators make, the forum digest and the
//! one-click unsubscribe.

pub mod digest;
pub mod lists;
pub mod newsletter;
