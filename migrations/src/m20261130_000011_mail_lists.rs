//! Mail a member asked for: which lists they receive (the forum digest for
//! now), and the one-click unsubscribe links that end them without a
//! sign-in (RFC 8058). A member on no list has no row here.
//!
//! Each mail sent on a list gets its own link; the token is stored hashed,
//! so the row proves a link without being one. The outbox keeps the link of
//! the mail it holds for the `List-Unsubscribe` header.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailSubscriptions::Table)
                    .col(big_integer(MailSubscriptions::AccountId))
                    .col(string_len(MailSubscriptions::List, 32))
                    .col(timestamp_with_time_zone(MailSubscriptions::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailSubscriptions::LastSentAt))
                    .primary_key(
                        Index::create()
                            .col(MailSubscriptions::AccountId)
                            .col(MailSubscriptions::List),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_subscriptions_account")
                            .from(MailSubscriptions::Table, MailSubscriptions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailUnsubscribeTokens::Table)
                    .col(char_len(MailUnsubscribeTokens::TokenHash, 64).primary_key())
                    .col(big_integer(MailUnsubscribeTokens::AccountId))
                    .col(string_len(MailUnsubscribeTokens::List, 32))
                    .col(timestamp_with_time_zone(MailUnsubscribeTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_unsubscribe_tokens_account")
                            .from(
                                MailUnsubscribeTokens::Table,
                                MailUnsubscribeTokens::AccountId,
                            )
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_unsubscribe_tokens_by_age")
                    .table(MailUnsubscribeTokens::Table)
                    .col(MailUnsubscribeTokens::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(string_len_null(MailOutbox::ListUnsubscribe, 300))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .drop_column(MailOutbox::ListUnsubscribe)
                    .to_owned(),
            )
            .await?;
        for table in [
            MailUnsubscribeTokens::Table.into_iden(),
            MailSubscriptions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    ListUnsubscribe,
}

#[derive(DeriveIden)]
enum MailSubscriptions {
    Table,
    AccountId,
    List,
    CreatedAt,
    LastSentAt,
}

#[derive(DeriveIden)]
enum MailUnsubscribeTokens {
    Table,
    TokenHash,
    AccountId,
    List,
    CreatedAt,
}
