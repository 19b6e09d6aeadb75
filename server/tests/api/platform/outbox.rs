//! The mail outbox: delivered at least once, never by two instances at
//! the same time, and retried with back-off.

use app::{
    accounts::Email,
    ssr::mail::{self, Mail, Transport, Worker},
};

use crate::helpers::{TestResult, spawn_app_with};

const NO_WORKER: &[(&str, &str)] = &[("PORTAL_MAIL_WORKER", "false")];

fn folder(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("portal-mail-{name}-{}", uuid::Uuid::new_v4()))
}

fn files_in(path: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Delivers what is due with a worker of its own that writes `.eml` files;
/// returns how many it sent and the files' text.
pub async fn deliver_to_files(
    app: &crate::helpers::TestApp,
) -> Result<(usize, Vec<String>), Box<dyn std::error::Error>> {
    let dir = folder("files");
    let worker = Worker::new(
        app.db.clone(),
        app.clock.clone(),
        Transport::new(None, &dir.display().to_string())?,
        "Portal <noreply@example.org>",
    )?;
    let sent = worker.deliver_due().await?;
    let files = files_in(&dir);
    std::fs::remove_dir_all(&dir)?;
    Ok((sent, files))
}

#[tokio::test]
async fn two_instances_deliver_every_message_exactly_once() -> TestResult {
    let app = spawn_app_with(NO_WORKER).await?;
    for n in 0..20 {
        let to = Email::parse(&format!("person{n}@example.org")).map_err(|e| e.to_string())?;
        let message = Mail::new(
            &to,
            &format!("Message {n}"),
            format!("Body {n}"),
            format!("<p>Body {n}</p>"),
        );
        mail::enqueue(&app.db, &app.clock, message).await?;
    }
    let (first_dir, second_dir) = (folder("a"), folder("b"));
    let from = "Community Portal <noreply@example.org>";
    let first = Worker::new(
        app.db.clone(),
        app.clock.clone(),
        Transport::new(None, &first_dir.display().to_string())?,
        from,
    )?;
    let second = Worker::new(
        app.db.clone(),
        app.clock.clone(),
        Transport::new(None, &second_dir.display().to_string())?,
        from,
    )?;
    let (a, b) = tokio::join!(first.deliver_due(), second.deliver_due());
    let (a, b) = (a?, b?);

    let mut delivered: Vec<String> = files_in(&first_dir)
        .into_iter()
        .chain(files_in(&second_dir))
        .collect();
    std::fs::remove_dir_all(&first_dir)?;
    std::fs::remove_dir_all(&second_dir)?;
    assert_eq!(
        app.count("mail_outbox WHERE sent_at IS NOT NULL").await?,
        20
    );
    assert_eq!(a + b, 20);
    assert_eq!(delivered.len(), a + b);
    delivered.sort();
    delivered.dedup_by(|x, y| {
        let subject = |m: &str| {
            m.lines()
                .find(|l| l.starts_with("Subject:"))
                .map(str::to_owned)
        };
        subject(x) == subject(y)
    });
    assert_eq!(delivered.len(), a + b, "a message was delivered twice");
    Ok(())
}

#[tokio::test]
async fn a_failed_delivery_is_retried_later() -> TestResult {
    let app = spawn_app_with(NO_WORKER).await?;
    let to = Email::parse("person@example.org").map_err(|e| e.to_string())?;
    mail::enqueue(
        &app.db,
        &app.clock,
        Mail::new(&to, "Hello", "Hi".to_owned(), "<p>Hi</p>".to_owned()),
    )
    .await?;
    // Nobody listens on this port: delivery fails.
    let broken = Transport::new(Some("smtp://127.0.0.1:1"), "unused")?;
    let worker = Worker::new(
        app.db.clone(),
        app.clock.clone(),
        broken,
        "Portal <noreply@example.org>",
    )?;
    assert_eq!(worker.deliver_due().await?, 0);
    assert_eq!(
        app.count("mail_outbox WHERE attempts = 1 AND sent_at IS NULL")
            .await?,
        1
    );
    // Not due again at once…
    assert_eq!(worker.deliver_due().await?, 0);
    assert_eq!(app.count("mail_outbox WHERE attempts = 1").await?, 1);
    // …but after the back-off, by a working transport.
    app.clock.advance(time::Duration::minutes(3));
    let dir = folder("retry");
    let working = Worker::new(
        app.db.clone(),
        app.clock.clone(),
        Transport::new(None, &dir.display().to_string())?,
        "Portal <noreply@example.org>",
    )?;
    assert_eq!(working.deliver_due().await?, 1);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[tokio::test]
async fn a_subject_cannot_smuggle_in_headers() -> TestResult {
    let app = spawn_app_with(NO_WORKER).await?;
    let to = Email::parse("person@example.org").map_err(|e| e.to_string())?;
    let evil = Mail::new(
        &to,
        "Hello\r\nBcc: victim@example.org",
        "x".to_owned(),
        "x".to_owned(),
    );
    mail::enqueue(&app.db, &app.clock, evil).await?;
    let (_, files) = deliver_to_files(&app).await?;
    for file in files {
        assert!(!file.lines().any(|line| line.starts_with("Bcc:")), "{file}");
    }
    Ok(())
}

#[tokio::test]
async fn a_mailed_link_stays_whole_in_the_eml_file() -> TestResult {
    let app = spawn_app_with(NO_WORKER).await?;
    app.register("ferris", "ferris@example.org").await?;
    let token = app.mails().await?[0].token().ok_or("no token")?;
    let (sent, files) = deliver_to_files(&app).await?;
    assert_eq!(sent, 1);
    let link = format!("/account/verify?token={token}");
    assert!(files.iter().any(|file| file.contains(&link)), "{files:?}");
    Ok(())
}

#[tokio::test]
async fn a_private_smtp_authority_needs_tls_and_a_certificate() -> TestResult {
    use mail::TransportError;
    let dir = folder("ca");
    std::fs::create_dir_all(&dir)?;
    let missing = dir.join("missing.pem");
    let garbage = dir.join("garbage.pem");
    std::fs::write(&garbage, "not a certificate")?;

    // A CA is pointless, and a sign of a mistake, when nothing is encrypted.
    let plain = Transport::smtp("smtp://relay.example.org:25", Some(&garbage));
    assert!(matches!(plain, Err(TransportError::CaWithoutTls)));
    // An unreadable or unparsable file stops the start with its name.
    for (file, url) in [
        (&missing, "smtp://relay.example.org?tls=required"),
        (&garbage, "smtps://relay.example.org"),
    ] {
        match Transport::smtp(url, Some(file)) {
            Err(error @ TransportError::CaFile(..)) => {
                assert!(error.to_string().contains(&*file.display().to_string()));
            }
            other => panic!("{url} with {file:?}: {:?}", other.err()),
        }
    }
    // Without a CA file the public authorities are used, as before.
    assert!(Transport::smtp("smtp://relay.example.org?tls=required", None).is_ok());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
