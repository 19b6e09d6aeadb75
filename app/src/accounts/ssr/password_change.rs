//! Password reset by mailed link, and password change by the signed-in
//! member. Either one ends the member's other sessions and voids every
//! outstanding mailed link.

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};
use secrecy::SecretString;
use time::Duration;

use super::{
    AccountError, account_tokens, enforce,
    entities::{account, account_token},
    mails,
    password::{Password, hash_password, verify_password},
};
use crate::{
    accounts::Email,
    ssr::{
        Clock, mail,
        rate_limit::{Limiter, MAIL_PER_IP},
        session,
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
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let found = account::Entity::find()
        .filter(account::Column::EmailKey.eq(email.key()))
        .one(&txn)
        .await
        .map_err(AccountError::db("looking up the account"))?;
    if let Some(account) = found {
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
pub async fn reset_password(
    db: &DatabaseConnection,
    clock: &Clock,
    token: &str,
    new_password: SecretString,
) -> Result<i64, AccountError> {
    let password = Password::parse(new_password).map_err(AccountError::invalid("password"))?;
    let hash = hash_password(password).await?;
    let now = clock.now();
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let account_id =
        account_tokens::redeem(&txn, token, account_token::RESET_PASSWORD, now).await?;
    store_new_password(&txn, clock, account_id, hash, None).await?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id, "password reset");
    Ok(account_id)
}

/// Changes the password of a signed-in member, who must know the current
/// one. The session making the change stays signed in; all others end.
pub async fn change_password(
    db: &DatabaseConnection,
    clock: &Clock,
    account_id: i64,
    session_hash: &str,
    current: SecretString,
    new_password: SecretString,
) -> Result<(), AccountError> {
    let password = Password::parse(new_password).map_err(AccountError::invalid("new_password"))?;
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
    let hash = hash_password(password).await?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    store_new_password(&txn, clock, account_id, hash, Some(session_hash)).await?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id, "password changed");
    Ok(())
}

async fn store_new_password<C: sea_orm::ConnectionTrait>(
    txn: &C,
    clock: &Clock,
    account_id: i64,
    hash: String,
    keep_session: Option<&str>,
) -> Result<(), AccountError> {
    let now = clock.now();
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .filter(account::Column::Id.eq(account_id))
        .exec(txn)
        .await
        .map_err(AccountError::db("storing the password"))?;
    account_tokens::revoke_all(txn, account_id, now).await?;
    session::end_all(txn, account_id, keep_session)
        .await
        .map_err(AccountError::db("ending sessions"))?;
    let account = account::Entity::find_by_id(account_id)
        .one(txn)
        .await
        .map_err(AccountError::db("loading the account"))?
        .ok_or(AccountError::BadToken)?;
    let to = Email::parse(&account.email).map_err(AccountError::invalid("email"))?;
    mail::enqueue(txn, clock, mails::password_changed(&to, &account.username))
        .await
        .map_err(AccountError::db("queueing mail"))?;
    Ok(())
}
