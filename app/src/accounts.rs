//! Member accounts: registration with double opt-in, sign-in and sessions.

mod account_nav;
mod api;
mod identity_api;
mod identity_pages;
mod identity_settings;
mod notice_pages;
mod register_page;
mod reset_pages;
mod settings_api;
mod settings_page;
mod sign_in_page;
mod two_factor_api;
mod two_factor_pages;
mod types;
mod verify_page;

pub use account_nav::AccountNav;
pub use api::*;
pub use identity_api::*;
pub use identity_pages::{FinishSignInPage, LinkIdentityPage, SignInFailedPage};
pub use identity_settings::SignInMethodsSection;
pub use notice_pages::{
    CheckMailPage, EmailChangedPage, PasswordChangedPage, ResetSentPage, VerifiedPage, WelcomePage,
};
pub use register_page::RegisterPage;
pub use reset_pages::{ForgotPage, ResetPage};
pub use settings_api::*;
pub use settings_page::SettingsPage;
pub use sign_in_page::SignInPage;
pub use two_factor_api::*;
pub use two_factor_pages::{SecondFactorCheckPage, TwoFactorPage};
pub use types::*;
pub use verify_page::{ConfirmEmailChangePage, VerifyPage};

#[cfg(feature = "ssr")]
pub mod ssr;
