//! Erasure that leaves nothing behind: a member who used every feature (a
//! privacy request included) deletes their account, and a scan of every
//! column of every table of the live schema, and of every file the portal
//! wrote, finds their values only where the data manifest says they are
//! kept.

use app::{
    privacy::manifest::{Class, NOT_ONE_MEMBERS, OnErase, Reduce, lookup, owner_of},
    ssr::mail::Worker,
};
use sea_orm::{ConnectionTrait, Statement};

use crate::{
    accounts::{
        identities::{sign_in_with, spawn_with_providers_and},
        two_factor::enrol_signed_in,
    },
    cla::signing::{shown_sha256, status},
    forum::threads::{NOT_HELD, forum_admin, member, reply, start_thread},
    helpers::{PASSWORD, TestApp, TestResult, files_under},
    jobs::applications::{PDF, applicant},
    mail_lists::newsletter::{make_list, subscribed},
    provider_double::{Fault, Person},
};

/// Every value the member gave, by what it is. Each is unusual enough that
/// finding it anywhere means it came from them.
const VALUES: &[(&str, &str)] = &[
    ("old username", "zoidold"),
    ("username", "zoidnow"),
    ("email address", "zoid.mail@example.org"),
    ("full name", "zoidberg quimby"),
    ("postal address", "7 quimbylane"),
    ("phone", "+44 20 7946 0111"),
    ("github login", "zoidhub"),
    ("provider subject", "7707707707"),
];

fn value(what: &str) -> &'static str {
    VALUES
        .iter()
        .find(|(name, _)| *name == what)
        .map_or("", |(_, value)| value)
}

const FULL_NAME: &str = "Zoidberg Quimby";
const STREET: &str = "7 Quimbylane";

/// Whether the manifest keeps `table.column` after an account is deleted:
/// a personal column of rows that stay (posts without a name, a job
/// application, a privacy request, what a reduced record keeps) or of a
/// table whose rows belong to no one member (the outbox's last mail, the
/// search index of posts that stay).
fn kept(table: &str, column: &str) -> bool {
    let personal = matches!(
        lookup(table, column).map(|entry| entry.class),
        Some(Class::Personal(_))
    );
    let stays = match owner_of(table).map(|owned| owned.on_erase) {
        Some(OnErase::Delete) => false,
        Some(OnErase::Keep(_)) => true,
        Some(OnErase::Reduce { columns, .. }) => columns
            .iter()
            .all(|(reduced, how)| *reduced != column || matches!(how, Reduce::EndWhere(..))),
        None => NOT_ONE_MEMBERS.iter().any(|(name, _)| *name == table),
    };
    personal && stays
}

/// `(what, table, column)` for every value found in a column.
async fn found_in_database(
    app: &TestApp,
) -> Result<Vec<(&'static str, String, String)>, Box<dyn std::error::Error>> {
    let backend = app.db.get_database_backend();
    let columns = super::manifest::live_columns(&app.db).await?;
    assert!(columns.len() > 250, "only {} columns", columns.len());
    let mut found = Vec::new();
    for (table, column) in columns {
        let sums: Vec<String> = VALUES
            .iter()
            .map(|(_, value)| {
                format!(
                    "SUM(CASE WHEN LOWER(CAST(\"{column}\" AS TEXT)) LIKE '%{value}%' THEN 1 ELSE 0 END)"
                )
            })
            .collect();
        let sql = format!("SELECT {} FROM \"{table}\"", sums.join(", "));
        let row = app
            .db
            .query_one_raw(Statement::from_string(backend, sql))
            .await?
            .ok_or("no row")?;
        for (at, (what, _)) in VALUES.iter().enumerate() {
            let hits: Option<i64> = row.try_get_by_index(at)?;
            if hits.unwrap_or_default() > 0 {
                found.push((*what, table.clone(), column.clone()));
            }
        }
    }
    Ok(found)
}

