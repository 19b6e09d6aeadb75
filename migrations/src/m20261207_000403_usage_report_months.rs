//! The monthly usage reports as they were published: one row per month,
//! its report as JSON, made once the month is over and never changed. The
//! report holds counts only, none under ten.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UsageReportMonths::Table)
                    .col(string_len(UsageReportMonths::Month, 7).primary_key())
                    .col(timestamp_with_time_zone(UsageReportMonths::PublishedAt))
                    .col(text(UsageReportMonths::Body))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UsageReportMonths::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum UsageReportMonths {
    Table,
    Month,
    PublishedAt,
    Body,
}
