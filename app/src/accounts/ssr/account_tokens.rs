//! Single-use, expiring tokens mailed to members (confirmation, reset).

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use time::{Duration, OffsetDateTime};

use super::{AccountError, entities::account_token};
use crate::ssr::tokens;

/// Stores a new token and returns it, to be mailed.
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    purpose: &str,
    now: OffsetDateTime,
    valid_for: Duration,
) -> Result<String, AccountError> {
    issue_with(db, account_id, purpose, now, valid_for, None).await
}

/// Like [`issue`], remembering a new email address waiting for confirmation.
pub async fn issue_with<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    purpose: &str,
    now: OffsetDateTime,
    valid_for: Duration,
    new_email: Option<String>,
) -> Result<String, AccountError> {
    let (token, token_hash) = tokens::generate();
    account_token::Entity::insert(account_token::ActiveModel {
        account_id: Set(account_id),
        purpose: Set(purpose.to_owned()),
        token_hash: Set(token_hash),
        new_email: Set(new_email),
        created_at: Set(now),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await
    .map_err(AccountError::db("storing a token"))?;
    Ok(token)
}

/// Uses a token: it must exist for `purpose`, be unused and unexpired.
/// A conditional update makes sure that of two simultaneous uses only one
/// wins. Returns the account it belongs to.
pub async fn redeem<C: ConnectionTrait>(
    db: &C,
    token: &str,
    purpose: &str,
    now: OffsetDateTime,
) -> Result<i64, AccountError> {
    Ok(redeem_row(db, token, purpose, now).await?.account_id)
}

/// The account a token belongs to, if it is live — without using it up:
/// a cheap check before expensive work, which [`redeem`] then confirms.
pub async fn peek<C: ConnectionTrait>(
    db: &C,
    token: &str,
    purpose: &str,
    now: OffsetDateTime,
) -> Result<i64, AccountError> {
    account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(tokens::hash(token)))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await
        .map_err(AccountError::db("looking up a token"))?
        .map(|row| row.account_id)
        .ok_or(AccountError::BadToken)
}

/// Like [`redeem`], returning the whole token row.
pub async fn redeem_row<C: ConnectionTrait>(
    db: &C,
    token: &str,
    purpose: &str,
    now: OffsetDateTime,
) -> Result<account_token::Model, AccountError> {
    let found = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(tokens::hash(token)))
        .filter(account_token::Column::Purpose.eq(purpose))
        .one(db)
        .await
        .map_err(AccountError::db("looking up a token"))?;
    let Some(row) = found.filter(|row| row.used_at.is_none() && row.expires_at > now) else {
        return Err(AccountError::BadToken);
    };
    let used = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::Id.eq(row.id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map_err(AccountError::db("using a token"))?;
    if used.rows_affected == 1 {
        Ok(row)
    } else {
        Err(AccountError::BadToken)
    }
}

/// Makes every outstanding token of an account unusable.
pub async fn revoke_all<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    now: OffsetDateTime,
) -> Result<(), AccountError> {
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::AccountId.eq(account_id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map_err(AccountError::db("revoking tokens"))?;
    Ok(())
}

/// How long a mailed link is kept once it was used or expired.
pub const KEEP_SPENT: Duration = Duration::days(7);

/// Deletes links used or expired more than [`KEEP_SPENT`] ago.
pub async fn purge<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, sea_orm::DbErr> {
    let before = now - KEEP_SPENT;
    Ok(account_token::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(account_token::Column::UsedAt.lt(before))
                .add(account_token::Column::ExpiresAt.lt(before)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
