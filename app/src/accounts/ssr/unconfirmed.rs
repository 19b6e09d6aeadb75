//! Registrations whose address is not confirmed yet, and what proving an
//! address ends.
//!
//! Registering must not tell whether an address has an account. So a
//! registration with a known address is *held*: its username is reserved
//! and answers sign-ins exactly as an unconfirmed account does ("confirm
//! your address first", a new mail), for exactly as long — until the
//! confirmation link would have expired. Then both are erased. Until an
//! address is confirmed it is no way to sign in, and an unconfirmed account
//! cannot sign in at all with its password.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, SqlErr, sea_query::Query,
};
use time::OffsetDateTime;

use super::{
    AccountError, account_tokens,
    entities::{
        account, account_token, identity, pending_sign_in, registration_hold, sign_in_flow,
    },
    mails,
    register::{VERIFY_FOR, mail_confirmation},
};
use crate::{
    accounts::{Email, Username, ssr::session},
    ssr::{
        Clock, mail,
        rate_limit::{Limiter, MAIL_PER_ACCOUNT, Outcome},
    },
};

/// Reserves `username` for a registration with an address that has an
/// account already. `Taken` when the name was held or taken a moment ago.
pub(super) async fn hold<C: ConnectionTrait>(
    txn: &C,
    username: &Username,
    email: &Email,
    password_hash: String,
    now: OffsetDateTime,
) -> Result<(), AccountError> {
    let inserted = registration_hold::Entity::insert(registration_hold::ActiveModel {
        username_key: Set(username.key()),
        email_key: Set(email.key()),
        password_hash: Set(password_hash),
        created_at: Set(now),
        expires_at: Set(now + VERIFY_FOR),
    })
    .exec(txn)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AccountError::Taken)
        }
        Err(error) => Err(AccountError::db("holding the username")(error)),
    }
}

/// The live hold on a username, if any.
pub(super) async fn find_hold<C: ConnectionTrait>(
    db: &C,
    username_key: &str,
    now: OffsetDateTime,
) -> Result<Option<registration_hold::Model>, AccountError> {
    registration_hold::Entity::find_by_id(username_key.to_owned())
        .filter(registration_hold::Column::ExpiresAt.gt(now))
        .one(db)
        .await
        .map_err(AccountError::db("looking up a held username"))
}

/// Who tried to sign in before confirming their address.
pub(super) enum Unconfirmed {
    Account(account::Model),
    Hold(registration_hold::Model),
}

/// Mails the person again what registering mailed them — a new
/// confirmation link, or the notice that the address has an account — at
/// most three times an hour; beyond that, silently nothing.
pub(super) async fn remind(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    base_url: &str,
    who: Unconfirmed,
) -> Result<(), AccountError> {
    let now = clock.now();
    let subject = match &who {
        Unconfirmed::Account(account) => account.id.to_string(),
        Unconfirmed::Hold(hold) => format!("hold:{}", hold.username_key),
    };
    let outcome = limiter
        .hit(db, MAIL_PER_ACCOUNT, &subject, now)
        .await
        .map_err(AccountError::db("counting mail"))?;
    if outcome != Outcome::Allowed {
        return Ok(());
    }
    match who {
        Unconfirmed::Account(account) => {
            void_links(db, account.id, account_token::VERIFY_EMAIL, now).await?;
            let email = Email::parse(&account.email).map_err(AccountError::invalid("email"))?;
            mail_confirmation(db, clock, base_url, account.id, &email, &account.username).await
        }
        Unconfirmed::Hold(hold) => {
            let owner = account::Entity::find()
                .filter(account::Column::EmailKey.eq(hold.email_key))
                .one(db)
                .await
                .map_err(AccountError::db("looking up the address"))?;
            let Some(email) = owner.and_then(|owner| Email::parse(&owner.email).ok()) else {
                return Ok(());
            };
            let notice = mails::already_registered(&email, &format!("{base_url}/account/sign-in"));
            mail::enqueue(db, clock, notice)
                .await
                .map_err(AccountError::db("queueing mail"))
        }
    }
}

/// Makes every live link of `purpose` of an account unusable.
pub(super) async fn void_links<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    purpose: &str,
    now: OffsetDateTime,
) -> Result<(), AccountError> {
    account_token::Entity::update_many()
        .col_expr(
            account_token::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(account_token::Column::AccountId.eq(account_id))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map_err(AccountError::db("voiding earlier links"))?;
    Ok(())
}

/// What proving control of an account's address ends: every session but
/// `keep`, pending sign-ins (second factor and providers) and every live
/// mailed link. When the address had never been confirmed, providers
/// linked so far were linked by whoever typed that address — perhaps not
/// its owner — and are unlinked too, unless `keep` (the owner's own
/// session, signed in with them) vouches for them.
pub(super) async fn address_proven<C: ConnectionTrait>(
    txn: &C,
    account: &account::Model,
    keep: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), AccountError> {
    if account.email_verified_at.is_none() && keep.is_none() {
        let unlinked = identity::Entity::delete_many()
            .filter(identity::Column::AccountId.eq(account.id))
            .exec(txn)
            .await
            .map_err(AccountError::db("unlinking unconfirmed providers"))?
            .rows_affected;
        if unlinked > 0 {
            tracing::info!(
                account_id = account.id,
                unlinked,
                "providers linked before the address was confirmed were unlinked"
            );
        }
    }
    pending_sign_in::Entity::delete_many()
        .filter(pending_sign_in::Column::AccountId.eq(account.id))
        .exec(txn)
        .await
        .map_err(AccountError::db("ending pending sign-ins"))?;
    sign_in_flow::Entity::delete_many()
        .filter(
            sign_in_flow::Column::AccountId
                .eq(account.id)
                .or(sign_in_flow::Column::MailAccountId.eq(account.id)),
        )
        .exec(txn)
        .await
        .map_err(AccountError::db("ending provider sign-ins"))?;
    account_tokens::revoke_all(txn, account.id, now).await?;
    session::end_all(txn, account.id, keep)
        .await
        .map_err(AccountError::db("ending sessions"))?;
    Ok(())
}

/// Erases holds and unconfirmed accounts whose confirmation link has
/// expired. An unconfirmed account that signs in through a provider is
/// kept: its owner uses it.
pub async fn purge(db: &DatabaseConnection, now: OffsetDateTime) -> Result<u64, sea_orm::DbErr> {
    let holds = registration_hold::Entity::delete_many()
        .filter(registration_hold::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    let accounts = account::Entity::delete_many()
        .filter(account::Column::EmailVerifiedAt.is_null())
        .filter(account::Column::PasswordHash.is_not_null())
        .filter(account::Column::CreatedAt.lte(now - VERIFY_FOR))
        .filter(
            account::Column::Id.not_in_subquery(
                Query::select()
                    .column(identity::Column::AccountId)
                    .from(identity::Entity)
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?
        .rows_affected;
    Ok(holds + accounts)
}
