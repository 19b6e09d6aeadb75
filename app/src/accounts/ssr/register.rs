//! Registration (double opt-in) and email confirmation.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, SqlErr,
    TransactionTrait, sea_query::Expr,
};
use secrecy::SecretString;
use time::{Duration, OffsetDateTime};

use super::{
    AccountError, account_tokens, enforce,
    entities::{account, account_token, consent},
    mails,
    password::{Password, hash_password},
    unconfirmed,
};
use crate::{
    accounts::{Email, Username},
    documents::{DocumentKind, ssr::current_version},
    ssr::{
        Clock, mail,
        rate_limit::{Limiter, MAIL_PER_ACCOUNT, MAIL_PER_IP},
    },
};

/// Confirmation links expire after this long.
pub const VERIFY_FOR: Duration = Duration::hours(48);

/// What the registration form sends.
pub struct NewMember {
    pub username: String,
    pub email: String,
    pub password: SecretString,
    pub age_confirmed: bool,
    pub policy_accepted: bool,
    /// The client's address, for the rate limit.
    pub ip: String,
}

/// Registers a member and mails a confirmation link.
///
/// When the address already has an account, the answer is the same and the
/// same work is done; the owner of the address gets a mail saying what
/// happened instead, and the username is held as if an account had been
/// made (see [`super::unconfirmed`]), so that no later request tells the
/// two cases apart. Only a taken *username* is reported, since usernames
/// are public anyway.
pub async fn register(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    server_key: &crate::ssr::server_key::ServerKey,
    base_url: &str,
    input: NewMember,
) -> Result<(), AccountError> {
    enforce(
        db,
        limiter,
        &[(limiter.registrations(), &input.ip)],
        clock.now(),
    )
    .await?;
    let username = Username::parse(&input.username).map_err(AccountError::invalid("username"))?;
    let email = Email::parse(&input.email).map_err(AccountError::invalid("email"))?;
    let password = Password::parse(input.password).map_err(AccountError::invalid("password"))?;
    attest(input.age_confirmed, input.policy_accepted)?;
    let password_hash = hash_password(password).await?;
    let now = clock.now();

    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let username_taken = account::Entity::find()
        .filter(account::Column::UsernameKey.eq(username.key()))
        .one(&txn)
        .await
        .map_err(AccountError::db("checking the username"))?
        .is_some();
    if username_taken
        || unconfirmed::find_hold(&txn, &username.key(), now)
            .await?
            .is_some()
        || super::username_change::reserved(&txn, server_key, &username.key(), now, None).await?
    {
        return Err(AccountError::Taken);
    }
    let email_taken = account::Entity::find()
        .filter(account::Column::EmailKey.eq(email.key()))
        .one(&txn)
        .await
        .map_err(AccountError::db("checking the email address"))?
        .is_some();
    if email_taken {
        unconfirmed::hold(&txn, &username, &email, password_hash, now).await?;
        let notice = mails::already_registered(&email, &format!("{base_url}/account/sign-in"));
        mail::enqueue(&txn, clock, notice)
            .await
            .map_err(AccountError::db("queueing mail"))?;
        txn.commit().await.map_err(AccountError::db("committing"))?;
        tracing::info!("registration for an address that already has an account");
        return Ok(());
    }
    let account_id = insert_member(&txn, &username, &email, None, Some(password_hash), now).await?;
    mail_confirmation(&txn, clock, base_url, account_id, &email, username.as_str()).await?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id, "account registered");
    Ok(())
}

/// Queues a mail with a fresh link that confirms `email`, in the caller's
/// transaction.
pub(super) async fn mail_confirmation<C: sea_orm::ConnectionTrait>(
    txn: &C,
    clock: &Clock,
    base_url: &str,
    account_id: i64,
    email: &Email,
    username: &str,
) -> Result<(), AccountError> {
    let token = account_tokens::issue(
        txn,
        account_id,
        account_token::VERIFY_EMAIL,
        clock.now(),
        VERIFY_FOR,
    )
    .await?;
    let link = format!("{base_url}/account/verify?token={token}");
    mail::enqueue(txn, clock, mails::verify_address(email, username, &link))
        .await
        .map_err(AccountError::db("queueing mail"))
}

/// The two statements every new member makes (P13, P14).
pub(super) fn attest(age_confirmed: bool, policy_accepted: bool) -> Result<(), AccountError> {
    if !age_confirmed {
        return Err(AccountError::Invalid {
            field: "age_confirmed",
            message: "You need to be 13 or older to use this site.".to_owned(),
        });
    }
    if !policy_accepted {
        return Err(AccountError::Invalid {
            field: "policy_accepted",
            message: "Please read and accept the privacy policy to create an account.".to_owned(),
        });
    }
    Ok(())
}

