//! Password reset by mail, password change, and the sessions page.

use crate::helpers::{PASSWORD, TestApp, TestResult, spawn_app};

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn reset_token(app: &TestApp, email: &str) -> Result<String, Box<dyn std::error::Error>> {
    let answer = app
        .call("account/forgot-password", &[("email", email)])
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    let mail = app
        .mails()
        .await?
        .into_iter()
        .rev()
        .find(|mail| mail.subject == "Reset your password")
        .ok_or("no reset mail")?;
    Ok(mail.token().ok_or("no token in the reset mail")?)
}

#[tokio::test]
async fn a_reset_request_answers_the_same_whether_or_not_the_address_has_an_account() -> TestResult
{
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let known = app
        .call(
            "account/forgot-password",
            &[("email", "ferris@example.org")],
        )
        .await?;
    let unknown = app
        .call(
            "account/forgot-password",
            &[("email", "nobody@example.org")],
        )
        .await?;
    assert_eq!(known, unknown);
    assert_eq!(known.location.as_deref(), Some("/account/reset-sent"));
    let resets: Vec<_> = app
        .mails()
        .await?
        .into_iter()
        .filter(|mail| mail.subject == "Reset your password")
        .collect();
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0].to, "ferris@example.org");
    Ok(())
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_and_signs_out_everywhere() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let token = reset_token(&app, "ferris@example.org").await?;
    let answer = app
        .call(
            "account/reset-password",
            &[("token", &token), ("password", NEW_PASSWORD)],
        )
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    assert_eq!(app.count("sessions").await?, 0);
    assert_eq!(app.whoami().await?, None);
    assert_eq!(
        app.sign_in("ferris", PASSWORD)
            .await?
            .error()
            .map(|e| e.0)
            .as_deref(),
        Some("invalid")
    );
    assert_eq!(app.sign_in("ferris", NEW_PASSWORD).await?.error(), None);
    let notice = app.mails().await?.into_iter().last().ok_or("no mail")?;
    assert_eq!(notice.subject, "Your password was changed");
    Ok(())
}

#[tokio::test]
async fn a_reset_link_works_once_and_for_one_hour() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let token = reset_token(&app, "ferris@example.org").await?;
    let form = [("token", token.as_str()), ("password", NEW_PASSWORD)];
    assert_eq!(
        app.call("account/reset-password", &form).await?.error(),
        None
    );
    let again = app.call("account/reset-password", &form).await?;
    assert_eq!(
        again.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );

    let late = reset_token(&app, "ferris@example.org").await?;
    app.clock.advance(time::Duration::hours(1));
    let expired = app
        .call(
            "account/reset-password",
            &[("token", &late), ("password", NEW_PASSWORD)],
        )
        .await?;
    assert_eq!(
        expired.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    Ok(())
}

#[tokio::test]
async fn a_password_change_voids_outstanding_links() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let token = reset_token(&app, "ferris@example.org").await?;
    let changed = app
        .call(
            "account/change-password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await?;
    assert_eq!(changed.error(), None, "{changed:?}");
    let answer = app
        .call(
            "account/reset-password",
            &[("token", &token), ("password", "yet another passphrase")],
        )
        .await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    Ok(())
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let answer = app
        .call(
            "account/change-password",
            &[
                ("current_password", "not my password"),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("current_password".to_owned())))
    );
    assert_eq!(app.sign_in("ferris", PASSWORD).await?.error(), None);
    Ok(())
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_but_not_this_one() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    // A second device.
    let other = reqwest::Client::builder().cookie_store(true).build()?;
    let signed_in = other
        .post(app.url("/api/account/sign-in"))
        .form(&[("login", "ferris"), ("password", PASSWORD)])
        .send()
        .await?;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(app.count("sessions").await?, 2);

    app.call(
        "account/change-password",
        &[
            ("current_password", PASSWORD),
            ("new_password", NEW_PASSWORD),
        ],
    )
    .await?;
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));
    let old_device = other
        .post(app.url("/api/account/whoami"))
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(old_device, "null");
    Ok(())
}

#[tokio::test]
async fn a_member_sees_their_sessions_and_can_end_the_others() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let other = reqwest::Client::builder().cookie_store(true).build()?;
    other
        .post(app.url("/api/account/sign-in"))
        .header(
            "user-agent",
            "Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537.36",
        )
        .form(&[("login", "ferris"), ("password", PASSWORD)])
        .send()
        .await?;
    let listed = app.call("account/sessions", &[]).await?;
    let sessions: serde_json::Value = serde_json::from_str(&listed.body)?;
    let sessions = sessions.as_array().ok_or("not a list")?;
    assert_eq!(sessions.len(), 2);
    let devices: Vec<&str> = sessions
        .iter()
        .filter_map(|s| s["device"].as_str())
        .collect();
    assert!(devices.contains(&"Chrome on Windows"), "{devices:?}");
    assert!(!listed.body.contains("127.0.0.1"));

    app.call("account/end-other-sessions", &[]).await?;
    assert_eq!(app.count("sessions").await?, 1);
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));
    Ok(())
}

