//! `spawn_app()`: the real application on port 0 with its own database.

use std::{collections::HashMap, path::PathBuf};

use app::ssr::{AppState, Clock};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
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
    /// Owned by another `TestApp` of the same server.
    Borrowed,
    Folder(PathBuf),
    Postgres {
        server: String,
        name: String,
    },
}

impl TestDatabase {
    /// An empty database, for tests of migrating and of the `portal` command.
    pub async fn create() -> Result<Self, Box<dyn std::error::Error>> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match backend() {
            Backend::Sqlite => Ok(Self::sqlite_folder(&id)),
            Backend::Postgres => Self::postgres(&id, None).await,
        }
    }

    /// A database with every migration applied: a copy of a template that
    /// the first test of a run migrates (migrating from scratch for every
    /// test cost most of the PostgreSQL suite's time).
    pub async fn migrated() -> Result<Self, Box<dyn std::error::Error>> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match backend() {
            Backend::Sqlite => {
                let template = sqlite_template().await?;
                let database = Self::sqlite_folder(&id);
                if let Cleanup::Folder(folder) = &database.cleanup {
                    std::fs::create_dir_all(folder)?;
                    std::fs::copy(&template, folder.join("portal.db"))?;
                }
                Ok(database)
            }
            Backend::Postgres => {
                let template = postgres_template().await?;
                Self::postgres(&id, Some(&template)).await
            }
        }
    }

    fn sqlite_folder(id: &str) -> Self {
        let folder = std::env::temp_dir().join(format!("portal-test-{id}"));
        Self {
            url: format!("sqlite://{}/portal.db?mode=rwc", folder.display()),
            cleanup: Cleanup::Folder(folder),
        }
    }

    async fn postgres(
        id: &str,
        template: Option<&str>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let server = postgres_server();
        let name = format!("portal_test_{id}");
        let admin = Database::connect(format!("{server}/postgres")).await?;
        let from = template.map_or(String::new(), |t| format!(" TEMPLATE \"{t}\""));
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\"{from}"))
            .await?;
        admin.close().await?;
        Ok(Self {
            url: format!("{server}/{name}"),
            cleanup: Cleanup::Postgres { server, name },
        })
    }

    /// A handle that cleans nothing up, for a second client of one server.
    pub fn shared() -> Self {
        Self {
            url: String::new(),
            cleanup: Cleanup::Borrowed,
        }
    }

    pub async fn connect(&self) -> Result<DatabaseConnection, Box<dyn std::error::Error>> {
        Ok(app::ssr::db::connect(&self.url, None).await?)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Borrowed => {}
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

/// Names this build of the tests: a template made by an older build (whose
/// migrations may differ) is never used.
fn build_fingerprint() -> Result<String, Box<dyn std::error::Error>> {
    let built = std::fs::metadata(std::env::current_exe()?)?.modified()?;
    let nanos = built.duration_since(std::time::UNIX_EPOCH)?.as_nanos();
    Ok(format!("{nanos:x}"))
}

/// The migrated SQLite file that test databases are copied from, made once
/// per build. It is written under a name of its own and renamed into place,
/// so parallel tests never copy half a file.
async fn sqlite_template() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let template =
        std::env::temp_dir().join(format!("portal-test-template-{}.db", build_fingerprint()?));
    if !template.exists() {
        let scratch = std::env::temp_dir().join(format!(
            "portal-test-template-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let url = format!("sqlite://{}/portal.db?mode=rwc", scratch.display());
        let db = app::ssr::db::connect(&url, None).await?;
        Migrator::up(&db, None).await?;
        // Folds the write-ahead log into the file before it is copied.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
        db.close().await?;
        std::fs::rename(scratch.join("portal.db"), &template)?;
        let _ = std::fs::remove_dir_all(&scratch);
        remove_old_sqlite_templates(&template);
    }
    Ok(template)
}

/// Templates of earlier builds, a day after they were made.
fn remove_old_sqlite_templates(current: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    let day = std::time::Duration::from_secs(24 * 60 * 60);
    for path in entries.flatten().map(|entry| entry.path()) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let old = std::fs::metadata(&path)
            .and_then(|meta| meta.modified())
            .is_ok_and(|made| made.elapsed().is_ok_and(|age| age > day));
        if name.starts_with("portal-test-template-") && path != current && old {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The migrated PostgreSQL database that test databases are created from
/// (`CREATE DATABASE … TEMPLATE`), made once per build and server.
async fn postgres_template() -> Result<String, Box<dyn std::error::Error>> {
    let server = postgres_server();
    let name = format!("portal_template_{}", build_fingerprint()?);
    let admin = Database::connect(format!("{server}/postgres")).await?;
    let exists = admin
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await?
        .is_some();
    if !exists {
        // Migrated under a name of its own, then renamed: two tests that
        // start together may both build one, and the second rename fails.
        let scratch = format!("portal_scratch_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{scratch}\""))
            .await?;
        let db = Database::connect(format!("{server}/{scratch}")).await?;
        Migrator::up(&db, None).await?;
        db.close().await?;
        let renamed = admin
            .execute_unprepared(&format!(
                "ALTER DATABASE \"{scratch}\" RENAME TO \"{name}\""
            ))
            .await;
        if renamed.is_err() {
            admin
                .execute_unprepared(&format!(
                    "DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)"
                ))
                .await?;
        }
        // Templates of earlier builds on a server that outlives test runs.
        let old = admin
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT datname FROM pg_database \
                     WHERE datname LIKE 'portal\\_template\\_%' AND datname <> '{name}'"
                ),
            ))
            .await?;
        for row in old {
            let old_name: String = row.try_get("", "datname")?;
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{old_name}\""))
                .await;
        }
    }
    admin.close().await?;
    Ok(name)
}

