//! Secrets at rest: sent mail keeps no live link, `.eml` files and day keys
//! are deleted, TOTP secrets are sealed under the server key, and
//! rate-limit counters cannot be matched to an address from the database.

use app::{
    accounts::Email,
    features::purge as housekeeping,
    ssr::{
        mail::{self, Mail, Transport, Worker},
        server_key::{ServerKey, is_sealed},
    },
};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, Statement};
use sha2::Sha256;

use crate::{
    accounts::two_factor::{code_at, enrol},
    helpers::{PASSWORD, TEST_SECRET_KEY, TestApp, TestResult, spawn_app, test_config},
    platform::outbox::deliver_to_files,
};

/// Every text column of every outbox row, joined.
async fn outbox_text(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    Ok(app
        .mails()
        .await?
        .into_iter()
        .map(|mail| format!("{} {} {}", mail.to, mail.subject, mail.text))
        .collect::<Vec<_>>()
        .join("\n"))
}

async fn strings(app: &TestApp, sql: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?)
}

#[tokio::test]
async fn a_sent_mail_keeps_no_link_or_address_in_the_outbox() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    assert!(outbox_text(&app).await?.contains("token="));

    let (sent, files) = deliver_to_files(&app).await?;

    assert_eq!(sent, 1);
    assert!(files[0].contains("token="), "the mail itself has the link");
    let left = outbox_text(&app).await?;
    assert!(
        !left.contains("token=") && !left.contains("ferris"),
        "{left}"
    );
    assert_eq!(app.count("mail_outbox").await?, 1, "kept for auditing");
    Ok(())
}

#[tokio::test]
async fn a_mail_given_up_after_its_last_retry_is_erased_then_deleted() -> TestResult {
    let app = spawn_app().await?;
    let to = Email::parse("ferris@example.org").map_err(|e| e.to_string())?;
    // A `>` in the unsubscribe link makes every attempt fail.
    let doomed = Mail::new(&to, "Hello", "token=secret".to_owned(), String::new())
        .unsubscribe_at("https://example.org/>".to_owned());
    mail::enqueue(&app.db, &app.clock, doomed).await?;
    let dir = std::env::temp_dir().join(format!("portal-doomed-{}", uuid::Uuid::new_v4()));
    let worker = Worker::new(
        app.db.clone(),
        app.clock.clone(),
        Transport::new(None, &dir.display().to_string())?,
        "Portal <noreply@example.org>",
    )?;

    for _ in 0..8 {
        assert_eq!(worker.deliver_due().await?, 0);
        app.clock.advance(time::Duration::days(1));
    }

    let left = outbox_text(&app).await?;
    assert!(
        !left.contains("token=") && !left.contains("ferris"),
        "{left}"
    );
    app.clock.advance(time::Duration::days(8));
    housekeeping(&app.state).await?;
    assert_eq!(app.count("mail_outbox").await?, 0);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[tokio::test]
async fn eml_files_older_than_a_week_are_deleted_by_housekeeping() -> TestResult {
    let app = spawn_app().await?;
    let folder = app.state.mail_folder.clone().ok_or("no mail folder")?;
    let at = |when: time::OffsetDateTime| std::time::SystemTime::from(when);
    let now = app.clock.now();
    for (name, written) in [
        ("old.eml", now - time::Duration::days(8)),
        ("new.eml", now - time::Duration::days(6)),
        ("notes.txt", now - time::Duration::days(30)),
    ] {
        let file = std::fs::File::create(folder.join(name))?;
        file.set_modified(at(written))?;
    }

    housekeeping(&app.state).await?;

    assert!(!folder.join("old.eml").exists());
    assert!(folder.join("new.eml").exists());
    assert!(
        folder.join("notes.txt").exists(),
        "only mail files are ours"
    );
    Ok(())
}

/// How recovery codes used to be made: from the secret alone.
fn derived_codes(secret: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..10)
        .map(|index| {
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
            mac.update(format!("recovery-code-{index}").as_bytes());
            let chars: String = mac
                .finalize()
                .into_bytes()
                .iter()
                .take(10)
                .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
                .collect();
            Ok(format!("{}-{}", &chars[..5], &chars[5..]))
        })
        .collect()
}

