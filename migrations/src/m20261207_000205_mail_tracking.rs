//! Counted opens and clicks of campaigns, per campaign only.
//!
//! - `mail_subscribers.tracking`: whether the subscriber's newsletter
//!   mail carries the counting image and links (on unless they turn it off).
//! - `mail_campaigns.opens`, and `tracked`: how many times the image of a
//!   campaign was fetched, and how many of its mails carried it.
//! - `mail_campaign_links`: each web link of a campaign, by its place in
//!   the text, with its click count. The click redirect reads its target
//!   here and nowhere else, so it never goes anywhere a campaign does not.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailSubscribers::Table)
                    .add_column(boolean(MailSubscribers::Tracking).default(true))
                    .to_owned(),
            )
            .await?;
        for column in [MailCampaigns::Opens, MailCampaigns::Tracked] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailCampaigns::Table)
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MailCampaignLinks::Table)
                    .col(big_integer(MailCampaignLinks::CampaignId))
                    .col(integer(MailCampaignLinks::Position))
                    .col(text(MailCampaignLinks::Url))
                    .col(big_integer(MailCampaignLinks::Clicks).default(0))
                    .primary_key(
                        Index::create()
                            .col(MailCampaignLinks::CampaignId)
                            .col(MailCampaignLinks::Position),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_campaign_links_campaign")
                            .from(MailCampaignLinks::Table, MailCampaignLinks::CampaignId)
                            .to(MailCampaigns::Table, MailCampaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailCampaignLinks::Table).to_owned())
            .await?;
        for column in [MailCampaigns::Tracked, MailCampaigns::Opens] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailCampaigns::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(MailSubscribers::Table)
                    .drop_column(MailSubscribers::Tracking)
                    .to_owned(),
            )
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum MailSubscribers {
    Table,
    Tracking,
}

#[derive(DeriveIden)]
enum MailCampaigns {
    Table,
    Id,
    Opens,
    Tracked,
}

#[derive(DeriveIden)]
enum MailCampaignLinks {
    Table,
    CampaignId,
    Position,
    Url,
    Clicks,
}