/// A member who used every feature, and the app and a mail worker that
/// writes the mail folder.
async fn everything_member() -> Result<(TestApp, TestApp, Worker), Box<dyn std::error::Error>> {
    let (app, double) = spawn_with_providers_and(NOT_HELD).await?;
    let worker = app.mail_folder_worker()?;
    let (boss, general) = forum_admin(&app).await?;
    let corro = member(&app, "corro").await?;

    // Registration, a rename, a linked GitHub account, a second factor.
    let zoid = TestApp::visitor_of(&app)?;
    zoid.signed_in_member(value("old username"), value("email address"))
        .await?;
    let renamed = zoid
        .call(
            "account/change-username",
            &[("username", value("username"))],
        )
        .await?;
    assert_eq!(renamed.error(), None, "{renamed:?}");
    let github = Person::new(
        value("provider subject"),
        value("github login"),
        value("email address"),
        true,
    );
    sign_in_with(&zoid, &double, "github", &github, Fault::None).await?;
    let linked = zoid.call("account/confirm-link", &[]).await?;
    assert_eq!(linked.error(), None, "{linked:?}");
    assert_eq!(app.count("account_identities").await?, 1);
    enrol_signed_in(&zoid).await?;

    // Posts, a reply that notifies them, a report, the digest.
    let mine = start_thread(&zoid, general, "Engines and gears", "About engines.").await?;
    reply(&corro, mine.thread, "A reply about gears.").await?;
    let theirs = start_thread(&corro, general, "Corro's corner", "Corro wrote this.").await?;
    reply(&zoid, theirs.thread, "An answer about cogs.").await?;
    let report = zoid
        .call(
            "forum/report",
            &[
                ("post", &theirs.post.to_string()),
                ("reason", "spam"),
                ("note", "Looks like an advert."),
            ],
        )
        .await?;
    assert_eq!(report.error(), None, "{report:?}");
    let digest = zoid.call("forum/digest/set", &[("on", "true")]).await?;
    assert_eq!(digest.error(), None, "{digest:?}");
    assert!(app.count("notifications").await? > 0);

    // The individual and the corporate agreement.
    let sha = shown_sha256(&zoid).await?;
    let signed = zoid
        .call(
            "cla/sign",
            &[
                ("full_name", FULL_NAME),
                ("email", value("email address")),
                ("postal_address", STREET),
                ("signature", FULL_NAME),
                ("agreed", "on"),
                ("sha256", &sha),
            ],
        )
        .await?;
    assert_eq!(signed.error(), None, "{signed:?}");
    let corporate: serde_json::Value =
        serde_json::from_str(&zoid.call("cla/corporate", &[]).await?.body)?;
    let signed = zoid
        .call(
            "cla/sign-corporate",
            &[
                ("company_name", "Example Corp"),
                ("postal_address", STREET),
                ("full_name", FULL_NAME),
                ("signatory_title", "CTO"),
                ("email", value("email address")),
                ("signature", FULL_NAME),
                ("agreed", "on"),
                (
                    "sha256",
                    corporate["agreement"]["sha256"]
                        .as_str()
                        .unwrap_or_default(),
                ),
            ],
        )
        .await?;
    assert_eq!(signed.error(), None, "{signed:?}");

    // A job application with a résumé, made with the same address.
    boss.grant("boss", "recruiter").await?;
    let job = boss.post_job("Rust engineer").await?;
    let mut fields = applicant(value("email address"));
    fields.insert("full_name", FULL_NAME.to_owned());
    fields.insert("street", STREET.to_owned());
    fields.insert("phone", value("phone").to_owned());
    let applied = TestApp::visitor_of(&app)?
        .apply(job, &fields, "cv.pdf", PDF)
        .await?;
    assert_eq!(applied.error(), None, "{applied:?}");

    // A privacy request about their account, confirmed from the mail.
    super::requests::confirmed(
        &app,
        &[
            ("email", value("email address")),
            ("name", FULL_NAME),
            ("account_name", value("username")),
        ],
    )
    .await?;

    // A newsletter: signed up for without an account, then joined as a member.
    let news = make_list(&boss, "Product news", "everyone").await?;
    subscribed(&app, FULL_NAME, value("email address"), &[&news]).await?;
    let joined = zoid
        .call("newsletter/set-mine", &[("list", &news), ("on", "true")])
        .await?;
    assert_eq!(joined.error(), None, "{joined:?}");
    assert_eq!(
        app.count("mail_subscribers").await?,
        1,
        "one person, one subscriber"
    );

    worker.deliver_due().await?;
    Ok((app, zoid, worker))
}

