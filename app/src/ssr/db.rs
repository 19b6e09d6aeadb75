//! Connecting to SQLite (the embedded default) or PostgreSQL, and the
//! counter of public changes.

use std::{str::FromStr, time::Duration};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, Statement,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("the database URL must start with sqlite:, postgres: or postgresql: (got {0})")]
    UnsupportedScheme(String),
    #[error("the SQLite URL {url} is not valid: {reason}")]
    BadSqliteUrl { url: String, reason: String },
    #[error("could not create the folder {folder} for the SQLite database: {source}")]
    CreateFolder {
        folder: String,
        source: std::io::Error,
    },
    #[error("could not connect to the database at {url}: {source}")]
    Connect { url: String, source: sea_orm::DbErr },
}

impl Backend {
    pub fn of(url: &str) -> Result<Self, ConnectError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(ConnectError::UnsupportedScheme(redact(url)))
        }
    }
}

/// Opens a connection pool. SQLite gets WAL, a busy timeout, foreign keys
/// and its folder created; by default it uses one connection, so writes
/// never race each other into `SQLITE_BUSY`.
pub async fn connect(
    url: &str,
    max_connections: Option<u32>,
) -> Result<DatabaseConnection, ConnectError> {
    let backend = Backend::of(url)?;
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    match backend {
        Backend::Sqlite => {
            prepare_sqlite_folder(url)?;
            options
                .max_connections(max_connections.unwrap_or(1))
                .map_sqlx_sqlite_opts(|sqlite| {
                    sqlite
                        .create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(5))
                        .foreign_keys(true)
                });
        }
        Backend::Postgres => {
            options.max_connections(max_connections.unwrap_or(10));
        }
    }
    Database::connect(options)
        .await
        .map_err(|source| ConnectError::Connect {
            url: redact(url),
            source,
        })
}

/// How much of an SQLite database the read connections map into memory
/// (`PRAGMA mmap_size`) instead of copying each page they read through a
/// system call and their own small page cache.
const MMAP_BYTES: u64 = 2 * 1024 * 1024 * 1024 - 65536;

/// A pool for queries that only read, beside the pool that `connect`
/// opened. On SQLite, WAL lets several connections read while the one
/// writer writes, so listings and pages never queue behind writes; these
/// connections refuse to write (`query_only`). On PostgreSQL, and for an
/// in-memory SQLite database, it is the same pool.
pub async fn connect_reads(
    url: &str,
    writes: &DatabaseConnection,
    max_connections: Option<u32>,
) -> Result<DatabaseConnection, ConnectError> {
    if Backend::of(url)? != Backend::Sqlite || url.contains(":memory:") {
        return Ok(writes.clone());
    }
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(max_connections.unwrap_or(u32::try_from(cores.clamp(2, 8)).unwrap_or(2)))
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                .pragma("query_only", "ON")
                .pragma("mmap_size", MMAP_BYTES.to_string())
        });
    Database::connect(options)
        .await
        .map_err(|source| ConnectError::Connect {
            url: redact(url),
            source,
        })
}

fn prepare_sqlite_folder(url: &str) -> Result<(), ConnectError> {
    let options =
        SqliteConnectOptions::from_str(url).map_err(|error| ConnectError::BadSqliteUrl {
            url: redact(url),
            reason: error.to_string(),
        })?;
    match options.get_filename().parent() {
        Some(folder) if !folder.as_os_str().is_empty() => {
            std::fs::create_dir_all(folder).map_err(|source| ConnectError::CreateFolder {
                folder: folder.display().to_string(),
                source,
            })
        }
        _ => Ok(()),
    }
}

/// The URL without user name, password or query, safe for a log line.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.split('?').next().unwrap_or_default().to_owned();
    };
    let rest = rest.split('?').next().unwrap_or_default();
    let host_and_path = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
    format!("{scheme}://{host_and_path}")
}

/// The counter of committed changes to what visitors without a session
/// see: triggers on the tables of public pages bump it in the writing
/// transaction (see the `public_generation` migration), whoever writes.
/// Memories of public content (the page cache, recent search matches)
/// are good for as long as it has not moved.
pub async fn public_generation(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT generation FROM public_generation WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("public_generation".to_owned()))?;
    row.try_get("", "generation")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_credentials_and_options() {
        assert_eq!(
            redact("postgres://portal:s3cret@db.internal:5432/portal?sslmode=require"),
            "postgres://db.internal:5432/portal"
        );
        assert_eq!(
            redact("sqlite://data/portal.db?mode=rwc"),
            "sqlite://data/portal.db"
        );
        assert_eq!(redact("sqlite::memory:"), "sqlite::memory:");
    }

    #[test]
    fn only_sqlite_and_postgres_are_accepted() {
        assert_eq!(Backend::of("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of("postgresql://h/db").ok(),
            Some(Backend::Postgres)
        );
        let error = Backend::of("mysql://root:pw@h/db")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "the database URL must start with sqlite:, postgres: or postgresql: (got mysql://h/db)"
            )
        );
    }

    #[tokio::test]
    async fn sqlite_gets_wal_a_busy_timeout_and_foreign_keys()
    -> Result<(), Box<dyn std::error::Error>> {
        use sea_orm::{ConnectionTrait, Statement};

        let folder = std::env::temp_dir().join(format!("portal-db-test-{}", std::process::id()));
        let url = format!("sqlite://{}/nested/portal.db?mode=rwc", folder.display());
        let db = connect(&url, None).await?;
        let pragma = async |name: &str| -> Result<String, sea_orm::DbErr> {
            let statement =
                Statement::from_string(db.get_database_backend(), format!("PRAGMA {name}"));
            let row = db.query_one_raw(statement).await?;
            match row {
                Some(row) => row
                    .try_get_by_index::<String>(0)
                    .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string())),
                None => Ok(String::new()),
            }
        };
        assert_eq!(pragma("journal_mode").await?, "wal");
        assert_eq!(pragma("foreign_keys").await?, "1");
        assert_eq!(pragma("busy_timeout").await?, "5000");
        db.close().await?;
        std::fs::remove_dir_all(&folder)?;
        Ok(())
    }

    #[tokio::test]
    async fn the_sqlite_read_pool_sees_every_write_and_refuses_to_write()
    -> Result<(), Box<dyn std::error::Error>> {
        use sea_orm::ConnectionTrait;

        let folder = std::env::temp_dir().join(format!("portal-reads-test-{}", std::process::id()));
        let url = format!("sqlite://{}/portal.db?mode=rwc", folder.display());
        let writes = connect(&url, None).await?;
        writes
            .execute_unprepared("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1)")
            .await?;
        let reads = connect_reads(&url, &writes, None).await?;
        let seen = reads
            .query_one_raw(sea_orm::Statement::from_string(
                reads.get_database_backend(),
                "SELECT COUNT(*) AS n FROM t",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?;
        assert_eq!(seen, Some(1), "a committed write is read at once");
        assert!(
            reads
                .execute_unprepared("INSERT INTO t VALUES (2)")
                .await
                .is_err(),
            "the read pool never writes"
        );
        reads.close().await?;
        writes.close().await?;
        std::fs::remove_dir_all(&folder)?;
        Ok(())
    }
}