#[tokio::test]
async fn the_totp_secret_is_stored_sealed_and_the_recovery_codes_are_random() -> TestResult {
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    let secret = enrolled.secret.clone();

    let stored = strings(&app, "SELECT secret FROM second_factors").await?;
    assert_eq!(stored.len(), 1);
    assert!(is_sealed(&stored[0]) && !stored[0].contains(&secret));
    let derived = derived_codes(&secret)?;
    assert!(enrolled.recovery.iter().all(|code| !derived.contains(code)));

    app.call("account/sign-out", &[]).await?;
    app.clock.advance(time::Duration::seconds(30));
    app.sign_in("ferris", PASSWORD).await?;
    let code = code_at(&enrolled.totp, &app);
    let verified = app
        .call("account/two-factor/verify", &[("code", &code)])
        .await?;
    assert_eq!(verified.error(), None, "{verified:?}");
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));
    Ok(())
}

#[tokio::test]
async fn a_clear_secret_from_before_is_sealed_on_first_use() -> TestResult {
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    let secret = enrolled.secret.clone();
    app.db
        .execute_unprepared(&format!("UPDATE second_factors SET secret = '{secret}'"))
        .await?;
    app.call("account/sign-out", &[]).await?;
    app.clock.advance(time::Duration::seconds(30));
    app.sign_in("ferris", PASSWORD).await?;
    let code = code_at(&enrolled.totp, &app);

    let verified = app
        .call("account/two-factor/verify", &[("code", &code)])
        .await?;

    assert_eq!(verified.error(), None, "{verified:?}");
    let stored = strings(&app, "SELECT secret FROM second_factors").await?;
    assert!(is_sealed(&stored[0]) && !stored[0].contains(&secret));
    Ok(())
}

#[cfg(unix)]
#[tokio::test]
async fn the_key_file_is_made_owner_only_and_a_readable_one_is_refused() -> TestResult {
    use std::os::unix::fs::PermissionsExt as _;
    let folder = std::env::temp_dir().join(format!("portal-key-{}", uuid::Uuid::new_v4()));
    let path = folder.join("secret.key");
    let file = path.display().to_string();
    let config = test_config("sqlite::memory:", &[("PORTAL_SECRET_KEY_FILE", &file)])?;

    let made = config.server_key()?;
    assert_eq!(
        std::fs::metadata(&path)?.permissions().mode() & 0o777,
        0o600
    );
    let sealed = made.derive("test").seal(b"hello")?;
    assert_eq!(config.server_key()?.derive("test").open(&sealed)?, b"hello");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
    let refused = test_config("sqlite::memory:", &[("PORTAL_SECRET_KEY_FILE", &file)]);
    assert!(
        refused
            .as_ref()
            .is_err_and(|error| error.to_string().contains("PORTAL_SECRET_KEY_FILE")),
        "{refused:?}"
    );
    let exit = std::process::Command::new(env!("CARGO_BIN_EXE_portal"))
        .arg("check-config")
        .env_clear()
        .env("DATABASE_URL", "sqlite::memory:")
        .env("PORTAL_SECRET_KEY_FILE", &file)
        .output()?;
    assert_eq!(exit.status.code(), Some(2));
    std::fs::remove_dir_all(&folder)?;
    Ok(())
}

#[tokio::test]
async fn counters_are_keyed_under_a_sealed_day_key_that_is_destroyed_after_its_day() -> TestResult {
    let app = spawn_app().await?;
    app.sign_in("nobody", "wrong password!").await?;

    assert!(
        strings(
            &app,
            "SELECT name FROM installation_secrets WHERE name = 'rate_limit_salt'"
        )
        .await?
        .is_empty()
    );
    let sealed = strings(&app, "SELECT sealed_key FROM rate_limit_keys").await?;
    assert_eq!(sealed.len(), 1);
    let day_key = ServerKey::parse(TEST_SECRET_KEY)?
        .derive("rate-limit-day-keys")
        .open(&sealed[0])?;
    assert!(!sealed[0].contains(&hex::encode(&day_key)));
    let mut mac = Hmac::<Sha256>::new_from_slice(&day_key)?;
    mac.update(b"sign_in_ip\x00127.0.0.1\x00");
    let expected = hex::encode(mac.finalize().into_bytes());
    let keys = strings(&app, "SELECT key FROM rate_limits").await?;
    assert!(keys.contains(&expected), "{keys:?}");

    app.clock.advance(time::Duration::days(1));
    app.sign_in("nobody", "wrong password!").await?;
    housekeeping(&app.state).await?;

    let left = strings(&app, "SELECT sealed_key FROM rate_limit_keys").await?;
    assert_eq!(left.len(), 1);
    assert_ne!(left, sealed, "yesterday's key is destroyed");
    Ok(())
}
