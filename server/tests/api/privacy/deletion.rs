//! Proof before deletion: an account without a password (signing in only
//! through a provider) is deleted with its second factor, or else only by
//! the single-use link mailed to its confirmed address — never by typing
//! its username in a session someone else may have got hold of.

use time::Duration;

use crate::{
    accounts::two_factor::{code_at, enrol},
    helpers::{TestApp, TestResult, spawn_app},
};

/// Makes `username` an account without a password, as one made through a
/// sign-in provider is.
async fn drop_password(app: &TestApp, username: &str) -> TestResult {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "UPDATE accounts SET password_hash = NULL WHERE username = $1"
        }
        _ => "UPDATE accounts SET password_hash = NULL WHERE username = ?1",
    };
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [username.into()],
        ))
        .await?;
    Ok(())
}

async fn exists(app: &TestApp, username: &str) -> Result<bool, Box<dyn std::error::Error>> {
    use app::accounts::ssr::account;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(&app.db)
        .await?
        .is_some())
}

async fn proof(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    let answer = app.call("account/deletion-proof", &[]).await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    Ok(serde_json::from_str::<String>(&answer.body)?)
}

const SUBJECT: &str = "Confirm the deletion of your account";

/// Deletes the signed-in member ferris's account with the password.
async fn delete_ferris(app: &TestApp) -> TestResult {
    let deleted = app
        .call(
            "account/delete",
            &[
                ("confirm", "ferris"),
                ("password", crate::helpers::PASSWORD),
            ],
        )
        .await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    Ok(())
}

#[tokio::test]
async fn an_account_without_password_or_second_factor_is_deleted_only_by_the_mailed_link()
-> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    drop_password(&app, "ferris").await?;
    assert_eq!(proof(&app).await?, "MailedLink");

    let asked = app
        .call("account/delete", &[("confirm", "ferris"), ("password", "")])
        .await?;
    assert_eq!(asked.error(), None, "{asked:?}");
    assert_eq!(
        asked.location.as_deref(),
        Some("/account/delete/check-mail")
    );
    assert!(exists(&app, "ferris").await?, "nothing is deleted yet");
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));
    let mail = app
        .mails()
        .await?
        .into_iter()
        .rev()
        .find(|mail| mail.subject == SUBJECT)
        .ok_or("no deletion link mailed")?;
    assert_eq!(mail.to, "ferris@example.org");
    let token = mail.token().ok_or("no token")?;

    // Opening the page deletes nothing; a made-up token deletes nothing.
    let page = app
        .get(&format!("/account/delete/confirm?token={token}"))
        .await?;
    assert_eq!(page.status().as_u16(), 200);
    assert!(exists(&app, "ferris").await?);
    let forged = app
        .call("account/delete-by-link", &[("token", "not-a-token")])
        .await?;
    assert_eq!(
        forged.error(),
        Some(("invalid".into(), Some("token".into())))
    );

    // The link works from any browser, once.
    let elsewhere = TestApp::visitor_of(&app)?;
    let deleted = elsewhere
        .call("account/delete-by-link", &[("token", &token)])
        .await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    assert_eq!(deleted.location.as_deref(), Some("/account/deleted"));
    assert!(!exists(&app, "ferris").await?);
    assert_eq!(app.whoami().await?, None, "the sessions ended");
    let again = elsewhere
        .call("account/delete-by-link", &[("token", &token)])
        .await?;
    assert_eq!(
        again.error(),
        Some(("invalid".into(), Some("token".into())))
    );
    Ok(())
}

#[tokio::test]
async fn a_mailed_link_expires_after_an_hour_and_at_most_three_are_mailed_an_hour() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    drop_password(&app, "ferris").await?;
    let ask = || app.call("account/delete", &[("confirm", "ferris")]);
    for _ in 0..3 {
        assert_eq!(ask().await?.error(), None);
    }
    assert_eq!(
        ask().await?.error().map(|error| error.0).as_deref(),
        Some("rate_limited")
    );
    let mails: Vec<_> = app
        .mails()
        .await?
        .into_iter()
        .filter(|mail| mail.subject == SUBJECT)
        .collect();
    assert_eq!(mails.len(), 3);
    let token = mails[0].token().ok_or("no token")?;
    app.clock.advance(Duration::minutes(61));
    let late = app
        .call("account/delete-by-link", &[("token", &token)])
        .await?;
    assert_eq!(late.error(), Some(("invalid".into(), Some("token".into()))));
    assert!(exists(&app, "ferris").await?);
    Ok(())
}

