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
    // Eight versions of the privacy policy and the two contributor agreements.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM documents").await?, 10);

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
    // Eight versions of the privacy policy and the two contributor agreements.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM documents").await?, 10);
    db.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_policy_the_operator_published_is_kept_and_not_replaced_by_the_shipped_correction()
-> TestResult {
    let database = TestDatabase::create().await?;
    let db = database.connect().await?;
    let before_v2 = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261204_000701_privacy_policy_v2")
        .ok_or("no policy v2 migration")?;
    Migrator::up(&db, Some(u32::try_from(before_v2)?)).await?;
    db.execute_unprepared(
        "INSERT INTO documents (kind, version, title, body, sha256, effective_at, material, created_at) \
         VALUES ('privacy_policy', 2, 'Our policy', 'Our own words.', 'ours', \
         '2026-12-01 00:00:00+00:00', TRUE, '2026-12-01 00:00:00+00:00')",
    )
    .await?;
    Migrator::up(&db, None).await?;
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM documents WHERE kind = 'privacy_policy' AND sha256 <> 'ours'"
        )
        .await?,
        1,
        "only version 1 of the shipped policy"
    );
    Migrator::down(&db, Some(2)).await?;
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM documents WHERE sha256 = 'ours'").await?,
        1,
        "rolling back removed the operator's policy"
    );
    db.close().await?;
    Ok(())
}

#[tokio::test]
async fn digest_subscriptions_and_their_links_move_to_the_list_model_and_back() -> TestResult {
    let database = TestDatabase::create().await?;
    let db = database.connect().await?;
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261207_000201_mail_subscribers")
        .ok_or("no mail subscribers migration")?;
    Migrator::up(&db, Some(u32::try_from(before)?)).await?;
    for sql in [
        "INSERT INTO accounts (id, username, username_key, email, email_key, age_confirmed_at, created_at) \
         VALUES (7, 'ferris', 'ferris', 'ferris@example.org', 'ferris@example.org', \
         '2026-12-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00')",
        "INSERT INTO accounts (id, username, username_key, email, email_key, age_confirmed_at, created_at) \
         VALUES (8, 'corro', 'corro', 'corro@example.org', 'corro@example.org', \
         '2026-12-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00')",
        "INSERT INTO mail_subscriptions (account_id, list, created_at, last_sent_at) \
         VALUES (7, 'forum_digest', '2026-12-02 00:00:00+00:00', '2026-12-03 00:00:00+00:00')",
        // Ferris's link, and one of Corro's, who left the list since.
        "INSERT INTO mail_unsubscribe_tokens (token_hash, account_id, list, created_at) \
         VALUES ('aaaa', 7, 'forum_digest', '2026-12-03 00:00:00+00:00')",
        "INSERT INTO mail_unsubscribe_tokens (token_hash, account_id, list, created_at) \
         VALUES ('bbbb', 8, 'forum_digest', '2026-12-02 00:00:00+00:00')",
    ] {
        db.execute_unprepared(sql).await?;
    }
    Migrator::up(&db, Some(1)).await?;
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM mail_subscribers").await?,
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM mail_list_subscriptions n \
             JOIN mail_subscribers s ON s.id = n.subscriber_id \
             JOIN mail_lists l ON l.id = n.list_id \
             WHERE s.account_id = 7 AND l.slug = 'forum_digest' AND n.last_sent_at IS NOT NULL"
        )
        .await?,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM mail_list_unsubscribe_tokens t \
             JOIN mail_subscribers s ON s.id = t.subscriber_id \
             WHERE (t.token_hash = 'aaaa' AND s.account_id = 7) \
             OR (t.token_hash = 'bbbb' AND s.account_id = 8)"
        )
        .await?,
        2,
        "every link keeps working"
    );

    Migrator::down(&db, Some(1)).await?;
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM mail_subscriptions WHERE account_id = 7 AND list = 'forum_digest'"
        )
        .await?,
        1
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM mail_unsubscribe_tokens").await?,
        2
    );
    db.close().await?;
    Ok(())
}