/// The member deletes their account, with their password.
async fn delete(zoid: &TestApp) -> TestResult {
    let deleted = zoid
        .call(
            "account/delete",
            &[("confirm", value("username")), ("password", PASSWORD)],
        )
        .await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    Ok(())
}

#[tokio::test]
async fn a_member_of_every_feature_is_found_after_deletion_only_where_the_manifest_keeps_them()
-> TestResult {
    let (app, zoid, worker) = everything_member().await?;
    let covered = status(&app, &format!("github={}", value("github login"))).await?;
    assert_eq!(covered["covered"], true, "{covered}");
    let before = found_in_database(&app).await?;
    for (what, _) in VALUES {
        assert!(
            before.iter().any(|(found, _, _)| found == what),
            "the scan must find the {what} before the deletion"
        );
    }

    delete(&zoid).await?;
    worker.deliver_due().await?;

    let after = found_in_database(&app).await?;
    let unexpected: Vec<_> = after
        .iter()
        .filter(|(_, table, column)| !kept(table, column))
        .collect();
    assert!(unexpected.is_empty(), "still held: {unexpected:?}");
    // What stays is the job application, which is not part of the
    // account, the privacy request (the record of how it was answered) and
    // the last mail: never the agreements or the account.
    let tables: std::collections::BTreeSet<&str> =
        after.iter().map(|(_, table, _)| table.as_str()).collect();
    assert!(tables.contains("job_applications"), "{after:?}");
    assert!(tables.contains("privacy_requests"), "{after:?}");
    for gone in ["cla_signatures", "accounts", "account_identities"] {
        assert!(!tables.contains(gone), "{gone}: {after:?}");
    }
    for what in ["old username", "github login", "provider subject"] {
        assert!(
            after.iter().all(|(found, _, _)| *found != what),
            "{what}: {after:?}"
        );
    }

    // Files: the résumé of the application that stays, and the last mail.
    let mail_folder = app.state.mail_folder.clone().ok_or("no mail folder")?;
    let mail = files_under(&mail_folder);
    let uploads = files_under(&app.upload_dir);
    assert!(!mail.is_empty() && !uploads.is_empty());
    let mut last_mails = 0;
    for file in mail.iter().chain(&uploads) {
        let text = String::from_utf8_lossy(&std::fs::read(file)?).to_lowercase();
        let holds: Vec<&str> = VALUES
            .iter()
            .filter(|(_, value)| text.contains(value))
            .map(|(what, _)| *what)
            .collect();
        if holds.is_empty() {
            continue;
        }
        assert!(
            text.contains("your account was deleted"),
            "{} holds the {holds:?}",
            file.display()
        );
        last_mails += 1;
    }
    assert_eq!(last_mails, 1, "the last mail is delivered");

    let covered = status(&app, &format!("github={}", value("github login"))).await?;
    assert_eq!(covered["covered"], false, "coverage ends: {covered}");
    Ok(())
}

