//! A posting remembers when it was closed, so that applications that never
//! reached a decision can be erased a fixed time after their posting closed
//! instead of being kept for ever. Postings closed before this migration
//! count as closed at their last change.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(timestamp_with_time_zone_null(Jobs::ClosedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Jobs::Table)
                    .value(Jobs::ClosedAt, Expr::col(Jobs::UpdatedAt))
                    .and_where(Expr::col(Jobs::Open).eq(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("job_applications_undecided")
                    .table(JobApplications::Table)
                    .col(JobApplications::JobId)
                    .col(JobApplications::DecidedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("job_applications_undecided")
                    .table(JobApplications::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(Jobs::ClosedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Jobs {
    Table,
    Open,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum JobApplications {
    Table,
    JobId,
    DecidedAt,
}
