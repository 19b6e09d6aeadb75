//! The privacy centre: a member downloads everything held about them, and
//! deletes their account (the scan after deletion is in `erasure.rs`).

use app::privacy::{
    manifest::{Class, OWNED, entries},
    ssr::NOT_SHOWN,
};
use serde_json::Value;

use crate::{
    forum::threads::{NOT_HELD, forum_admin, member, reply, start_thread},
    helpers::{PASSWORD, TestApp, TestResult, backend, spawn_app_with},
    jobs::applications::{PDF, applicant},
};

/// The signed-in member's download, parsed.
pub async fn download(browser: &TestApp) -> Result<Value, Box<dyn std::error::Error>> {
    let response = browser.get("/account/data.json").await?;
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json; charset=utf-8")
    );
    assert!(
        headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("attachment;")),
        "{headers:?}"
    );
    assert_eq!(
        headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    Ok(serde_json::from_str(&response.text().await?)?)
}

/// The rows of `table` in a download, wherever its feature put it.
pub fn rows<'a>(data: &'a Value, table: &str) -> &'a [Value] {
    data["features"]
        .as_object()
        .into_iter()
        .flat_map(|features| features.values())
        .find_map(|tables| tables[table]["rows"].as_array())
        .map_or(&[], Vec::as_slice)
}

/// A forum with two members, Ferris (who posts, reports, signs up for the
/// digest and applies for a job with the account's address) and Corro.
async fn busy_forum() -> Result<(TestApp, TestApp, TestApp), Box<dyn std::error::Error>> {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, general) = forum_admin(&app).await?;
    let ferris = member(&app, "ferris").await?;
    let corro = member(&app, "corro").await?;
    let mine = start_thread(&ferris, general, "Crabs everywhere", "Ferris was here.").await?;
    let theirs = start_thread(&corro, general, "Corro's corner", "Corro wrote this.").await?;
    reply(&corro, mine.thread, "A reply from Corro to Ferris.").await?;
    reply(&ferris, theirs.thread, "Ferris answers Corro.").await?;
    let report = ferris
        .call(
            "forum/report",
            &[
                ("post", &theirs.post.to_string()),
                ("reason", "spam"),
                ("note", ""),
            ],
        )
        .await?;
    assert_eq!(report.error(), None, "{report:?}");
    let digest = ferris.call("forum/digest/set", &[("on", "true")]).await?;
    assert_eq!(digest.error(), None, "{digest:?}");

    boss.grant("boss", "recruiter").await?;
    let job = boss.post_job("Rust engineer").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let applied = visitor
        .apply(job, &applicant("ferris@example.org"), "cv.pdf", PDF)
        .await?;
    assert_eq!(applied.error(), None, "{applied:?}");
    let other = visitor
        .apply(job, &applicant("corro@example.org"), "cv.pdf", PDF)
        .await?;
    assert_eq!(other.error(), None, "{other:?}");
    Ok((app, ferris, corro))
}

