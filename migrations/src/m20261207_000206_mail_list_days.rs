//! How many were on each mail list, day by day: a count per list and day,
//! written by the housekeeping, for the chart of subscribers over time.
//! Counts only: who joined or left is not kept, so leaving stays erasure.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailListDays::Table)
                    .col(big_integer(MailListDays::ListId))
                    .col(date(MailListDays::Day))
                    .col(big_integer(MailListDays::Subscribers))
                    .primary_key(
                        Index::create()
                            .col(MailListDays::ListId)
                            .col(MailListDays::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_list_days_list")
                            .from(MailListDays::Table, MailListDays::ListId)
                            .to(MailLists::Table, MailLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailListDays::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MailListDays {
    Table,
    ListId,
    Day,
    Subscribers,
}

#[derive(DeriveIden)]
enum MailLists {
    Table,
    Id,
}