/// Inserts an account and records its acceptance of the privacy policy
/// in force. A username or address taken a moment ago is `Taken`.
pub(super) async fn insert_member<C: sea_orm::ConnectionTrait>(
    txn: &C,
    username: &Username,
    email: &Email,
    email_verified_at: Option<OffsetDateTime>,
    password_hash: Option<String>,
    now: OffsetDateTime,
) -> Result<i64, AccountError> {
    let policy = current_version(txn, DocumentKind::PrivacyPolicy, now)
        .await
        .map_err(AccountError::db("loading the privacy policy"))?
        .ok_or(AccountError::Db {
            action: "loading the privacy policy",
            source: sea_orm::DbErr::RecordNotFound("no privacy policy in force".to_owned()),
        })?;
    let inserted = account::Entity::insert(account::ActiveModel {
        username: Set(username.as_str().to_owned()),
        username_key: Set(username.key()),
        email: Set(email.as_str().to_owned()),
        email_key: Set(email.key()),
        email_verified_at: Set(email_verified_at),
        password_hash: Set(password_hash),
        age_confirmed_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(txn)
    .await;
    let account_id = match inserted {
        Ok(result) => result.last_insert_id,
        // Someone registered the same name or address a moment ago.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AccountError::Taken);
        }
        Err(error) => return Err(AccountError::db("inserting the account")(error)),
    };
    consent::Entity::insert(consent::ActiveModel {
        account_id: Set(account_id),
        document_id: Set(policy.id),
        document_version: Set(policy.version),
        document_sha256: Set(policy.sha256),
        accepted_at: Set(now),
        ..Default::default()
    })
    .exec(txn)
    .await
    .map_err(AccountError::db("recording consent"))?;
    Ok(account_id)
}

/// Confirms an email address with a mailed token: once, before it expires.
///
/// Whoever opens the link controls the address, so everything begun
/// before it is ended (see [`unconfirmed::address_proven`]); when the
/// person confirming is signed in to the account (`session`: theirs, by
/// account id and session hash), that session and its providers stay.
pub async fn confirm_email(
    db: &DatabaseConnection,
    clock: &Clock,
    token: &str,
    session: Option<(i64, &str)>,
) -> Result<i64, AccountError> {
    let now = clock.now();
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let account_id = account_tokens::redeem(&txn, token, account_token::VERIFY_EMAIL, now).await?;
    let account = account::Entity::find_by_id(account_id)
        .one(&txn)
        .await
        .map_err(AccountError::db("loading the account"))?
        .ok_or(AccountError::BadToken)?;
    let keep = session
        .filter(|(signed_in, _)| *signed_in == account_id)
        .map(|(_, hash)| hash);
    unconfirmed::address_proven(&txn, &account, keep, now).await?;
    account::Entity::update_many()
        .col_expr(account::Column::EmailVerifiedAt, Expr::value(now))
        .filter(account::Column::Id.eq(account_id))
        .exec(&txn)
        .await
        .map_err(AccountError::db("confirming the address"))?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id, "email address confirmed");
    Ok(account_id)
}

/// Mails a fresh confirmation link to a signed-in member whose address is
/// not confirmed yet. Earlier links stop working.
pub async fn resend_confirmation(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    base_url: &str,
    account_id: i64,
    ip: &str,
) -> Result<(), AccountError> {
    let now = clock.now();
    let account_key = account_id.to_string();
    enforce(
        db,
        limiter,
        &[(MAIL_PER_IP, ip), (MAIL_PER_ACCOUNT, &account_key)],
        now,
    )
    .await?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let account = account::Entity::find_by_id(account_id)
        .one(&txn)
        .await
        .map_err(AccountError::db("loading the account"))?
        .ok_or(AccountError::BadToken)?;
    if account.email_verified_at.is_some() {
        return Ok(());
    }
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::AccountId.eq(account_id))
        .filter(account_token::Column::Purpose.eq(account_token::VERIFY_EMAIL))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await
        .map_err(AccountError::db("voiding earlier links"))?;
    let email = Email::parse(&account.email).map_err(AccountError::invalid("email"))?;
    mail_confirmation(&txn, clock, base_url, account_id, &email, &account.username).await?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    Ok(())
}
