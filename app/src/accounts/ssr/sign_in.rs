//! Signing in with a username (or email address) and password.

use axum::http::HeaderValue;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use secrecy::SecretString;

use super::{AccountError, entities::account, password::verify_password};
use crate::{
    accounts::{Email, Username},
    ssr::{
        Clock,
        rate_limit::{
            FAILURES_PER_LOGIN, FAILURES_PER_LOGIN_AND_IP, Limiter, Outcome, SIGN_IN_PER_IP,
            backoff,
        },
        session,
    },
};

pub struct SignIn {
    /// A username or an email address.
    pub login: String,
    pub password: SecretString,
    pub remember: bool,
    pub user_agent: String,
    pub https: bool,
    /// The client's address, for rate limits.
    pub ip: String,
}

/// Checks the credentials and starts a new session; returns its cookie.
/// An unknown login costs the same work as a wrong password and gets the
/// same answer, rate limits included.
///
/// Limits: 30 tries per IP address in ten minutes; after five failures for
/// one login from one address, a delay that doubles with each failure (at
/// most 15 minutes) — for that address only, so the owner signing in from
/// elsewhere is not held up; and 100 failures per login and hour from
/// anywhere, which ends with the hour.
pub async fn sign_in(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    input: SignIn,
) -> Result<(i64, HeaderValue), AccountError> {
    let now = clock.now();
    let limited = |outcome| matches!(outcome, Outcome::Limited { .. });
    if limited(
        limiter
            .hit(db, SIGN_IN_PER_IP, &input.ip, now)
            .await
            .map_err(AccountError::db("counting sign-ins"))?,
    ) {
        return Err(AccountError::RateLimited);
    }
    let login = input.login.trim();
    let login_key = login.to_lowercase();
    let pair = format!("{login_key}\n{}", input.ip);
    let (failures, last) = limiter
        .current(db, FAILURES_PER_LOGIN_AND_IP, &pair, now)
        .await
        .map_err(AccountError::db("reading sign-in failures"))?;
    if last.is_some_and(|last| now - last < backoff(failures)) {
        return Err(AccountError::RateLimited);
    }
    let (all_failures, _) = limiter
        .current(db, FAILURES_PER_LOGIN, &login_key, now)
        .await
        .map_err(AccountError::db("reading sign-in failures"))?;
    if all_failures >= FAILURES_PER_LOGIN.max {
        return Err(AccountError::RateLimited);
    }
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
        for (limit, subject) in [
            (FAILURES_PER_LOGIN_AND_IP, &pair),
            (FAILURES_PER_LOGIN, &login_key),
        ] {
            limiter
                .hit(db, limit, subject, now)
                .await
                .map_err(AccountError::db("counting a failed sign-in"))?;
        }
        tracing::info!("sign-in refused");
        return Err(AccountError::BadCredentials);
    };
    for (limit, subject) in [
        (FAILURES_PER_LOGIN_AND_IP, &pair),
        (FAILURES_PER_LOGIN, &login_key),
    ] {
        limiter
            .reset(db, limit, subject)
            .await
            .map_err(AccountError::db("clearing sign-in failures"))?;
    }
    let cookie = session::start(
        db,
        now,
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
