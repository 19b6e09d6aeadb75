//! Jobs: postings, applying with a résumé, the status link, updates,
//! withdrawal and the retention purge.

use std::collections::HashMap;

use app::jobs::ssr::{application, job};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::Duration;

use crate::helpers::{Answer, TestApp, TestResult, spawn_app};

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// The fields of a complete application, without the résumé.
pub fn applicant(email: &str) -> HashMap<&'static str, String> {
    [
        ("full_name", "Ada Lovelace"),
        ("street", "12 St James's Square"),
        ("city", "London"),
        ("postal_code", "SW1Y 4JH"),
        ("country", "United Kingdom"),
        ("phone", "+44 20 7946 0958"),
        ("email", email),
        ("cover_note", "I like engines."),
        ("links", "https://example.org/ada"),
    ]
    .into_iter()
    .map(|(key, value)| (key, value.to_owned()))
    .collect()
}

impl TestApp {
    /// Makes `username` a signed-in, confirmed recruiter.
    pub async fn recruiter(&self, username: &str) -> TestResult {
        self.signed_in_member(username, &format!("{username}@example.org"))
            .await?;
        self.grant(username, "recruiter").await
    }

    /// Gives `username` a role directly in the database.
    pub async fn grant(&self, username: &str, role: &str) -> TestResult {
        use app::accounts::ssr::{account, account_role};
        use sea_orm::ActiveValue::Set;
        let account = account::Entity::find()
            .filter(account::Column::Username.eq(username))
            .one(&self.db)
            .await?
            .ok_or("no such member")?;
        account_role::Entity::insert(account_role::ActiveModel {
            account_id: Set(account.id),
            role: Set(role.to_owned()),
            granted_at: Set(self.clock.now()),
        })
        .exec(&self.db)
        .await?;
        Ok(())
    }

    /// Posts a job as the signed-in recruiter; returns its id.
    pub async fn post_job(&self, title: &str) -> Result<i64, Box<dyn std::error::Error>> {
        let answer = self
            .call(
                "recruit/save-job",
                &[
                    ("posting[title]", title),
                    ("posting[team]", "Engine room"),
                    ("posting[location]", "Berlin"),
                    ("posting[workplace]", "remote"),
                    ("posting[employment]", "full_time"),
                    ("posting[description]", "Build **engines**."),
                    ("posting[closes_on]", ""),
                ],
            )
            .await?;
        assert_eq!(answer.error(), None, "{answer:?}");
        let row = job::Entity::find()
            .filter(job::Column::Title.eq(title))
            .one(&self.db)
            .await?
            .ok_or("job not saved")?;
        Ok(row.id)
    }

    /// Sends an application with `file_name` and `resume` as the résumé.
    pub async fn apply(
        &self,
        job: i64,
        fields: &HashMap<&'static str, String>,
        file_name: &str,
        resume: &[u8],
    ) -> reqwest::Result<Answer> {
        let mut form = reqwest::multipart::Form::new().text("job", job.to_string());
        for (key, value) in fields {
            form = form.text(*key, value.clone());
        }
        let part = reqwest::multipart::Part::bytes(resume.to_vec())
            .file_name(file_name.to_owned())
            .mime_str("application/pdf")?;
        form = form.part("resume", part);
        let response = self
            .client
            .post(self.url("/api/jobs/apply"))
            .multipart(form)
            .send()
            .await?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Ok(Answer {
            status,
            location,
            set_cookie: Vec::new(),
            body: response.text().await?,
        })
    }

    /// Applies, then claims the mailed link in this client; returns the
    /// application's id.
    pub async fn apply_and_claim(
        &self,
        job: i64,
        email: &str,
    ) -> Result<i64, Box<dyn std::error::Error>> {
        let answer = self.apply(job, &applicant(email), "cv.pdf", PDF).await?;
        assert_eq!(answer.error(), None, "{answer:?}");
        let token = self.last_token_to(email).await?;
        let claimed = self.call("jobs/claim", &[("token", &token)]).await?;
        assert_eq!(claimed.error(), None, "{claimed:?}");
        let row = application::Entity::find()
            .filter(application::Column::EmailKey.eq(email.to_lowercase()))
            .filter(application::Column::JobId.eq(job))
            .one(&self.db)
            .await?
            .ok_or("no application")?;
        Ok(row.id)
    }

