//! Accounts: registration, sign-in, passwords, two factors, providers, usernames.

pub mod email_change;
pub mod identities;
pub mod identity_links;
pub mod password_limits;
pub mod passwords;
pub mod registration_privacy;
pub mod sign_up_and_in;
pub mod takeover;
pub mod two_factor;
pub mod usernames;
