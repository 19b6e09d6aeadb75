//! Refusing replayed deliveries. GitHub signs only the body, so a delivery
//! is a replay when either its id or its body (by SHA-256) was seen within
//! the window.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, SqlErr, TransactionTrait,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use super::super::entities::delivery;
use crate::ssr::AppState;

/// Deliveries are remembered this long, to refuse replays.
const REMEMBER: Duration = Duration::days(7);

pub mod body {
    use sea_orm::entity::prelude::*;

    /// The fingerprint of a signed webhook body already answered.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cla_webhook_bodies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub body_sha256: String,
        pub received_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Stores the delivery id and the body's fingerprint; `false` if either
/// was seen before.
pub async fn remember(
    state: &AppState,
    delivery_id: &str,
    signed_body: &[u8],
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let txn = state.db.begin().await?;
    delivery::Entity::delete_many()
        .filter(delivery::Column::ReceivedAt.lt(now - REMEMBER))
        .exec(&txn)
        .await?;
    body::Entity::delete_many()
        .filter(body::Column::ReceivedAt.lt(now - REMEMBER))
        .exec(&txn)
        .await?;
    let id = delivery::Entity::insert(delivery::ActiveModel {
        delivery_id: Set(delivery_id.to_owned()),
        received_at: Set(now),
    })
    .exec(&txn)
    .await;
    if !first_time(id)? {
        return Ok(false);
    }
    let fingerprint = body::Entity::insert(body::ActiveModel {
        body_sha256: Set(hex::encode(Sha256::digest(signed_body))),
        received_at: Set(now),
    })
    .exec(&txn)
    .await;
    if !first_time(fingerprint)? {
        return Ok(false);
    }
    txn.commit().await?;
    Ok(true)
}

/// `false` when an insert hit a row that is already there.
fn first_time<T>(inserted: Result<T, DbErr>) -> Result<bool, DbErr> {
    match inserted {
        Ok(_) => Ok(true),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(false)
        }
        Err(error) => Err(error),
    }
}
