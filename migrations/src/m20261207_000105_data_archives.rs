//! Archives of a member's data: asked for on the data page, built in the
//! background into the file store, downloaded once through a mailed link
//! that expires after a day.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataArchives::Table)
                    .col(big_pk_auto(DataArchives::Id))
                    .col(big_integer(DataArchives::AccountId))
                    .col(timestamp_with_time_zone(DataArchives::RequestedAt))
                    .col(timestamp_with_time_zone_null(DataArchives::ClaimedAt))
                    .col(string_len_null(DataArchives::FileKey, 64))
                    .col(char_len_null(DataArchives::TokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone_null(DataArchives::ReadyAt))
                    .col(timestamp_with_time_zone_null(DataArchives::ExpiresAt))
                    .col(timestamp_with_time_zone_null(DataArchives::DownloadedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("data_archives_account")
                            .from(DataArchives::Table, DataArchives::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("data_archives_by_account")
                    .table(DataArchives::Table)
                    .col(DataArchives::AccountId)
                    .to_owned(),
            )
            .await?;
        // The builder's and the purge's scans: archives not yet ready, and
        // those past their expiry.
        manager
            .create_index(
                Index::create()
                    .name("data_archives_by_ready")
                    .table(DataArchives::Table)
                    .col(DataArchives::ReadyAt)
                    .col(DataArchives::RequestedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DataArchives::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum DataArchives {
    Table,
    Id,
    AccountId,
    RequestedAt,
    ClaimedAt,
    FileKey,
    TokenHash,
    ReadyAt,
    ExpiresAt,
    DownloadedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}