    pub async fn last_token_to(&self, email: &str) -> Result<String, Box<dyn std::error::Error>> {
        Ok(self
            .mails()
            .await?
            .into_iter()
            .rev()
            .find(|mail| mail.to == email)
            .and_then(|mail| mail.token())
            .ok_or("no mail with a link")?)
    }

    /// Files in the upload folder.
    pub fn stored_files(&self) -> Vec<String> {
        std::fs::read_dir(&self.upload_dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A fresh app with a signed-in recruiter and one open job.
async fn app_with_job() -> Result<(TestApp, i64), Box<dyn std::error::Error>> {
    let app = spawn_app().await?;
    app.recruiter("rita").await?;
    let job = app.post_job("Rust engineer").await?;
    app.call("account/sign-out", &[]).await?;
    Ok((app, job))
}

#[tokio::test]
async fn an_applicant_applies_claims_the_link_and_sees_the_status() -> TestResult {
    let (app, job) = app_with_job().await?;
    let answer = app
        .apply(job, &applicant("ada@example.org"), "cv.pdf", PDF)
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    assert_eq!(app.count("job_applications").await?, 1);
    assert_eq!(app.stored_files().len(), 1);
    let token = app.last_token_to("ada@example.org").await?;
    let claimed = app.call("jobs/claim", &[("token", &token)]).await?;
    assert_eq!(claimed.error(), None);
    assert!(
        claimed
            .set_cookie
            .iter()
            .any(|c| c.starts_with("portal_applicant=") && c.contains("HttpOnly")),
        "{:?}",
        claimed.set_cookie
    );
    let mine = app.call("jobs/mine", &[]).await?;
    let json: serde_json::Value = serde_json::from_str(&mine.body)?;
    assert_eq!(json["status"], "received");
    assert_eq!(json["full_name"], "Ada Lovelace");
    assert_eq!(json["job"]["title"], "Rust engineer");
    // The applicant sees every field held, to check it and correct it.
    assert_eq!(json["street"], "12 St James's Square");
    assert_eq!(json["postal_code"], "SW1Y 4JH");
    assert_eq!(json["phone"], "+44 20 7946 0958");
    assert_eq!(json["cover_note"], "I like engines.");
    assert_eq!(json["links"][0], "https://example.org/ada");
    let page = app.get("/jobs/application").await?.text().await?;
    assert!(page.contains("+44 20 7946 0958"), "{page}");
    assert!(page.contains("apply again for this job"), "{page}");
    Ok(())
}

#[tokio::test]
async fn a_status_link_works_once() -> TestResult {
    let (app, job) = app_with_job().await?;
    app.apply(job, &applicant("ada@example.org"), "cv.pdf", PDF)
        .await?;
    let token = app.last_token_to("ada@example.org").await?;
    app.call("jobs/claim", &[("token", &token)]).await?;
    let again = app.call("jobs/claim", &[("token", &token)]).await?;
    assert_eq!(
        again.error(),
        Some(("invalid".into(), Some("token".into())))
    );
    Ok(())
}

#[tokio::test]
async fn each_required_field_rejects_bad_input_and_stores_nothing() -> TestResult {
    let (app, job) = app_with_job().await?;
    let cases = [
        ("full_name", ""),
        ("street", "  "),
        ("city", ""),
        ("postal_code", ""),
        ("country", ""),
        ("phone", "call me"),
        ("email", "not-an-address"),
        ("links", "javascript:alert(1)"),
    ];
    for (field, bad) in cases {
        let mut fields = applicant("ada@example.org");
        fields.insert(field, bad.to_owned());
        let answer = app.apply(job, &fields, "cv.pdf", PDF).await?;
        assert_eq!(answer.status, 422, "{field}");
        assert_eq!(answer.error(), Some(("invalid".into(), Some(field.into()))));
    }
    let missing = app
        .apply(job, &applicant("ada@example.org"), "cv.pdf", b"")
        .await?;
    assert_eq!(
        missing.error(),
        Some(("invalid".into(), Some("resume".into())))
    );
    assert_eq!(app.count("job_applications").await?, 0);
    assert!(app.stored_files().is_empty());
    assert!(
        app.mails()
            .await?
            .iter()
            .all(|mail| mail.to != "ada@example.org")
    );
    Ok(())
}

#[tokio::test]
async fn disguised_and_oversized_files_are_rejected() -> TestResult {
    let (app, job) = app_with_job().await?;
    let mut big = PDF.to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let bomb = zip_bomb();
    let files: [(&str, &[u8]); 4] = [
        ("cv.pdf", b"<!doctype html><script>alert(1)</script>"),
        (
            "cv.pdf",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        ),
        ("cv.pdf", &big),
        ("cv.docx", &bomb),
    ];
    for (name, bytes) in files {
        let answer = app
            .apply(job, &applicant("ada@example.org"), name, bytes)
            .await?;
        assert_eq!(
            answer.error(),
            Some(("invalid".into(), Some("resume".into()))),
            "{} bytes",
            bytes.len()
        );
    }
    assert_eq!(app.count("job_applications").await?, 0);
    assert!(app.stored_files().is_empty());
    Ok(())
}

/// A DOCX-looking archive whose document inflates to 64 MiB of zeros.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let zeros = vec![0_u8; 1024 * 1024];
    let written = writer
        .start_file("[Content_Types].xml", options)
        .and_then(|()| Ok(writer.write_all(b"<Types/>")?))
        .and_then(|()| writer.start_file("word/document.xml", options))
        .and_then(|()| {
            for _ in 0..64 {
                writer.write_all(&zeros)?;
            }
            Ok(())
        });
    assert!(written.is_ok());
    writer
        .finish()
        .map(std::io::Cursor::into_inner)
        .unwrap_or_default()
}

#[tokio::test]
async fn a_path_in_the_file_name_is_never_used_on_disk() -> TestResult {
    let (app, job) = app_with_job().await?;
    let answer = app
        .apply(
            job,
            &applicant("ada@example.org"),
            "../../../../tmp/evil.pdf",
            PDF,
        )
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    let files = app.stored_files();
    assert_eq!(files.len(), 1);
    assert!(files[0].len() == 32 && files[0].bytes().all(|b| b.is_ascii_hexdigit()));
    Ok(())
}

#[tokio::test]
async fn a_closed_job_refuses_applications() -> TestResult {
    let (app, job) = app_with_job().await?;
    app.sign_in("rita", crate::helpers::PASSWORD).await?;
    app.call(
        "recruit/set-job-open",
        &[("job_id", &job.to_string()), ("open", "false")],
    )
    .await?;
    let answer = app
        .apply(job, &applicant("ada@example.org"), "cv.pdf", PDF)
        .await?;
    assert_eq!(answer.error(), Some(("invalid".into(), Some("job".into()))));
    let list = app.call("jobs/open", &[]).await?;
    assert_eq!(list.body, "[]");
    let feed = app.get("/api/jobs/v1").await?.text().await?;
    assert_eq!(feed, "[]");
    Ok(())
}

#[tokio::test]
async fn the_feed_lists_open_jobs_with_their_address() -> TestResult {
    let (app, job) = app_with_job().await?;
    let response = app.get("/api/jobs/v1").await?;
    assert_eq!(response.status(), 200);
    let feed: serde_json::Value = response.json().await?;
    assert_eq!(feed[0]["title"], "Rust engineer");
    assert_eq!(
        feed[0]["url"],
        format!("http://127.0.0.1:3000/jobs/{job}-rust-engineer")
    );
    assert_eq!(
        feed[0]["content_html"],
        "<p>Build <strong>engines</strong>.</p>\n"
    );
    Ok(())
}

#[tokio::test]
async fn a_second_application_replaces_the_first_only_after_confirmation() -> TestResult {
    let (app, job) = app_with_job().await?;
    app.apply(job, &applicant("ada@example.org"), "cv.pdf", PDF)
        .await?;
    let mut changed = applicant("Ada@Example.org");
    changed.insert("full_name", "Augusta Ada King".to_owned());
    let answer = app.apply(job, &changed, "cv2.pdf", PDF).await?;
    assert_eq!(answer.error(), None);
    assert_eq!(app.count("job_applications").await?, 1);
    assert_eq!(app.count("job_application_updates").await?, 1);
    let name = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            application::Entity::find()
                .one(&db)
                .await
                .map(|row| row.and_then(|row| row.full_name))
        }
    };
    assert_eq!(name(&app).await?.as_deref(), Some("Ada Lovelace"));
    let token = app.last_token_to("Ada@Example.org").await?;
    let confirmed = app
        .call("jobs/confirm-update", &[("token", &token)])
        .await?;
    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    assert_eq!(name(&app).await?.as_deref(), Some("Augusta Ada King"));
    assert_eq!(app.count("job_application_updates").await?, 0);
    assert_eq!(app.stored_files().len(), 1, "the old résumé is deleted");
    Ok(())
}