pub struct TestApp {
    pub address: String,
    /// Where this server stores uploaded résumés.
    pub upload_dir: std::path::PathBuf,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub clock: Clock,
    /// The server's state, for running its background work on demand.
    pub state: AppState,
    _database: TestDatabase,
}

/// What a server function answered.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub set_cookie: Vec<String>,
}

impl Answer {
    /// The stable error code and field, if the call failed.
    pub fn error(&self) -> Option<(String, Option<String>)> {
        let json: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        let code = json.get("code")?.as_str()?.to_owned();
        let field = json
            .get("field")
            .and_then(|f| f.as_str())
            .map(str::to_owned);
        Some((code, field))
    }
}

/// A mail as queued in the outbox.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

impl QueuedMail {
    /// The token in the first link of the mail.
    pub fn token(&self) -> Option<String> {
        let start = self.text.find("token=")? + "token=".len();
        let token: String = self.text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        Some(token)
    }
}

/// The server key of test servers (32 bytes in hex).
pub const TEST_SECRET_KEY: &str =
    "5ec2e7ab5ec2e7ab5ec2e7ab5ec2e7ab5ec2e7ab5ec2e7ab5ec2e7ab5ec2e7ab";

pub const PASSWORD: &str = "correct horse battery staple";

/// The moment every test server starts at: after the newest shipped
/// policy came into force.
pub const TEST_START: time::OffsetDateTime = datetime!(2026-12-07 12:00 UTC);

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Calls a server function the way the browser's script does.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Result<Answer> {
        self.call_from("127.0.0.1", endpoint, form).await
    }

    /// Calls a server function as if from `ip` (needs `PORTAL_TRUST_FORWARDED_FOR`).
    pub async fn call_from(
        &self,
        ip: &str,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Result<Answer> {
        let response = self
            .client
            .post(self.url(&format!("/api/{endpoint}")))
            .header(
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
            )
            .header("x-forwarded-for", ip)
            .form(form)
            .send()
            .await?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let set_cookie: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect();
        // Every cookie any test sees is one the code declares (and so one
        // the privacy policy's table is checked against).
        for cookie in &set_cookie {
            let name = cookie.split('=').next().unwrap_or_default();
            assert!(
                app::features::cookies().any(|kind| kind.name == name || kind.host_name == name),
                "{endpoint} set the undeclared cookie {name}"
            );
        }
        let body = response.text().await?;
        Ok(Answer {
            status,
            location,
            body,
            set_cookie,
        })
    }

    pub async fn register(&self, username: &str, email: &str) -> reqwest::Result<Answer> {
        self.call(
            "account/register",
            &[
                ("username", username),
                ("email", email),
                ("password", PASSWORD),
                ("age_confirmed", "on"),
                ("policy_accepted", "on"),
            ],
        )
        .await
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> reqwest::Result<Answer> {
        self.call(
            "account/sign-in",
            &[("login", login), ("password", password)],
        )
        .await
    }

    /// The signed-in username, according to the server.
    pub async fn whoami(&self) -> Result<Option<String>, Box<dyn std::error::Error>> {
        let answer = self.call("account/whoami", &[]).await?;
        let json: serde_json::Value = serde_json::from_str(&answer.body)?;
        Ok(json
            .get("username")
            .and_then(|name| name.as_str())
            .map(str::to_owned))
    }

    /// A mail worker that delivers into this server's mail folder, as the
    /// server does without SMTP.
    pub fn mail_folder_worker(&self) -> Result<app::ssr::mail::Worker, Box<dyn std::error::Error>> {
        use app::ssr::mail::{Transport, Worker};
        let folder = self.state.mail_folder.clone().ok_or("no mail folder")?;
        Ok(Worker::new(
            self.db.clone(),
            self.clock.clone(),
            Transport::new(None, &folder.display().to_string())?,
            "Portal <noreply@example.org>",
        )?)
    }

    /// Every mail in the outbox, oldest first.
    pub async fn mails(&self) -> Result<Vec<QueuedMail>, sea_orm::DbErr> {
        use app::ssr::mail::outbox;
        use sea_orm::{EntityTrait, QueryOrder};
        Ok(outbox::Entity::find()
            .order_by_asc(outbox::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| QueuedMail {
                to: row.recipient,
                subject: row.subject,
                text: row.body_text,
            })
            .collect())
    }

    /// Accepts the privacy policy in force, as the signed-in member (an
    /// account made with `portal create-admin` has accepted nothing).
    pub async fn accept_policy(&self) -> Result<(), Box<dyn std::error::Error>> {
        let document = self
            .call("documents/current", &[("kind", "privacy_policy")])
            .await?;
        let sha = serde_json::from_str::<serde_json::Value>(&document.body)?["sha256"]
            .as_str()
            .ok_or("no sha256")?
            .to_owned();
        let accepted = self.call("privacy/accept", &[("sha256", &sha)]).await?;
        assert_eq!(accepted.error(), None, "{accepted:?}");
        Ok(())
    }

    /// Registers, confirms the address and signs in.
    pub async fn signed_in_member(
        &self,
        username: &str,
        email: &str,
    ) -> Result<(), Box<dyn std::error::Error>> {
        self.confirmed_member(username, email).await?;
        let signed_in = self.sign_in(username, PASSWORD).await?;
        assert_eq!(signed_in.error(), None, "{signed_in:?}");
        Ok(())
    }

    /// Registers and confirms the address from the mail; not signed in.
    pub async fn confirmed_member(
        &self,
        username: &str,
        email: &str,
    ) -> Result<(), Box<dyn std::error::Error>> {
        self.register(username, email).await?;
        let mail = self
            .mails()
            .await?
            .into_iter()
            .rev()
            .find(|mail| mail.to == email);
        let token = mail
            .and_then(|mail| mail.token())
            .ok_or("no confirmation mail")?;
        let confirmed = self
            .call("account/confirm-email", &[("token", &token)])
            .await?;
        assert_eq!(confirmed.error(), None, "{confirmed:?}");
        Ok(())
    }

    /// Marks a member's address as not confirmed, as an account made
    /// through a provider with a typed address is until its link is opened.
    pub async fn unconfirm(&self, username: &str) -> Result<(), Box<dyn std::error::Error>> {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = self.db.get_database_backend();
        let sql = match backend {
            sea_orm::DbBackend::Postgres => {
                "UPDATE accounts SET email_verified_at = NULL WHERE username = $1"
            }
            _ => "UPDATE accounts SET email_verified_at = NULL WHERE username = ?1",
        };
        self.db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [username.into()],
            ))
            .await?;
        Ok(())
    }

    /// Rows in `table`.
    pub async fn count(&self, table: &str) -> Result<i64, Box<dyn std::error::Error>> {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) FROM {table}"),
            ))
            .await?
            .ok_or("no row")?;
        Ok(row.try_get_by_index::<i64>(0)?)
    }

    /// Every value of every column of the live schema (see [`every_value`]).
    pub async fn every_value(&self) -> Result<Values, Box<dyn std::error::Error>> {
        every_value(&self.db).await
    }

    /// The URL of this server's database, for running `portal` commands on it.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// Another browser on the same server: same database, its own cookies.
    pub fn visitor_of(app: &TestApp) -> Result<TestApp, Box<dyn std::error::Error>> {
        Ok(TestApp {
            address: app.address.clone(),
            upload_dir: app.upload_dir.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            db: app.db.clone(),
            clock: app.clock.clone(),
            state: app.state.clone(),
            _database: TestDatabase::shared(),
        })
    }

    pub async fn get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        self.client.get(self.url(path)).send().await
    }
}

