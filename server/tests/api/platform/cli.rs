//! The `portal` binary: configuration errors, commands, shutdown.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use crate::helpers::{TestDatabase, TestResult};

const PORTAL: &str = env!("CARGO_BIN_EXE_portal");

pub fn portal(args: &[&str], env: &[(&str, &str)], stdin: &str) -> std::io::Result<Output> {
    // A folder of its own for what the command makes unless told otherwise.
    let own = std::env::temp_dir().join(format!("portal-cli-{}", uuid::Uuid::new_v4()));
    let mut child = Command::new(PORTAL)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTAL_SECRET_KEY_FILE", own.join("secret.key"))
        .env("PORTAL_MAIL_DIR", own.join("mail"))
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes())?;
    }
    child.wait_with_output()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_unsupported_database_url_exits_with_a_clear_message() -> TestResult {
    let output = portal(
        &["check-config"],
        &[("DATABASE_URL", "mysql://root:hunter2@db/portal")],
        "",
    )?;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("DATABASE_URL: the database URL must start with sqlite:"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}

#[test]
fn an_unreachable_database_exits_non_zero_without_a_panic() -> TestResult {
    let output = portal(
        &["serve"],
        &[
            (
                "DATABASE_URL",
                "postgres://portal:hunter2@127.0.0.1:1/portal",
            ),
            ("PORTAL_LISTEN", "127.0.0.1:0"),
        ],
        "",
    )?;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("could not connect to the database at postgres://127.0.0.1:1/portal"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}

#[test]
fn a_malformed_setting_is_reported_by_name() -> TestResult {
    let output = portal(
        &["check-config"],
        &[("PORTAL_LISTEN", "not-an-address")],
        "",
    )?;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("listen"), "{stderr}");
    Ok(())
}

#[tokio::test]
async fn check_config_summarises_and_reaches_the_database() -> TestResult {
    let database = TestDatabase::create().await?;
    let output = portal(&["check-config"], &[("DATABASE_URL", &database.url)], "")?;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("Configuration OK."), "{stdout}");
    assert!(stdout.contains("migration(s) pending"), "{stdout}");
    assert!(
        stdout.contains("visit statistics  on, page views kept 30 days"),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: PORTAL_PRIVACY_CONTACT is not set"),
        "{stdout}"
    );
    let set = portal(
        &["check-config"],
        &[
            ("DATABASE_URL", &database.url),
            (
                "PORTAL_PRIVACY_CONTACT",
                "Privacy team <privacy@example.org>",
            ),
        ],
        "",
    )?;
    let stdout = text(&set.stdout);
    assert!(set.status.success(), "{}", text(&set.stderr));
    assert!(!stdout.contains("warning:"), "{stdout}");
    assert!(
        stdout.contains("privacy contact   Privacy team <privacy@example.org>"),
        "{stdout}"
    );
    Ok(())
}

/// `check-config` with `setting` at `value` exits 2 and says `problem`.
fn assert_refused(setting: &str, value: &str, problem: &str) -> TestResult {
    let output = portal(&["check-config"], &[(setting, value)], "")?;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{setting}: {problem}")),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn a_privacy_contact_that_is_not_a_mailbox_is_refused() -> TestResult {
    assert_refused("PORTAL_PRIVACY_CONTACT", "write to us", "must be a mailbox")
}

#[test]
fn an_smtp_ca_file_without_an_smtp_url_is_refused() -> TestResult {
    assert_refused(
        "PORTAL_SMTP_CA_FILE",
        "/etc/ssl/relay-ca.pem",
        "is only used with PORTAL_SMTP_URL",
    )
}

#[tokio::test]
async fn delete_account_erases_a_member_as_the_policy_promises() -> TestResult {
    let database = TestDatabase::create().await?;
    let env = [("DATABASE_URL", database.url.as_str())];
    for (username, email) in [
        ("Ferris", "ferris@example.org"),
        ("Corro", "corro@example.org"),
    ] {
        let made = portal(
            &["create-admin", "--username", username, "--email", email],
            &env,
            "correct horse battery staple\n",
        )?;
        assert!(made.status.success(), "{}", text(&made.stderr));
    }
    let deleted = portal(&["delete-account", "--username", "Ferris"], &env, "")?;
    assert!(deleted.status.success(), "{}", text(&deleted.stderr));
    assert!(
        text(&deleted.stdout).contains("Deleted the account Ferris; erased"),
        "{}",
        text(&deleted.stdout)
    );
    let db = database.connect().await?;
    let names: Vec<String> = sea_orm::ConnectionTrait::query_all_raw(
        &db,
        sea_orm::Statement::from_string(
            sea_orm::ConnectionTrait::get_database_backend(&db),
            "SELECT username FROM accounts",
        ),
    )
    .await?
    .iter()
    .map(|row| row.try_get("", "username"))
    .collect::<Result<_, _>>()?;
    assert_eq!(names, ["Corro"]);

    let missing = portal(&["delete-account", "--username", "Ferris"], &env, "")?;
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("There is no account with the username"));
    // The last administrator stays.
    let last = portal(&["delete-account", "--username", "Corro"], &env, "")?;
    assert_eq!(last.status.code(), Some(1));
    assert!(text(&last.stderr).contains("only administrator"));
    Ok(())
}