#[tokio::test]
async fn an_applicant_can_withdraw_once() -> TestResult {
    let (app, job) = app_with_job().await?;
    app.apply_and_claim(job, "ada@example.org").await?;
    let withdrawn = app.call("jobs/withdraw", &[]).await?;
    assert_eq!(withdrawn.error(), None);
    let mine: serde_json::Value = serde_json::from_str(&app.call("jobs/mine", &[]).await?.body)?;
    assert_eq!(mine["status"], "withdrawn");
    let again = app.call("jobs/withdraw", &[]).await?;
    assert_eq!(
        again.error(),
        Some(("invalid".into(), Some("withdraw".into())))
    );
    Ok(())
}

#[tokio::test]
async fn a_filled_honeypot_stores_nothing_but_looks_like_success() -> TestResult {
    let (app, job) = app_with_job().await?;
    let mut fields = applicant("bot@example.org");
    fields.insert("website", "http://spam.example".to_owned());
    let answer = app.apply(job, &fields, "cv.pdf", PDF).await?;
    assert_eq!(answer.error(), None);
    assert_eq!(app.count("job_applications").await?, 0);
    Ok(())
}

#[tokio::test]
async fn purge_erases_personal_fields_and_files_after_the_retention_period() -> TestResult {
    let (app, job) = app_with_job().await?;
    let id = app.apply_and_claim(job, "ada@example.org").await?;
    app.sign_in("rita", crate::helpers::PASSWORD).await?;
    let id_text = id.to_string();
    app.call(
        "recruit/note",
        &[("id", &id_text), ("body", "Strong on engines.")],
    )
    .await?;
    let moved = app
        .call("recruit/move", &[("id", &id_text), ("status", "rejected")])
        .await?;
    assert_eq!(moved.error(), None, "{moved:?}");
    let state = app_state(&app).await?;

    app.clock.advance(Duration::days(179));
    app::jobs::ssr::purge(&state).await?;
    let row = stored(&app, id).await?;
    assert_eq!(row.full_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(app.stored_files().len(), 1);

    app.clock.advance(Duration::days(2));
    let purged = app::jobs::ssr::purge(&state).await?;
    assert_eq!(purged.applications, 1);
    // Every personal column the manifest lists is empty, but the status.
    use app::privacy::manifest::{APPLICATION_KEEPS, personal_fields};
    use sea_orm::{ConnectionTrait, Statement};
    let mut emptied = 0;
    for (entry, _) in personal_fields().filter(|(entry, _)| entry.table == "job_applications") {
        let sql = format!(
            "SELECT CAST(\"{}\" AS TEXT) FROM job_applications WHERE id = {id}",
            entry.column
        );
        let value: Option<String> = app
            .db
            .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
            .await?
            .ok_or("no row")?
            .try_get_by_index(0)?;
        if APPLICATION_KEEPS.contains(&entry.column) {
            assert!(value.is_some(), "{} is kept", entry.column);
        } else {
            assert_eq!(value, None, "{} is erased", entry.column);
            emptied += 1;
        }
    }
    assert!(emptied >= 12, "only {emptied} columns");
    let row = stored(&app, id).await?;
    assert_eq!(row.status, "rejected", "the anonymous facts stay");
    assert!(row.erased_at.is_some());
    assert!(app.stored_files().is_empty());
    assert_eq!(app.count("job_application_notes").await?, 0);
    let again = app::jobs::ssr::purge(&state).await?;
    assert_eq!(again.applications, 0, "a second run finds nothing");
    Ok(())
}

#[tokio::test]
async fn an_application_nobody_decided_on_is_erased_after_its_posting_closed() -> TestResult {
    let (app, job) = app_with_job().await?;
    let id = app.apply_and_claim(job, "ada@example.org").await?;
    let state = app_state(&app).await?;
    app.clock.advance(Duration::days(400));
    let purged = app::jobs::ssr::purge(&state).await?;
    assert_eq!(
        purged.applications, 0,
        "an open posting keeps its applications"
    );

    app.sign_in("rita", crate::helpers::PASSWORD).await?;
    let close = [("job_id", job.to_string()), ("open", "false".to_owned())];
    let close: Vec<(&str, &str)> = close.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call("recruit/set-job-open", &close).await?;
    app.clock.advance(Duration::days(90));
    // Closing again does not move the day it closed.
    app.sign_in("rita", crate::helpers::PASSWORD).await?;
    app.call("recruit/set-job-open", &close).await?;
    app.clock.advance(Duration::days(89));
    app::jobs::ssr::purge(&state).await?;
    let row = stored(&app, id).await?;
    assert_eq!(
        row.full_name.as_deref(),
        Some("Ada Lovelace"),
        "kept a day before"
    );
    assert_eq!(app.stored_files().len(), 1);

    app.clock.advance(Duration::days(2));
    let purged = app::jobs::ssr::purge(&state).await?;
    assert_eq!(purged.applications, 1);
    let row = stored(&app, id).await?;
    assert_eq!(
        (row.full_name, row.email, row.resume_key),
        (None, None, None)
    );
    assert_eq!(row.status, "received", "the anonymous facts stay");
    assert!(app.stored_files().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_posting_past_its_last_day_counts_as_closed_from_the_next_midnight() -> TestResult {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let (app, job) = app_with_job().await?;
    let id = app.apply_and_claim(job, "ada@example.org").await?;
    let state = app_state(&app).await?;
    let last_day = app.clock.now().date();
    let posting = job::Entity::find_by_id(job)
        .one(&app.db)
        .await?
        .ok_or("no job")?;
    let mut posting = job::ActiveModel::from(posting);
    posting.closes_on = Set(Some(last_day));
    posting.update(&app.db).await?;
    let midnight = last_day
        .next_day()
        .ok_or("no next day")?
        .midnight()
        .assume_utc();

    app.clock
        .advance(midnight - app.clock.now() + Duration::days(180) - Duration::hours(1));
    assert_eq!(app::jobs::ssr::purge(&state).await?.applications, 0);
    app.clock.advance(Duration::hours(2));
    assert_eq!(app::jobs::ssr::purge(&state).await?.applications, 1);
    let row = stored(&app, id).await?;
    assert_eq!(row.phone, None);
    Ok(())
}

/// The application row `id` as stored.
async fn stored(app: &TestApp, id: i64) -> Result<application::Model, Box<dyn std::error::Error>> {
    Ok(application::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .ok_or("the application is gone")?)
}

/// The server's state, for calling services directly.
async fn app_state(app: &TestApp) -> Result<app::ssr::AppState, Box<dyn std::error::Error>> {
    let config = crate::helpers::test_config(
        "sqlite::memory:",
        &[("PORTAL_UPLOAD_DIR", &app.upload_dir.display().to_string())],
    )?;
    Ok(server::startup::app_state(&config, app.db.clone(), app.clock.clone()).await?)
}

#[tokio::test]
async fn portal_purge_erases_due_applications_and_reports_counts_only() -> TestResult {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let (app, job) = app_with_job().await?;
    let id = app.apply_and_claim(job, "ada@example.org").await?;
    let row = stored(&app, id).await?;
    // The test server's own housekeeping runs on its manual clock, in the
    // background: turned back before 2020, it cannot erase the row before
    // the command does.
    app.clock.advance(Duration::days(-365 * 8));
    let mut row = application::ActiveModel::from(row);
    row.status = Set("rejected".to_owned());
    row.decided_at = Set(Some(time::macros::datetime!(2020-01-01 0:00 UTC)));
    row.update(&app.db).await?;

    let upload_dir = app.upload_dir.display().to_string();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portal"))
        .arg("purge")
        .env_clear()
        .env("DATABASE_URL", app.database_url())
        .env("PORTAL_UPLOAD_DIR", &upload_dir)
        .env("PORTAL_SECRET_KEY", crate::helpers::TEST_SECRET_KEY)
        .env("PORTAL_LOG", "info")
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("  decided job applications erased: 1\n"),
        "{stdout}"
    );
    // Every rule has its line, zeros included.
    for rule in [
        "  undecided job applications of closed postings erased: 0\n",
        "  unconfirmed privacy requests: 0\n",
        "  expired sessions: 0\n",
    ] {
        assert!(stdout.contains(rule), "{rule}: {stdout}");
    }
    assert!(
        !stderr.contains("Ada") && !stderr.contains("ada@example.org"),
        "{stderr}"
    );
    assert!(app.stored_files().is_empty());
    let row = stored(&app, id).await?;
    assert_eq!(row.full_name, None);
    Ok(())
}

#[tokio::test]
async fn the_privacy_page_and_the_form_state_the_configured_retention() -> TestResult {
    let app =
        crate::helpers::spawn_app_with(&[("PORTAL_APPLICATION_RETENTION_DAYS", "90")]).await?;
    app.recruiter("rita").await?;
    let job = app.post_job("Rust engineer").await?;
    let policy = app.get("/privacy").await?.text().await?;
    assert!(policy.contains("90 days after a final decision on the application"));
    assert!(!policy.contains("180 days after a final decision on the application"));
    let form = app
        .get(&format!("/jobs/{job}-rust-engineer"))
        .await?
        .text()
        .await?;
    assert!(form.contains(
        "Kept 90 days after a final decision on the application, or after the posting closes if none is made."
    ));
    Ok(())
}

#[tokio::test]
async fn applications_from_one_address_are_rate_limited() -> TestResult {
    let (app, job) = app_with_job().await?;
    for n in 0..10 {
        let email = format!("person{n}@example.org");
        let answer = app.apply(job, &applicant(&email), "cv.pdf", PDF).await?;
        assert_eq!(answer.error(), None, "application {n}: {answer:?}");
    }
    let refused = app
        .apply(job, &applicant("one-more@example.org"), "cv.pdf", PDF)
        .await?;
    assert_eq!(refused.status, 429);
    assert_eq!(
        refused.error().map(|e| e.0).as_deref(),
        Some("rate_limited")
    );
    assert_eq!(app.count("job_applications").await?, 10);
    assert_eq!(app.stored_files().len(), 10);
    Ok(())
}
