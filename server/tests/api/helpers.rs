//! `spawn_app()`: the real application on port 0 with its own database.

use std::{collections::HashMap, path::PathBuf};

use app::ssr::Clock;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use server::{config::Config, startup::Application};
use time::macros::datetime;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Which database the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backend() -> Backend {
    match std::env::var("PORTAL_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// The PostgreSQL server used for test databases (no database name).
fn postgres_server() -> String {
    std::env::var("PORTAL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(PathBuf),
    Postgres { server: String, name: String },
}

impl TestDatabase {
    pub async fn create() -> Result<Self, Box<dyn std::error::Error>> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match backend() {
            Backend::Sqlite => {
                let folder = std::env::temp_dir().join(format!("portal-test-{id}"));
                let url = format!("sqlite://{}/portal.db?mode=rwc", folder.display());
                Ok(Self {
                    url,
                    cleanup: Cleanup::Folder(folder),
                })
            }
            Backend::Postgres => {
                let server = postgres_server();
                let name = format!("portal_test_{id}");
                let admin = Database::connect(format!("{server}/postgres")).await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await?;
                admin.close().await?;
                Ok(Self {
                    url: format!("{server}/{name}"),
                    cleanup: Cleanup::Postgres { server, name },
                })
            }
        }
    }

    pub async fn connect(&self) -> Result<DatabaseConnection, Box<dyn std::error::Error>> {
        Ok(app::ssr::db::connect(&self.url, None).await?)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Folder(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::Postgres { server, name } => {
                let (server, name) = (server.clone(), name.clone());
                // Drop runs inside the test's runtime; use a thread of our own.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    runtime.block_on(async {
                        let admin = Database::connect(format!("{server}/postgres")).await?;
                        admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await?;
                        admin.close().await
                    })?;
                    Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("could not drop test database {}", self.url);
                }
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub clock: Clock,
    _database: TestDatabase,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        self.client.get(self.url(path)).send().await
    }
}

/// The configuration a test server runs with, from `env`-style pairs.
pub fn test_config(
    database_url: &str,
    extra: &[(&str, &str)],
) -> Result<Config, server::config::ConfigError> {
    let mut env: HashMap<String, String> = [
        ("PORTAL_LISTEN", "127.0.0.1:0"),
        ("PORTAL_DATABASE_URL", database_url),
        ("PORTAL_LOG", "warn"),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect();
    for (key, value) in extra {
        env.insert((*key).to_owned(), (*value).to_owned());
    }
    Config::load(None, &env)
}

/// Starts the application with a fresh database and a manual clock.
pub async fn spawn_app() -> Result<TestApp, Box<dyn std::error::Error>> {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> Result<TestApp, Box<dyn std::error::Error>> {
    let database = TestDatabase::create().await?;
    let config = test_config(&database.url, extra)?;
    let clock = Clock::manual(datetime!(2026-12-01 12:00 UTC));
    let application = Application::build(&config, clock.clone()).await?;
    let address = format!("http://127.0.0.1:{}", application.port());
    let db = application.state().db.clone();
    tokio::spawn(application.run_until_stopped(std::future::pending()));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    Ok(TestApp {
        address,
        client,
        db,
        clock,
        _database: database,
    })
}