#[tokio::test]
async fn no_link_goes_to_an_address_that_was_never_confirmed() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    drop_password(&app, "ferris").await?;
    app.unconfirm("ferris").await?;
    let mails_before = app.mails().await?.len();
    let refused = app.call("account/delete", &[("confirm", "ferris")]).await?;
    assert_eq!(
        refused.error(),
        Some(("invalid".into(), Some("confirm".into())))
    );
    assert_eq!(app.mails().await?.len(), mails_before);
    assert!(exists(&app, "ferris").await?);
    Ok(())
}

#[tokio::test]
async fn an_account_without_password_but_with_a_second_factor_is_deleted_with_a_code() -> TestResult
{
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    drop_password(&app, "ferris").await?;
    assert_eq!(proof(&app).await?, "SecondFactor");

    let typed_only = app.call("account/delete", &[("confirm", "ferris")]).await?;
    assert_eq!(
        typed_only.error(),
        Some(("invalid".into(), Some("code".into())))
    );
    let wrong = app
        .call(
            "account/delete",
            &[("confirm", "ferris"), ("code", "000000")],
        )
        .await?;
    assert_eq!(wrong.error(), Some(("invalid".into(), Some("code".into()))));
    assert!(exists(&app, "ferris").await?);
    assert!(
        app.mails()
            .await?
            .iter()
            .all(|mail| mail.subject != SUBJECT),
        "no link is mailed when a second factor can prove it"
    );

    // The code that enabled the factor is spent; the next one works.
    app.clock.advance(Duration::seconds(30));
    let code = code_at(&enrolled.totp, &app);
    let deleted = app
        .call("account/delete", &[("confirm", "ferris"), ("code", &code)])
        .await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    assert_eq!(deleted.location.as_deref(), Some("/account/deleted"));
    assert!(!exists(&app, "ferris").await?);
    Ok(())
}

/// The text of every `.eml` file in `folder`.
fn mail_files(folder: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn erasing_an_account_deletes_its_mail_files_but_the_last_mail() -> TestResult {
    let app = spawn_app().await?;
    let folder = app.state.mail_folder.clone().ok_or("no mail folder")?;
    let worker = app.mail_folder_worker()?;
    app.confirmed_member("corro", "corro@example.org").await?;
    app.signed_in_member("ferris", "Ferris@Example.org").await?;
    worker.deliver_due().await?;
    let about = |files: &[String], address: &str| {
        files
            .iter()
            .filter(|text| text.to_lowercase().contains(address))
            .count()
    };
    let files = mail_files(&folder);
    assert_eq!(about(&files, "ferris@example.org"), 1, "the confirmation");
    assert_eq!(about(&files, "corro@example.org"), 1);

    delete_ferris(&app).await?;
    let files = mail_files(&folder);
    assert_eq!(about(&files, "ferris@example.org"), 0, "{files:?}");
    assert_eq!(about(&files, "corro@example.org"), 1, "others' mail stays");

    // The last mail is delivered afterwards, and stays for the member.
    worker.deliver_due().await?;
    let files = mail_files(&folder);
    assert_eq!(about(&files, "ferris@example.org"), 1);
    assert!(
        files
            .iter()
            .any(|text| text.contains("Your account was deleted"))
    );
    Ok(())
}

#[tokio::test]
async fn a_deleted_members_names_stay_retired_for_90_days_as_keyed_hashes_only() -> TestResult {
    use super::retention::purged;
    let app = spawn_app().await?;
    app.signed_in_member("crabby", "ferris@example.org").await?;
    let renamed = app
        .call("account/change-username", &[("username", "ferris")])
        .await?;
    assert_eq!(renamed.error(), None, "{renamed:?}");
    delete_ferris(&app).await?;

    // Neither the name nor the one it left can be taken by someone else.
    let impostor = TestApp::visitor_of(&app)?;
    for name in ["ferris", "Ferris", "crabby"] {
        let taken = impostor
            .register(name, &format!("{}@example.net", name.to_lowercase()))
            .await?;
        assert_eq!(
            taken.error(),
            Some(("invalid".into(), Some("username".into()))),
            "{name}: {taken:?}"
        );
    }
    // Only keyed hashes are kept.
    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT key_hash FROM retired_usernames",
        ))
        .await?;
    assert_eq!(rows.len(), 2);
    for row in rows {
        let hash: String = row.try_get_by_index(0)?;
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("ferris") && !hash.contains("crabby"));
    }

    app.clock.advance(Duration::days(89));
    assert_eq!(purged(&app, "retired usernames released").await?, 0);
    app.clock.advance(Duration::days(2));
    assert_eq!(purged(&app, "retired usernames released").await?, 2);
    let now_free = impostor.register("ferris", "new@example.net").await?;
    assert_eq!(now_free.error(), None, "{now_free:?}");
    Ok(())
}
