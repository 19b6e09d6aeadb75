//! PostgreSQL's search index keeps each entry's words as a stored
//! `tsvector` column with the GIN index on it. The index used to be on the
//! expression `to_tsvector(title || ' ' || body)`, so ranking, and every
//! candidate the planner checked row by row, parsed the post again.
//! SQLite's FTS5 table keeps its own index and is left as it is.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE forum_search ADD COLUMN document tsvector \
             GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || body)) STORED",
        )
        .await?;
        db.execute_unprepared("DROP INDEX forum_search_document")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX forum_search_document ON forum_search USING GIN (document)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX forum_search_document")
            .await?;
        db.execute_unprepared("ALTER TABLE forum_search DROP COLUMN document")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX forum_search_document ON forum_search \
             USING GIN (to_tsvector('english', title || ' ' || body))",
        )
        .await?;
        Ok(())
    }
}
