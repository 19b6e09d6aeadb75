//! Members may change their username once every 30 days; the name they
//! leave stays reserved for them for 90 days, so that links and mentions
//! of it do not lead to someone else.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(timestamp_with_time_zone_null(Accounts::UsernameChangedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UsernameReservations::Table)
                    .col(string_len(UsernameReservations::UsernameKey, 120).primary_key())
                    .col(big_integer(UsernameReservations::AccountId))
                    .col(timestamp_with_time_zone(
                        UsernameReservations::ReservedUntil,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("username_reservations_account")
                            .from(UsernameReservations::Table, UsernameReservations::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (
                "username_reservations_by_account",
                UsernameReservations::AccountId,
            ),
            (
                "username_reservations_by_end",
                UsernameReservations::ReservedUntil,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(UsernameReservations::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UsernameReservations::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .drop_column(Accounts::UsernameChangedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Accounts {
    Table,
    Id,
    UsernameChangedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UsernameReservations {
    Table,
    UsernameKey,
    AccountId,
    ReservedUntil,
}
