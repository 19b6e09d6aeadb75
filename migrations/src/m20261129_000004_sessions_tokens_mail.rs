//! Sign-in sessions, single-use account tokens, policy consents, the mail
//! outbox and the audit log of role changes.
//!
//! Session ids and tokens are stored only as SHA-256 hashes: a copy of the
//! database does not let anyone sign in or follow a mailed link.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(char_len(Sessions::IdHash, 64).primary_key())
                    .col(big_integer(Sessions::AccountId))
                    .col(boolean(Sessions::Remember))
                    .col(string_len(Sessions::Device, 80))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("sessions_account")
                            .from(Sessions::Table, Sessions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_account_id")
                    .table(Sessions::Table)
                    .col(Sessions::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountTokens::Table)
                    .col(big_pk_auto(AccountTokens::Id))
                    .col(big_integer(AccountTokens::AccountId))
                    .col(string_len(AccountTokens::Purpose, 20))
                    .col(char_len_uniq(AccountTokens::TokenHash, 64))
                    .col(string_len_null(AccountTokens::NewEmail, 254))
                    .col(timestamp_with_time_zone(AccountTokens::CreatedAt))
                    .col(timestamp_with_time_zone(AccountTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccountTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("account_tokens_account")
                            .from(AccountTokens::Table, AccountTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Consents::Table)
                    .col(big_pk_auto(Consents::Id))
                    .col(big_integer(Consents::AccountId))
                    .col(big_integer(Consents::DocumentId))
                    .col(integer(Consents::DocumentVersion))
                    .col(char_len(Consents::DocumentSha256, 64))
                    .col(timestamp_with_time_zone(Consents::AcceptedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("consents_account")
                            .from(Consents::Table, Consents::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("consents_document")
                            .from(Consents::Table, Consents::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(big_pk_auto(MailOutbox::Id))
                    .col(string_len(MailOutbox::Recipient, 254))
                    .col(string_len(MailOutbox::Subject, 200))
                    .col(text(MailOutbox::BodyText))
                    .col(text(MailOutbox::BodyHtml))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(integer(MailOutbox::Attempts))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(string_len_null(MailOutbox::ClaimedBy, 36))
                    .col(timestamp_with_time_zone_null(MailOutbox::ClaimedUntil))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .col(string_len_null(MailOutbox::LastError, 300))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_due")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::SentAt)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(string_len(AuditLog::Kind, 40))
                    .col(big_integer_null(AuditLog::ActorId))
                    .col(big_integer_null(AuditLog::TargetId))
                    .col(string_len(AuditLog::Detail, 200))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            MailOutbox::Table.into_iden(),
            Consents::Table.into_iden(),
            AccountTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
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
enum Documents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdHash,
    AccountId,
    Remember,
    Device,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum AccountTokens {
    Table,
    Id,
    AccountId,
    Purpose,
    TokenHash,
    NewEmail,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    Id,
    AccountId,
    DocumentId,
    DocumentVersion,
    DocumentSha256,
    AcceptedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    ClaimedBy,
    ClaimedUntil,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    Kind,
    ActorId,
    TargetId,
    Detail,
    At,
}
