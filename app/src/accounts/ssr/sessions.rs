//! The member's own sessions: list them, end one, end all others.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::AccountError;
use crate::{
    accounts::SessionInfo,
    accounts::ssr::session::{self, session_row},
};

/// The member's sessions, most recently used first.
pub async fn list(
    db: &DatabaseConnection,
    account_id: i64,
    current: &str,
) -> Result<Vec<SessionInfo>, AccountError> {
    let rows = session_row::Entity::find()
        .filter(session_row::Column::AccountId.eq(account_id))
        .order_by_desc(session_row::Column::LastSeenAt)
        .all(db)
        .await
        .map_err(AccountError::db("listing sessions"))?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: row.id_hash == current,
            id: row.id_hash,
            device: row.device,
            signed_in: crate::ssr::dates::long_day(row.created_at),
            last_seen: crate::ssr::dates::long_day(row.last_seen_at),
            remembered: row.remember,
        })
        .collect())
}

/// Ends one of the member's sessions. Someone else's id matches nothing.
pub async fn end_one(
    db: &DatabaseConnection,
    account_id: i64,
    id: &str,
) -> Result<(), AccountError> {
    session_row::Entity::delete_many()
        .filter(session_row::Column::AccountId.eq(account_id))
        .filter(session_row::Column::IdHash.eq(id))
        .exec(db)
        .await
        .map_err(AccountError::db("ending a session"))?;
    Ok(())
}

/// Withdraws "remember me" on every device: ends the member's other
/// remembered sessions and makes `current` one that ends like any other
/// (twelve hours after sign-in, or two idle hours). The number ended.
pub async fn forget_remembered(
    db: &DatabaseConnection,
    account_id: i64,
    current: &str,
) -> Result<u64, AccountError> {
    let ended = session_row::Entity::delete_many()
        .filter(session_row::Column::AccountId.eq(account_id))
        .filter(session_row::Column::Remember.eq(true))
        .filter(session_row::Column::IdHash.ne(current))
        .exec(db)
        .await
        .map_err(AccountError::db("ending remembered sessions"))?
        .rows_affected;
    session_row::Entity::update_many()
        .col_expr(session_row::Column::Remember, false.into())
        .filter(session_row::Column::AccountId.eq(account_id))
        .filter(session_row::Column::IdHash.eq(current))
        .exec(db)
        .await
        .map_err(AccountError::db("forgetting this device"))?;
    Ok(ended)
}

/// Ends every session of the member except `current`.
pub async fn end_others(
    db: &DatabaseConnection,
    account_id: i64,
    current: &str,
) -> Result<u64, AccountError> {
    session::end_all(db, account_id, Some(current))
        .await
        .map_err(AccountError::db("ending sessions"))
}
