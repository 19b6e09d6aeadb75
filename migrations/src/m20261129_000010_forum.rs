//! The forum and its moderation: categories, threads, posts with their
//! revision history, per-member read marks, reports (one open report per
//! post, with every member who flagged it), member sanctions, in-app
//! notifications, the full-text index and the append-only moderation log.
//!
//! A post is shown when it is approved and neither hidden nor deleted; a
//! thread is shown when its first post is. Rows are never deleted by the
//! application: hiding and deleting set a time, so moderators can undo them.
//!
//! The full-text index uses each database's own engine: an FTS5 table on
//! SQLite, a GIN index over `to_tsvector` on PostgreSQL. Both are called
//! `forum_search` and have the same columns, so the application writes them
//! the same way. The moderation log refuses `UPDATE` and `DELETE` with a
//! trigger on both databases.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `account_id` columns point at accounts; deleting one keeps the posts.
fn to_account(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ForumCategories::Table)
                    .col(big_pk_auto(ForumCategories::Id))
                    .col(string_len(ForumCategories::Name, 80))
                    .col(text(ForumCategories::Description))
                    .col(integer(ForumCategories::Position))
                    .col(timestamp_with_time_zone(ForumCategories::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ForumThreads::Table)
                    .col(big_pk_auto(ForumThreads::Id))
                    .col(big_integer(ForumThreads::CategoryId))
                    .col(big_integer_null(ForumThreads::AuthorId))
                    .col(string_len(ForumThreads::Title, 150))
                    .col(big_integer_null(ForumThreads::FirstPostId))
                    .col(boolean(ForumThreads::Locked))
                    .col(integer(ForumThreads::ReplyCount))
                    .col(timestamp_with_time_zone(ForumThreads::LastActivityAt))
                    .col(timestamp_with_time_zone(ForumThreads::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("forum_threads_category")
                            .from(ForumThreads::Table, ForumThreads::CategoryId)
                            .to(ForumCategories::Table, ForumCategories::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(&mut to_account(
                        "forum_threads_author",
                        (ForumThreads::Table, ForumThreads::AuthorId),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("forum_threads_by_activity")
                    .table(ForumThreads::Table)
                    .col(ForumThreads::CategoryId)
                    .col(ForumThreads::LastActivityAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ForumPosts::Table)
                    .col(big_pk_auto(ForumPosts::Id))
                    .col(big_integer(ForumPosts::ThreadId))
                    .col(big_integer_null(ForumPosts::AuthorId))
                    .col(text(ForumPosts::Body))
                    .col(timestamp_with_time_zone(ForumPosts::CreatedAt))
                    .col(timestamp_with_time_zone_null(ForumPosts::EditedAt))
                    .col(timestamp_with_time_zone_null(ForumPosts::ApprovedAt))
                    .col(timestamp_with_time_zone_null(ForumPosts::HiddenAt))
                    .col(timestamp_with_time_zone_null(ForumPosts::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("forum_posts_thread")
                            .from(ForumPosts::Table, ForumPosts::ThreadId)
                            .to(ForumThreads::Table, ForumThreads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_account(
                        "forum_posts_author",
                        (ForumPosts::Table, ForumPosts::AuthorId),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("forum_posts_by_thread", ForumPosts::ThreadId),
            ("forum_posts_by_author", ForumPosts::AuthorId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ForumPosts::Table)
                        .col(column)
                        .col(ForumPosts::CreatedAt)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ForumPostRevisions::Table)
                    .col(big_pk_auto(ForumPostRevisions::Id))
                    .col(big_integer(ForumPostRevisions::PostId))
                    .col(string_len_null(ForumPostRevisions::Title, 150))
                    .col(text(ForumPostRevisions::Body))
                    .col(timestamp_with_time_zone(ForumPostRevisions::WrittenAt))
                    .col(timestamp_with_time_zone(ForumPostRevisions::ReplacedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("forum_post_revisions_post")
                            .from(ForumPostRevisions::Table, ForumPostRevisions::PostId)
                            .to(ForumPosts::Table, ForumPosts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ForumReads::Table)
                    .col(big_integer(ForumReads::AccountId))
                    .col(big_integer(ForumReads::ThreadId))
                    .col(timestamp_with_time_zone(ForumReads::ReadAt))
                    .primary_key(
                        Index::create()
                            .col(ForumReads::AccountId)
                            .col(ForumReads::ThreadId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("forum_reads_account")
                            .from(ForumReads::Table, ForumReads::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("forum_reads_thread")
                            .from(ForumReads::Table, ForumReads::ThreadId)
                            .to(ForumThreads::Table, ForumThreads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        self.reports(manager).await?;
        self.sanctions_and_log(manager).await?;
        self.notifications(manager).await?;
        self.search(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS moderation_log_append_only ON moderation_log; \
                 DROP FUNCTION IF EXISTS moderation_log_refuse_change();",
            )
            .await?;
        }
        db.execute_unprepared("DROP TABLE forum_search").await?;
        for table in [
            Notifications::Table.into_iden(),
            ModerationLog::Table.into_iden(),
            MemberSanctions::Table.into_iden(),
            ForumReportFlags::Table.into_iden(),
            ForumReports::Table.into_iden(),
            ForumReads::Table.into_iden(),
            ForumPostRevisions::Table.into_iden(),
            ForumPosts::Table.into_iden(),
            ForumThreads::Table.into_iden(),
            ForumCategories::Table.into_iden(),
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

impl Migration {
    async fn reports(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ForumReports::Table)
                    .col(big_pk_auto(ForumReports::Id))
                    .col(big_integer(ForumReports::PostId))
                    .col(text(ForumReports::ReportedBody))
                    .col(timestamp_with_time_zone(ForumReports::CreatedAt))
                    .col(text_null(ForumReports::Conclusion))
                    .col(big_integer_null(ForumReports::ResolvedBy))
                    .col(timestamp_with_time_zone_null(ForumReports::ResolvedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("forum_reports_post")
                            .from(ForumReports::Table, ForumReports::PostId)
                            .to(ForumPosts::Table, ForumPosts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_account(
                        "forum_reports_resolver",
                        (ForumReports::Table, ForumReports::ResolvedBy),
                    ))
                    .to_owned(),
            )
            .await?;
        // Two members reporting at once still make one open report.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX forum_reports_one_open ON forum_reports (post_id) \
                 WHERE resolved_at IS NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ForumReportFlags::Table)
                    .col(big_integer(ForumReportFlags::ReportId))
                    .col(big_integer(ForumReportFlags::ReporterId))
                    .col(string_len(ForumReportFlags::Reason, 20))
                    .col(text_null(ForumReportFlags::Note))
                    .col(timestamp_with_time_zone(ForumReportFlags::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ForumReportFlags::ReportId)
                            .col(ForumReportFlags::ReporterId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("forum_report_flags_report")
                            .from(ForumReportFlags::Table, ForumReportFlags::ReportId)
                            .to(ForumReports::Table, ForumReports::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("forum_report_flags_reporter")
                            .from(ForumReportFlags::Table, ForumReportFlags::ReporterId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn sanctions_and_log(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MemberSanctions::Table)
                    .col(big_pk_auto(MemberSanctions::Id))
                    .col(big_integer(MemberSanctions::AccountId))
                    .col(string_len(MemberSanctions::Kind, 16))
                    .col(text(MemberSanctions::Reason))
                    .col(timestamp_with_time_zone(MemberSanctions::StartsAt))
                    .col(timestamp_with_time_zone_null(MemberSanctions::EndsAt))
                    .col(timestamp_with_time_zone_null(MemberSanctions::LiftedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("member_sanctions_account")
                            .from(MemberSanctions::Table, MemberSanctions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("member_sanctions_by_account")
                    .table(MemberSanctions::Table)
                    .col(MemberSanctions::AccountId)
                    .to_owned(),
            )
            .await?;
        // No foreign keys: the log outlives whatever it names, and a
        // cascading update would be refused by the append-only trigger.
        manager
            .create_table(
                Table::create()
                    .table(ModerationLog::Table)
                    .col(big_pk_auto(ModerationLog::Id))
                    .col(string_len(ModerationLog::Kind, 32))
                    .col(big_integer(ModerationLog::ModeratorId))
                    .col(string_len(ModerationLog::TargetKind, 16))
                    .col(big_integer(ModerationLog::TargetId))
                    .col(text(ModerationLog::Reason))
                    .col(timestamp_with_time_zone_null(ModerationLog::ExpiresAt))
                    .col(timestamp_with_time_zone(ModerationLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION moderation_log_refuse_change() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN \
                     RAISE EXCEPTION 'the moderation log is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER moderation_log_append_only \
                     BEFORE UPDATE OR DELETE ON moderation_log \
                     FOR EACH ROW EXECUTE FUNCTION moderation_log_refuse_change()",
                )
                .await?;
            }
            _ => {
                for event in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER moderation_log_no_{} BEFORE {event} ON moderation_log \
                         BEGIN SELECT RAISE(ABORT, 'the moderation log is append-only'); END",
                        event.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn notifications(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk_auto(Notifications::Id))
                    .col(big_integer(Notifications::AccountId))
                    .col(string_len(Notifications::Kind, 16))
                    .col(big_integer(Notifications::PostId))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("notifications_account")
                            .from(Notifications::Table, Notifications::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("notifications_post")
                            .from(Notifications::Table, Notifications::PostId)
                            .to(ForumPosts::Table, ForumPosts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notifications_one_per_post")
                    .table(Notifications::Table)
                    .col(Notifications::AccountId)
                    .col(Notifications::PostId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn search(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TABLE forum_search (\
                     post_id BIGINT PRIMARY KEY REFERENCES forum_posts (id) ON DELETE CASCADE, \
                     title TEXT NOT NULL, body TEXT NOT NULL)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX forum_search_document ON forum_search \
                     USING GIN (to_tsvector('english', title || ' ' || body))",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE forum_search USING fts5(\
                     post_id UNINDEXED, title, body, tokenize = 'porter unicode61')",
                )
                .await?;
            }
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ForumCategories {
    Table,
    Id,
    Name,
    Description,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ForumThreads {
    Table,
    Id,
    CategoryId,
    AuthorId,
    Title,
    FirstPostId,
    Locked,
    ReplyCount,
    LastActivityAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ForumPosts {
    Table,
    Id,
    ThreadId,
    AuthorId,
    Body,
    CreatedAt,
    EditedAt,
    ApprovedAt,
    HiddenAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum ForumPostRevisions {
    Table,
    Id,
    PostId,
    Title,
    Body,
    WrittenAt,
    ReplacedAt,
}

#[derive(DeriveIden)]
enum ForumReads {
    Table,
    AccountId,
    ThreadId,
    ReadAt,
}

#[derive(DeriveIden)]
enum ForumReports {
    Table,
    Id,
    PostId,
    ReportedBody,
    CreatedAt,
    Conclusion,
    ResolvedBy,
    ResolvedAt,
}

#[derive(DeriveIden)]
enum ForumReportFlags {
    Table,
    ReportId,
    ReporterId,
    Reason,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MemberSanctions {
    Table,
    Id,
    AccountId,
    Kind,
    Reason,
    StartsAt,
    EndsAt,
    LiftedAt,
}

#[derive(DeriveIden)]
enum ModerationLog {
    Table,
    Id,
    Kind,
    ModeratorId,
    TargetKind,
    TargetId,
    Reason,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    AccountId,
    Kind,
    PostId,
    CreatedAt,
    ReadAt,
}
