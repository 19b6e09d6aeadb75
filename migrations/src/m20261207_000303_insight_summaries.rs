//! Daily summaries of the visit statistics, kept for years after the raw
//! page views are gone: per day the totals (visitors, page views, visits,
//! one-page visits, time spent in visits), and per day and dimension
//! (page, entry page, exit page, referrer, browser, system, device,
//! language) each value's visitors and views. Counts only: no visitor
//! hash is kept here, so nothing links one day to another.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InsightDays::Table)
                    .col(date(InsightDays::Day).primary_key())
                    .col(big_integer(InsightDays::Visitors))
                    .col(big_integer(InsightDays::Views))
                    .col(big_integer(InsightDays::Visits))
                    .col(big_integer(InsightDays::Bounces))
                    .col(big_integer(InsightDays::VisitSeconds))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InsightDayCounts::Table)
                    .col(string_len(InsightDayCounts::Dimension, 16))
                    .col(date(InsightDayCounts::Day))
                    .col(string_len(InsightDayCounts::Value, 300))
                    .col(big_integer(InsightDayCounts::Visitors))
                    .col(big_integer(InsightDayCounts::Views))
                    .primary_key(
                        Index::create()
                            .col(InsightDayCounts::Dimension)
                            .col(InsightDayCounts::Day)
                            .col(InsightDayCounts::Value),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InsightDayCounts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InsightDays::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum InsightDays {
    Table,
    Day,
    Visitors,
    Views,
    Visits,
    Bounces,
    VisitSeconds,
}

#[derive(DeriveIden)]
enum InsightDayCounts {
    Table,
    Dimension,
    Day,
    Value,
    Visitors,
    Views,
}
