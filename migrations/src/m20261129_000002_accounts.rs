//! Member accounts and their roles. Only what an account needs (promises P5,
//! P13 in docs/promises.md): a username, an email address, a password hash (absent for accounts
//! that only sign in through an identity provider) and the time the member
//! confirmed being 13 or older — never a birth date.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(big_pk_auto(Accounts::Id))
                    .col(string_len(Accounts::Username, 30))
                    .col(string_len_uniq(Accounts::UsernameKey, 120))
                    .col(string_len(Accounts::Email, 254))
                    .col(string_len_uniq(Accounts::EmailKey, 254))
                    .col(timestamp_with_time_zone_null(Accounts::EmailVerifiedAt))
                    .col(text_null(Accounts::PasswordHash))
                    .col(timestamp_with_time_zone(Accounts::AgeConfirmedAt))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountRoles::Table)
                    .col(big_integer(AccountRoles::AccountId))
                    .col(string_len(AccountRoles::Role, 20))
                    .col(timestamp_with_time_zone(AccountRoles::GrantedAt))
                    .primary_key(
                        Index::create()
                            .col(AccountRoles::AccountId)
                            .col(AccountRoles::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("account_roles_account")
                            .from(AccountRoles::Table, AccountRoles::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AccountRoles::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Accounts::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Username,
    UsernameKey,
    Email,
    EmailKey,
    EmailVerifiedAt,
    PasswordHash,
    AgeConfirmedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AccountRoles {
    Table,
    AccountId,
    Role,
    GrantedAt,
}
