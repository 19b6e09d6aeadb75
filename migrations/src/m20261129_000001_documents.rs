//! Versioned legal documents: privacy policy, terms, contributor agreements
//! (promise P14, docs/promises.md). A version's text never changes once published; its SHA-256
//! is stored beside it so an acceptance can name exactly what was accepted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Documents::Table)
                    .col(big_pk_auto(Documents::Id))
                    .col(string_len(Documents::Kind, 40))
                    .col(integer(Documents::Version))
                    .col(string_len(Documents::Title, 200))
                    .col(text(Documents::Body))
                    .col(char_len(Documents::Sha256, 64))
                    .col(timestamp_with_time_zone(Documents::EffectiveAt))
                    .col(boolean(Documents::Material))
                    .col(timestamp_with_time_zone(Documents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("documents_kind_version")
                    .table(Documents::Table)
                    .col(Documents::Kind)
                    .col(Documents::Version)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Documents::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
pub(crate) enum Documents {
    Table,
    Id,
    Kind,
    Version,
    Title,
    Body,
    Sha256,
    EffectiveAt,
    Material,
    CreatedAt,
}
