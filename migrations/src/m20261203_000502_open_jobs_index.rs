//! The job list (open jobs, newest first) read through an index rather
//! than the whole table, which keeps every closed job for its records.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("jobs_open_by_date")
                    .table(Jobs::Table)
                    .col(Jobs::Open)
                    .col(Jobs::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("jobs_open_by_date")
                    .table(Jobs::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Open,
    CreatedAt,
}
