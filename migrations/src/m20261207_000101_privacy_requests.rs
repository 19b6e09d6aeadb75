//! Privacy requests: what anyone (no account needed) asks the operator
//! about their data — access, correction, deletion, objection, a complaint,
//! "do not sell or share", or an account that belongs to a child — and the
//! append-only log of how staff handled it.
//!
//! A request counts once its sender confirmed the address by a mailed link
//! (stored only as a SHA-256 hash); from then it is due in 30 days.
//! Unconfirmed requests and, a year after they were closed, answered ones
//! are deleted by the retention purge, with their log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PrivacyRequests::Table)
                    .col(big_pk_auto(PrivacyRequests::Id))
                    .col(string_len(PrivacyRequests::Kind, 20))
                    .col(string_len(PrivacyRequests::Status, 16))
                    .col(string_len_null(PrivacyRequests::Name, 100))
                    .col(string_len(PrivacyRequests::Email, 254))
                    .col(string_len(PrivacyRequests::EmailKey, 254))
                    .col(string_len_null(PrivacyRequests::AccountName, 40))
                    .col(text(PrivacyRequests::Details))
                    .col(string_len_null(PrivacyRequests::TokenHash, 64))
                    .col(big_integer_null(PrivacyRequests::AssigneeId))
                    .col(timestamp_with_time_zone(PrivacyRequests::CreatedAt))
                    .col(timestamp_with_time_zone_null(PrivacyRequests::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(PrivacyRequests::DueAt))
                    .col(timestamp_with_time_zone_null(PrivacyRequests::ClosedAt))
                    .col(timestamp_with_time_zone(PrivacyRequests::UpdatedAt))
                    .foreign_key(&mut to_account(
                        "privacy_requests_assignee",
                        PrivacyRequests::Table,
                        PrivacyRequests::AssigneeId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrivacyRequestEvents::Table)
                    .col(big_pk_auto(PrivacyRequestEvents::Id))
                    .col(big_integer(PrivacyRequestEvents::RequestId))
                    .col(big_integer_null(PrivacyRequestEvents::ActorId))
                    .col(string_len(PrivacyRequestEvents::Action, 16))
                    .col(string_len_null(PrivacyRequestEvents::Status, 16))
                    .col(text_null(PrivacyRequestEvents::Note))
                    .col(boolean(PrivacyRequestEvents::Mailed))
                    .col(timestamp_with_time_zone(PrivacyRequestEvents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("privacy_request_events_request")
                            .from(PrivacyRequestEvents::Table, PrivacyRequestEvents::RequestId)
                            .to(PrivacyRequests::Table, PrivacyRequests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_account(
                        "privacy_request_events_actor",
                        PrivacyRequestEvents::Table,
                        PrivacyRequestEvents::ActorId,
                    ))
                    .to_owned(),
            )
            .await?;
        for index in [
            Index::create()
                .name("privacy_requests_token")
                .table(PrivacyRequests::Table)
                .col(PrivacyRequests::TokenHash)
                .unique()
                .to_owned(),
            Index::create()
                .name("privacy_requests_queue")
                .table(PrivacyRequests::Table)
                .col(PrivacyRequests::Status)
                .col(PrivacyRequests::DueAt)
                .to_owned(),
            Index::create()
                .name("privacy_requests_email")
                .table(PrivacyRequests::Table)
                .col(PrivacyRequests::EmailKey)
                .to_owned(),
            Index::create()
                .name("privacy_request_events_request")
                .table(PrivacyRequestEvents::Table)
                .col(PrivacyRequestEvents::RequestId)
                .to_owned(),
        ] {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PrivacyRequestEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PrivacyRequests::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

fn to_account(
    name: &str,
    table: impl IntoIden,
    column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PrivacyRequests {
    Table,
    Id,
    Kind,
    Status,
    Name,
    Email,
    EmailKey,
    AccountName,
    Details,
    TokenHash,
    AssigneeId,
    CreatedAt,
    ConfirmedAt,
    DueAt,
    ClosedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PrivacyRequestEvents {
    Table,
    Id,
    RequestId,
    ActorId,
    Action,
    Status,
    Note,
    Mailed,
    CreatedAt,
}
