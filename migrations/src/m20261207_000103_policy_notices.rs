//! The notice mail of a material change of the privacy policy: one row per
//! version whose notice is being (or was) sent, with how far through the
//! members it got, so that sending resumes where it stopped and no member
//! is mailed twice.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261129_000001_documents::Documents;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PolicyNotices::Table)
                    .col(big_integer(PolicyNotices::DocumentId).primary_key())
                    .col(big_integer(PolicyNotices::MailedUpTo))
                    .col(timestamp_with_time_zone(PolicyNotices::StartedAt))
                    .col(timestamp_with_time_zone_null(PolicyNotices::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("policy_notices_document")
                            .from(PolicyNotices::Table, PolicyNotices::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PolicyNotices::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum PolicyNotices {
    Table,
    DocumentId,
    MailedUpTo,
    StartedAt,
    FinishedAt,
}
