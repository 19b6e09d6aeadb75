//! Who is asking: the signed-in member of the request a server function
//! is serving, and the checks of who may do what.

use axum::Extension;
use leptos_axum::extract;

use super::session::{Auth, SignedIn};
use crate::{
    accounts::{CurrentUser, Role},
    error::AppError,
};

/// The signed-in member, if any.
pub async fn auth() -> Result<Option<SignedIn>, AppError> {
    match extract::<Extension<Auth>>().await {
        Ok(Extension(Auth(signed_in))) => Ok(signed_in),
        Err(error) => {
            tracing::error!(%error, "session middleware missing");
            Err(AppError::Internal)
        }
    }
}

/// The signed-in member, or `unauthorized`.
pub async fn require_user() -> Result<SignedIn, AppError> {
    auth().await?.ok_or(AppError::Unauthorized)
}

/// The signed-in member with a confirmed address, or an error saying why not.
pub async fn require_verified_user() -> Result<CurrentUser, AppError> {
    let user = require_user().await?.user;
    if user.email_verified {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The signed-in member holding `role`: `unauthorized` when signed out,
/// `forbidden` without the role.
pub async fn require_role(role: Role) -> Result<CurrentUser, AppError> {
    let user = require_user().await?.user;
    if user.has_role(role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}
