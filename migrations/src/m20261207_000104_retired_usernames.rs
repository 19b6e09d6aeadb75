//! A deleted member's username stays retired for 90 days, so that nobody
//! takes it at once and is mistaken for them. Only a keyed hash of the
//! name is kept (the key is the server's, never in the database), so a
//! dump does not hold the name of anyone who left.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RetiredUsernames::Table)
                    .col(string_len(RetiredUsernames::KeyHash, 64).primary_key())
                    .col(timestamp_with_time_zone(RetiredUsernames::RetiredUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RetiredUsernames::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum RetiredUsernames {
    Table,
    KeyHash,
    RetiredUntil,
}
