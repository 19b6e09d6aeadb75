//! Contributor agreements, hardened: a contact address counts only once
//! its owner confirms it (`email_confirmed_at`, links in
//! `cla_email_confirmations`), and an entry of a company's list counts
//! only once approved (`approved_at`, `approved_by`).
//!
//! Existing signatures whose contact address is the signer's confirmed
//! account address are confirmed as of their signing; other contact
//! addresses and every existing list entry wait (for a link, or for an
//! administrator).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ClaSignatures::Table)
                    .add_column(timestamp_with_time_zone_null(
                        ClaSignatures::EmailConfirmedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE cla_signatures SET email_confirmed_at = signed_at WHERE EXISTS \
                 (SELECT 1 FROM accounts WHERE accounts.id = cla_signatures.account_id \
                 AND accounts.email_key = cla_signatures.email_key \
                 AND accounts.email_verified_at IS NOT NULL)",
            )
            .await?;
        // SQLite adds one column per statement.
        for column in [
            big_integer_null(ClaCoveredContributors::ApprovedBy),
            timestamp_with_time_zone_null(ClaCoveredContributors::ApprovedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ClaCoveredContributors::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ClaEmailConfirmations::Table)
                    .col(big_pk_auto(ClaEmailConfirmations::Id))
                    .col(big_integer(ClaEmailConfirmations::SignatureId))
                    .col(char_len(ClaEmailConfirmations::TokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone(ClaEmailConfirmations::CreatedAt))
                    .col(timestamp_with_time_zone(ClaEmailConfirmations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ClaEmailConfirmations::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("cla_email_confirmations_signature")
                            .from(
                                ClaEmailConfirmations::Table,
                                ClaEmailConfirmations::SignatureId,
                            )
                            .to(ClaSignatures::Table, ClaSignatures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ClaEmailConfirmations::Table).to_owned())
            .await?;
        for column in [
            ClaCoveredContributors::ApprovedAt,
            ClaCoveredContributors::ApprovedBy,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ClaCoveredContributors::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ClaSignatures::Table)
                    .drop_column(ClaSignatures::EmailConfirmedAt)
                    .to_owned(),
            )
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum ClaSignatures {
    Table,
    Id,
    EmailConfirmedAt,
}

#[derive(DeriveIden)]
enum ClaCoveredContributors {
    Table,
    ApprovedBy,
    ApprovedAt,
}

#[derive(DeriveIden)]
enum ClaEmailConfirmations {
    Table,
    Id,
    SignatureId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}
