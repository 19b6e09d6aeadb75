//! A counter of changes to what visitors without a session see: every
//! committed write to a table that public pages show bumps it, in the same
//! transaction, whoever writes (any instance, the `portal` command, a
//! background job). The page cache reads it at most once a second and
//! empties itself only when it moved, so no request that merely reads can
//! empty the cache.
//!
//! Triggers, not calls in the code: a write path that forgets to call
//! would leave a stale page, a trigger cannot be forgotten. On PostgreSQL
//! they fire once per statement; SQLite has only row triggers.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

/// `(table, what of it visitors see)`: the events that change a public page.
const SOURCES: &[(&str, &str)] = &[
    ("documents", "INSERT OR UPDATE OR DELETE"),
    ("forum_categories", "INSERT OR UPDATE OR DELETE"),
    ("forum_threads", "INSERT OR UPDATE OR DELETE"),
    ("forum_posts", "INSERT OR UPDATE OR DELETE"),
    ("jobs", "INSERT OR UPDATE OR DELETE"),
    // Posts show their author's name; a deleted account's posts are anonymised.
    ("accounts", "UPDATE OF username OR DELETE"),
];

const BUMP: &str = "UPDATE public_generation SET generation = generation + 1 WHERE id = 1";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PublicGeneration::Table)
                    .col(
                        ColumnDef::new(PublicGeneration::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PublicGeneration::Generation)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO public_generation (id, generation) VALUES (1, 0)")
            .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION public_change() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {BUMP}; RETURN NULL; END $$"
                ))
                .await?;
                for (table, events) in SOURCES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_public_change AFTER {events} ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION public_change()"
                    ))
                    .await?;
                }
            }
            _ => {
                for (table, events) in SOURCES {
                    for (i, event) in events.split(" OR ").enumerate() {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_public_change_{i} AFTER {event} ON {table} \
                             BEGIN {BUMP}; END"
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                for (table, _) in SOURCES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_public_change ON {table}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS public_change()")
                    .await?;
            }
            _ => {
                for (table, events) in SOURCES {
                    for i in 0..events.split(" OR ").count() {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_public_change_{i}"
                        ))
                        .await?;
                    }
                }
            }
        }
        manager
            .drop_table(Table::drop().table(PublicGeneration::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PublicGeneration {
    Table,
    Id,
    Generation,
}
