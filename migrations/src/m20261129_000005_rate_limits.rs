//! Rate-limit counters, shared by every instance through the database.
//!
//! A counter is keyed by a salted SHA-256 of what it counts (an IP address,
//! a login name): no address is ever written down. The salt is made once
//! per installation and kept in `installation_secrets`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    .col(char_len(RateLimits::Key, 64).primary_key())
                    .col(timestamp_with_time_zone(RateLimits::WindowStartedAt))
                    .col(integer(RateLimits::Hits))
                    .col(timestamp_with_time_zone(RateLimits::LastHitAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InstallationSecrets::Table)
                    .col(string_len(InstallationSecrets::Name, 40).primary_key())
                    .col(string_len(InstallationSecrets::Value, 200))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InstallationSecrets::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RateLimits::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Key,
    WindowStartedAt,
    Hits,
    LastHitAt,
}

#[derive(DeriveIden)]
enum InstallationSecrets {
    Table,
    Name,
    Value,
}