#[tokio::test]
async fn migrate_applies_lists_and_rolls_back() -> TestResult {
    let database = TestDatabase::create().await?;
    let env = [("DATABASE_URL", database.url.as_str())];
    assert!(portal(&["migrate", "up"], &env, "")?.status.success());
    let status = text(&portal(&["migrate", "status"], &env, "")?.stdout);
    assert!(
        status.lines().all(|line| line.starts_with("Applied")),
        "{status}"
    );
    assert!(
        portal(&["migrate", "down", "--steps", "1"], &env, "")?
            .status
            .success()
    );
    let status = text(&portal(&["migrate", "status"], &env, "")?.stdout);
    assert_eq!(
        status
            .lines()
            .filter(|line| line.starts_with("Pending"))
            .count(),
        1,
        "{status}"
    );
    Ok(())
}

#[tokio::test]
async fn create_admin_makes_one_administrator_and_refuses_a_duplicate() -> TestResult {
    let database = TestDatabase::create().await?;
    let env = [("DATABASE_URL", database.url.as_str())];
    let args = [
        "create-admin",
        "--username",
        "Ferris",
        "--email",
        "ferris@example.org",
    ];
    let first = portal(&args, &env, "correct horse battery staple\n")?;
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("Administrator account"));
    let second = portal(&args, &env, "correct horse battery staple\n")?;
    assert_eq!(second.status.code(), Some(1));
    assert!(text(&second.stderr).contains("already exists"));
    let logs = text(&first.stderr) + &text(&second.stderr);
    assert!(
        !logs.contains("correct horse"),
        "the password reached a log line"
    );
    assert!(
        !logs.contains("ferris@example.org"),
        "the email reached a log line"
    );
    Ok(())
}

#[tokio::test]
async fn create_admin_refuses_a_short_password() -> TestResult {
    let database = TestDatabase::create().await?;
    let env = [("DATABASE_URL", database.url.as_str())];
    let output = portal(
        &[
            "create-admin",
            "--username",
            "Ferris",
            "--email",
            "ferris@example.org",
        ],
        &env,
        "short\n",
    )?;
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("password: Use at least 12 characters."));
    Ok(())
}

#[tokio::test]
async fn serve_stops_cleanly_on_sigterm() -> TestResult {
    let database = TestDatabase::create().await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(PORTAL)
        .arg("serve")
        .env("DATABASE_URL", &database.url)
        .env("PORTAL_LISTEN", &listen)
        .env("PORTAL_SECRET_KEY", crate::helpers::TEST_SECRET_KEY)
        .env("PORTAL_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let started = Instant::now();
    let client = reqwest::Client::new();
    loop {
        if let Ok(response) = client.get(format!("http://{listen}/readyz")).send().await
            && response.status() == 200
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    assert!(killed.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(10),
            "server did not stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}");
    Ok(())
}

#[tokio::test]
async fn publish_adds_the_next_version_with_its_hash() -> TestResult {
    let database = TestDatabase::create().await?;
    let env = [("DATABASE_URL", database.url.as_str())];
    portal(&["migrate", "up"], &env, "")?;
    let file = std::env::temp_dir().join(format!("cla-v2-{}.md", uuid::Uuid::new_v4()));
    std::fs::write(&file, "A clearer sentence.\n")?;
    let path = file.display().to_string();

    let output = portal(
        &[
            "publish",
            "--document",
            "individual-cla",
            "--title",
            "Individual Contributor License Agreement",
            "--file",
            &path,
            "--effective",
            "2026-12-01",
        ],
        &env,
        "",
    )?;
    std::fs::remove_file(&file)?;

    assert!(output.status.success(), "{}", text(&output.stderr));
    let said = text(&output.stdout);
    assert!(
        said.contains("individual_cla version 2 (editorial)"),
        "{said}"
    );
    let db = database.connect().await?;
    let row = sea_orm::ConnectionTrait::query_one_raw(
        &db,
        sea_orm::Statement::from_string(
            sea_orm::ConnectionTrait::get_database_backend(&db),
            "SELECT sha256, material FROM documents WHERE kind = 'individual_cla' AND version = 2",
        ),
    )
    .await?
    .ok_or("no version 2")?;
    let sha: String = row.try_get("", "sha256")?;
    assert!(said.contains(&sha), "{said}");
    assert!(!row.try_get::<bool>("", "material")?);
    Ok(())
}
