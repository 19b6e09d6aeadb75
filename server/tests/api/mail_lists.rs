//! Mail lists: the lists administrators make, the newsletter and its
//! campaigns, the forum digest and the one-click unsubscribe.

pub mod campaigns;
pub mod digest;
pub mod lists;
pub mod newsletter;
pub mod subscribers;
