//! Changing the email address: the current password, then a link mailed
//! to the new address; the old address is told at each step.

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};
use secrecy::SecretString;

use super::{
    AccountError, account_tokens,
    attempts::{self, Target},
    enforce,
    entities::{account, account_token},
    mails,
    password::verify_password,
    register::VERIFY_FOR,
};
use crate::{
    accounts::Email,
    ssr::{
        Clock, mail,
        rate_limit::{Limiter, MAIL_PER_ACCOUNT, MAIL_PER_IP},
    },
};

pub struct EmailChange {
    pub account_id: i64,
    pub password: SecretString,
    pub new_email: String,
    pub ip: String,
}

/// Mails a confirmation link to the new address and a notice to the old
/// one. If the new address already has an account, its owner is told
/// instead — and the answer is the same.
pub async fn request_email_change(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    base_url: &str,
    input: EmailChange,
) -> Result<(), AccountError> {
    let now = clock.now();
    let new_email = Email::parse(&input.new_email).map_err(AccountError::invalid("new_email"))?;
    let account = account::Entity::find_by_id(input.account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the account"))?
        .ok_or(AccountError::BadCredentials)?;
    let target = Target::Account(account.id);
    let admitted = attempts::admit(db, limiter, now, &target, &input.ip).await?;
    if !verify_password(input.password, account.password_hash.clone()).await? {
        return Err(AccountError::Invalid {
            field: "current_password",
            message: "This is not your current password.".to_owned(),
        });
    }
    admitted.succeeded(db, limiter).await?;
    let account_key = input.account_id.to_string();
    let limits = [
        (MAIL_PER_IP, input.ip.as_str()),
        (MAIL_PER_ACCOUNT, account_key.as_str()),
    ];
    enforce(db, limiter, &limits, now).await?;
    let old_email = Email::parse(&account.email).map_err(AccountError::invalid("email"))?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let taken = account::Entity::find()
        .filter(account::Column::EmailKey.eq(new_email.key()))
        .one(&txn)
        .await
        .map_err(AccountError::db("checking the address"))?
        .is_some();
    if taken {
        let notice = mails::already_registered(&new_email, &format!("{base_url}/account/sign-in"));
        mail::enqueue(&txn, clock, notice)
            .await
            .map_err(AccountError::db("queueing mail"))?;
    } else {
        let token = account_tokens::issue_with(
            &txn,
            account.id,
            account_token::CHANGE_EMAIL,
            now,
            VERIFY_FOR,
            Some(new_email.as_str().to_owned()),
        )
        .await?;
        let link = format!("{base_url}/account/confirm-email-change?token={token}");
        mail::enqueue(
            &txn,
            clock,
            mails::verify_address(&new_email, &account.username, &link),
        )
        .await
        .map_err(AccountError::db("queueing mail"))?;
        mail::enqueue(
            &txn,
            clock,
            mails::email_change_requested(&old_email, &account.username),
        )
        .await
        .map_err(AccountError::db("queueing mail"))?;
    }
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id = account.id, "email change requested");
    Ok(())
}

/// Switches to the new address with the token mailed to it.
pub async fn confirm_email_change(
    db: &DatabaseConnection,
    clock: &Clock,
    token: &str,
) -> Result<i64, AccountError> {
    let now = clock.now();
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let row = account_tokens::redeem_row(&txn, token, account_token::CHANGE_EMAIL, now).await?;
    let new_email = row
        .new_email
        .as_deref()
        .and_then(|email| Email::parse(email).ok())
        .ok_or(AccountError::BadToken)?;
    let account = account::Entity::find_by_id(row.account_id)
        .one(&txn)
        .await
        .map_err(AccountError::db("loading the account"))?
        .ok_or(AccountError::BadToken)?;
    let updated = account::Entity::update_many()
        .col_expr(account::Column::Email, Expr::value(new_email.as_str()))
        .col_expr(account::Column::EmailKey, Expr::value(new_email.key()))
        .col_expr(account::Column::EmailVerifiedAt, Expr::value(now))
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await;
    if let Err(error) = updated {
        // The address was taken after the link was sent.
        return Err(match error.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AccountError::BadToken,
            _ => AccountError::db("changing the address")(error),
        });
    }
    // Links mailed to the old address (a password reset) die with it.
    account_tokens::revoke_all(&txn, account.id, now).await?;
    if let Ok(old) = Email::parse(&account.email) {
        mail::enqueue(&txn, clock, mails::email_changed(&old, &account.username))
            .await
            .map_err(AccountError::db("queueing mail"))?;
    }
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id = account.id, "email address changed");
    Ok(account.id)
}
