//! Every migration runs up, down and up again on this back end.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::helpers::{TestDatabase, TestResult};

async fn count(db: &DatabaseConnection, sql: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or("no row")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() -> TestResult {
    let database = TestDatabase::create().await?;
    let db = database.connect().await?;
    let total = Migrator::migrations().len();

    Migrator::up(&db, None).await?;
    assert_eq!(Migrator::get_pending_migrations(&db).await?.len(), 0);
    // The privacy policy and the two contributor agreements.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM documents").await?, 3);

    Migrator::down(&db, None).await?;
    assert_eq!(Migrator::get_pending_migrations(&db).await?.len(), total);
    let tables = db.get_database_backend();
    let remaining = match tables {
        sea_orm::DbBackend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations'"
        }
        _ => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name <> 'seaql_migrations'"
        }
    };
    assert_eq!(count(&db, remaining).await?, 0, "down left tables behind");

    Migrator::up(&db, None).await?;
    // The privacy policy and the two contributor agreements.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM documents").await?, 3);
    db.close().await?;
    Ok(())
}