#[tokio::test]
async fn a_member_downloads_every_field_held_about_them_and_nothing_of_anyone_else() -> TestResult {
    let (_app, ferris, _corro) = busy_forum().await?;
    let data = download(&ferris).await?;

    assert_eq!(data["username"], "ferris");
    let account = &rows(&data, "accounts")[0];
    assert_eq!(account["username"], "ferris");
    assert_eq!(account["email"], "ferris@example.org");
    assert_eq!(account["password_hash"], NOT_SHOWN);
    assert_eq!(rows(&data, "sessions").len(), 1);
    assert_eq!(rows(&data, "sessions")[0]["id_hash"], NOT_SHOWN);
    assert!(!rows(&data, "consents").is_empty(), "no consent");
    let posts: Vec<&str> = rows(&data, "forum_posts")
        .iter()
        .filter_map(|post| post["body"].as_str())
        .collect();
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert!(posts.contains(&"Ferris was here."), "{posts:?}");
    assert!(posts.contains(&"Ferris answers Corro."), "{posts:?}");
    assert_eq!(rows(&data, "forum_threads").len(), 1);
    assert_eq!(rows(&data, "forum_report_flags").len(), 1);
    assert!(!rows(&data, "notifications").is_empty(), "no notification");
    let applications = rows(&data, "job_applications");
    assert_eq!(applications.len(), 1);
    assert_eq!(applications[0]["email"], "ferris@example.org");
    assert_eq!(applications[0]["full_name"], "Ada Lovelace");

    // Every personal column of every table with rows is there.
    let postgres = backend() == crate::helpers::Backend::Postgres;
    for owned in OWNED {
        for row in rows(&data, owned.table) {
            for entry in entries().filter(|entry| entry.table == owned.table) {
                let expected = owned.context.contains(&entry.column)
                    || matches!(entry.class, Class::Personal(_))
                        && (postgres || !entry.postgres_only)
                        && !owned.others.contains(&entry.column);
                assert_eq!(
                    row.get(entry.column).is_some(),
                    expected,
                    "{}.{} in {row}",
                    owned.table,
                    entry.column
                );
            }
        }
    }

    // Nothing of Corro's: not the address, not the posts, not the reply
    // to Ferris's thread, not Corro's application.
    let text = data.to_string();
    for theirs in [
        "corro@example.org",
        "Corro wrote this.",
        "A reply from Corro",
        "Corro's corner",
        "\"corro\"",
    ] {
        assert!(!text.contains(theirs), "the download holds {theirs:?}");
    }
    Ok(())
}

#[tokio::test]
async fn the_download_needs_a_session_and_is_limited_to_five_an_hour() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let response = app.get("/account/data.json").await?;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/account/sign-in")
    );

    app.signed_in_member("ferris", "ferris@example.org").await?;
    for _ in 0..5 {
        download(&app).await?;
    }
    let refused = app.get("/account/data.json").await?;
    assert_eq!(refused.status().as_u16(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    Ok(())
}

/// The account row of `username`, if it still exists.
async fn account_exists(app: &TestApp, username: &str) -> Result<bool, Box<dyn std::error::Error>> {
    use app::accounts::ssr::account;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(&app.db)
        .await?
        .is_some())
}

#[tokio::test]
async fn deleting_the_account_needs_the_username_and_the_password() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let no_name = app
        .call(
            "account/delete",
            &[("confirm", "ferri"), ("password", PASSWORD)],
        )
        .await?;
    assert_eq!(
        no_name.error(),
        Some(("invalid".to_owned(), Some("confirm".to_owned())))
    );
    let wrong = app
        .call(
            "account/delete",
            &[
                ("confirm", "ferris"),
                ("password", "not my password at all"),
            ],
        )
        .await?;
    assert_eq!(
        wrong.error(),
        Some(("invalid".to_owned(), Some("password".to_owned())))
    );
    assert!(account_exists(&app, "ferris").await?);
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));

    let visitor = TestApp::visitor_of(&app)?;
    let signed_out = visitor
        .call(
            "account/delete",
            &[("confirm", "ferris"), ("password", PASSWORD)],
        )
        .await?;
    assert_eq!(signed_out.status, 401, "{signed_out:?}");
    assert!(account_exists(&app, "ferris").await?);
    Ok(())
}