/// The nonce a page's Content-Security-Policy lets scripts run by.
pub fn policy_nonce(page: &reqwest::Response) -> Result<String, &'static str> {
    page.headers()
        .get("content-security-policy")
        .and_then(|value| value.to_str().ok())
        .and_then(|policy| policy.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .map(str::to_owned)
        .ok_or("no nonce in the policy")
}

/// The configuration a test server runs with, from `env`-style pairs.
pub fn test_config(
    database_url: &str,
    extra: &[(&str, &str)],
) -> Result<Config, server::config::ConfigError> {
    // Nothing a test makes may land in the source tree: the key file and
    // the mail folder default to a folder of the test's own.
    let own = std::env::temp_dir().join(format!("portal-test-{}", uuid::Uuid::new_v4()));
    let key_file = own.join("secret.key").display().to_string();
    let mail_dir = own.join("mail").display().to_string();
    let mut env: HashMap<String, String> = [
        ("PORTAL_LISTEN", "127.0.0.1:0"),
        ("PORTAL_DATABASE_URL", database_url),
        ("PORTAL_LOG", "warn"),
        ("PORTAL_SECRET_KEY_FILE", key_file.as_str()),
        ("PORTAL_MAIL_DIR", mail_dir.as_str()),
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
/// Each `(table, column)`'s values, as text, sorted.
pub type Values = std::collections::BTreeMap<(String, String), Vec<String>>;

/// Every value of every column of the live schema, as text, sorted per
/// column: what requests may have written anywhere.
pub async fn every_value(db: &DatabaseConnection) -> Result<Values, Box<dyn std::error::Error>> {
    use sea_orm::{ConnectionTrait, Statement};
    let mut values = std::collections::BTreeMap::new();
    for (table, column) in crate::privacy::manifest::live_columns(db).await? {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT CAST({column} AS TEXT) FROM {table}"),
            ))
            .await?;
        let mut column_values: Vec<String> = rows
            .iter()
            .map(|row| {
                row.try_get_by_index::<Option<String>>(0)
                    .map(Option::unwrap_or_default)
            })
            .collect::<Result<_, _>>()?;
        column_values.sort_unstable();
        values.insert((table, column), column_values);
    }
    Ok(values)
}

