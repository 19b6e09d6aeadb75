//! Forum visibility without scans.
//!
//! Whether a thread is public (its first post approved, not hidden, not
//! deleted) used to be worked out on every listing by a subquery over all
//! posts. It is now stored:
//!
//! - `forum_threads.public`, kept by the application in the same
//!   transaction as any change to the thread's posts, with an index that
//!   serves a category's listing in activity order;
//! - `forum_categories.public_threads`, the count of a category's public
//!   threads, kept in the same transaction whenever a thread's visibility
//!   or category changes.
//!
//! `up` fills both from the posts as they are.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ForumThreads::Table)
                    .add_column(boolean(ForumThreads::Public).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ForumCategories::Table)
                    .add_column(big_integer(ForumCategories::PublicThreads).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE forum_threads SET public = EXISTS (
                 SELECT 1 FROM forum_posts p
                 WHERE p.id = forum_threads.first_post_id
                   AND p.approved_at IS NOT NULL
                   AND p.hidden_at IS NULL
                   AND p.deleted_at IS NULL)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE forum_categories SET public_threads = (
                 SELECT COUNT(*) FROM forum_threads t
                 WHERE t.category_id = forum_categories.id AND t.public)",
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("forum_threads_public_by_activity")
                    .table(ForumThreads::Table)
                    .col(ForumThreads::CategoryId)
                    .col(ForumThreads::Public)
                    .col(ForumThreads::LastActivityAt)
                    .col(ForumThreads::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("forum_threads_by_activity")
                    .table(ForumThreads::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
            .drop_index(
                Index::drop()
                    .name("forum_threads_public_by_activity")
                    .table(ForumThreads::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ForumCategories::Table)
                    .drop_column(ForumCategories::PublicThreads)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ForumThreads::Table)
                    .drop_column(ForumThreads::Public)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ForumThreads {
    Table,
    CategoryId,
    Public,
    LastActivityAt,
    Id,
}

#[derive(DeriveIden)]
enum ForumCategories {
    Table,
    PublicThreads,
}
