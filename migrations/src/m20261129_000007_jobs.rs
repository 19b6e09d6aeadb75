//! Jobs: postings, applications, the append-only pipeline events, recruiters'
//! notes, and updates waiting for the applicant's confirmation.
//!
//! An application's personal columns are all nullable: the retention purge
//! erases them a configurable time after a final decision and keeps only the
//! anonymous facts (job, status, dates). Status-link and access tokens are
//! stored only as SHA-256 hashes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(big_pk_auto(Jobs::Id))
                    .col(string_len(Jobs::Title, 120))
                    .col(string_len(Jobs::Team, 80))
                    .col(string_len(Jobs::Location, 120))
                    .col(string_len(Jobs::Workplace, 16))
                    .col(string_len(Jobs::Employment, 16))
                    .col(text(Jobs::Description))
                    .col(boolean(Jobs::Open))
                    .col(date_null(Jobs::ClosesOn))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                applicant_fields(
                    Table::create()
                        .table(JobApplications::Table)
                        .col(big_pk_auto(JobApplications::Id))
                        .col(big_integer(JobApplications::JobId))
                        .col(string_len(JobApplications::Status, 16)),
                )
                .col(string_len_null(JobApplications::Email, 254))
                .col(string_len_null(JobApplications::EmailKey, 254))
                .col(char_len_null(JobApplications::ClaimHash, 64).unique_key())
                .col(timestamp_with_time_zone_null(
                    JobApplications::ClaimExpiresAt,
                ))
                .col(char_len_null(JobApplications::AccessHash, 64).unique_key())
                .col(timestamp_with_time_zone(JobApplications::SubmittedAt))
                .col(timestamp_with_time_zone(JobApplications::UpdatedAt))
                .col(timestamp_with_time_zone_null(JobApplications::DecidedAt))
                .col(timestamp_with_time_zone_null(JobApplications::ErasedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("job_applications_job")
                        .from(JobApplications::Table, JobApplications::JobId)
                        .to(Jobs::Table, Jobs::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("job_applications_one_per_email")
                    .table(JobApplications::Table)
                    .col(JobApplications::JobId)
                    .col(JobApplications::EmailKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("job_applications_decided")
                    .table(JobApplications::Table)
                    .col(JobApplications::DecidedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobApplicationEvents::Table)
                    .col(big_pk_auto(JobApplicationEvents::Id))
                    .col(big_integer(JobApplicationEvents::ApplicationId))
                    .col(string_len(JobApplicationEvents::Status, 16))
                    .col(big_integer_null(JobApplicationEvents::ActorId))
                    .col(boolean(JobApplicationEvents::Mailed))
                    .col(timestamp_with_time_zone(JobApplicationEvents::CreatedAt))
                    .foreign_key(&mut to_application(
                        "job_application_events_application",
                        JobApplicationEvents::Table,
                        JobApplicationEvents::ApplicationId,
                    ))
                    .foreign_key(&mut to_account(
                        "job_application_events_actor",
                        JobApplicationEvents::Table,
                        JobApplicationEvents::ActorId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobApplicationNotes::Table)
                    .col(big_pk_auto(JobApplicationNotes::Id))
                    .col(big_integer(JobApplicationNotes::ApplicationId))
                    .col(big_integer_null(JobApplicationNotes::AuthorId))
                    .col(text(JobApplicationNotes::Body))
                    .col(timestamp_with_time_zone(JobApplicationNotes::CreatedAt))
                    .foreign_key(&mut to_application(
                        "job_application_notes_application",
                        JobApplicationNotes::Table,
                        JobApplicationNotes::ApplicationId,
                    ))
                    .foreign_key(&mut to_account(
                        "job_application_notes_author",
                        JobApplicationNotes::Table,
                        JobApplicationNotes::AuthorId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                applicant_fields(
                    Table::create()
                        .table(JobApplicationUpdates::Table)
                        .col(char_len(JobApplicationUpdates::TokenHash, 64).primary_key())
                        .col(big_integer(JobApplicationUpdates::ApplicationId)),
                )
                .col(timestamp_with_time_zone(JobApplicationUpdates::CreatedAt))
                .foreign_key(&mut to_application(
                    "job_application_updates_application",
                    JobApplicationUpdates::Table,
                    JobApplicationUpdates::ApplicationId,
                ))
                .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            JobApplicationUpdates::Table.into_iden(),
            JobApplicationNotes::Table.into_iden(),
            JobApplicationEvents::Table.into_iden(),
            JobApplications::Table.into_iden(),
            Jobs::Table.into_iden(),
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

/// The columns an applicant fills in, shared by an application and an
/// update waiting for confirmation; all nullable so they can be erased.
fn applicant_fields(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(string_len_null(Applicant::FullName, 200))
        .col(string_len_null(Applicant::Street, 200))
        .col(string_len_null(Applicant::City, 100))
        .col(string_len_null(Applicant::PostalCode, 20))
        .col(string_len_null(Applicant::Country, 100))
        .col(string_len_null(Applicant::Phone, 32))
        .col(text_null(Applicant::CoverNote))
        .col(text_null(Applicant::Links))
        .col(string_len_null(Applicant::ResumeKey, 64))
        .col(string_len_null(Applicant::ResumeKind, 8))
        .col(integer_null(Applicant::ResumeBytes))
}

fn to_application(
    name: &str,
    table: impl IntoIden,
    column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(JobApplications::Table, JobApplications::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn to_account(
    name: &str,
    table: impl IntoIden,
    column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Title,
    Team,
    Location,
    Workplace,
    Employment,
    Description,
    Open,
    ClosesOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Applicant {
    FullName,
    Street,
    City,
    PostalCode,
    Country,
    Phone,
    CoverNote,
    Links,
    ResumeKey,
    ResumeKind,
    ResumeBytes,
}

#[derive(DeriveIden)]
enum JobApplications {
    Table,
    Id,
    JobId,
    Status,
    Email,
    EmailKey,
    ClaimHash,
    ClaimExpiresAt,
    AccessHash,
    SubmittedAt,
    UpdatedAt,
    DecidedAt,
    ErasedAt,
}

#[derive(DeriveIden)]
enum JobApplicationEvents {
    Table,
    Id,
    ApplicationId,
    Status,
    ActorId,
    Mailed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum JobApplicationNotes {
    Table,
    Id,
    ApplicationId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum JobApplicationUpdates {
    Table,
    TokenHash,
    ApplicationId,
    CreatedAt,
}
