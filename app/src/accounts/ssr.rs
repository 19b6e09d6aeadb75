//! Server side of accounts: storage, passwords, registration, sign-in.

mod account_tokens;
mod admin;
mod attempts;
pub mod auth;
pub mod deletion_proof;
mod email_change;
mod entities;
pub mod identities;
pub mod identity_flow;
pub mod identity_links;
pub mod identity_requests;
pub mod identity_routes;
mod mails;
mod password;
mod password_change;
pub mod policy_hold;
pub mod providers;
mod register;
pub mod session;
pub mod sessions;
mod sign_in;
pub mod two_factor;
mod unconfirmed;
mod username_change;

pub use account_tokens::KEEP_SPENT as KEEP_SPENT_LINKS;
pub use admin::{NewAdmin, create_admin};
pub use email_change::{EmailChange, confirm_email_change, request_email_change};
pub use entities::*;
pub use password::{Password, hash_password, verify_password};
pub use password_change::{PasswordChange, change_password, request_reset, reset_password};
pub use providers::{ProviderConfig, ProviderKind, Providers};
pub use register::{NewMember, confirm_email, register, resend_confirmation};
pub use sign_in::{SignIn, SignedIn, complete_sign_in, purge_pending, sign_in};
pub use unconfirmed::purge as purge_unconfirmed;
pub use username_change::{CHANGE_EVERY, RESERVED_FOR, change_username, retire as retire_username};

use crate::ssr::{
    AppState,
    feature::{Counts, Feature, Task},
};

/// What accounts bring to the server: the sign-in providers' redirects, and
/// the purge of expired sessions and of sign-ins, registrations and
/// provider flows never finished.
pub const FEATURE: Feature = Feature {
    routes: identity_routes::routes,
    cookies: &[
        &session::SESSION,
        &session::PENDING_SIGN_IN,
        &identity_flow::SIGN_IN_FLOW,
    ],
    purge,
    ..Feature::named("accounts")
};

fn purge(state: &AppState) -> Task<'_, Counts> {
    Box::pin(async move {
        let now = state.clock.now();
        Ok(vec![
            ("expired sessions", session::purge(&state.db, now).await?),
            ("unfinished sign-ins", purge_pending(&state.db, now).await?),
            (
                "unconfirmed registrations",
                purge_unconfirmed(&state.db, now).await?,
            ),
            (
                "unfinished provider sign-ins",
                identity_flow::purge_flows(&state.db, now).await?,
            ),
            (
                "used or expired mailed links",
                account_tokens::purge(&state.db, now).await?,
            ),
            (
                "username reservations ended",
                username_change::purge(&state.db, now).await?,
            ),
            (
                "retired usernames released",
                username_change::purge_retired(&state.db, now).await?,
            ),
        ])
    })
}

/// Errors of the account services. Each maps to an [`AppError`] the
/// browser may see; the database's own text is only logged.
///
/// [`AppError`]: crate::error::AppError
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("an account with this username or email address already exists")]
    Taken,
    #[error("the username or password is not right")]
    BadCredentials,
    #[error("the link is not valid, already used or expired")]
    BadToken,
    #[error("too many attempts")]
    RateLimited,
    #[error("too many passwords being hashed at once")]
    Busy,
    #[error("the email address is not confirmed yet")]
    Unconfirmed,
    #[error("could not hash the password")]
    Hash(String),
    #[error("database error while {action}")]
    Db {
        action: &'static str,
        source: sea_orm::DbErr,
    },
}

/// Counts a hit against each limit; `RateLimited` when any is exceeded.
pub(crate) async fn enforce(
    db: &sea_orm::DatabaseConnection,
    limiter: &crate::ssr::rate_limit::Limiter,
    limits: &[(crate::ssr::rate_limit::Limit, &str)],
    now: time::OffsetDateTime,
) -> Result<(), AccountError> {
    if limiter
        .within(db, limits, now)
        .await
        .map_err(AccountError::db("counting attempts"))?
    {
        Ok(())
    } else {
        Err(AccountError::RateLimited)
    }
}

impl AccountError {
    pub(crate) fn db(action: &'static str) -> impl FnOnce(sea_orm::DbErr) -> Self {
        move |source| Self::Db { action, source }
    }

    pub(crate) fn invalid(field: &'static str) -> impl FnOnce(String) -> Self {
        move |message| Self::Invalid { field, message }
    }
}

impl From<AccountError> for crate::error::AppError {
    fn from(error: AccountError) -> Self {
        use crate::error::AppError;
        match error {
            AccountError::Invalid { field, message } => AppError::invalid(field, message),
            AccountError::Taken => {
                AppError::invalid("username", "This username is taken; please choose another.")
            }
            AccountError::BadCredentials => AppError::invalid(
                "password",
                "The username or password is not right. Check both and try again.",
            ),
            AccountError::BadToken => AppError::invalid(
                "token",
                "This link is not valid any more: it was already used, or it expired. Ask for a new one.",
            ),
            AccountError::RateLimited => AppError::RateLimited,
            AccountError::Busy => AppError::Busy,
            AccountError::Unconfirmed => AppError::invalid(
                "login",
                "Your email address is not confirmed yet. We have mailed you a link: open it to confirm the address, then sign in.",
            ),
            AccountError::Hash(cause) => {
                tracing::error!(%cause, "password hashing failed");
                AppError::Internal
            }
            AccountError::Db { action, source } => crate::ssr::db_error(action, source),
        }
    }
}

/// The usernames of `ids`.
pub async fn usernames<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, crate::error::AppError> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let rows: Vec<(i64, String)> = account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::Username)
        .filter(account::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
        .map_err(|e| crate::ssr::db_error("loading usernames", e))?;
    Ok(rows.into_iter().collect())
}
