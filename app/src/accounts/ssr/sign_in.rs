//! Signing in with a username (or email address) and password.

use axum::http::HeaderValue;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use secrecy::SecretString;

use super::{AccountError, entities::account, password::verify_password};
use crate::{
    accounts::{Email, Username},
    ssr::{Clock, session},
};

pub struct SignIn {
    /// A username or an email address.
    pub login: String,
    pub password: SecretString,
    pub remember: bool,
    pub user_agent: String,
    pub https: bool,
}

/// Checks the credentials and starts a new session; returns its cookie.
/// An unknown login costs the same work as a wrong password and gets the
/// same answer.
pub async fn sign_in(
    db: &DatabaseConnection,
    clock: &Clock,
    input: SignIn,
) -> Result<(i64, HeaderValue), AccountError> {
    let login = input.login.trim();
    let key = if login.contains('@') {
        Email::parse(login)
            .ok()
            .map(|email| (account::Column::EmailKey, email.key()))
    } else {
        Username::parse(login)
            .ok()
            .map(|name| (account::Column::UsernameKey, name.key()))
    };
    let found = match key {
        Some((column, value)) => account::Entity::find()
            .filter(column.eq(value))
            .one(db)
            .await
            .map_err(AccountError::db("looking up the account"))?,
        None => None,
    };
    let stored = found.as_ref().and_then(|row| row.password_hash.clone());
    let matches = verify_password(input.password, stored).await?;
    let Some(account) = found.filter(|_| matches) else {
        tracing::info!("sign-in refused");
        return Err(AccountError::BadCredentials);
    };
    let cookie = session::start(
        db,
        clock.now(),
        account.id,
        input.remember,
        &input.user_agent,
        input.https,
    )
    .await
    .map_err(AccountError::db("starting the session"))?;
    tracing::info!(account_id = account.id, "signed in");
    Ok((account.id, cookie))
}
