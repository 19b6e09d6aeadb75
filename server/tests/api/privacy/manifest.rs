//! Promise P6 (docs/promises.md): every column of the live schema is classified by the data
//! manifest, and the manifest names no column that no longer exists.

use std::collections::BTreeSet;

use app::privacy::manifest::entries;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::helpers::{TestResult, spawn_app};

/// Every `(table, column)` of the live schema.
pub async fn live_columns(
    db: &DatabaseConnection,
) -> Result<BTreeSet<(String, String)>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        // Tables and virtual tables (the forum's FTS5 index); FTS5's own
        // storage tables are listed as `shadow` and hold nothing else.
        DbBackend::Sqlite => {
            "SELECT t.name AS table_name, p.name AS column_name \
             FROM pragma_table_list t JOIN pragma_table_info(t.name) p \
             WHERE t.schema = 'main' AND t.type IN ('table', 'virtual') \
             AND t.name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema()"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "table_name")?,
                row.try_get("", "column_name")?,
            ))
        })
        .collect()
}

#[tokio::test]
async fn every_column_of_the_schema_is_classified_by_the_manifest() -> TestResult {
    let app = spawn_app().await?;
    let live = live_columns(&app.db).await?;
    assert!(live.contains(&("accounts".to_owned(), "email".to_owned())));
    let postgres = app.db.get_database_backend() == DbBackend::Postgres;
    let classified: BTreeSet<(String, String)> = entries()
        .filter(|entry| postgres || !entry.postgres_only)
        .map(|entry| (entry.table.to_owned(), entry.column.to_owned()))
        .collect();
    let unclassified: Vec<_> = live.difference(&classified).collect();
    assert!(
        unclassified.is_empty(),
        "columns missing from the data manifest (app/src/privacy/manifest*): {unclassified:?}"
    );
    let stale: Vec<_> = classified.difference(&live).collect();
    assert!(
        stale.is_empty(),
        "manifest entries for columns that do not exist: {stale:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_unclassified_column_is_detected() -> TestResult {
    let app = spawn_app().await?;
    app.db
        .execute_unprepared("ALTER TABLE accounts ADD COLUMN birth_date TEXT")
        .await?;
    let live = live_columns(&app.db).await?;
    let missing = live
        .iter()
        .filter(|(table, column)| app::privacy::manifest::lookup(table, column).is_none())
        .collect::<Vec<_>>();
    assert_eq!(missing, [&("accounts".to_owned(), "birth_date".to_owned())]);
    Ok(())
}
