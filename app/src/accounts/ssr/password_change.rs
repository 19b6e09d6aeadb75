//! Password reset by mailed link, and password change by the signed-in
//! member. Either one ends the member's other sessions, pending sign-ins
//! and every outstanding mailed link.

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};
use secrecy::SecretString;
use time::Duration;

use super::{
    AccountError, account_tokens,
    attempts::{self, Target},
    enforce,
    entities::{account, account_token},
    mails,
    password::{Password, hash_password, verify_password},
    unconfirmed,
};
use crate::{
    accounts::Email,
    ssr::{
        Clock, mail,
        rate_limit::{Limiter, MAIL_PER_ACCOUNT, MAIL_PER_IP},
    },
};

/// Reset links expire after this long.
pub const RESET_FOR: Duration = Duration::hours(1);

/// Mails a reset link if the address has an account. The answer is the
/// same either way.
pub async fn request_reset(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    base_url: &str,
    email: &str,
    ip: &str,
) -> Result<(), AccountError> {
    let now = clock.now();
    enforce(db, limiter, &[(MAIL_PER_IP, ip)], now).await?;
    let email = Email::parse(email).map_err(AccountError::invalid("email"))?;
    let found = account::Entity::find()
        .filter(account::Column::EmailKey.eq(email.key()))
        .one(db)
        .await
        .map_err(AccountError::db("looking up the account"))?;
    // Over the per-account limit, nothing is sent, and nothing says so.
    let within = match &found {
        Some(account) => limiter
            .within(db, &[(MAIL_PER_ACCOUNT, &account.id.to_string())], now)
            .await
            .map_err(AccountError::db("counting mail"))?,
        None => false,
    };
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    if let Some(account) = found.filter(|_| within) {
        // At most one live reset link per account: a new one voids the others.
        unconfirmed::void_links(&txn, account.id, account_token::RESET_PASSWORD, now).await?;
        let token = account_tokens::issue(
            &txn,
            account.id,
            account_token::RESET_PASSWORD,
            now,
            RESET_FOR,
        )
        .await?;
        let link = format!("{base_url}/account/reset?token={token}");
        let to = Email::parse(&account.email).map_err(AccountError::invalid("email"))?;
        mail::enqueue(
            &txn,
            clock,
            mails::reset_password(&to, &account.username, &link),
        )
        .await
        .map_err(AccountError::db("queueing mail"))?;
    }
    txn.commit().await.map_err(AccountError::db("committing"))?;
    Ok(())
}

/// Sets a new password with a mailed reset token.
///
/// Cheap checks come first — the address's rate limit, the password rules,
/// the token — so that made-up tokens never cost a hash. Opening the link
/// proves control of the address: an unconfirmed address becomes
/// confirmed, and everything begun before ends (see
/// [`unconfirmed::address_proven`]).
pub async fn reset_password(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    token: &str,
    new_password: SecretString,
    ip: &str,
) -> Result<i64, AccountError> {
    let now = clock.now();
    enforce(db, limiter, &[(limiter.sign_ins(), ip)], now).await?;
    let password = Password::parse(new_password).map_err(AccountError::invalid("password"))?;
    let account_id = account_tokens::peek(db, token, account_token::RESET_PASSWORD, now).await?;
    let admitted = attempts::admit(db, limiter, now, &Target::Account(account_id), ip).await?;
    let hash = hash_password(password).await?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let account_id =
        account_tokens::redeem(&txn, token, account_token::RESET_PASSWORD, now).await?;
    let account = store_new_password(&txn, clock, account_id, hash, None).await?;
    if account.email_verified_at.is_none() {
        account::Entity::update_many()
            .col_expr(account::Column::EmailVerifiedAt, Expr::value(now))
            .filter(account::Column::Id.eq(account_id))
            .exec(&txn)
            .await
            .map_err(AccountError::db("confirming the address"))?;
    }
    txn.commit().await.map_err(AccountError::db("committing"))?;
    admitted.succeeded(db, limiter).await?;
    tracing::info!(account_id, "password reset");
    Ok(account_id)
}

/// A signed-in member's request to change their password.
pub struct PasswordChange {
    pub account_id: i64,
    /// The session making the change, which stays signed in.
    pub session_hash: String,
    pub current: SecretString,
    pub new_password: SecretString,
    /// The client's address, for rate limits.
    pub ip: String,
}

/// Changes the password of a signed-in member, who must know the current
/// one. The session making the change stays signed in; all others end.
pub async fn change_password(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    input: PasswordChange,
) -> Result<(), AccountError> {
    let PasswordChange {
        account_id,
        session_hash,
        current,
        new_password,
        ip,
    } = input;
    let password = Password::parse(new_password).map_err(AccountError::invalid("new_password"))?;
    let target = Target::Account(account_id);
    let admitted = attempts::admit(db, limiter, clock.now(), &target, &ip).await?;
    let stored = account::Entity::find_by_id(account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the account"))?
        .and_then(|account| account.password_hash);
    if !verify_password(current, stored).await? {
        return Err(AccountError::Invalid {
            field: "current_password",
            message: "This is not your current password.".to_owned(),
        });
    }
    admitted.succeeded(db, limiter).await?;
    let hash = hash_password(password).await?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    store_new_password(&txn, clock, account_id, hash, Some(&session_hash)).await?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id, "password changed");
    Ok(())
}

/// Stores the hash and ends what a new password ends; returns the account
/// as it was before.
async fn store_new_password<C: sea_orm::ConnectionTrait>(
    txn: &C,
    clock: &Clock,
    account_id: i64,
    hash: String,
    keep_session: Option<&str>,
) -> Result<account::Model, AccountError> {
    let now = clock.now();
    let account = account::Entity::find_by_id(account_id)
        .one(txn)
        .await
        .map_err(AccountError::db("loading the account"))?
        .ok_or(AccountError::BadToken)?;
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .filter(account::Column::Id.eq(account_id))
        .exec(txn)
        .await
        .map_err(AccountError::db("storing the password"))?;
    unconfirmed::address_proven(txn, &account, keep_session, now).await?;
    let to = Email::parse(&account.email).map_err(AccountError::invalid("email"))?;
    mail::enqueue(txn, clock, mails::password_changed(&to, &account.username))
        .await
        .map_err(AccountError::db("queueing mail"))?;
    Ok(account)
}
