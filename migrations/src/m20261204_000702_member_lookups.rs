//! Indexes that find one member's rows: the data download and the erasure
//! of an account read every table by its owner column (and the database,
//! deleting an account, clears the columns that point at it); on a large
//! forum each of these was a scan of the whole table. The same for the
//! retention purges, which run every few minutes.

use sea_orm_migration::prelude::*;

/// `(index, table, column)`.
const INDEXES: &[(&str, &str, &str)] = &[
    ("forum_threads_by_author", "forum_threads", "author_id"),
    (
        "forum_post_revisions_by_post",
        "forum_post_revisions",
        "post_id",
    ),
    ("forum_reports_by_post", "forum_reports", "post_id"),
    // Deleting an account clears `resolved_by` of the reports its owner closed.
    ("forum_reports_by_resolver", "forum_reports", "resolved_by"),
    (
        "forum_report_flags_by_reporter",
        "forum_report_flags",
        "reporter_id",
    ),
    ("job_applications_by_email", "job_applications", "email_key"),
    ("consents_by_account", "consents", "account_id"),
    ("account_tokens_by_account", "account_tokens", "account_id"),
    ("mail_outbox_by_recipient", "mail_outbox", "recipient"),
    // The retention purges, every few minutes.
    ("notifications_by_read", "notifications", "read_at"),
    ("notifications_by_age", "notifications", "created_at"),
    ("forum_reports_by_closing", "forum_reports", "resolved_at"),
    ("account_tokens_by_expiry", "account_tokens", "expires_at"),
    ("account_tokens_by_use", "account_tokens", "used_at"),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(*name)
                        .table(Alias::new(*table))
                        .col(Alias::new(*column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(
                    Index::drop()
                        .name(*name)
                        .table(Alias::new(*table))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
