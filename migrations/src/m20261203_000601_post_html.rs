//! Posts keep their rendered HTML beside their Markdown, written with the
//! post, so that a thread page shows posts without rendering them again on
//! every view. Rows written before this column existed hold NULL and are
//! rendered when read.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ForumPosts::Table)
                    .add_column(ColumnDef::new(ForumPosts::BodyHtml).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ForumPosts::Table)
                    .drop_column(ForumPosts::BodyHtml)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ForumPosts {
    Table,
    BodyHtml,
}
