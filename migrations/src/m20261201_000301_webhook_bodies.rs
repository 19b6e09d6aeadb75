//! Fingerprints of signed GitHub webhook bodies. GitHub signs only the
//! body, so a captured delivery sent again under another delivery id is
//! still a replay: it is known by the SHA-256 of its body, for as long as
//! delivery ids are remembered.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ClaWebhookBodies::Table)
                    .col(string_len(ClaWebhookBodies::BodySha256, 64).primary_key())
                    .col(timestamp_with_time_zone(ClaWebhookBodies::ReceivedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ClaWebhookBodies::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ClaWebhookBodies {
    Table,
    BodySha256,
    ReceivedAt,
}
