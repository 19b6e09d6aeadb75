//! Changing the username: once every 30 days, with the same rules as at
//! registration. The name left behind stays reserved for its former owner
//! for 90 days, so that links and mentions of it do not lead to an
//! impostor; they may take it back in that time. The name of a deleted
//! account stays retired for as long, kept only as a keyed hash.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, SqlErr, TransactionTrait, sea_query::Expr, sea_query::OnConflict,
};
use time::{Duration, OffsetDateTime};

use super::{
    AccountError,
    entities::{account, retired_username, username_reservation},
    unconfirmed,
};
use crate::{accounts::Username, ssr::server_key::ServerKey};

/// How often a member may choose a new username.
pub const CHANGE_EVERY: Duration = Duration::days(30);
/// How long a name left behind stays reserved for its former owner.
pub const RESERVED_FOR: Duration = Duration::days(90);

/// The keyed hash a retired username is kept as.
fn retired_hash(server_key: &ServerKey, key: &str) -> String {
    hex::encode(
        server_key
            .derive("retired-usernames")
            .mac(&[key.as_bytes()]),
    )
}

/// Whether `key` is reserved for a member other than `except`, or retired
/// with a deleted account.
pub(super) async fn reserved<C: ConnectionTrait>(
    db: &C,
    server_key: &ServerKey,
    key: &str,
    now: OffsetDateTime,
    except: Option<i64>,
) -> Result<bool, AccountError> {
    let found = username_reservation::Entity::find_by_id(key.to_owned())
        .filter(username_reservation::Column::ReservedUntil.gt(now))
        .one(db)
        .await
        .map_err(AccountError::db("checking reserved usernames"))?;
    if found.is_some_and(|row| Some(row.account_id) != except) {
        return Ok(true);
    }
    Ok(
        retired_username::Entity::find_by_id(retired_hash(server_key, key))
            .filter(retired_username::Column::RetiredUntil.gt(now))
            .one(db)
            .await
            .map_err(AccountError::db("checking retired usernames"))?
            .is_some(),
    )
}

/// Retires the username of account `account_id`, which is being deleted,
/// and the names it left within the last 90 days: nobody may take them for
/// [`RESERVED_FOR`]. Run in the erasure's transaction, before its rows go.
pub async fn retire<C: ConnectionTrait>(
    db: &C,
    server_key: &ServerKey,
    account_id: i64,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let mut keys: Vec<String> = username_reservation::Entity::find()
        .filter(username_reservation::Column::AccountId.eq(account_id))
        .filter(username_reservation::Column::ReservedUntil.gt(now))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.username_key)
        .collect();
    if let Some(account) = account::Entity::find_by_id(account_id).one(db).await? {
        keys.push(account.username_key);
    }
    for key in keys {
        retired_username::Entity::insert(retired_username::ActiveModel {
            key_hash: Set(retired_hash(server_key, &key)),
            retired_until: Set(now + RESERVED_FOR),
        })
        .on_conflict(
            OnConflict::column(retired_username::Column::KeyHash)
                .update_column(retired_username::Column::RetiredUntil)
                .to_owned(),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Gives account `account_id` the username `new`. Refused within 30 days
/// of the last change, and for a name taken, held or reserved for someone
/// else.
pub async fn change_username(
    db: &DatabaseConnection,
    server_key: &ServerKey,
    now: OffsetDateTime,
    account_id: i64,
    new: &str,
) -> Result<(), AccountError> {
    let username = Username::parse(new).map_err(AccountError::invalid("username"))?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let account = account::Entity::find_by_id(account_id)
        .one(&txn)
        .await
        .map_err(AccountError::db("loading the account"))?
        .ok_or(AccountError::BadCredentials)?;
    if account.username == username.as_str() {
        return Err(AccountError::Invalid {
            field: "username",
            message: "This is your username already.".to_owned(),
        });
    }
    if let Some(changed) = account.username_changed_at
        && changed + CHANGE_EVERY > now
    {
        let next = crate::ssr::dates::day(changed + CHANGE_EVERY);
        return Err(AccountError::Invalid {
            field: "username",
            message: format!("You can change your username once every 30 days; next on {next}."),
        });
    }
    let key = username.key();
    let same_name = key == account.username_key;
    if !same_name {
        let taken = account::Entity::find()
            .filter(account::Column::UsernameKey.eq(key.as_str()))
            .one(&txn)
            .await
            .map_err(AccountError::db("checking the username"))?
            .is_some();
        if taken
            || unconfirmed::find_hold(&txn, &key, now).await?.is_some()
            || reserved(&txn, server_key, &key, now, Some(account.id)).await?
        {
            return Err(AccountError::Taken);
        }
    }
    let updated = account::Entity::update_many()
        .col_expr(account::Column::Username, Expr::value(username.as_str()))
        .col_expr(account::Column::UsernameKey, Expr::value(key.as_str()))
        .col_expr(account::Column::UsernameChangedAt, Expr::value(now))
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await;
    match updated {
        Ok(_) => {}
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AccountError::Taken);
        }
        Err(error) => return Err(AccountError::db("changing the username")(error)),
    }
    if !same_name {
        // Taking back one's own reserved name ends that reservation.
        username_reservation::Entity::delete_by_id(key)
            .exec(&txn)
            .await
            .map_err(AccountError::db("ending a reservation"))?;
        reserve(&txn, &account.username_key, account.id, now + RESERVED_FOR)
            .await
            .map_err(AccountError::db("reserving the old username"))?;
    }
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id = account.id, "username changed");
    Ok(())
}

async fn reserve<C: ConnectionTrait>(
    txn: &C,
    key: &str,
    account_id: i64,
    until: OffsetDateTime,
) -> Result<(), DbErr> {
    username_reservation::Entity::insert(username_reservation::ActiveModel {
        username_key: Set(key.to_owned()),
        account_id: Set(account_id),
        reserved_until: Set(until),
    })
    .on_conflict(
        OnConflict::column(username_reservation::Column::UsernameKey)
            .update_columns([
                username_reservation::Column::AccountId,
                username_reservation::Column::ReservedUntil,
            ])
            .to_owned(),
    )
    .exec(txn)
    .await?;
    Ok(())
}

/// Deletes reservations that have run out.
/// Releases retired usernames whose time is over.
pub async fn purge_retired<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    Ok(retired_username::Entity::delete_many()
        .filter(retired_username::Column::RetiredUntil.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

pub async fn purge<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    Ok(username_reservation::Entity::delete_many()
        .filter(username_reservation::Column::ReservedUntil.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
