//! Call home: the company's products ask the portal for updates and send
//! it anonymous usage reports.
//!
//! - `release_products` and `releases`: what administrators publish — each
//!   product's channels (most stable first) and its versions on them.
//! - `update_check_counts`: how many update checks came in per day,
//!   product, version, channel, system and architecture. Counts only:
//!   nothing of a single check (its address, its time) is kept.
//! - `usage_reports`, with `usage_servers` and `usage_problems`: at most
//!   one row per install and week. The install is known only by a keyed
//!   hash of its random id and the week, so weeks cannot be linked to each
//!   other and a database dump cannot be searched for an id.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReleaseProducts::Table)
                    .col(pk_auto(ReleaseProducts::Id).big_integer())
                    .col(string_len_uniq(ReleaseProducts::Slug, 40))
                    .col(string_len(ReleaseProducts::Name, 100))
                    .col(string_len(ReleaseProducts::Channels, 200))
                    .col(timestamp_with_time_zone(ReleaseProducts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Releases::Table)
                    .col(pk_auto(Releases::Id).big_integer())
                    .col(big_integer(Releases::ProductId))
                    .col(string_len(Releases::Version, 50))
                    .col(string_len(Releases::Channel, 20))
                    .col(date(Releases::ReleasedOn))
                    .col(string_len(Releases::NotesUrl, 500))
                    .col(boolean(Releases::Security))
                    .col(timestamp_with_time_zone(Releases::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Releases::Table, Releases::ProductId)
                            .to(ReleaseProducts::Table, ReleaseProducts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("releases_by_product_version")
                    .table(Releases::Table)
                    .col(Releases::ProductId)
                    .col(Releases::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UpdateCheckCounts::Table)
                    .col(big_integer(UpdateCheckCounts::ProductId))
                    .col(date(UpdateCheckCounts::Day))
                    .col(string_len(UpdateCheckCounts::Version, 50))
                    .col(string_len(UpdateCheckCounts::Channel, 20))
                    .col(string_len(UpdateCheckCounts::Os, 16))
                    .col(string_len(UpdateCheckCounts::Arch, 16))
                    .col(big_integer(UpdateCheckCounts::Checks))
                    .primary_key(
                        Index::create()
                            .col(UpdateCheckCounts::ProductId)
                            .col(UpdateCheckCounts::Day)
                            .col(UpdateCheckCounts::Version)
                            .col(UpdateCheckCounts::Channel)
                            .col(UpdateCheckCounts::Os)
                            .col(UpdateCheckCounts::Arch),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UpdateCheckCounts::Table, UpdateCheckCounts::ProductId)
                            .to(ReleaseProducts::Table, ReleaseProducts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UsageReports::Table)
                    .col(pk_auto(UsageReports::Id).big_integer())
                    .col(big_integer(UsageReports::ProductId))
                    .col(date(UsageReports::Week))
                    .col(string_len(UsageReports::Install, 32))
                    .col(string_len(UsageReports::Version, 50))
                    .col(string_len(UsageReports::Os, 16))
                    .col(string_len(UsageReports::Arch, 16))
                    .col(date(UsageReports::LastDay))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UsageReports::Table, UsageReports::ProductId)
                            .to(ReleaseProducts::Table, ReleaseProducts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One row per install and week; the dashboards read a product's
        // weeks through the same index.
        manager
            .create_index(
                Index::create()
                    .name("usage_reports_by_week")
                    .table(UsageReports::Table)
                    .col(UsageReports::ProductId)
                    .col(UsageReports::Week)
                    .col(UsageReports::Install)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Retention deletes old weeks of every product.
        manager
            .create_index(
                Index::create()
                    .name("usage_reports_by_age")
                    .table(UsageReports::Table)
                    .col(UsageReports::Week)
                    .to_owned(),
            )
            .await?;
        for (table, key, count) in [
            ("usage_servers", "kind", "servers"),
            ("usage_problems", "code", "occurrences"),
        ] {
            manager.create_table(per_report(table, key, count)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "usage_problems",
            "usage_servers",
            "usage_reports",
            "update_check_counts",
            "releases",
            "release_products",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ReleaseProducts {
    Table,
    Id,
    Slug,
    Name,
    Channels,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Releases {
    Table,
    Id,
    ProductId,
    Version,
    Channel,
    ReleasedOn,
    NotesUrl,
    Security,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UpdateCheckCounts {
    Table,
    ProductId,
    Day,
    Version,
    Channel,
    Os,
    Arch,
    Checks,
}

#[derive(DeriveIden)]
enum UsageReports {
    Table,
    Id,
    ProductId,
    Week,
    Install,
    Version,
    Os,
    Arch,
    LastDay,
}

/// A count per report and kind (`usage_servers`: servers of a type;
/// `usage_problems`: occurrences of a problem code), gone with its report.
fn per_report(table: &str, key: &str, count: &str) -> TableCreateStatement {
    let report = Alias::new("report_id");
    Table::create()
        .table(Alias::new(table))
        .col(big_integer(report.clone()))
        .col(string_len(Alias::new(key), 32))
        .col(big_integer(Alias::new(count)))
        .primary_key(Index::create().col(report.clone()).col(Alias::new(key)))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new(table), report)
                .to(UsageReports::Table, UsageReports::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}