#[tokio::test]
async fn a_deleted_account_is_erased_its_posts_stay_without_a_name_and_others_are_untouched()
-> TestResult {
    let (app, ferris, corro) = busy_forum().await?;
    let deleted = ferris
        .call(
            "account/delete",
            &[("confirm", "ferris"), ("password", PASSWORD)],
        )
        .await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    assert_eq!(deleted.location.as_deref(), Some("/account/deleted"));
    assert_eq!(ferris.whoami().await?, None);
    assert!(!account_exists(&app, "ferris").await?);
    assert_eq!(
        ferris.sign_in("ferris", PASSWORD).await?.error(),
        Some(("invalid".to_owned(), Some("password".to_owned())))
    );

    // What was the account's own is gone; the posts stay, unlinked.
    let db = &app.db;
    let count = |sql: &'static str| async move {
        use sea_orm::{ConnectionTrait, Statement};
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?
            .ok_or("no row")?;
        Ok::<i64, Box<dyn std::error::Error>>(row.try_get_by_index(0)?)
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM sessions").await?,
        2,
        "boss and corro"
    );
    assert_eq!(count("SELECT COUNT(*) FROM forum_report_flags").await?, 0);
    assert_eq!(
        count("SELECT COUNT(*) FROM forum_posts WHERE author_id IS NULL").await?,
        2
    );
    assert_eq!(count("SELECT COUNT(*) FROM forum_posts").await?, 4);

    // One last mail, and no other mail left unsent to the address.
    let mails = app.mails().await?;
    let last = mails.last().ok_or("no mail")?;
    assert_eq!(
        (last.to.as_str(), last.subject.as_str()),
        ("ferris@example.org", "Your account was deleted")
    );

    // Corro is still there, signed in, with their posts under their name.
    assert_eq!(corro.whoami().await?.as_deref(), Some("corro"));
    let theirs = download(&corro).await?;
    assert_eq!(rows(&theirs, "forum_posts").len(), 2);

    // A second request (another tab) finds nothing more to delete.
    let again = ferris
        .call(
            "account/delete",
            &[("confirm", "ferris"), ("password", PASSWORD)],
        )
        .await?;
    assert_eq!(again.status, 401, "{again:?}");
    Ok(())
}

#[tokio::test]
async fn the_only_administrator_cannot_delete_their_account() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, _) = forum_admin(&app).await?;
    let refused = boss
        .call(
            "account/delete",
            &[("confirm", "boss"), ("password", PASSWORD)],
        )
        .await?;
    assert_eq!(
        refused.error(),
        Some(("invalid".to_owned(), Some("confirm".to_owned())))
    );
    assert!(account_exists(&app, "boss").await?);
    Ok(())
}

#[tokio::test]
async fn the_data_page_shows_what_the_download_holds() -> TestResult {
    let (app, ferris, _corro) = busy_forum().await?;
    let answer = ferris.call("account/data", &[]).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    let shown: app::privacy::data::MemberData = serde_json::from_str(&answer.body)?;
    let downloaded = download(&ferris).await?;
    assert_eq!(shown.username, "ferris");
    assert_eq!(
        shown.features.first().map(|feature| feature.name.as_str()),
        Some("Account")
    );
    for feature in &shown.features {
        for table in &feature.tables {
            let rows = rows(&downloaded, &table.table);
            assert_eq!(rows.len(), table.rows.len(), "{}", table.table);
            for (shown_row, row) in table.rows.iter().zip(rows) {
                for (field, value) in table.fields.iter().zip(shown_row) {
                    assert_eq!(
                        row[&field.column].as_str(),
                        value.as_deref(),
                        "{}.{}",
                        table.table,
                        field.column
                    );
                }
            }
        }
    }

    let page = ferris.get("/account/data").await?;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await?;
    assert!(
        html.contains("ferris@example.org"),
        "the page lacks the address"
    );
    assert!(html.contains("Ferris was here."), "the page lacks a post");
    assert!(!html.contains("corro@example.org"));

    let visitor = TestApp::visitor_of(&app)?;
    assert_eq!(visitor.call("account/data", &[]).await?.status, 401);
    Ok(())
}

#[tokio::test]
async fn an_unconfirmed_address_does_not_open_the_job_applications_made_with_it() -> TestResult {
    let (app, ferris, _corro) = busy_forum().await?;
    assert_eq!(rows(&download(&ferris).await?, "job_applications").len(), 1);
    // As if the account had taken the address from a provider that does
    // not vouch for it: the applications are someone else's until then.
    app.unconfirm("ferris").await?;
    let data = download(&ferris).await?;
    assert!(rows(&data, "job_applications").is_empty(), "{data}");
    assert!(!data.to_string().contains("Ada Lovelace"), "{data}");
    assert_eq!(rows(&data, "accounts").len(), 1);
    Ok(())
}
