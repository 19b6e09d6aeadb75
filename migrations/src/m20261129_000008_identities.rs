//! Sign-in with GitHub and OpenID Connect providers: the identities linked
//! to accounts, and the short-lived state of a sign-in in progress.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccountIdentities::Table)
                    .col(big_pk_auto(AccountIdentities::Id))
                    .col(big_integer(AccountIdentities::AccountId))
                    .col(string_len(AccountIdentities::Provider, 40))
                    .col(string_len(AccountIdentities::Subject, 255))
                    .col(string_len_null(AccountIdentities::Login, 255))
                    .col(string_len_null(AccountIdentities::LoginKey, 255))
                    .col(string_len_null(AccountIdentities::Email, 320))
                    .col(boolean(AccountIdentities::EmailVerified))
                    .col(timestamp_with_time_zone(AccountIdentities::CreatedAt))
                    .col(timestamp_with_time_zone(AccountIdentities::LastSignInAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("account_identities_account")
                            .from(AccountIdentities::Table, AccountIdentities::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_identities_subject")
                    .table(AccountIdentities::Table)
                    .col(AccountIdentities::Provider)
                    .col(AccountIdentities::Subject)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_identities_login")
                    .table(AccountIdentities::Table)
                    .col(AccountIdentities::Provider)
                    .col(AccountIdentities::LoginKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_identities_account_id")
                    .table(AccountIdentities::Table)
                    .col(AccountIdentities::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInFlows::Table)
                    .col(char_len(SignInFlows::IdHash, 64).primary_key())
                    .col(string_len(SignInFlows::Provider, 40))
                    .col(big_integer_null(SignInFlows::AccountId))
                    .col(char_len(SignInFlows::StateHash, 64))
                    .col(string_len(SignInFlows::PkceVerifier, 128))
                    .col(string_len(SignInFlows::Nonce, 128))
                    .col(timestamp_with_time_zone(SignInFlows::CreatedAt))
                    .col(string_len_null(SignInFlows::Subject, 255))
                    .col(string_len_null(SignInFlows::Login, 255))
                    .col(string_len_null(SignInFlows::Email, 320))
                    .col(boolean(SignInFlows::EmailVerified))
                    .col(timestamp_with_time_zone_null(SignInFlows::IdentifiedAt))
                    .col(char_len_null(SignInFlows::MailTokenHash, 64).unique_key())
                    .col(big_integer_null(SignInFlows::MailAccountId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("sign_in_flows_account")
                            .from(SignInFlows::Table, SignInFlows::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("sign_in_flows_mail_account")
                            .from(SignInFlows::Table, SignInFlows::MailAccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SignInFlows::Table.into_iden(),
            AccountIdentities::Table.into_iden(),
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
enum AccountIdentities {
    Table,
    Id,
    AccountId,
    Provider,
    Subject,
    Login,
    LoginKey,
    Email,
    EmailVerified,
    CreatedAt,
    LastSignInAt,
}

#[derive(DeriveIden)]
enum SignInFlows {
    Table,
    IdHash,
    Provider,
    AccountId,
    StateHash,
    PkceVerifier,
    Nonce,
    CreatedAt,
    Subject,
    Login,
    Email,
    EmailVerified,
    IdentifiedAt,
    MailTokenHash,
    MailAccountId,
}