#[tokio::test]
async fn a_deleted_members_agreements_keep_the_legal_record_and_a_companys_goes_on() -> TestResult {
    use app::cla::ssr::{erased_records, signature};
    use sea_orm::EntityTrait;

    let (app, zoid, _worker) = everything_member().await?;
    delete(&zoid).await?;

    let rows = signature::Entity::find().all(&app.db).await?;
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row.account_id, None);
        assert_eq!(
            (row.full_name.as_str(), row.email.as_str()),
            ("", ""),
            "{row:?}"
        );
        assert_eq!(row.signature, "");
        assert_eq!(row.postal_address, None);
        assert_eq!(row.github_login, None);
        assert!(row.email_key.starts_with("erased:"), "{row:?}");
        assert_eq!(row.sha256.len(), 64, "the text signed is still proven");
        match row.kind.as_str() {
            signature::INDIVIDUAL => assert!(row.revoked_at.is_some(), "coverage ends"),
            _ => {
                assert_eq!(row.revoked_at, None, "the company's agreement goes on");
                assert_eq!(row.company_name.as_deref(), Some("Example Corp"));
            }
        }
    }

    // Asked later, the address or the login still finds the record; a
    // look-alike finds nothing.
    let key = &app.state.server_key;
    let by_mail = erased_records(&app.db, key, Some("Zoid.Mail@Example.org"), None).await?;
    assert_eq!(by_mail.len(), 2, "{by_mail:?}");
    let by_login = erased_records(&app.db, key, None, Some("@ZoidHub")).await?;
    assert_eq!(by_login.len(), 2, "{by_login:?}");
    let individual = by_login
        .iter()
        .find(|record| record.kind == signature::INDIVIDUAL)
        .ok_or("no individual agreement")?;
    assert!(individual.ended_at.is_some());
    assert_eq!(individual.matched, ["github"]);
    assert!(
        erased_records(&app.db, key, Some("zoid.mail@example.com"), Some("zoid"))
            .await?
            .is_empty()
    );
    Ok(())
}

/// Waits for the `nth` archive asked for (from 1) to be built, in the
/// background or here, and returns the token of its mailed link.
async fn archive_link(app: &TestApp, nth: usize) -> Result<String, Box<dyn std::error::Error>> {
    for _ in 0..100 {
        app::privacy::ssr::archive::build_due(&app.state).await?;
        let mail = app
            .mails()
            .await?
            .into_iter()
            .filter(|mail| mail.subject == "Your data archive is ready")
            .nth(nth - 1);
        if let Some(mail) = mail {
            assert_eq!(mail.to, value("email address"));
            let text = mail.text.to_lowercase();
            for (what, value) in VALUES {
                assert!(!text.contains(value), "the mail holds the {what}");
            }
            return Ok(mail.token().ok_or("no link")?);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err("no archive was mailed".into())
}

#[tokio::test]
async fn the_archive_holds_every_field_and_file_of_the_member_and_downloads_once() -> TestResult {
    use std::io::Read as _;

    let (app, zoid, _worker) = everything_member().await?;
    let stranger = TestApp::visitor_of(&app)?;
    assert_eq!(stranger.call("account/archive", &[]).await?.status, 401);
    let asked = zoid.call("account/archive", &[]).await?;
    assert_eq!(asked.error(), None, "{asked:?}");
    assert_eq!(
        asked.location.as_deref(),
        Some("/account/data?archive=asked")
    );
    let again = zoid.call("account/archive", &[]).await?;
    assert_eq!(
        again.error(),
        Some(("invalid".into(), Some("archive".into()))),
        "one at a time"
    );
    let token = archive_link(&app, 1).await?;
    let path = format!("/account/data/archive.zip?token={token}");

    // Without a session, to the sign-in page; someone else's session finds
    // nothing; neither uses the link up.
    let visitor = TestApp::visitor_of(&app)?.get(&path).await?;
    assert_eq!(visitor.status().as_u16(), 303);
    let other = member(&app, "mallory").await?.get(&path).await?;
    assert_eq!(other.status().as_u16(), 404);

    let files_before = files_under(&app.upload_dir).len();
    let response = zoid.get(&path).await?;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/zip")
    );
    let bytes = response.bytes().await?;
    assert_eq!(zoid.get(&path).await?.status().as_u16(), 410, "once");
    assert_eq!(
        files_under(&app.upload_dir).len(),
        files_before - 1,
        "the archive file is deleted once downloaded"
    );

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))?;
    let mut contents = std::collections::BTreeMap::new();
    for at in 0..zip.len() {
        let mut file = zip.by_index(at)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        contents.insert(file.name()?.to_string(), bytes);
    }
    // Every feature of the download, one JSON file each, the same rows.
    let downloaded = super::centre::download(&zoid).await?;
    let features = downloaded["features"].as_object().ok_or("no features")?;
    assert!(features.len() >= 4, "{features:?}");
    for (name, tables) in features {
        let file = format!("{}.json", app::privacy::ssr::archive::file_name(name));
        let json: serde_json::Value =
            serde_json::from_slice(contents.get(&file).ok_or(file.clone())?)?;
        assert_eq!(&json["features"][name], tables, "{file}");
    }
    // Consents name the document, its version and its fingerprint.
    let consents = super::centre::rows(&downloaded, "consents");
    assert!(!consents.is_empty());
    for consent in consents {
        assert!(
            consent["document_id"]
                .as_str()
                .is_some_and(|title| !title.is_empty())
        );
        assert_eq!(consent["document_sha256"].as_str().map(str::len), Some(64));
    }
    // Every value the member gave that the download shows is in the
    // archive; nobody else's is.
    let everything = contents
        .values()
        .map(|bytes| String::from_utf8_lossy(bytes).to_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    for what in [
        "username",
        "email address",
        "full name",
        "postal address",
        "phone",
    ] {
        assert!(
            everything.contains(value(what)),
            "the archive lacks the {what}"
        );
    }
    for stranger in [
        "corro@example.org",
        "mallory@example.org",
        "boss@example.org",
    ] {
        assert!(
            !everything.contains(stranger),
            "the archive holds {stranger}"
        );
    }
    // The résumé, as uploaded.
    let resumes: Vec<_> = contents
        .iter()
        .filter(|(name, _)| name.starts_with("files/job_applications/"))
        .collect();
    assert_eq!(resumes.len(), 1, "{:?}", contents.keys());
    assert_eq!(resumes[0].1.as_slice(), PDF);
    Ok(())
}

