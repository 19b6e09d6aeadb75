//! Optional second factor: a TOTP secret per member, ten single-use
//! recovery codes (stored hashed), and sign-ins waiting for a code.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let to_account = |name: &str, from: SecondFactorsOrOther| {
            ForeignKey::create()
                .name(name)
                .from(from.table(), from.account_id())
                .to(Accounts::Table, Accounts::Id)
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(SecondFactors::Table)
                    .col(big_integer(SecondFactors::AccountId).primary_key())
                    .col(string_len(SecondFactors::Secret, 64))
                    .col(timestamp_with_time_zone(SecondFactors::CreatedAt))
                    .col(timestamp_with_time_zone_null(SecondFactors::EnabledAt))
                    .col(big_integer_null(SecondFactors::LastUsedStep))
                    .foreign_key(&mut to_account(
                        "second_factors_account",
                        SecondFactorsOrOther::Factors,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(big_pk_auto(RecoveryCodes::Id))
                    .col(big_integer(RecoveryCodes::AccountId))
                    .col(char_len(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .foreign_key(&mut to_account(
                        "recovery_codes_account",
                        SecondFactorsOrOther::Codes,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PendingSignIns::Table)
                    .col(char_len(PendingSignIns::TokenHash, 64).primary_key())
                    .col(big_integer(PendingSignIns::AccountId))
                    .col(boolean(PendingSignIns::Remember))
                    .col(integer(PendingSignIns::Attempts))
                    .col(timestamp_with_time_zone(PendingSignIns::CreatedAt))
                    .foreign_key(&mut to_account(
                        "pending_sign_ins_account",
                        SecondFactorsOrOther::Pending,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PendingSignIns::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            SecondFactors::Table.into_iden(),
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

#[derive(Clone, Copy)]
enum SecondFactorsOrOther {
    Factors,
    Codes,
    Pending,
}

impl SecondFactorsOrOther {
    fn table(self) -> DynIden {
        match self {
            Self::Factors => SecondFactors::Table.into_iden(),
            Self::Codes => RecoveryCodes::Table.into_iden(),
            Self::Pending => PendingSignIns::Table.into_iden(),
        }
    }

    fn account_id(self) -> DynIden {
        match self {
            Self::Factors => SecondFactors::AccountId.into_iden(),
            Self::Codes => RecoveryCodes::AccountId.into_iden(),
            Self::Pending => PendingSignIns::AccountId.into_iden(),
        }
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SecondFactors {
    Table,
    AccountId,
    Secret,
    CreatedAt,
    EnabledAt,
    LastUsedStep,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    AccountId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum PendingSignIns {
    Table,
    TokenHash,
    AccountId,
    Remember,
    Attempts,
    CreatedAt,
}
