//! Newsletter campaigns, sent through the outbox in batches.
//!
//! - `mail_batches`: counts of one bulk send (queued, sent, failed), kept
//!   by the outbox as it delivers; a campaign's progress bar reads them.
//! - `mail_outbox.batch_id`: which batch a queued mail belongs to.
//! - `mail_campaigns`: subject and Markdown text, status, schedule, and
//!   the sender's cursor (the last subscriber queued), advanced in the same
//!   transaction that queues a batch, so that a restart resumes where the
//!   last committed batch ended and nobody gets a campaign twice.
//! - `mail_campaign_lists`: the lists a campaign goes to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailBatches::Table)
                    .col(big_pk_auto(MailBatches::Id))
                    .col(integer(MailBatches::Queued).default(0))
                    .col(integer(MailBatches::Sent).default(0))
                    .col(integer(MailBatches::Failed).default(0))
                    .col(timestamp_with_time_zone(MailBatches::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(big_integer_null(MailOutbox::BatchId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailCampaigns::Table)
                    .col(big_pk_auto(MailCampaigns::Id))
                    .col(string_len(MailCampaigns::Subject, 200))
                    .col(text(MailCampaigns::Body))
                    .col(string_len(MailCampaigns::Status, 20))
                    .col(timestamp_with_time_zone(MailCampaigns::CreatedAt))
                    .col(timestamp_with_time_zone(MailCampaigns::UpdatedAt))
                    .col(timestamp_with_time_zone_null(MailCampaigns::SendAt))
                    .col(timestamp_with_time_zone_null(MailCampaigns::StartedAt))
                    .col(timestamp_with_time_zone_null(MailCampaigns::FinishedAt))
                    .col(big_integer_null(MailCampaigns::BatchId))
                    .col(big_integer(MailCampaigns::Cursor).default(0))
                    .col(timestamp_with_time_zone_null(MailCampaigns::LastBatchAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_campaigns_batch")
                            .from(MailCampaigns::Table, MailCampaigns::BatchId)
                            .to(MailBatches::Table, MailBatches::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The sender's look for campaigns due or under way.
        manager
            .create_index(
                Index::create()
                    .name("mail_campaigns_by_status")
                    .table(MailCampaigns::Table)
                    .col(MailCampaigns::Status)
                    .col(MailCampaigns::SendAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailCampaignLists::Table)
                    .col(big_integer(MailCampaignLists::CampaignId))
                    .col(big_integer(MailCampaignLists::ListId))
                    .primary_key(
                        Index::create()
                            .col(MailCampaignLists::CampaignId)
                            .col(MailCampaignLists::ListId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_campaign_lists_campaign")
                            .from(MailCampaignLists::Table, MailCampaignLists::CampaignId)
                            .to(MailCampaigns::Table, MailCampaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_campaign_lists_list")
                            .from(MailCampaignLists::Table, MailCampaignLists::ListId)
                            .to(MailLists::Table, MailLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MailCampaignLists::Table.into_iden(),
            MailCampaigns::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .drop_column(MailOutbox::BatchId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(MailBatches::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum MailBatches {
    Table,
    Id,
    Queued,
    Sent,
    Failed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    BatchId,
}

#[derive(DeriveIden)]
enum MailCampaigns {
    Table,
    Id,
    Subject,
    Body,
    Status,
    CreatedAt,
    UpdatedAt,
    SendAt,
    StartedAt,
    FinishedAt,
    BatchId,
    Cursor,
    LastBatchAt,
}

#[derive(DeriveIden)]
enum MailCampaignLists {
    Table,
    CampaignId,
    ListId,
}

#[derive(DeriveIden)]
enum MailLists {
    Table,
    Id,
}
