//! Visit statistics that identify no one: one row per page view with only
//! non-identifying facts (path, referrer host, browser and OS family,
//! device class, language, country, the minute) and a visitor hash made
//! with a salt of the day. The salt itself is never stored: the table of
//! seeds holds a random value per day, from which the salt is derived with
//! the server key (which is not in the database), and the seed is deleted
//! when its day is over. No column refers to an account, a session or any
//! other table.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InsightPageViews::Table)
                    .col(pk_auto(InsightPageViews::Id).big_integer())
                    .col(timestamp_with_time_zone(InsightPageViews::At))
                    .col(string_len(InsightPageViews::Path, 300))
                    .col(string_len_null(InsightPageViews::ReferrerHost, 253))
                    .col(string_len(InsightPageViews::Browser, 40))
                    .col(string_len_null(InsightPageViews::BrowserVersion, 16))
                    .col(string_len(InsightPageViews::Os, 40))
                    .col(string_len(InsightPageViews::Device, 16))
                    .col(string_len_null(InsightPageViews::Language, 16))
                    .col(string_len_null(InsightPageViews::Country, 2))
                    .col(string_len(InsightPageViews::Visitor, 32))
                    .to_owned(),
            )
            .await?;
        // Days are read by time (and sorted by visitor in memory): an
        // index led by the visitor would tempt SQLite to walk every row
        // in its order instead.
        manager
            .create_index(
                Index::create()
                    .name("insight_page_views_by_time")
                    .table(InsightPageViews::Table)
                    .col(InsightPageViews::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InsightSeeds::Table)
                    .col(date(InsightSeeds::Day).primary_key())
                    .col(string_len(InsightSeeds::Seed, 64))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InsightSeeds::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InsightPageViews::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum InsightPageViews {
    Table,
    Id,
    At,
    Path,
    ReferrerHost,
    Browser,
    BrowserVersion,
    Os,
    Device,
    Language,
    Country,
    Visitor,
}

#[derive(DeriveIden)]
enum InsightSeeds {
    Table,
    Day,
    Seed,
}
