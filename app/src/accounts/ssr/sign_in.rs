//! Signing in with a username (or email address) and password.

use axum::http::HeaderValue;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use secrecy::SecretString;

use super::{
    AccountError,
    attempts::{self, Target},
    entities::{account, pending_sign_in, registration_hold},
    password::verify_password,
    two_factor,
    unconfirmed::{self, Unconfirmed},
};
use crate::{
    accounts::ssr::session,
    accounts::{Email, Username},
    ssr::{Clock, rate_limit::Limiter, tokens},
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
///
/// The attempt is counted before the password is checked, against the
/// account the login leads to (see [`attempts`]). An unknown login costs
/// the same work as a wrong password and gets the same answer, rate limits
/// included. Only a confirmed address is a login; an account (or a held
/// registration) whose address is not confirmed yet gets "confirm first"
/// and a new mail, on the right password only.
pub async fn sign_in(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    base_url: &str,
    input: SignIn,
) -> Result<(i64, SignedIn), AccountError> {
    let now = clock.now();
    let (found, held, target) = find_login(db, input.login.trim(), now).await?;
    let admitted = attempts::admit(db, limiter, now, &target, &input.ip).await?;
    let stored = match (&found, &held) {
        (Some(account), _) => account.password_hash.clone(),
        (None, Some(hold)) => Some(hold.password_hash.clone()),
        (None, None) => None,
    };
    if !verify_password(input.password, stored).await? {
        tracing::info!("sign-in refused");
        return Err(AccountError::BadCredentials);
    }
    admitted.succeeded(db, limiter).await?;
    let account = match (found, held) {
        (Some(account), _) if account.email_verified_at.is_some() => account,
        (Some(account), _) => {
            unconfirmed::remind(db, clock, limiter, base_url, Unconfirmed::Account(account))
                .await?;
            return Err(AccountError::Unconfirmed);
        }
        (None, Some(hold)) => {
            unconfirmed::remind(db, clock, limiter, base_url, Unconfirmed::Hold(hold)).await?;
            return Err(AccountError::Unconfirmed);
        }
        (None, None) => return Err(AccountError::BadCredentials),
    };
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

/// The account a login leads to — by username, or by a *confirmed*
/// address — else a live registration hold on the username, and what to
/// count the attempt against.
async fn find_login(
    db: &DatabaseConnection,
    login: &str,
    now: time::OffsetDateTime,
) -> Result<
    (
        Option<account::Model>,
        Option<registration_hold::Model>,
        Target,
    ),
    AccountError,
> {
    let (query, key) = if login.contains('@') {
        match Email::parse(login) {
            Ok(email) => (
                Some(
                    account::Entity::find()
                        .filter(account::Column::EmailKey.eq(email.key()))
                        .filter(account::Column::EmailVerifiedAt.is_not_null()),
                ),
                email.key(),
            ),
            Err(_) => (None, login.to_lowercase()),
        }
    } else {
        match Username::parse(login) {
            Ok(name) => (
                Some(account::Entity::find().filter(account::Column::UsernameKey.eq(name.key()))),
                name.key(),
            ),
            Err(_) => (None, login.to_lowercase()),
        }
    };
    let found = match query {
        Some(query) => query
            .one(db)
            .await
            .map_err(AccountError::db("looking up the account"))?,
        None => None,
    };
    if let Some(account) = found {
        let target = Target::Account(account.id);
        return Ok((Some(account), None, target));
    }
    let held = if login.contains('@') {
        None
    } else {
        unconfirmed::find_hold(db, &key, now).await?
    };
    Ok((None, held, Target::Unknown(key)))
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
        return Ok(SignedIn::NeedsCode(
            session::PENDING_SIGN_IN.set(&token, https),
        ));
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