pub async fn spawn_app() -> Result<TestApp, Box<dyn std::error::Error>> {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> Result<TestApp, Box<dyn std::error::Error>> {
    spawn_app_observed(extra, None).await
}

/// [`spawn_app_with`], with `observer` told of every statement the
/// server's pools run.
pub async fn spawn_app_observed(
    extra: &[(&str, &str)],
    observer: Option<server::startup::StatementObserver>,
) -> Result<TestApp, Box<dyn std::error::Error>> {
    let database = TestDatabase::migrated().await?;
    let mail_dir = std::env::temp_dir().join(format!("portal-test-mail-{}", uuid::Uuid::new_v4()));
    let mail_dir = mail_dir.display().to_string();
    let upload_dir =
        std::env::temp_dir().join(format!("portal-test-uploads-{}", uuid::Uuid::new_v4()));
    let upload_path = upload_dir.display().to_string();
    // Mail is delivered, and the housekeeping run, on demand by the tests
    // (a sent mail's text is erased; a purge racing a test's clock would
    // make it flaky).
    let mut settings = vec![
        ("PORTAL_HOUSEKEEPING", "false"),
        ("PORTAL_MAIL_DIR", mail_dir.as_str()),
        ("PORTAL_UPLOAD_DIR", upload_path.as_str()),
        ("PORTAL_MAIL_WORKER", "false"),
        ("PORTAL_SECRET_KEY", TEST_SECRET_KEY),
    ];
    settings.extend_from_slice(extra);
    let config = test_config(&database.url, &settings)?;
    let clock = Clock::manual(TEST_START);
    let application = Application::build_observed(&config, clock.clone(), observer).await?;
    let address = format!("http://127.0.0.1:{}", application.port());
    let state = application.state().clone();
    let db = state.db.clone();
    tokio::spawn(application.run_until_stopped(std::future::pending()));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    Ok(TestApp {
        address,
        upload_dir,
        client,
        db,
        clock,
        state,
        _database: database,
    })
}

/// Every file under `folder`, however deep.
pub fn files_under(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}
