//! Signing in with a username (or email address) and password.

use axum::http::HeaderValue;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use secrecy::SecretString;

use super::{
    AccountError, enforce,
    entities::{account, pending_sign_in},
    password::verify_password,
    two_factor,
};
use crate::{
    accounts::{Email, Username},
    ssr::{
        Clock,
        rate_limit::{FAILURES_PER_LOGIN, FAILURES_PER_LOGIN_AND_IP, Limiter, backoff},
        session, tokens,
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

/// What a correct password leads to.
pub enum SignedIn {
    /// A new session; its cookie.
    Session(HeaderValue),
    /// The member has a second factor: a pending sign-in and its cookie.
    NeedsCode(HeaderValue),
}

/// Pending sign-ins wait this long for their code.
const PENDING_FOR: time::Duration = time::Duration::minutes(5);
/// Wrong codes allowed for one pending sign-in.
const CODE_ATTEMPTS: i32 = 5;

/// Checks the credentials and starts a new session (or, with a second
/// factor, a pending sign-in).
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
) -> Result<(i64, SignedIn), AccountError> {
    let now = clock.now();
    enforce(db, limiter, &[(limiter.sign_ins(), &input.ip)], now).await?;
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
    let outcome = begin(
        db,
        now,
        account.id,
        input.remember,
        &input.user_agent,
        input.https,
    )
    .await?;
    Ok((account.id, outcome))
}

/// Starts a session for a member who proved who they are, or a pending
/// sign-in when they have a second factor still to give.
pub(super) async fn begin(
    db: &DatabaseConnection,
    now: time::OffsetDateTime,
    account_id: i64,
    remember: bool,
    user_agent: &str,
    https: bool,
) -> Result<SignedIn, AccountError> {
    if two_factor::is_enabled(db, account_id).await? {
        let (token, token_hash) = tokens::generate();
        pending_sign_in::Entity::insert(pending_sign_in::ActiveModel {
            token_hash: Set(token_hash),
            account_id: Set(account_id),
            remember: Set(remember),
            attempts: Set(0),
            created_at: Set(now),
        })
        .exec(db)
        .await
        .map_err(AccountError::db("storing a pending sign-in"))?;
        tracing::info!(
            account_id,
            "identity accepted; waiting for the second factor"
        );
        return Ok(SignedIn::NeedsCode(session::pending_cookie(&token, https)));
    }
    let cookie = session::start(db, now, account_id, remember, user_agent, https)
        .await
        .map_err(AccountError::db("starting the session"))?;
    tracing::info!(account_id, "signed in");
    Ok(SignedIn::Session(cookie))
}

/// Finishes a pending sign-in with a TOTP or recovery code. Five wrong
/// codes, or five minutes, end it: the member starts again with the
/// password.
pub async fn complete_sign_in(
    db: &DatabaseConnection,
    clock: &Clock,
    server_key: &crate::ssr::server_key::ServerKey,
    token: &str,
    code: &str,
    user_agent: &str,
    https: bool,
) -> Result<HeaderValue, AccountError> {
    let now = clock.now();
    let expired = || AccountError::Invalid {
        field: "code",
        message: "This sign-in has expired. Please sign in again with your password.".to_owned(),
    };
    let hash = tokens::hash(token);
    let pending = pending_sign_in::Entity::find_by_id(hash.clone())
        .one(db)
        .await
        .map_err(AccountError::db("loading the pending sign-in"))?
        .filter(|row| now - row.created_at < PENDING_FOR)
        .ok_or_else(expired)?;
    let counted = pending_sign_in::Entity::update_many()
        .col_expr(
            pending_sign_in::Column::Attempts,
            Expr::col(pending_sign_in::Column::Attempts).add(1),
        )
        .filter(pending_sign_in::Column::TokenHash.eq(hash.clone()))
        .filter(pending_sign_in::Column::Attempts.lt(CODE_ATTEMPTS))
        .exec(db)
        .await
        .map_err(AccountError::db("counting code attempts"))?;
    if counted.rows_affected != 1 {
        pending_sign_in::Entity::delete_by_id(hash)
            .exec(db)
            .await
            .map_err(AccountError::db("ending the pending sign-in"))?;
        return Err(AccountError::RateLimited);
    }
    let username = account::Entity::find_by_id(pending.account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the account"))?
        .map(|account| account.username)
        .ok_or_else(expired)?;
    two_factor::verify(db, clock, server_key, pending.account_id, &username, code).await?;
    pending_sign_in::Entity::delete_by_id(hash)
        .exec(db)
        .await
        .map_err(AccountError::db("ending the pending sign-in"))?;
    let cookie = session::start(
        db,
        now,
        pending.account_id,
        pending.remember,
        user_agent,
        https,
    )
    .await
    .map_err(AccountError::db("starting the session"))?;
    tracing::info!(
        account_id = pending.account_id,
        "signed in with a second factor"
    );
    Ok(cookie)
}

/// Deletes pending sign-ins older than an hour.
pub async fn purge_pending(
    db: &DatabaseConnection,
    now: time::OffsetDateTime,
) -> Result<u64, sea_orm::DbErr> {
    Ok(pending_sign_in::Entity::delete_many()
        .filter(pending_sign_in::Column::CreatedAt.lt(now - time::Duration::hours(1)))
        .exec(db)
        .await?
        .rows_affected)
}