#[tokio::test]
async fn an_archive_link_expires_after_a_day_and_goes_with_the_account() -> TestResult {
    use super::retention::purged;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let (app, zoid, _worker) = everything_member().await?;
    let uploads = || files_under(&app.upload_dir).len();
    let resumes = uploads();
    zoid.call("account/archive", &[]).await?;
    archive_link(&app, 1).await?;
    assert_eq!(uploads(), resumes + 1);
    app.clock.advance(time::Duration::hours(23));
    assert_eq!(purged(&app, "data archives deleted").await?, 0);
    app.clock.advance(time::Duration::hours(2));
    assert_eq!(purged(&app, "data archives deleted").await?, 1);
    assert_eq!(uploads(), resumes, "the expired archive's file is deleted");
    assert_eq!(app.count("data_archives").await?, 0);

    // A new one, never downloaded, goes with the account. (The session
    // has ended meanwhile: asked and deleted as the operator would.)
    use app::privacy::ssr::{DeletedBy, Member, ask_for_archive, erase_account};
    let account = app::accounts::ssr::account::Entity::find()
        .filter(app::accounts::ssr::account::Column::Username.eq(value("username")))
        .one(&app.db)
        .await?
        .ok_or("no account")?;
    ask_for_archive(&app.state, account.id).await?;
    archive_link(&app, 2).await?;
    assert_eq!(uploads(), resumes + 1);
    let member = Member::load(&app.db, account.id)
        .await?
        .ok_or("no member")?;
    erase_account(&app.state, &member, DeletedBy::Operator).await?;
    assert_eq!(
        uploads(),
        resumes,
        "the archive's file is erased with the account"
    );
    assert_eq!(app.count("data_archives").await?, 0);
    Ok(())
}