#[tokio::test]
async fn a_member_cannot_end_someone_elses_session() -> TestResult {
    let app = spawn_app().await?;
    // The victim signs in from another client.
    app.confirmed_member("victim", "victim@example.org").await?;
    let victim = reqwest::Client::builder().cookie_store(true).build()?;
    victim
        .post(app.url("/api/account/sign-in"))
        .form(&[("login", "victim"), ("password", PASSWORD)])
        .send()
        .await?;
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT id_hash FROM sessions",
        ))
        .await?
        .ok_or("no session")?;
    let victim_session: String = row.try_get("", "id_hash")?;

    app.signed_in_member("mallory", "mallory@example.org")
        .await?;
    app.call("account/end-session", &[("id", &victim_session)])
        .await?;
    let still = victim
        .post(app.url("/api/account/whoami"))
        .send()
        .await?
        .text()
        .await?;
    assert!(still.contains("\"username\":\"victim\""), "{still}");
    Ok(())
}

#[tokio::test]
async fn session_pages_and_actions_need_a_signed_in_member() -> TestResult {
    let app = spawn_app().await?;
    for endpoint in [
        "account/sessions",
        "account/end-other-sessions",
        "account/change-password",
    ] {
        let answer = app
            .call(
                endpoint,
                &[
                    ("current_password", PASSWORD),
                    ("new_password", NEW_PASSWORD),
                ],
            )
            .await?;
        assert_eq!(
            answer.error().map(|e| e.0).as_deref(),
            Some("unauthorized"),
            "{endpoint}"
        );
        assert_eq!(answer.status, 401, "{endpoint}");
    }
    let answer = app.call("account/end-session", &[("id", "x")]).await?;
    assert_eq!(answer.status, 401);
    Ok(())
}

/// Signs `login` in from a new client, remembered or not.
async fn device(
    app: &TestApp,
    login: &str,
    remember: bool,
) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let mut form = vec![("login", login), ("password", PASSWORD)];
    if remember {
        form.push(("remember", "on"));
    }
    client
        .post(app.url("/api/account/sign-in"))
        .form(&form)
        .send()
        .await?
        .error_for_status()?;
    Ok(client)
}

/// Who `client` is signed in as, from the body of `whoami`.
async fn signed_in_as(
    app: &TestApp,
    client: &reqwest::Client,
) -> Result<String, Box<dyn std::error::Error>> {
    Ok(client
        .post(app.url("/api/account/whoami"))
        .send()
        .await?
        .text()
        .await?)
}

/// The number of sessions of `username` with "remember me", and without.
async fn sessions_of(
    app: &TestApp,
    username: &str,
) -> Result<(i64, i64), Box<dyn std::error::Error>> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "SELECT COALESCE(SUM(CASE WHEN s.remember THEN 1 ELSE 0 END), 0) AS remembered, \
                     COALESCE(SUM(CASE WHEN s.remember THEN 0 ELSE 1 END), 0) AS plain \
                     FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = $1"
                }
                _ => {
                    "SELECT COALESCE(SUM(CASE WHEN s.remember THEN 1 ELSE 0 END), 0) AS remembered, \
                     COALESCE(SUM(CASE WHEN s.remember THEN 0 ELSE 1 END), 0) AS plain \
                     FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = ?"
                }
            },
            [username.into()],
        ))
        .await?
        .ok_or("no row")?;
    Ok((row.try_get("", "remembered")?, row.try_get("", "plain")?))
}

#[tokio::test]
async fn forgetting_remembered_devices_ends_them_and_no_one_elses() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    app.confirmed_member("ada", "ada@example.org").await?;
    let answer = app
        .call(
            "account/sign-in",
            &[
                ("login", "ferris"),
                ("password", PASSWORD),
                ("remember", "on"),
            ],
        )
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    let remembered = device(&app, "ferris", true).await?;
    let plain = device(&app, "ferris", false).await?;
    let ada = device(&app, "ada", true).await?;
    assert_eq!(sessions_of(&app, "ferris").await?, (2, 1));

    // Nobody signed in can forget anyone's devices.
    let stranger = reqwest::Client::new()
        .post(app.url("/api/account/forget-devices"))
        .send()
        .await?;
    assert_eq!(stranger.status().as_u16(), 401);
    assert_eq!(sessions_of(&app, "ferris").await?, (2, 1));

    let answer = app.call("account/forget-devices", &[]).await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    // This device stays signed in, no longer remembered; the other
    // remembered device is signed out; the plain session is untouched.
    assert_eq!(sessions_of(&app, "ferris").await?, (0, 2));
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));
    assert!(!signed_in_as(&app, &remembered).await?.contains("ferris"));
    assert!(
        signed_in_as(&app, &plain)
            .await?
            .contains("\"username\":\"ferris\"")
    );
    assert!(
        signed_in_as(&app, &ada)
            .await?
            .contains("\"username\":\"ada\"")
    );
    assert_eq!(sessions_of(&app, "ada").await?, (1, 0));

    // Without "remember me", this session now ends after two hours unused
    // (or twelve after sign-in), not fourteen days.
    app.clock.advance(time::Duration::hours(13));
    assert_eq!(app.whoami().await?, None);
    Ok(())
}
